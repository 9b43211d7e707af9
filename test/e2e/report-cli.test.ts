// `kbbot report` and `kbbot forget` through the built CLI (bin/kbbot.js -> dist/) on a real data
// folder, as a KB owner runs them. `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage, STORAGE_FILE } from '../../src/memory/sqlite/open.js';
import type { Interaction } from '../../src/memory/types.js';
import type { Report } from '../../src/report/report.js';
import { CLI, REPO, tempDir } from '../helpers/paths.js';
import { ask, DAY, feedbackOn, KMS, MAILBOX, OUTLOOK } from '../helpers/report-fixtures.js';

describe('kbbot report and kbbot forget', () => {
  const tmp = tempDir('kbbot-report-');
  afterAll(tmp.cleanup);

  function kbbot(args: string[], dataDir = join(tmp.dir, 'unused')) {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: dataDir, KB_DIR: '' },
    });
    return { code: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
  }

  /** A data folder with a few days of the bot's log. */
  function filled(name: string): string {
    const dir = join(tmp.dir, name);
    const storage = openStorage(dir);
    const now = Date.now();
    const log = (i: Interaction): Interaction => (storage.interactions.record(i), i);
    try {
      log(ask({ at: now - 2 * DAY, user: 'U1', words: MAILBOX, text: 'how do I move the mailbox store to drive D' }));
      log(ask({ at: now - DAY, user: 'U2', words: ['mailbox', 'store', 'move'], text: 'moving the mailbox store?' }));
      log(ask({ at: now - DAY, user: 'U2', words: OUTLOOK, text: 'outlook will not open the default folders' }));
      const kms = log(
        ask({
          at: now - 3_600_000,
          user: 'U1',
          intent: 'error_paste',
          outcome: 'answered',
          articleId: 'Q290226',
          words: KMS,
          text: 'ID no: 0xc0020002',
        }),
      );
      log(ask({ at: now - 60 * DAY, user: 'U3', words: ['ancient', 'question'], text: 'an ancient question' }));
      storage.feedback.add(feedbackOn(kms, true));
    } finally {
      storage.close();
    }
    return dir;
  }

  it('report --json: the answered articles and the unanswered groups of the last 30 days', () => {
    const dir = filled('data-1');
    const r = kbbot(['report', '--json', '--data', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.totals).toMatchObject({
      messages: 4,
      answered: 1,
      unanswered: 3,
      users: 2,
      feedback: { helped: 1, notIt: 0 },
    });
    expect(report.unanswered.map((g) => [g.count, g.users, g.examples])).toEqual([
      [2, 2, ['moving the mailbox store?', 'how do I move the mailbox store to drive D']],
      [1, 1, ['outlook will not open the default folders']],
    ]);
    expect(report.articles).toEqual([
      { id: 'Q290226', title: null, answered: 1, suggested: 0, helped: 1, notIt: 0, helpfulness: 1 },
    ]);
    expect(report.errors).toMatchObject([
      { count: 1, articleId: 'Q290226', answeredShare: 1, example: 'ID no: 0xc0020002' },
    ]);
    expect(report.daily).toHaveLength(30);
    const longer = JSON.parse(kbbot(['report', '--json', '--days', '90'], dir).stdout) as Report; // DATA_DIR when no --data
    expect(longer.totals.messages).toBe(5);
  });

  it('report names articles from the KB index in the data folder, and reads as a table', () => {
    const dir = filled('data-2');
    expect(kbbot(['ingest', '--json', 'seeds'], dir).code).toBe(0);
    const r = kbbot(['report', '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('What the KB is missing');
    expect(r.stdout).toMatch(/Q290226 +1 +0 +1 +0 +100% +XADM: Cannot Apply Exchange Server 5\.5/);
    const json = JSON.parse(kbbot(['report', '--json', '--data', dir]).stdout) as Report;
    expect(json.articles[0]!.title).toMatch(/^XADM: Cannot Apply Exchange Server 5\.5 SP3/);
  });

  it("forget --user removes that user's questions from the report", () => {
    const dir = filled('data-3');
    const r = kbbot(['forget', '--user', 'U2', '--json', '--data', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ user: 'U2', threads: 0, interactions: 2, feedback: 0, settings: 0 });
    const report = JSON.parse(kbbot(['report', '--json', '--data', dir]).stdout) as Report;
    expect(report.totals.users).toBe(1);
    expect(report.unanswered.map((g) => g.examples)).toEqual([['how do I move the mailbox store to drive D']]);
    expect(JSON.stringify(report)).not.toContain('outlook');
    const again = kbbot(['forget', '--user', 'U2', '--data', dir]);
    expect(again.stdout).toMatch(/^Nothing kept about user U2/);
    const human = kbbot(['forget', '--user', 'U1', '--data', dir]);
    expect(human.stdout).toMatch(
      /^Forgot user U1 in .*kbbot\.db: 2 messages, 1 feedback record, 0 threads, 0 settings\.$/m,
    );
  });

  it('forget without --user is a usage error', () => {
    const r = kbbot(['forget']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kbbot: forget needs .*--user ID\n$/);
  });

  it('report on a folder without data says so, prints an empty report with --json, and creates nothing', () => {
    const dir = join(tmp.dir, 'empty');
    mkdirSync(dir);
    const r = kbbot(['report', '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No data yet: .*kbbot\.db does not exist/);
    const json = kbbot(['report', '--json', '--days', '7'], dir);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.totals.messages).toBe(0);
    expect(report.daily).toHaveLength(7);
    expect(kbbot(['forget', '--user', 'U1', '--json', '--data', dir]).stdout).toBe(
      '{"user":"U1","threads":0,"interactions":0,"feedback":0,"settings":0}\n',
    );
    expect(existsSync(join(dir, STORAGE_FILE))).toBe(false);
    expect(kbbot(['report', '--data', join(tmp.dir, 'no-such-folder')]).code).toBe(0);
    expect(existsSync(join(tmp.dir, 'no-such-folder'))).toBe(false);
  });

  it('rejects --days 0', () => {
    const r = kbbot(['report', '--days', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--days must be between 1 and/);
  });
});
