// The terminal view of a report (src/report/format.ts), as `kbbot report` prints it without --json.
import { describe, expect, it } from 'vitest';
import { formatReport, oneLine } from '../../../src/report/format.js';
import { buildReport } from '../../../src/report/report.js';
import { ask, feedbackOn, KMS, MAILBOX, NOW } from '../../helpers/report-fixtures.js';

describe('formatReport', () => {
  it('shows the report as aligned plain-ASCII columns, with "(text not kept)" for missing texts', () => {
    const interactions = [
      ask({ words: MAILBOX, text: 'how do I move the mailbox store' }),
      ask({ words: MAILBOX, text: null, user: 'U2' }),
      ask({
        intent: 'error_paste',
        outcome: 'answered',
        articleId: 'Q290226',
        words: KMS,
        text: 'ID no: 0xc0020002\n  on EXSRV1',
      }),
    ];
    const report = buildReport({
      interactions,
      feedback: [feedbackOn(interactions[2]!, false)],
      now: NOW,
      days: 3,
      title: () => 'Cannot Apply SP3',
    });
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
