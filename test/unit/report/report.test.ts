// `buildReport` (src/report/report.ts) on fabricated records: what a KB owner reads in `kbbot report`.
import { describe, expect, it } from 'vitest';
import { buildReport, emptyReport, REPORT_DEFAULTS } from '../../../src/report/report.js';
import type { Signature } from '../../../src/memory/types.js';
import { ask, DAY, feedbackOn, KMS, MAILBOX, NOW, OUTLOOK, sig } from '../../helpers/report-fixtures.js';

describe('buildReport', () => {
  it('groups similar questions without a good answer, biggest group first', () => {
    const interactions = [
      ask({
        at: NOW - 3 * DAY,
        user: 'U1',
        words: ['mailbox', 'store', 'move', 'drive'],
        text: 'how do I move the mailbox store to drive D',
      }),
      ask({
        at: NOW - 2 * DAY,
        user: 'U2',
        words: ['mailbox', 'store', 'move', 'another'],
        text: 'moving the mailbox store to another drive?',
      }),
      ask({ at: NOW - 2 * DAY + 1, user: 'U2', words: ['mailbox', 'move', 'store'], text: null }),
      ask({
        at: NOW - DAY,
        user: 'U3',
        words: ['store', 'mailbox', 'move', 'drive'],
        text: 'how do I move the mailbox store to drive D',
      }),
      ask({ at: NOW - DAY, user: 'U4', words: OUTLOOK, text: 'outlook will not open the default folders' }),
      ask({
        at: NOW - 5 * DAY,
        user: 'U4',
        words: ['outlook', 'folders', 'default'],
        text: 'default folders cannot be opened in outlook',
      }),
      ask({ at: NOW - DAY, words: ['printer', 'spooler', 'crash'], text: 'print spooler crashes' }),
    ];
    const report = buildReport({ interactions, feedback: [], now: NOW });
    expect(report.unanswered.map((g) => g.count)).toEqual([4, 2, 1]);
    const [mailbox, outlook, printer] = report.unanswered;
    expect(mailbox).toEqual({
      count: 4,
      users: 3,
      lastAt: new Date(NOW - DAY).toISOString(),
      outcomes: { unanswered: 4, suggested: 0, rejected: 0, teamFix: 0 },
      // distinct texts, newest first; the text not kept is null, once
      examples: ['how do I move the mailbox store to drive D', null, 'moving the mailbox store to another drive?'],
    });
    expect(outlook).toMatchObject({
      count: 2,
      users: 1,
      examples: ['outlook will not open the default folders', 'default folders cannot be opened in outlook'],
    });
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
    const report = buildReport({
      interactions: [
        suggestedHelped,
        suggestedIgnored,
        answeredRejected,
        answeredRejectedThenHelped,
        answeredFine,
        greeting,
      ],
      feedback,
      now: NOW,
    });
    expect(report.unanswered).toHaveLength(1); // the greeting is not a question for the KB
    expect(report.unanswered[0]).toMatchObject({ count: 2, outcomes: { unanswered: 0, suggested: 1, rejected: 1 } });
    expect(report.totals).toMatchObject({
      messages: 6,
      answered: 3,
      suggested: 2,
      unanswered: 1,
      withoutGoodAnswer: 2,
      feedback: { helped: 3, notIt: 2 },
    });
  });

  it('shows helpfulness per article, most "not it" first, with titles when known', () => {
    const interactions = [
      ...Array.from({ length: 5 }, () => ask({ outcome: 'answered', articleId: 'Q10', words: KMS })),
      ...Array.from({ length: 2 }, () => ask({ outcome: 'answered', articleId: 'Q20', words: OUTLOOK })),
      ask({ outcome: 'suggested', articleId: 'Q30', words: MAILBOX }),
    ];
    const feedback = [
      feedbackOn(interactions[0]!, true),
      feedbackOn(interactions[1]!, true),
      feedbackOn(interactions[2]!, false),
      feedbackOn(interactions[5]!, false),
      feedbackOn(interactions[6]!, false),
    ];
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
      ask({
        intent: 'error_paste',
        outcome: 'answered',
        articleId: 'Q290226',
        words: KMS,
        text: 'ID no: 0xc0020002 on EXSRV1',
      }),
      ask({
        intent: 'error_paste',
        outcome: 'answered',
        articleId: 'Q290226',
        words: ['0xc0020002', 'kms', 'file', 'setup'],
        text: 'ID no: 0xc0020002 on EXSRV2',
      }),
      ask({
        intent: 'error_paste',
        outcome: 'suggested',
        articleId: 'Q235418',
        words: ['0xc0020002', 'kms', 'setup'],
        text: null,
        at: NOW - 1000,
      }),
      ask({
        intent: 'error_paste',
        outcome: 'unanswered',
        words: ['stop', '0x0000001e', 'bugcheck'],
        text: 'STOP 0x0000001E',
      }),
      ask({ intent: 'question', outcome: 'answered', articleId: 'Q290226', words: KMS }),
    ];
    const report = buildReport({
      interactions,
      feedback: [],
      now: NOW,
      title: (id) => (id === 'Q290226' ? 'Cannot Apply SP3' : undefined),
    });
    expect(report.errors).toEqual([
      {
        count: 3,
        users: 1,
        lastAt: new Date(NOW - 1000).toISOString(),
        example: 'ID no: 0xc0020002 on EXSRV2',
        articleId: 'Q290226',
        title: 'Cannot Apply SP3',
        fixId: null,
        answeredShare: 0.667,
      },
      {
        count: 1,
        users: 1,
        lastAt: new Date(NOW - DAY).toISOString(),
        example: 'STOP 0x0000001E',
        articleId: null,
        title: null,
        fixId: null,
        answeredShare: 0,
      },
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
    const feedback = [
      feedbackOn(interactions[0]!, true),
      { ...feedbackOn(interactions[1]!, false), at: today - 5 * DAY },
    ];
    const report = buildReport({ interactions, feedback, now: NOW, days: 5 });
    expect(report.period).toEqual({ from: '2026-03-06T00:00:00.000Z', to: '2026-03-10T15:00:00.000Z', days: 5 });
    expect(report.daily).toEqual([
      { date: '2026-03-06', answered: 1, suggested: 0, unanswered: 0 },
      { date: '2026-03-07', answered: 0, suggested: 0, unanswered: 0 },
      { date: '2026-03-08', answered: 0, suggested: 1, unanswered: 1 },
      { date: '2026-03-09', answered: 0, suggested: 0, unanswered: 0 },
      { date: '2026-03-10', answered: 0, suggested: 0, unanswered: 1 },
    ]);
    expect(report.totals).toMatchObject({
      messages: 4,
      answered: 1,
      suggested: 1,
      unanswered: 2,
      feedback: { helped: 1, notIt: 0 },
    });
    expect(report.articles.map((a) => [a.id, a.answered, a.notIt])).toEqual([
      ['Q1', 1, 0],
      ['Q2', 0, 0],
    ]);
    expect(buildReport({ interactions, feedback, now: NOW }).daily).toHaveLength(REPORT_DEFAULTS.days);
  });

  it('keeps the lists to their sizes, says how many were left out, and cuts long examples', () => {
    const interactions = ['alpha', 'bravo', 'charlie', 'delta'].map((w, k) =>
      ask({ words: [w, `${w}2`], text: k === 0 ? 'x'.repeat(1000) : w }),
    );
    const report = buildReport(
      { interactions, feedback: [], now: NOW },
      { ...REPORT_DEFAULTS, maxUnanswered: 2, exampleChars: 50 },
    );
    expect(report.unanswered).toHaveLength(2);
    expect(report.omitted).toEqual({ unanswered: 2, articles: 0, errors: 0, fixes: 0, winning: 0 });
    expect(report.totals.withoutGoodAnswer).toBe(4);
    expect(report.unanswered[0]!.examples[0]).toBe(`${'x'.repeat(47)}...`);
  });

  it('groups messages without a signature by their text', () => {
    const empty: Signature = [];
    const interactions = [
      ask({ signature: empty, text: 'same' }),
      ask({ signature: empty, text: 'same' }),
      ask({ signature: empty, text: null }),
      ask({ signature: empty, text: 'other' }),
    ];
    expect(buildReport({ interactions, feedback: [], now: NOW }).unanswered.map((g) => [g.count, g.examples])).toEqual([
      [2, ['same']],
      [1, [null]],
      [1, ['other']],
    ]);
  });

  it('gives an empty report with the days of the period', () => {
    const report = emptyReport(NOW, 3);
    expect(report.totals).toEqual({
      messages: 0,
      answered: 0,
      suggested: 0,
      unanswered: 0,
      withoutGoodAnswer: 0,
      users: 0,
      feedback: { helped: 0, notIt: 0 },
      fixes: { saved: 0, led: 0 },
    });
    expect(report.daily.map((d) => d.date)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
    expect([report.unanswered, report.articles, report.errors]).toEqual([[], [], []]);
  });
});
