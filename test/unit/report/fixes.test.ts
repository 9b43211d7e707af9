// Team fixes in `buildReport` (src/report/report.ts, issue #24): the new fixes and how they fared,
// the articles they beat, and feedback kept apart (a fix's "that worked" never credits the article).
import { describe, expect, it } from 'vitest';
import { formatReport } from '../../../src/report/format.js';
import { buildReport, emptyReport, REPORT_DEFAULTS, REPORT_VERSION } from '../../../src/report/report.js';
import type { Interaction } from '../../../src/memory/types.js';
import { ask, DAY, feedbackOn, KMS, NOW, OUTLOOK, teamFix } from '../../helpers/report-fixtures.js';

/** The KMS error pasted and answered with Q290226, in a thread of its own; `fixId` when the answer led with a fix. */
const paste = (over: Partial<Interaction> = {}): Interaction =>
  ask({
    intent: 'error_paste',
    outcome: 'answered',
    articleId: 'Q290226',
    confidence: 0.9,
    words: KMS,
    text: 'Error 0x8007000D: The data is invalid. Service KMS failed to start.',
    ...over,
  });

describe('buildReport: team fixes', () => {
  it("tells the issue's story: the fix credited, reused and winning; the article neither helped nor blamed", () => {
    // Day 1: the paste is answered with Q290226; a person's fix is saved in that thread and "that worked" credits it.
    const first = paste({ at: NOW - 3 * DAY });
    const fix = teamFix({ id: 'fix-1', thread: first.thread, savedAt: NOW - 3 * DAY + 300_000 });
    // Later, three pastes elsewhere: each answer leads with fix-1, the article under it.
    const later = [1, 2, 3].map((k) => paste({ at: NOW - 2 * DAY + k, user: `U${k + 1}`, fixId: 'fix-1' }));
    const feedback = [
      feedbackOn(first, true, 'fix-1'),
      feedbackOn(later[0]!, true, 'fix-1'),
      feedbackOn(later[1]!, true, 'fix-1'),
      feedbackOn(later[2]!, false, 'fix-1'), // the fix was not it here, and nothing else helped
    ];
    const report = buildReport({
      interactions: [first, ...later],
      feedback,
      fixes: [fix],
      now: NOW,
      title: (id) => (id === 'Q290226' ? 'XADM: Cannot Apply Exchange Server 5.5 SP3' : undefined),
    });

    expect(report.version).toBe(2);
    expect(report.articles).toEqual([
      {
        id: 'Q290226',
        title: 'XADM: Cannot Apply Exchange Server 5.5 SP3',
        answered: 4,
        suggested: 0,
        helped: 0,
        notIt: 0,
        helpfulness: null,
      },
    ]);
    expect(report.fixes.new).toEqual([
      {
        id: 'fix-1',
        title: "KMS service won't start after SP3",
        author: 'U7',
        authorName: 'Ana Lopez',
        savedAt: new Date(NOW - 3 * DAY + 300_000).toISOString(),
        reused: 3,
        helped: 3,
        notIt: 1,
      },
    ]);
    expect(report.fixes.winning).toEqual([
      { articleId: 'Q290226', title: 'XADM: Cannot Apply Exchange Server 5.5 SP3', fixIds: ['fix-1'], times: 3 },
    ]);
    // Missing from the KB: the first paste (the team found the fix itself) and the paste the fix was not it for.
    expect(report.unanswered).toHaveLength(1);
    expect(report.unanswered[0]).toMatchObject({
      count: 2,
      outcomes: { unanswered: 0, suggested: 0, rejected: 1, teamFix: 1 },
    });
    expect(report.totals).toMatchObject({
      messages: 4,
      answered: 4,
      withoutGoodAnswer: 2,
      feedback: { helped: 3, notIt: 1 },
      fixes: { saved: 1, led: 3 },
    });
    expect(report.errors).toMatchObject([{ count: 4, articleId: 'Q290226', fixId: 'fix-1', answeredShare: 1 }]);
  });

  it('counts an answer as good when the fix it led with helped, even if the article under it was "not it"', () => {
    const i = paste({ fixId: 'fix-2' });
    const report = buildReport({
      interactions: [i],
      feedback: [feedbackOn(i, false, 'Q290226'), feedbackOn(i, true, 'fix-2')],
      fixes: [teamFix({ id: 'fix-2' })],
      now: NOW,
    });
    expect(report.totals.withoutGoodAnswer).toBe(0);
    expect(report.articles[0]).toMatchObject({ id: 'Q290226', helped: 0, notIt: 1 });
    expect(report.fixes.new[0]).toMatchObject({ id: 'fix-2', reused: 1, helped: 1, notIt: 0 });
  });

  it("does not count feedback on another thread's fix, or a saved fix from the answer's own lead, as missing", () => {
    // The answer led with fix-3 (saved in this very thread earlier): nothing was missing.
    const i = paste({ fixId: 'fix-3' });
    const fix = teamFix({ id: 'fix-3', thread: i.thread });
    // "not it" on fix-3 given in another thread does not touch this message.
    const elsewhere = paste({ fixId: 'fix-3' });
    const report = buildReport({
      interactions: [i, elsewhere],
      feedback: [{ ...feedbackOn(i, false, 'fix-3'), thread: 'another' }],
      fixes: [fix],
      now: NOW,
    });
    expect(report.totals.withoutGoodAnswer).toBe(0);
    expect(report.fixes.new[0]).toMatchObject({ reused: 2, helped: 0, notIt: 1 });
  });

  it(`lists an article as beaten only after ${REPORT_DEFAULTS.fixWins} answers, and only when the fix got more "helped"`, () => {
    const under = (articleId: string, fixId: string, n: number): Interaction[] =>
      Array.from({ length: n }, () => paste({ articleId, fixId }));
    const twice = under('Q1', 'fix-1', REPORT_DEFAULTS.fixWins - 1); // too few
    const tied = under('Q2', 'fix-2', 3); // the article helped as often as the fix
    const articleWins = under('Q3', 'fix-3', 3);
    const beaten = [...under('Q4', 'fix-4', 3), ...under('Q4', 'fix-5', 4)];
    const report = buildReport({
      interactions: [...twice, ...tied, ...articleWins, ...beaten],
      feedback: [
        ...twice.map((i) => feedbackOn(i, true, 'fix-1')),
        feedbackOn(tied[0]!, true, 'fix-2'),
        feedbackOn(tied[1]!, true, 'Q2'),
        feedbackOn(articleWins[0]!, true, 'Q3'),
        feedbackOn(beaten[0]!, true, 'fix-4'),
        feedbackOn(beaten[3]!, true, 'fix-5'),
        feedbackOn(beaten[4]!, true, 'fix-5'),
        feedbackOn(beaten[5]!, true, 'Q4'),
        // "helped" on the fix given in a thread where the article was not shown under it does not count
        { ...feedbackOn(articleWins[1]!, true, 'fix-3'), thread: 'elsewhere' },
      ],
      now: NOW,
    });
    expect(report.fixes.winning).toEqual([{ articleId: 'Q4', title: null, fixIds: ['fix-5', 'fix-4'], times: 7 }]);
  });

  it('lists the fixes saved in the period, newest first, and counts the reuse of older ones without listing them', () => {
    const old = teamFix({ id: 'fix-1', savedAt: NOW - 60 * DAY });
    const a = teamFix({ id: 'fix-2', savedAt: NOW - 5 * DAY, authorName: null, author: 'U9' });
    const b = teamFix({ id: 'fix-3', savedAt: NOW - DAY, title: 'Outlook profile reset' });
    const report = buildReport({
      interactions: [paste({ fixId: 'fix-1' }), ask({ words: OUTLOOK, outcome: 'answered', fixId: 'fix-3' })],
      feedback: [],
      fixes: [old, a, b],
      now: NOW,
    });
    expect(report.fixes.new.map((f) => [f.id, f.reused, f.authorName])).toEqual([
      ['fix-3', 1, 'Ana Lopez'],
      ['fix-2', 0, null],
    ]);
    expect(report.totals.fixes).toEqual({ saved: 2, led: 2 });
    const few = buildReport(
      { interactions: [], feedback: [], fixes: [old, a, b], now: NOW },
      {
        ...REPORT_DEFAULTS,
        maxFixes: 1,
      },
    );
    expect(few.fixes.new.map((f) => f.id)).toEqual(['fix-3']);
    expect(few.omitted).toMatchObject({ fixes: 1, winning: 0 });
  });

  it('has an empty fixes part without fixes, and reports built before fixes still work', () => {
    const report = emptyReport(NOW, 7);
    expect(REPORT_VERSION).toBe(2);
    expect(report.fixes).toEqual({ new: [], winning: [] });
    expect(report.totals.fixes).toEqual({ saved: 0, led: 0 });
    expect(report.omitted).toEqual({ unanswered: 0, articles: 0, errors: 0, fixes: 0, winning: 0 });
    expect(formatReport(report)).toContain("Articles your team's fixes beat");
  });
});

describe('formatReport: team fixes', () => {
  it('shows "New team fixes" and "Articles your team\'s fixes beat" as aligned columns, text cut to one line', () => {
    const interactions = Array.from({ length: 3 }, () => paste({ fixId: 'fix-1' }));
    const report = buildReport({
      interactions,
      feedback: interactions.map((i) => feedbackOn(i, true, 'fix-1')),
      fixes: [teamFix({ id: 'fix-1', title: 'KMS service\nwon\u001b[31mt start' })],
      now: NOW,
      title: () => 'Cannot Apply SP3',
    });
    const text = formatReport(report, { width: 100 });
    const lines = text.split('\n');
    expect(text).toContain('Team fixes:      1 saved, 3 answers led with one');
    const newAt = lines.indexOf('New team fixes (saved in the period, newest first)');
    expect(lines[newAt + 1]).toMatch(/^ {2}Fix +Saved +Reused +Helped +Not it +Author +Title$/);
    expect(lines[newAt + 2]).toMatch(/^ {2}fix-1 +2026-03-08 +3 +3 +0 +Ana Lopez +KMS service won\[31mt start$/);
    const beatAt = lines.findIndex((l) => l.startsWith("Articles your team's fixes beat"));
    expect(lines[beatAt + 2]).toMatch(/^ {2}Q290226 +3 +fix-1 +Cannot Apply SP3$/);
    expect(text).toContain('-> led with team fix fix-1');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    expect(text).not.toContain('\u001b');
  });
});
