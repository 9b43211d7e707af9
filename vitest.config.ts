import { defineConfig } from 'vitest/config';

/**
 * Three projects, so a reader finds a test where its subject lives:
 * - unit: in-process tests; test/unit mirrors src/ (test/unit/kb/rank/ranker.test.ts tests src/kb/rank/ranker.ts);
 * - e2e: the `kbbot` command and other child processes, as a user or an operator runs them;
 * - corpus: measurements on the 57,000-article KB archive, skipped with a message without it.
 * The global setup compiles src/ to dist/ first, so a test that runs the CLI or a worker thread
 * runs the current source even when one file is run alone (`npx vitest run test/e2e/cli.test.ts`).
 */
export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'corpus', include: ['test/corpus/**/*.test.ts'] } },
    ],
  },
});
