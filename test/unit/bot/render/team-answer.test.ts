// A team document made into an answer: a runbook reads Meaning, Impact, Diagnosis (with its first
// commands), Mitigation; code stays code; the link is the document's own or none (its id shown);
// the source is named; a page whose headings matched nothing still shows something useful.
import { describe, expect, it } from 'vitest';
import { buildAnswer, docStep } from '../../../../src/bot/build-answer.js';
import { docBlocks, inlineCode, shortenDoc } from '../../../../src/bot/render/doc-text.js';
import { outline, type Part } from '../../../../src/bot/render/outline.js';
import { docStepParts } from '../../../../src/bot/step-parts.js';
import { makeArticle, SAMPLE_ARTICLES } from '../../../helpers/articles.js';
import { DIAGNOSIS_ONLY, NO_KNOWN_HEADINGS, RUNBOOK, SUPPORT_ARTICLE, teamAnswer } from './team-fixtures.js';

const kinds = (parts: Part[]): string[] => parts.map((p) => ('heading' in p ? `${p.kind}:${p.heading}` : p.kind));
const textPart = (parts: Part[], heading: string): Extract<Part, { kind: 'text' }> | undefined =>
  parts.find((p): p is Extract<Part, { kind: 'text' }> => p.kind === 'text' && p.heading === heading);

describe('a runbook answer', () => {
  it('reads Meaning, Impact, Diagnosis, Mitigation in the summary view', () => {
    expect(kinds(outline(teamAnswer(RUNBOOK)))).toEqual([
      'text:Meaning',
      'text:Impact',
      'text:Diagnosis',
      'steps:Mitigation',
    ]);
  });

  it('shows the diagnosis short, with its first two commands as code blocks', () => {
    const diagnosis = textPart(outline(teamAnswer(RUNBOOK)), 'Diagnosis');
    const code = diagnosis?.paragraphs.filter((p) => p.code).map((p) => p.code);
    expect(code).toEqual([
      { lang: 'console', text: '$ oc rsh -c etcdctl -n openshift-etcd etcd-0' },
      { lang: 'console', text: '$ etcdctl endpoint status -w table' },
    ]);
    expect(diagnosis?.paragraphs[0]).toMatchObject({ text: 'Open a shell in the etcdctl container:', quoted: false });
    // The line that introduced the third command goes with it.
    expect(diagnosis?.paragraphs.at(-1)?.code?.text).toBe('$ etcdctl endpoint status -w table');
  });

  it('marks inline code in section text', () => {
    const meaning = textPart(outline(teamAnswer(RUNBOOK)), 'Meaning');
    expect(meaning?.paragraphs[0]?.rich).toContainEqual({ text: 'etcd_mvcc_db_total_size_in_bytes', code: true });
  });

  it('keeps each step with its nested items, code blocks and inline code in order', () => {
    const [first, second, third] = teamAnswer(RUNBOOK).steps;
    expect(first).toEqual({
      text: [{ text: 'Find the etcd pods:' }],
      items: [],
      details: [{ kind: 'code', code: { lang: 'bash', text: 'oc get pods -n openshift-etcd -l app=etcd' } }],
    });
    expect(
      second?.details?.map((d) =>
        d.kind === 'code' ? `code:${d.code.lang}` : d.kind === 'item' ? `item:${d.depth}` : 'text',
      ),
    ).toEqual(['item:0', 'item:1', 'item:0', 'code:bash']);
    expect(second?.details?.[1]).toEqual({
      kind: 'item',
      depth: 1,
      marker: '-',
      text: [{ text: 'check ' }, { text: 'etcdctl endpoint status', code: true }, { text: ' first' }],
    });
    expect(third?.text).toEqual([
      { text: 'Clear the alarm with ' },
      { text: 'etcdctl alarm disarm', code: true },
      { text: '.' },
    ]);
  });

  it('the steps view is the mitigation; the full view labels every section the runbook way', () => {
    expect(kinds(outline(teamAnswer(RUNBOOK, 'steps')))).toEqual(['steps:Mitigation']);
    expect(kinds(outline(teamAnswer(RUNBOOK, 'full')))).toEqual([
      'text:Meaning',
      'text:Impact',
      'text:Diagnosis',
      'text:Mitigation',
    ]);
    // The full view keeps every command.
    const full = textPart(outline(teamAnswer(RUNBOOK, 'full')), 'Diagnosis');
    expect(full?.paragraphs.filter((p) => p.code)).toHaveLength(3);
  });

  it('shows steps that are the diagnosis under "Diagnosis", then the fix in prose', () => {
    const a = teamAnswer(DIAGNOSIS_ONLY);
    expect(kinds(outline(a))).toEqual(['text:Symptoms', 'steps:Diagnosis', 'text:Fix']);
    expect(kinds(outline({ ...a, view: 'steps' }))).toEqual(['steps:Diagnosis', 'text:Fix']);
  });
});

describe('source and link', () => {
  it('names the source only when asked, and links a document only to its own URL', () => {
    expect(teamAnswer(RUNBOOK)).toMatchObject({ source: 'runbooks', url: null, format: 'doc' });
    expect(buildAnswer(RUNBOOK, { why: 'w' }).source).toBeUndefined();
    expect(teamAnswer(SUPPORT_ARTICLE).url).toBe(
      'https://learn.microsoft.com/troubleshoot/exchange/cannot-move-mailbox',
    );
    expect(teamAnswer(RUNBOOK).title).toBe('etcdDatabaseQuotaLowSpace');
  });

  it('keeps the archive article as it was: KB_URL link, no format, no source unless asked', () => {
    const archive = SAMPLE_ARTICLES[0];
    if (!archive) throw new Error('no sample');
    const a = buildAnswer(archive, { confidence: 0.9, why: 'w' });
    expect(a.url).toBe('https://support.microsoft.com/kb/290226');
    expect(a.format).toBeUndefined();
    expect(a.source).toBeUndefined();
    expect(kinds(outline(a))).toEqual([
      'text:Symptoms',
      'text:Cause',
      'warning',
      'steps:Fix',
      'list:Registry keys',
      'related',
    ]);
    const named = buildAnswer(makeArticle({ ...archive, source: 'kbarchive' }), { why: 'w', showSource: true });
    expect(named.source).toBe('kbarchive');
    expect(named.url).toBe('https://support.microsoft.com/kb/290226');
  });
});

describe('a support article and a page with no known headings', () => {
  it('shows the error as a code block and the PowerShell fix as code', () => {
    const parts = outline(teamAnswer(SUPPORT_ARTICLE));
    expect(kinds(parts)).toEqual(['text:Symptoms', 'text:Cause', 'text:Fix']);
    expect(textPart(parts, 'Symptoms')?.paragraphs[1]?.code).toEqual({
      lang: null,
      text: 'MigrationPermanentException: Error: the mailbox is locked.',
    });
    expect(textPart(parts, 'Fix')?.paragraphs[1]?.code?.lang).toBe('powershell');
  });

  it('shows the summary and the start of the other sections, and no "no fix" line', () => {
    const a = teamAnswer(NO_KNOWN_HEADINGS);
    expect(kinds(outline(a))).toEqual(['text:Summary', 'text:Starting The Toolbox', 'text:Entering The Toolbox']);
    expect(a.noFix).toBeUndefined();
    expect(kinds(outline({ ...teamAnswer(NO_KNOWN_HEADINGS, 'full') }))).toEqual([
      'text:Summary',
      'text:Starting The Toolbox',
      'text:Entering The Toolbox',
      'text:Cleaning Up',
    ]);
  });

  it('says plainly when a troubleshooting document gives no fix', () => {
    const a = teamAnswer(makeArticle({ id: 'x.md', form: 'gfm', sections: { symptoms: 'It breaks.' } }));
    expect(kinds(outline(a))).toEqual(['text:Symptoms', 'no_fix']);
  });
});

describe('the document text format', () => {
  it('reads paragraphs, nested lists, sub-headings and fences (blank lines inside a fence kept)', () => {
    expect(docBlocks('Intro line\nmore.\n\n### CLI\n\n- a\n  - b\n1. c\n\n```yaml\nx: 1\n\ny: 2\n```\nafter')).toEqual([
      { kind: 'para', text: 'Intro line more.' },
      { kind: 'heading', text: 'CLI' },
      {
        kind: 'list',
        items: [
          { depth: 0, marker: '-', text: 'a' },
          { depth: 1, marker: '-', text: 'b' },
          { depth: 0, marker: '1.', text: 'c' },
        ],
      },
      { kind: 'code', lang: 'yaml', text: 'x: 1\n\ny: 2' },
      { kind: 'para', text: 'after' },
    ]);
  });

  it('reads inline code by backtick runs, leaving a lone backtick as text', () => {
    expect(inlineCode('run `oc get` and ``a ` b`` but ` alone')).toEqual([
      { text: 'run ' },
      { text: 'oc get', code: true },
      { text: ' and ' },
      { text: 'a ` b', code: true },
      { text: ' but ` alone' },
    ]);
  });

  it('cuts a long section by whole blocks and never leaves a fence open', () => {
    const code = Array.from({ length: 30 }, (_, i) => `line ${i}`).join('\n');
    const text = ['word '.repeat(30), `\`\`\`bash\n${code}\n\`\`\``, 'word '.repeat(200), '```\nlast\n```'].join(
      '\n\n',
    );
    const short = shortenDoc(text, 400);
    expect((short.match(/^```/gm) ?? []).length % 2).toBe(0);
    const blocks = docBlocks(short);
    // Reading stops where the prose is cut: nothing after it is shown out of context.
    expect(blocks.map((b) => b.kind)).toEqual(['para', 'code', 'para']);
    expect(blocks[1]).toEqual({ kind: 'code', lang: 'bash', text: `${code.split('\n').slice(0, 8).join('\n')}\n…` });
    expect((blocks[2] as { text: string }).text).toMatch(/\.\.\.$/);
    // A code block holding a fence of its own keeps it inside a longer fence.
    expect(docBlocks(shortenDoc('```\na ``` b\n```', 400))).toEqual([{ kind: 'code', lang: null, text: 'a ``` b' }]);
  });

  it('docStepParts: the lead, then items, paragraphs and code in order', () => {
    expect(docStepParts('Run:\na. first\nb. second\n```sh\nls\n```\nThen wait.')).toEqual({
      lead: 'Run:',
      details: [
        { kind: 'item', depth: 0, marker: 'a.', text: 'first' },
        { kind: 'item', depth: 0, marker: 'b.', text: 'second' },
        { kind: 'code', lang: 'sh', text: 'ls' },
        { kind: 'text', text: 'Then wait.' },
      ],
    });
    expect(docStep('```sh\nls\n```').text).toEqual([{ text: '' }]);
  });
});
