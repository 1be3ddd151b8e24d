#!/usr/bin/env node
// The `agora-graphql` command. The sources are TypeScript that Node 24 runs as it is (type stripping:
// the sources use only erasable syntax), so there is no build step between `npm install` and `npm start`.
const { main, exitOnFailure } = await import('./main.ts');
main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
}, exitOnFailure);
