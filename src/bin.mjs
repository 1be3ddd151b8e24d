#!/usr/bin/env node
// The `agora-graphql` command. The sources are TypeScript that Node 24 runs as it is (type stripping:
// the sources use only erasable syntax), so there is no build step between `npm install` and `npm start`.
// Node keeps what it compiled (and the stripped sources) in its compile cache under the temp directory:
// the next start skips compiling them again. Where the cache cannot be written, Node goes on without.
(await import('node:module')).enableCompileCache?.();
const { main, exitOnFailure } = await import('./main.ts');
main(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
}, exitOnFailure);
