// `kbbot report` and `kbbot forget` through the built CLI (bin/kbbot.js -> dist/) on a real data
// folder, as a KB owner runs them. `npm test` builds first.
import { runKbbot } from '../helpers/cli.js';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStorage, STORAGE_FILE } from '../../src/memory/sqlite/open.js';
import type { FixRecord, Interaction } from '../../src/memory/types.js';
import type { Report } from '../../src/report/report.js';
import { tempDir } from '../helpers/paths.js';
import { ask, DAY, feedbackOn, KMS, MAILBOX, newTeamFix, OUTLOOK } from '../helpers/report-fixtures.js';

/** Some tests run the CLI several times; a busy machine takes seconds per run. */
const CLI_TEST_MS = 120_000;

describe('kbbot report and kbbot forget', { timeout: CLI_TEST_MS }, () => {
  const tmp = tempDir('kbbot-report-');
  afterAll(tmp.cleanup);

  const kbbot = (args: string[], dataDir = join(tmp.dir, 'unused')) => runKbbot(args, dataDir);

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
    expect(JSON.parse(r.stdout)).toEqual({
      user: 'U2',
      threads: 0,
      interactions: 2,
      feedback: 0,
      settings: 0,
      fixes: 0,
      fixesUnsaved: 0,
    });
    const report = JSON.parse(kbbot(['report', '--json', '--data', dir]).stdout) as Report;
    expect(report.totals.users).toBe(1);
    expect(report.unanswered.map((g) => g.examples)).toEqual([['how do I move the mailbox store to drive D']]);
    expect(JSON.stringify(report)).not.toContain('outlook');
    const again = kbbot(['forget', '--user', 'U2', '--data', dir]);
    expect(again.stdout).toMatch(/^Nothing kept about user U2/);
    const human = kbbot(['forget', '--user', 'U1', '--data', dir]);
    expect(human.stdout).toMatch(
      /^Forgot user U1 in .*kbbot\.db: 2 messages, 1 feedback record, 0 threads, 0 settings, 0 team fixes they wrote\.$/m,
    );
  });

  /**
   * A data folder with the incident: the KMS error answered with Q290226 in thread T1, where
   * Ana (U7) shared the fix that U1 saved (fix-1), then the error pasted again in three other threads,
   * each answer leading with fix-1 above the article, and "that worked" on fix-1 in two of them. U1
   * also saved a fix of their own (fix-2).
   */
  function withFixes(name: string): { dir: string; fixes: FixRecord[] } {
    const dir = join(tmp.dir, name);
    const storage = openStorage(dir);
    const now = Date.now();
    const paste = (over: Partial<Interaction>): Interaction => {
      const i = ask({
        intent: 'error_paste',
        outcome: 'answered',
        articleId: 'Q290226',
        confidence: 0.9,
        words: KMS,
        text: 'Error 0x8007000D: The data is invalid. Service KMS failed to start.',
        ...over,
      });
      storage.interactions.record(i);
      return i;
    };
    try {
      const first = paste({ at: now - 5 * 3_600_000, user: 'U1', thread: 'T1' });
      const fixes = [
        storage.fixes.add(newTeamFix({ thread: 'T1', savedBy: 'U1', savedAt: first.at + 60_000 })),
        storage.fixes.add(
          newTeamFix({
            title: 'Outlook profile reset',
            author: 'U1',
            authorName: 'Uma',
            savedBy: 'U1',
            savedAt: now - 4 * 3_600_000,
          }),
        ),
      ];
      for (const [k, user] of ['U2', 'U3', 'U4'].entries()) {
        const i = paste({ at: now - 3_600_000 + k, user, fixId: 'fix-1' });
        if (k < 2) storage.feedback.add(feedbackOn(i, true, 'fix-1'));
      }
      return { dir, fixes };
    } finally {
      storage.close();
    }
  }

  it("report --json lists each new team fix with its reuse count, and the article it beats; a fix's feedback never credits the article", () => {
    const { dir, fixes } = withFixes('fixes-1');
    expect(fixes.map((f) => f.id)).toEqual(['fix-1', 'fix-2']);
    const r = kbbot(['report', '--json', '--data', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.version).toBe(2);
    expect(report.fixes.new.map((f) => [f.id, f.author, f.reused, f.helped, f.notIt])).toEqual([
      ['fix-2', 'U1', 0, 0, 0],
      ['fix-1', 'U7', 3, 2, 0],
    ]);
    expect(report.fixes.winning).toEqual([{ articleId: 'Q290226', title: null, fixIds: ['fix-1'], times: 3 }]);
    expect(report.articles).toEqual([
      { id: 'Q290226', title: null, answered: 4, suggested: 0, helped: 0, notIt: 0, helpfulness: null },
    ]);
    // The first paste: the KB's answer did not do it, the team's fix did.
    expect(report.unanswered).toMatchObject([{ count: 1, outcomes: { teamFix: 1 } }]);
    expect(report.totals.fixes).toEqual({ saved: 2, led: 3 });

    const text = kbbot(['report', '--data', dir]).stdout;
    expect(text).toMatch(/^ {2}fix-1 +\d{4}-\d\d-\d\d +3 +2 +0 +Ana Lopez +KMS service won't start after SP3$/m);
    expect(text).toMatch(/^Articles your team's fixes beat.*\n.*\n {2}Q290226 +3 +fix-1$/m);
  });

  it('forget --user deletes the fixes that person wrote and keeps the ones they only saved, without their id', () => {
    const { dir } = withFixes('fixes-2');
    const r = kbbot(['forget', '--user', 'U1', '--json', '--data', dir]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      user: 'U1',
      threads: 0,
      interactions: 1,
      feedback: 0,
      settings: 0,
      fixes: 1,
      fixesUnsaved: 1,
    });
    const left = kbbot(['fixes', 'list', '--json', '--data', dir])
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FixRecord);
    expect(left.map((f) => [f.id, f.author, f.savedBy])).toEqual([['fix-1', 'U7', null]]);
    const report = JSON.parse(kbbot(['report', '--json', '--data', dir]).stdout) as Report;
    expect(report.fixes.new.map((f) => f.id)).toEqual(['fix-1']);
    expect(JSON.stringify(report)).not.toContain('U1');
    const human = kbbot(['forget', '--user', 'U7', '--data', dir]);
    expect(human.stdout).toMatch(
      /^Forgot user U7 in .*kbbot\.db: 0 messages, 0 feedback records, 0 threads, 0 settings, 1 team fix they wrote\.$/m,
    );
    const saver = withFixes('fixes-3').dir;
    expect(kbbot(['forget', '--user', 'U1', '--data', saver]).stdout).toMatch(
      /, 1 team fix they wrote; 1 team fix they saved for others stays, without their id\.$/m,
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
      '{"user":"U1","threads":0,"interactions":0,"feedback":0,"settings":0,"fixes":0,"fixesUnsaved":0}\n',
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
