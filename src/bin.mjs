#!/usr/bin/env node
// The `agora-graphql` command. The sources are TypeScript that Node 24 runs as it is (type stripping:
// the sources use only erasable syntax), so there is no build step between `npm install` and `npm start`.
await import('./main.ts');
