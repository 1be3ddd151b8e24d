// Preloaded into a gateway process (NODE_OPTIONS=--import) by test/server/graphiql.test.ts: prints a line
// when GraphiQL's bundle module is loaded, so that the test sees when the gateway loads it.
import { registerHooks } from 'node:module';

registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('@graphql-yoga/render-graphiql')) process.stdout.write(`loading GraphiQL's bundle module\n`);
    return nextLoad(url, context);
  },
});
