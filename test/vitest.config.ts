import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Pothos and yoga, load the CJS one;
    // vite would pick the ESM one for our sources, and two graphql realms cannot share a schema.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Files share a worker's modules (the schema is built once per worker, not once per file); every
    // server, socket and fake timer a test starts is undone after it (test/setup.ts).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test starts its own servers on ephemeral ports, so files can run in parallel safely.
    pool: 'forks',
  },
});
