// `buildReport` (src/report/report.ts) on fabricated records, its grouping against brute force, the
// terminal view, and `kbbot report` / `kbbot forget` through the built CLI on a real data folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReport, oneLine } from '../../../src/report/format.js';
import { buildReport, emptyReport, groupSimilar, REPORT_DEFAULTS, type Report } from '../../../src/report/report.js';
import { signatureOf, similarity } from '../../../src/memory/signature.js';
import { openStorage, STORAGE_FILE } from '../../../src/memory/sqlite/open.js';
import type { FeedbackRecord, Interaction, Signature } from '../../../src/memory/types.js';
import { CLI, REPO, tempDir } from '../../helpers/paths.js';

const DAY = 86_400_000;
/** 2026-03-10 15:00 UTC. */
const NOW = Date.UTC(2026, 2, 10, 15);

/** A signature from words, heaviest first. */
function sig(...words: string[]): Signature {
  return signatureOf(new Map(words.map((w, k) => [w, 3 - k * 0.25])));
}

const MAILBOX = ['mailbox', 'store', 'move', 'drive'];
const OUTLOOK = ['outlook', 'default', 'folders', 'open'];
const KMS = ['0xc0020002', 'kms', 'setup', 'file'];

let threads = 0;
function ask(over: Partial<Interaction> & { words?: string[] }): Interaction {
  const { words = MAILBOX, ...rest } = over;
  return {
    at: NOW - DAY,
    user: 'U1',
    conversation: 'C1',
    thread: `t${++threads}`,
    intent: 'question',
    outcome: 'unanswered',
    articleId: null,
    confidence: 0.1,
    text: words.join(' '),
    signature: sig(...words),
    ...rest,
  };
}

function feedbackOn(i: Interaction, helpful: boolean, articleId = i.articleId ?? 'Q1'): FeedbackRecord {
  return { at: i.at + 60_000, user: i.user, conversation: i.conversation, thread: i.thread, articleId, helpful, query: i.text, signature: i.signature };
}

describe('buildReport', () => {
  it('groups similar questions without a good answer, biggest group first', () => {
    const interactions = [
      ask({ at: NOW - 3 * DAY, user: 'U1', words: ['mailbox', 'store', 'move', 'drive'], text: 'how do I move the mailbox store to drive D' }),
      ask({ at: NOW - 2 * DAY, user: 'U2', words: ['mailbox', 'store', 'move', 'another'], text: 'moving the mailbox store to another drive?' }),
      ask({ at: NOW - 2 * DAY + 1, user: 'U2', words: ['mailbox', 'move', 'store'], text: null }),
      ask({ at: NOW - DAY, user: 'U3', words: ['store', 'mailbox', 'move', 'drive'], text: 'how do I move the mailbox store to drive D' }),
      ask({ at: NOW - DAY, user: 'U4', words: OUTLOOK, text: 'outlook will not open the default folders' }),
      ask({ at: NOW - 5 * DAY, user: 'U4', words: ['outlook', 'folders', 'default'], text: 'default folders cannot be opened in outlook' }),
      ask({ at: NOW - DAY, words: ['printer', 'spooler', 'crash'], text: 'print spooler crashes' }),
    ];
    const report = buildReport({ interactions, feedback: [], now: NOW });
    expect(report.unanswered.map((g) => g.count)).toEqual([4, 2, 1]);
    const [mailbox, outlook, printer] = report.unanswered;
    expect(mailbox).toEqual({
      count: 4,
      users: 3,
      lastAt: new Date(NOW - DAY).toISOString(),
      outcomes: { unanswered: 4, suggested: 0, rejected: 0 },
      // distinct texts, newest first; the text not kept is null, once
      examples: ['how do I move the mailbox store to drive D', null, 'moving the mailbox store to another drive?'],
    });
    expect(outlook).toMatchObject({ count: 2, users: 1, examples: ['outlook will not open the default folders', 'default folders cannot be opened in outlook'] });
    expect(printer!.examples).toEqual(['print spooler crashes']);
    expect(report.totals).toMatchObject({ messages: 7, unanswered: 7, withoutGoodAnswer: 7, users: 4 });
  });

  it('counts suggestions nobody found helpful and answers rejected without a better one as without a good answer', () => {
    const suggestedHelped = ask({ outcome: 'suggested', articleId: 'Q2', words: MAILBOX });
    const suggestedIgnored = ask({ outcome: 'suggested', articleId: 'Q2', words: MAILBOX });
    const answeredRejected = ask({ outcome: 'answered', articleId: 'Q3', words: MAILBOX });
    const answeredRejectedThenHelped = ask({ outcome: 'answered', articleId: 'Q3', words: MAILBOX });
    const answeredFine = ask({ outcome: 'answered', articleId: 'Q3', words: MAILBOX });
    const greeting = ask({ intent: 'greeting', words: ['hello'], text: 'hello' });
    const feedback = [
      feedbackOn(suggestedHelped, true),
      feedbackOn(answeredRejected, false),
      feedbackOn(answeredRejectedThenHelped, false),
      feedbackOn(answeredRejectedThenHelped, true, 'Q4'),
      // Helpful feedback on another message of the same thread does not count for this one.
      { ...feedbackOn(suggestedIgnored, true), signature: sig(...OUTLOOK) },
    ];
    const report = buildReport({ interactions: [suggestedHelped, suggestedIgnored, answeredRejected, answeredRejectedThenHelped, answeredFine, greeting], feedback, now: NOW });
    expect(report.unanswered).toHaveLength(1); // the greeting is not a question for the KB
    expect(report.unanswered[0]).toMatchObject({ count: 2, outcomes: { unanswered: 0, suggested: 1, rejected: 1 } });
    expect(report.totals).toMatchObject({ messages: 6, answered: 3, suggested: 2, unanswered: 1, withoutGoodAnswer: 2, feedback: { helped: 3, notIt: 2 } });
  });

  it('shows helpfulness per article, most "not it" first, with titles when known', () => {
    const interactions = [
      ...Array.from({ length: 5 }, () => ask({ outcome: 'answered', articleId: 'Q10', words: KMS })),
      ...Array.from({ length: 2 }, () => ask({ outcome: 'answered', articleId: 'Q20', words: OUTLOOK })),
      ask({ outcome: 'suggested', articleId: 'Q30', words: MAILBOX }),
    ];
    const feedback = [feedbackOn(interactions[0]!, true), feedbackOn(interactions[1]!, true), feedbackOn(interactions[2]!, false), feedbackOn(interactions[5]!, false), feedbackOn(interactions[6]!, false)];
    const titles: Record<string, string> = { Q10: 'KMS setup fails', Q20: 'Outlook folders' };
    const report = buildReport({ interactions, feedback, now: NOW, title: (id) => titles[id] });
    expect(report.articles).toEqual([
      { id: 'Q20', title: 'Outlook folders', answered: 2, suggested: 0, helped: 0, notIt: 2, helpfulness: 0 },
      { id: 'Q10', title: 'KMS setup fails', answered: 5, suggested: 0, helped: 2, notIt: 1, helpfulness: 0.667 },
      { id: 'Q30', title: null, answered: 0, suggested: 1, helped: 0, notIt: 0, helpfulness: null },
    ]);
  });

  it('groups the errors pasted most, with the article given for them and how often it was an answer', () => {
    const interactions = [
      ask({ intent: 'error_paste', outcome: 'answered', articleId: 'Q290226', words: KMS, text: 'ID no: 0xc0020002 on EXSRV1' }),
      ask({ intent: 'error_paste', outcome: 'answered', articleId: 'Q290226', words: ['0xc0020002', 'kms', 'file', 'setup'], text: 'ID no: 0xc0020002 on EXSRV2' }),
      ask({ intent: 'error_paste', outcome: 'suggested', articleId: 'Q235418', words: ['0xc0020002', 'kms', 'setup'], text: null, at: NOW - 1000 }),
      ask({ intent: 'error_paste', outcome: 'unanswered', words: ['stop', '0x0000001e', 'bugcheck'], text: 'STOP 0x0000001E' }),
      ask({ intent: 'question', outcome: 'answered', articleId: 'Q290226', words: KMS }),
    ];
    const report = buildReport({ interactions, feedback: [], now: NOW, title: (id) => (id === 'Q290226' ? 'Cannot Apply SP3' : undefined) });
    expect(report.errors).toEqual([
      { count: 3, users: 1, lastAt: new Date(NOW - 1000).toISOString(), example: 'ID no: 0xc0020002 on EXSRV2', articleId: 'Q290226', title: 'Cannot Apply SP3', answeredShare: 0.667 },
      { count: 1, users: 1, lastAt: new Date(NOW - DAY).toISOString(), example: 'STOP 0x0000001E', articleId: null, title: null, answeredShare: 0 },
    ]);
  });

  it('counts per UTC day over the whole period, zero days included, and only within it', () => {
    const today = Date.UTC(2026, 2, 10);
    const interactions = [
      ask({ at: today - 4 * DAY, outcome: 'answered', articleId: 'Q1' }), // first day of a 5-day window
      ask({ at: today - 4 * DAY - 1, outcome: 'answered', articleId: 'Q1' }), // one ms before it
      ask({ at: today - 2 * DAY + 5, outcome: 'suggested', articleId: 'Q2' }),
      ask({ at: today - 2 * DAY + 6 }),
      ask({ at: NOW }),
      ask({ at: NOW + 1 }), // after "now"
    ];
    const feedback = [feedbackOn(interactions[0]!, true), { ...feedbackOn(interactions[1]!, false), at: today - 5 * DAY }];
    const report = buildReport({ interactions, feedback, now: NOW, days: 5 });
    expect(report.period).toEqual({ from: '2026-03-06T00:00:00.000Z', to: '2026-03-10T15:00:00.000Z', days: 5 });
    expect(report.daily).toEqual([
      { date: '2026-03-06', answered: 1, suggested: 0, unanswered: 0 },
      { date: '2026-03-07', answered: 0, suggested: 0, unanswered: 0 },
      { date: '2026-03-08', answered: 0, suggested: 1, unanswered: 1 },
      { date: '2026-03-09', answered: 0, suggested: 0, unanswered: 0 },
      { date: '2026-03-10', answered: 0, suggested: 0, unanswered: 1 },
    ]);
    expect(report.totals).toMatchObject({ messages: 4, answered: 1, suggested: 1, unanswered: 2, feedback: { helped: 1, notIt: 0 } });
    expect(report.articles.map((a) => [a.id, a.answered, a.notIt])).toEqual([
      ['Q1', 1, 0],
      ['Q2', 0, 0],
    ]);
    expect(buildReport({ interactions, feedback, now: NOW }).daily).toHaveLength(REPORT_DEFAULTS.days);
  });

  it('keeps the lists to their sizes, says how many were left out, and cuts long examples', () => {
    const interactions = ['alpha', 'bravo', 'charlie', 'delta'].map((w, k) => ask({ words: [w, `${w}2`], text: k === 0 ? 'x'.repeat(1000) : w }));
    const report = buildReport({ interactions, feedback: [], now: NOW }, { ...REPORT_DEFAULTS, maxUnanswered: 2, exampleChars: 50 });
    expect(report.unanswered).toHaveLength(2);
    expect(report.omitted).toEqual({ unanswered: 2, articles: 0, errors: 0 });
    expect(report.totals.withoutGoodAnswer).toBe(4);
    expect(report.unanswered[0]!.examples[0]).toBe(`${'x'.repeat(47)}...`);
  });

  it('groups messages without a signature by their text', () => {
    const empty: Signature = [];
    const interactions = [ask({ signature: empty, text: 'same' }), ask({ signature: empty, text: 'same' }), ask({ signature: empty, text: null }), ask({ signature: empty, text: 'other' })];
    expect(buildReport({ interactions, feedback: [], now: NOW }).unanswered.map((g) => [g.count, g.examples])).toEqual([
      [2, ['same']],
      [1, [null]],
      [1, ['other']],
    ]);
  });

  it('gives an empty report with the days of the period', () => {
    const report = emptyReport(NOW, 3);
    expect(report.totals).toEqual({ messages: 0, answered: 0, suggested: 0, unanswered: 0, withoutGoodAnswer: 0, users: 0, feedback: { helped: 0, notIt: 0 } });
    expect(report.daily.map((d) => d.date)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect([report.unanswered, report.articles, report.errors]).toEqual([[], [], []]);
  });
});

describe('groupSimilar', () => {
  /** A seeded generator, so a failure can be replayed. */
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  }

  /** The definition: each item to the most similar earlier leader at or above the threshold. */
  function bruteForce(sigs: Signature[], threshold: number): number[][] {
    const groups: number[][] = [];
    sigs.forEach((s, n) => {
      let best = -1;
      let bestSim = threshold;
      groups.forEach((g, k) => {
        const sim = similarity(s, sigs[g[0]!]!);
        if (sim > bestSim || (sim === bestSim && best === -1)) [best, bestSim] = [k, sim];
      });
      if (best >= 0) groups[best]!.push(n);
      else groups.push([n]);
    });
    return groups;
  }

  it('finds exactly the groups comparing every message with every leader gives', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const vocabulary = 12 + Math.floor(random() * 40);
      const topics = Array.from({ length: 6 }, () => Array.from({ length: 5 }, () => `w${Math.floor(random() ** 2 * vocabulary)}`));
      const sigs = Array.from({ length: 150 }, () => {
        const weights = new Map<string, number>();
        for (const w of topics[Math.floor(random() * topics.length)]!) if (random() < 0.8) weights.set(w, 0.2 + random() * 3);
        for (let k = 1 + Math.floor(random() * 3); k > 0; k--) weights.set(`w${Math.floor(random() * vocabulary)}`, random() * 2);
        return signatureOf(weights);
      });
      const threshold = [0.3, 0.6, 0.8][seed % 3]!;
      const items = sigs.map((_, n) => n);
      const got = groupSimilar(items, (n) => sigs[n]!, () => null, { threshold });
      expect(got, `seed ${seed}`).toEqual(bruteForce(sigs, threshold));
      expect(got.length, `seed ${seed}: some grouping happens`).toBeLessThan(sigs.length);
    }
  });

  it('groups 20,000 distinct-ish messages quickly', () => {
    const random = rng(7);
    const sigs = Array.from({ length: 20_000 }, () => signatureOf(new Map(Array.from({ length: 10 }, () => [`w${Math.floor(random() ** 3 * 5000)}`, 0.1 + random() * 3] as [string, number]))));
    const started = performance.now();
    const groups = groupSimilar(sigs, (s) => s, () => null, { threshold: 0.6 });
    expect(groups.flat()).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(10_000); // about a second under vitest; generous for slow CI
  });
});

describe('formatReport', () => {
  it('shows the report as aligned plain-ASCII columns, with "(text not kept)" for missing texts', () => {
    const interactions = [
      ask({ words: MAILBOX, text: 'how do I move the mailbox store' }),
      ask({ words: MAILBOX, text: null, user: 'U2' }),
      ask({ intent: 'error_paste', outcome: 'answered', articleId: 'Q290226', words: KMS, text: 'ID no: 0xc0020002\n  on EXSRV1' }),
    ];
    const report = buildReport({ interactions, feedback: [feedbackOn(interactions[2]!, false)], now: NOW, days: 3, title: () => 'Cannot Apply SP3' });
    const text = formatReport(report, { width: 100 });
    expect(text).toMatch(/^kbbot report: 2026-03-08 to 2026-03-10 \(3 days, UTC\)/);
    expect(text).toContain('(text not kept)');
    expect(text).toContain('ID no: 0xc0020002 on EXSRV1'); // one line
    expect(text).toContain('Cannot Apply SP3');
    expect(text).toMatch(/^[\x20-\x7e\n]*$/);
    const lines = text.split('\n');
    const head = lines.find((l) => l.includes('Article  Answered'))!;
    const row = lines.find((l) => l.startsWith('  Q290226'))!;
    expect(row.indexOf('Cannot Apply SP3')).toBe(head.indexOf('Title'));
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    // only the day with messages gets a row; the quiet ones are counted
    expect(text).toContain('Per day (UTC; # answered, + suggested, . unanswered): 2 days without messages not shown');
    expect(lines.filter((l) => /^ {2}2026-03-\d\d /.test(l))).toHaveLength(1);
  });

  it('cuts a message to one line', () => {
    expect(oneLine('a\tb\n\nc\u0007', 10)).toBe('a b c');
    expect(oneLine('abcdefghijklmnop', 10)).toBe('abcdefg...');
    expect(oneLine(null, 10)).toBe('(text not kept)');
  });
});


describe('kbbot report and kbbot forget', () => {
  const tmp = tempDir('kbbot-report-');
  afterAll(tmp.cleanup);

  function kbbot(args: string[], dataDir = join(tmp.dir, 'unused')) {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd: REPO, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir, KB_DIR: '' } });
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
      const kms = log(ask({ at: now - 3_600_000, user: 'U1', intent: 'error_paste', outcome: 'answered', articleId: 'Q290226', words: KMS, text: 'ID no: 0xc0020002' }));
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
    expect(report.totals).toMatchObject({ messages: 4, answered: 1, unanswered: 3, users: 2, feedback: { helped: 1, notIt: 0 } });
    expect(report.unanswered.map((g) => [g.count, g.users, g.examples])).toEqual([
      [2, 2, ['moving the mailbox store?', 'how do I move the mailbox store to drive D']],
      [1, 1, ['outlook will not open the default folders']],
    ]);
    expect(report.articles).toEqual([{ id: 'Q290226', title: null, answered: 1, suggested: 0, helped: 1, notIt: 0, helpfulness: 1 }]);
    expect(report.errors).toMatchObject([{ count: 1, articleId: 'Q290226', answeredShare: 1, example: 'ID no: 0xc0020002' }]);
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
    expect(human.stdout).toMatch(/^Forgot user U1 in .*kbbot\.db: 2 messages, 1 feedback record, 0 threads, 0 settings\.$/m);
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
    expect(kbbot(['forget', '--user', 'U1', '--json', '--data', dir]).stdout).toBe('{"user":"U1","threads":0,"interactions":0,"feedback":0,"settings":0}\n');
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
