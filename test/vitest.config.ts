import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

/** Tests that measure throughput in real time: they run after the rest, alone, so no other test takes their CPU. */
const LOAD_TESTS = ['test/agora/sustained.test.ts'];
/** Runs after everything else: it reads what the whole suite logged. */
const LAST_TESTS = ['test/zz-secrets/**/*.test.ts'];

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node, and so Pothos and yoga, load the CJS one;
    // vite would pick the ESM one for our sources, and two graphql realms cannot share a schema.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Files share a worker's modules (the schema is built once per worker, not once per file); every
    // server, socket and fake timer a test starts is undone after it (test/setup.ts).
    isolate: false,
    testTimeout: 30_000,
    // expect.poll waits on real sockets and timers: a loaded CI machine needs more than the default second.
    expect: { poll: { timeout: 5_000, interval: 20 } },
    hookTimeout: 30_000,
    // Every test starts its own servers on ephemeral ports, so files can run in parallel safely. Most of
    // them wait on sockets and timers more than they compute: four workers keep two cores busy. (The load
    // test was tried beside them, with their workers at nice 19: its shares fell to 0.85-0.95 from 0.98 alone,
    // under a 0.9 bar, since two vCPUs shared with anything slow its burst of 500 answers.)
    pool: 'forks',
    maxWorkers: 4,
    projects: [
      { extends: true, test: { name: 'functional', include: ['test/**/*.test.ts'], exclude: [...LOAD_TESTS, ...LAST_TESTS], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'load', include: LOAD_TESTS, sequence: { groupOrder: 1 } } },
      { extends: true, test: { name: 'last', include: LAST_TESTS, sequence: { groupOrder: 2 } } },
    ],
  },
});
