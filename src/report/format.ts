/** The terminal view of a Report (`kbbot report` without --json): headings, aligned columns, ASCII. */
import type { Report } from './report.js';

export interface FormatOptions {
  /** Terminal width (default 100; at least 60 is used). */
  width?: number;
  /** Rows shown per list before "... and N more" (the JSON has them all, up to the report's sizes). */
  rows?: number;
}

/** Rows per list in the terminal view. */
export const REPORT_ROWS_SHOWN = 20;

const TEXT_NOT_KEPT = '(text not kept)';

const num = (n: number): string => n.toLocaleString('en-US');
const pct = (share: number | null): string => (share === null ? '-' : `${Math.round(share * 100)}%`);
const day = (iso: string): string => iso.slice(0, 10);

/** One line of a message: whitespace runs as one space, control characters dropped, cut to `max`. */
export function oneLine(text: string | null, max: number): string {
  if (text === null) return TEXT_NOT_KEPT;
  const flat = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= max) return flat;
  return `${flat.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}

export interface Column {
  head: string;
  right?: boolean;
}

/** Rows under a header, columns padded to their widest cell; the last column is never padded. */
export function formatTable(columns: Column[], rows: string[][], indent = '  '): string[] {
  const widths = columns.map((c, k) => Math.max(c.head.length, ...rows.map((r) => (r[k] ?? '').length)));
  const line = (cells: string[]): string =>
    indent +
    cells
      .map((cell, k) => {
        if (k === cells.length - 1 && !columns[k]?.right) return cell;
        return columns[k]?.right ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.head)), ...rows.map(line)];
}

/** The width left for a last column after the others (at least 20). */
function rest(width: number, columns: number[]): number {
  return Math.max(20, width - 2 - columns.reduce((sum, w) => sum + w + 2, 0));
}

export function formatReport(report: Report, options: FormatOptions = {}): string {
  const width = Math.max(60, options.width ?? 100);
  const shown = options.rows ?? REPORT_ROWS_SHOWN;
  const { totals, period } = report;
  const out: string[] = [];
  const more = (listed: number, omitted: number, what: string): void => {
    const left = listed - Math.min(listed, shown) + omitted;
    if (left > 0)
      out.push(`  ... and ${num(left)} more ${what}${listed > shown ? ` (--json lists ${num(listed)} in all)` : ''}`);
  };

  out.push(
    `kbbot report: ${day(period.from)} to ${day(period.to)} (${period.days} day${period.days === 1 ? '' : 's'}, UTC)`,
    '',
  );
  out.push(
    `Messages:        ${num(totals.messages)} from ${num(totals.users)} user${totals.users === 1 ? '' : 's'} (answered ${num(totals.answered)}, suggested ${num(totals.suggested)}, unanswered ${num(totals.unanswered)})`,
    `No good answer:  ${num(totals.withoutGoodAnswer)}`,
    `Feedback:        ${num(totals.feedback.helped)} helped, ${num(totals.feedback.notIt)} not it`,
  );
  // Reports of version 1 (read back from a file) have no fixes.
  const fixTotals = totals.fixes ?? { saved: 0, led: 0 };
  const fixes = report.fixes ?? { new: [], winning: [] };
  if (fixTotals.saved > 0 || fixTotals.led > 0 || fixes.winning.length > 0)
    out.push(
      `Team fixes:      ${num(fixTotals.saved)} saved, ${num(fixTotals.led)} answer${fixTotals.led === 1 ? '' : 's'} led with one`,
    );

  out.push('', 'What the KB is missing (questions without a good answer, similar ones grouped)');
  if (report.unanswered.length === 0) out.push('  none');
  else {
    const groups = report.unanswered.slice(0, shown);
    const cells = groups.map((g) => [num(g.count), num(g.users), day(g.lastAt)]);
    const fixed = [5, 5, 10].map((w, k) => Math.max(w, ...cells.map((c) => c[k]!.length)));
    const room = rest(width, fixed);
    const rows: string[][] = [];
    groups.forEach((g, k) => {
      const [first = null, ...others] = g.examples;
      rows.push([...cells[k]!, oneLine(first, room)]);
      for (const e of others) rows.push(['', '', '', oneLine(e, room)]);
    });
    out.push(
      ...formatTable(
        [{ head: 'Count', right: true }, { head: 'Users', right: true }, { head: 'Last' }, { head: 'Examples' }],
        rows,
      ),
    );
    more(report.unanswered.length, report.omitted.unanswered, 'groups');
  }

  out.push('', 'Articles (most "not it" first)');
  if (report.articles.length === 0) out.push('  none');
  else {
    const articles = report.articles.slice(0, shown);
    const cells = articles.map((a) => [
      a.id,
      num(a.answered),
      num(a.suggested),
      num(a.helped),
      num(a.notIt),
      pct(a.helpfulness),
    ]);
    const heads = ['Article', 'Answered', 'Suggested', 'Helped', 'Not it', 'Helpful'];
    const fixed = heads.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
    const room = rest(width, fixed);
    out.push(
      ...formatTable(
        [...heads.map((head, k) => ({ head, right: k > 0 })), { head: 'Title' }],
        articles.map((a, k) => [...cells[k]!, a.title === null ? '' : oneLine(a.title, room)]),
      ),
    );
    more(report.articles.length, report.omitted.articles, 'articles');
  }

  out.push('', 'New team fixes (saved in the period, newest first)');
  if (fixes.new.length === 0) out.push('  none');
  else {
    const listed = fixes.new.slice(0, shown);
    const cells = listed.map((f) => [
      f.id,
      day(f.savedAt),
      num(f.reused),
      num(f.helped),
      num(f.notIt),
      oneLine(f.authorName ?? f.author, 24),
    ]);
    const heads = ['Fix', 'Saved', 'Reused', 'Helped', 'Not it', 'Author'];
    const fixed = heads.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
    const room = rest(width, fixed);
    out.push(
      ...formatTable(
        [...heads.map((head, k) => ({ head, right: k >= 2 && k <= 4 })), { head: 'Title' }],
        listed.map((f, k) => [...cells[k]!, oneLine(f.title, room)]),
      ),
    );
    more(fixes.new.length, report.omitted.fixes ?? 0, 'fixes');
  }

  out.push('', "Articles your team's fixes beat (the runbook needs the fix: kbbot fixes export)");
  if (fixes.winning.length === 0) out.push('  none');
  else {
    const listed = fixes.winning.slice(0, shown);
    const cells = listed.map((b) => [b.articleId, num(b.times), b.fixIds.join(', ')]);
    const heads = ['Article', 'Times', 'Fixes'];
    const fixed = heads.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
    const room = rest(width, fixed);
    out.push(
      ...formatTable(
        [...heads.map((head, k) => ({ head, right: k === 1 })), { head: 'Title' }],
        listed.map((b, k) => [...cells[k]!, b.title === null ? '' : oneLine(b.title, room)]),
      ),
    );
    more(fixes.winning.length, report.omitted.winning ?? 0, 'articles');
  }

  out.push('', 'Errors pasted most');
  if (report.errors.length === 0) out.push('  none');
  else {
    const errors = report.errors.slice(0, shown);
    const cells = errors.map((e) => [num(e.count), num(e.users), pct(e.answeredShare), e.articleId ?? '-']);
    const heads = ['Count', 'Users', 'Answered', 'Article'];
    const fixed = heads.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
    const room = rest(width, fixed);
    const rows: string[][] = [];
    errors.forEach((e, k) => {
      rows.push([...cells[k]!, oneLine(e.example, room)]);
      if (e.title) rows.push(['', '', '', '', `-> ${oneLine(e.title, room - 3)}`]);
      if (e.fixId) rows.push(['', '', '', '', `-> led with team fix ${e.fixId}`]);
    });
    out.push(...formatTable([...heads.map((head, k) => ({ head, right: k < 3 })), { head: 'Example' }], rows));
    more(report.errors.length, report.omitted.errors, 'errors');
  }

  // Days without messages are left out of the text (a month of zero rows hides the few that count); --json has every day.
  const messages = (d: Report['daily'][number]): number => d.answered + d.suggested + d.unanswered;
  const active = report.daily.filter((d) => messages(d) > 0);
  const quiet = report.daily.length - active.length;
  out.push(
    '',
    `Per day (UTC; # answered, + suggested, . unanswered)${quiet ? `: ${num(quiet)} day${quiet === 1 ? '' : 's'} without messages not shown` : ''}`,
  );
  if (active.length === 0) return out.join('\n');
  const max = Math.max(1, ...active.map(messages));
  const bar = (d: Report['daily'][number]): string => {
    const scale = (n: number): number => Math.round((n / max) * 30);
    const a = scale(d.answered);
    const s = scale(d.answered + d.suggested) - a;
    const u = scale(messages(d)) - a - s;
    return '#'.repeat(a) + '+'.repeat(s) + '.'.repeat(u);
  };
  out.push(
    ...formatTable(
      [
        { head: 'Date' },
        { head: 'Answered', right: true },
        { head: 'Suggested', right: true },
        { head: 'Unanswered', right: true },
        { head: '' },
      ],
      active.map((d) => [d.date, num(d.answered), num(d.suggested), num(d.unanswered), bar(d)]),
    ),
  );
  return out.join('\n');
}
