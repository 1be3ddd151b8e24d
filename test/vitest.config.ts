import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every test starts its own servers on ephemeral ports, so files can run in parallel safely.
    pool: 'forks',
  },
});
