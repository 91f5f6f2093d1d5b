import { defineConfig } from 'vitest/config';

/**
 * The reliability suite (issue 12), run by scripts/reliability.mjs: `npm run reliability` (full
 * size) and a step of `npm test` (quick size). Kept out of vitest.config.ts so `--project
 * integration` stays as it was and the suite runs at a size of its own, into a results file.
 */
export default defineConfig({
  test: {
    name: 'reliability',
    include: ['test/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
