// Preloaded into a gateway process (NODE_OPTIONS=--import) by tests that check what the gateway loads
// and when: prints `loading module <package>` the first time a module of a package named in
// REPORT_MODULE_LOADS (comma-separated) is loaded.
import { registerHooks } from 'node:module';

const watched = new Set((process.env.REPORT_MODULE_LOADS ?? '').split(',').filter(Boolean));
const reported = new Set();

registerHooks({
  load(url, context, nextLoad) {
    const name = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (name && watched.has(name) && !reported.has(name)) {
      reported.add(name);
      process.stdout.write(`loading module ${name}\n`);
    }
    return nextLoad(url, context);
  },
});
