/**
 * Optional vitest global setup: one throwaway PostgreSQL cluster for the whole test run, shared by
 * every test file that calls `testPostgres()` (./postgres.ts), instead of one per file. Listed in
 * vitest.config.ts's `globalSetup` after test/global-setup.ts; stopped and removed when the run ends.
 * Where no cluster can start, the files skip with "Postgres tests skipped: <why>".
 */
import type { TestProject } from 'vitest/node';
import { POSTGRES_URL_ENV, postgresUnavailable, startCluster } from './postgres.js';

export default function setup(project: TestProject): (() => void) | undefined {
  if (process.env[POSTGRES_URL_ENV]) return undefined; // a server someone runs: the files use it
  const reason = postgresUnavailable();
  if (reason) {
    project.provide('kbbotPostgres', { skip: reason });
    return undefined;
  }
  try {
    const cluster = startCluster();
    project.provide('kbbotPostgres', { url: cluster.url });
    return () => cluster.stop();
  } catch (error) {
    project.provide('kbbotPostgres', { skip: `the test cluster did not start: ${(error as Error).message}` });
    return undefined;
  }
}
