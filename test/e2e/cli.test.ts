// Spawns the built CLI (bin/kbbot.js -> dist/), as a user would run it. `npm test` builds first.
import { runKbbot } from '../helpers/cli.js';
import type { SpawnSyncOptions } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNNING_AS_ROOT, SEED_IDS, SEEDS_DIR, tempDir } from '../helpers/paths.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const kbbot = (args: string[], options: SpawnSyncOptions = {}) => runKbbot(args, join(tmp.dir, 'data'), options);

const SUMMARY_KEYS = ['articles', 'duplicates', 'failures', 'files', 'forms', 'index', 'seconds'];

describe('kbbot CLI', () => {
  it('lists its commands and prints its version', () => {
    const help = kbbot(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/parse/);
    expect(help.stdout).toMatch(/ingest/);
    const version = kbbot(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('parse --json prints one Article per line for the seed articles', () => {
    const files = readdirSync(SEEDS_DIR)
      .sort()
      .map((f) => join('seeds', f));
    const r = kbbot(['parse', '--json', ...files]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(
      lines.map((l) => l.error ?? null),
      'the real parser must read every seed',
    ).toEqual([null, null, null, null, null]);
    expect(lines.map((l) => l.id)).toEqual(SEED_IDS);
    expect(lines.map((l) => l.path)).toEqual(files);
    expect(r.code).toBe(0);
  });

  it('parse DIR reads every file under the folder, with ids relative to it (an exported fixes folder, a runbook repo)', () => {
    const dir = join(tmp.dir, 'runbooks');
    mkdirSync(join(dir, 'etcd'), { recursive: true });
    writeFileSync(
      join(dir, 'disk-full.md'),
      '# Disk full\n\n## Resolution\n\n1. Remove old logs.\n2. Restart the service.\n',
    );
    writeFileSync(
      join(dir, 'etcd', 'quota.md'),
      '# etcd quota low\n\n## Mitigation\n\nDefragment etcd on each member.\n',
    );
    const r = kbbot(['parse', '--json', dir]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.id, l.title])).toEqual([
      ['disk-full.md', 'Disk full'],
      ['etcd/quota.md', 'etcd quota low'],
    ]);
    expect(r.code).toBe(0);
  });

  it('parse --json prints {"path","error"} for a file that fails, goes on, and exits 1', () => {
    const bad = join(tmp.dir, 'not-an-article.txt');
    writeFileSync(bad, 'hello\n');
    const r = kbbot(['parse', '--json', bad, join(tmp.dir, 'missing.txt')]);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]!).sort()).toEqual(['error', 'path']);
    expect(lines[0]!.path).toBe(bad);
    expect(lines[1]!.error).toMatch(/ENOENT/);
    expect(r.code).toBe(1);
  });

  it('ingest --json prints exactly one JSON object with the summary contract', () => {
    const out = join(tmp.dir, 'idx', 'seeds.index');
    const r = kbbot(['ingest', '--json', '--out', out, 'seeds']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(Object.keys(summary).sort()).toEqual(SUMMARY_KEYS);
    expect(summary.files).toBe(5);
    expect(Object.keys(summary.forms as object).sort()).toEqual([
      'collapsed',
      'gfm',
      'html',
      'markdown',
      'plain',
      'text',
    ]);
    expect(summary.index).toBe(out);
    expect(existsSync(out)).toBe(true);
  });

  it('ingest on threads reports bad files and still exits 0', () => {
    const kb = join(tmp.dir, 'many');
    const seeds = readdirSync(SEEDS_DIR);
    mkdirSync(kb);
    // More files than the in-process threshold, so the worker pool runs.
    for (let i = 0; i < 300; i++) copyFileSync(join(SEEDS_DIR, seeds[i % 5]!), join(kb, `${i}.txt`));
    writeFileSync(join(kb, 'junk.bin'), Buffer.from([0, 1, 2, 0, 255]));
    const r = kbbot(['ingest', '--json', '--workers', '2', '--out', join(tmp.dir, 'many.index'), kb]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as {
      files: number;
      articles: number;
      duplicates: number;
      failures: { path: string; reason: string }[];
    };
    expect(summary.files).toBe(301);
    expect(summary.articles + summary.duplicates + summary.failures.length).toBe(301);
    expect(summary.failures.some((f) => f.path === join(kb, 'junk.bin'))).toBe(true);
  });

  it('ingest without --json prints a readable summary and where the index went', () => {
    const r = kbbot(['ingest', 'seeds']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Read 5 files in/);
    expect(r.stdout).toContain(`Index written to ${join(tmp.dir, 'data', 'kb-index.bin')}`);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
  });

  it('ingest of a missing folder exits 2 with a one-line message', () => {
    const r = kbbot(['ingest', 'no/such/folder']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('kbbot: KB folder not found: no/such/folder\n');
  });

  it('rejects a bad --workers value with exit 2', () => {
    const r = kbbot(['ingest', '--workers', 'many', 'seeds']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports a file it may not read (as root: run as nobody, since root reads mode-000 files)', () => {
    const dir = join(tmp.dir, 'perm');
    mkdirSync(dir);
    copyFileSync(join(SEEDS_DIR, readdirSync(SEEDS_DIR)[0]!), join(dir, 'secret.txt'));
    chmodSync(join(dir, 'secret.txt'), 0o000);
    chmodSync(tmp.dir, 0o755); // let nobody in, and write the index beside the file
    chmodSync(dir, 0o777);
    const asNobody: SpawnSyncOptions = RUNNING_AS_ROOT ? { uid: 65534, gid: 65534 } : {};
    const r = kbbot(['ingest', '--json', '--out', join(dir, 'x.index'), dir], asNobody);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout) as { failures: { path: string; reason: string }[] };
    expect(summary.failures).toContainEqual({
      path: join(dir, 'secret.txt'),
      reason: 'cannot read the file: permission denied (EACCES)',
    });
  });

  it('teams-package builds a zip, and refuses a manifest Teams would reject without writing one', () => {
    const env = {
      ...process.env,
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      TEAMS_ENDPOINT_DOMAIN: 'kbbot.example.com',
    };
    const good = join(tmp.dir, 'good.zip');
    const ok = kbbot(['teams-package', '--out', good], { env });
    expect(ok.code).toBe(0);
    expect(existsSync(good)).toBe(true);

    const bad = join(tmp.dir, 'bad.zip');
    const refused = kbbot(['teams-package', '--out', bad], { env: { ...env, TEAMS_DEVELOPER_NAME: 'x'.repeat(40) } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('TEAMS_DEVELOPER_NAME is 40 characters; Teams allows at most 32 (developer.name)');
    expect(existsSync(bad)).toBe(false);
  });
});
