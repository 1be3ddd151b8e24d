import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Tests that measure throughput in real time. They run beside the functional tests, from the start, and
 * those yield the CPU to them (test/setup-functional.ts).
 */
const LOAD_TESTS = ['test/agora/sustained.test.ts'];
/** Runs after everything else: it reads what the whole suite logged. */
const LAST_TESTS = ['test/zz-secrets/**/*.test.ts'];

/**
 * The longest files, started first so that the workers finish together: vitest orders files by the
 * durations of the last run, which a fresh clone (CI) has not, and falls back to file size, which puts
 * a one-line file that makes 1,000 requests last.
 */
const LONGEST_FIRST = [
  ...LOAD_TESTS,
  'test/events/scale-out.test.ts',
  'test/schema/hostile-input-mutations.test.ts',
  'test/server/graphiql.test.ts',
  'test/events/subscriptions.test.ts',
  'test/schema/rules-matrix.test.ts',
  'test/events/changes.test.ts',
  'test/schema/pagination.test.ts',
  'test/agora/budget-store.test.ts',
  'test/schema/rules.test.ts',
  'test/server/shutdown.test.ts',
  'test/auth/identity.test.ts',
  'test/cli.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const index = LONGEST_FIRST.findIndex((path) => file.moduleId.endsWith(`/${path}`));
      return index === -1 ? LONGEST_FIRST.length : index;
    };
    // Array#sort is stable: the files not named keep vitest's order, after those named.
    return sorted.sort((a, b) => a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder || rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Files share a worker's modules (the schema is built once per worker, not once per file); every
    // server, socket and fake timer a test starts is undone after it (test/setup.ts).
    isolate: false,
    // A guard against a hang, not a speed: the functional tests run at idle priority beside the load test,
    // and the longest of them (a thousand hostile requests) takes several times longer there than alone.
    testTimeout: 60_000,
    // expect.poll waits on real sockets and timers: a loaded CI machine needs more than the default second.
    expect: { poll: { timeout: 5_000, interval: 20 } },
    hookTimeout: 30_000,
    // Every test starts its own servers on ephemeral ports, so files can run in parallel safely. Most of
    // them wait on sockets and timers more than they compute: four workers keep two cores busy. The load
    // test holds one of them for its 20 s; the functional workers run at idle priority beside it (Linux's idle
    // class yields to it more completely than nice 19, which let its shares fall below the load test's bar).
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    // Node runs the TypeScript sources itself (type stripping), as `npm start` does: no transform per worker.
    experimental: { viteModuleRunner: false },
    maxWorkers: 4,
    projects: [
      // A project's setupFiles add to the root's (test/setup.ts runs for every file).
      {
        extends: true,
        test: {
          name: 'functional',
          setupFiles: ['test/setup-functional.ts'],
          include: ['test/**/*.test.ts'],
          exclude: [...LOAD_TESTS, ...LAST_TESTS],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'load', include: LOAD_TESTS, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'last', include: LAST_TESTS, sequence: { groupOrder: 1 } } },
    ],
  },
});
