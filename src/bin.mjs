#!/usr/bin/env node
// The `agora-graphql` command. The sources are TypeScript, run through tsx's loader so that there is
// no build step between `npm install` and `npm start`.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
