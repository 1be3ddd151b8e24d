import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Tests that measure throughput in real time. They run beside the functional tests, from the start, and
 * those yield the CPU to them (test/setup-functional.ts).
 */
const LOAD_TESTS = ['test/agora/sustained.test.ts'];
/** Runs after everything else: it reads what the whole suite logged. */
const LAST_TESTS = ['test/zz-secrets/**/*.test.ts'];

/** Vitest's order (longest first), with the load tests ahead of all: they are the longest, and must not wait for a worker. */
class LoadTestsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLoad = (file: TestSpecification) => file.project.name === 'load';
    return [...sorted.filter(isLoad), ...sorted.filter((file) => !isLoad(file))];
  }
}

export default defineConfig({
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
    // them wait on sockets and timers more than they compute: four workers keep two cores busy. The load
    // test holds one of them for its 20 s; the functional workers run at idle priority beside it. (At nice 19
    // its shares fell to 0.85-0.95, from 0.98 alone, against a 0.9 bar; in the idle class they stay 0.95-0.98.)
    pool: 'forks',
    sequence: { sequencer: LoadTestsFirst },
    // Node runs the TypeScript sources itself (type stripping), as `npm start` does: no transform per worker.
    experimental: { viteModuleRunner: false },
    maxWorkers: 4,
    projects: [
      { extends: true, test: { name: 'functional', setupFiles: ['test/setup.ts', 'test/setup-functional.ts'], include: ['test/**/*.test.ts'], exclude: [...LOAD_TESTS, ...LAST_TESTS], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'load', include: LOAD_TESTS, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'last', include: LAST_TESTS, sequence: { groupOrder: 1 } } },
    ],
  },
});
