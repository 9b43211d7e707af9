// The Teams renderer: an Adaptive Card 1.5 a Teams user reads and clicks, under Teams' size limit,
// with no mention, tag, link or formatting coming from KB text.
import { describe, expect, it } from 'vitest';
import { buildAnswer } from '../../../../src/bot/build-answer.js';
import { outline } from '../../../../src/bot/render/outline.js';
import {
  CARD_DEFAULTS,
  renderAdaptiveCard,
  type AdaptiveCard,
  type CardElement,
} from '../../../../src/adapters/teams/card.js';
import { answerOf, hostile, NO_MATCH, seed, seeds, SUGGESTIONS, TEXT, VIEWS } from '../../../helpers/sample-replies.js';
import { hugeRunbook, RUNBOOK, SUPPORT_ARTICLE, teamReply } from '../../bot/render/team-fixtures.js';

const cardBytes = (card: object): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** Every element of a card, nested containers, inlines and select actions included. */
function elements(node: unknown): CardElement[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== 'object') return [];
  const o = node as CardElement;
  return [...(typeof o.type === 'string' ? [o] : []), ...Object.values(o).flatMap(elements)];
}

/** The text of every TextBlock (markdown) in a card body, nested containers included. */
const textBlocks = (node: unknown): string[] =>
  elements(node).flatMap((e) => (e.type === 'TextBlock' && typeof e.text === 'string' ? [e.text] : []));

/** A RichTextBlock as one readable line: bold runs in **, monospace runs in backticks. */
const richLine = (b: CardElement): string =>
  (b.inlines as CardElement[])
    .map((r) =>
      r.weight === 'Bolder'
        ? `**${String(r.text)}**`
        : r.fontType === 'Monospace'
          ? `\`${String(r.text)}\``
          : String(r.text),
    )
    .join('');

/** The labels a reader scans a card by: section headings and the warning, no-fix and see-also lines. */
function labels(card: AdaptiveCard): string[] {
  return card.body.flatMap((b) => {
    const t = String(b.text ?? '');
    if (b.type !== 'TextBlock') return [];
    if (b.weight === 'Bolder' && b.spacing === 'Medium') return [t];
    const label = /^(?:⚠ )?\*\*(Warning|No fix|See also):\*\*/.exec(t)?.[1];
    return label ? [label] : [];
  });
}

describe('an answer', () => {
  it('is a 1.5 card with the title, why, facts, submit actions and the article link', () => {
    const card = renderAdaptiveCard(answerOf(seed('Q290226')));
    expect(card).toMatchObject({
      type: 'AdaptiveCard',
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      version: '1.5',
      msteams: { width: 'Full' },
    });
    expect(card.fallbackText).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(card.body.slice(0, 2)).toEqual([
      {
        type: 'TextBlock',
        text: 'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
        wrap: true,
        style: 'heading',
        size: 'Medium',
        weight: 'Bolder',
      },
      { type: 'TextBlock', text: 'Matched: test reason', wrap: true, isSubtle: true, size: 'Small', spacing: 'None' },
    ]);
    expect(card.body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Applies to', value: 'Microsoft Exchange Server, version 5.5' },
        { title: 'Product', value: 'Microsoft Exchange' },
        { title: 'Date', value: '2001-08-23' },
        { title: 'Confidence', value: '0.90' },
      ],
    });
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Helped', data: { kbAction: 'helpful', id: 'Q290226' } },
      { type: 'Action.Submit', title: 'Not it', data: { kbAction: 'not_it', id: 'Q290226' } },
      { type: 'Action.Submit', title: 'Other matches', data: { kbAction: 'other_matches', id: 'Q290226' } },
      { type: 'Action.Submit', title: 'Full article', data: { kbAction: 'full_article', id: 'Q290226' } },
      { type: 'Action.Submit', title: 'Share in channel', data: { kbAction: 'share', id: 'Q290226' } },
      { type: 'Action.OpenUrl', title: 'Open Q290226', url: 'https://support.microsoft.com/kb/290226' },
    ]);
  });

  it('numbers the fix steps in order, each listed key on its own line, keys and paths in monospace', () => {
    const card = renderAdaptiveCard(answerOf(seed('Q290226')));
    const fix = card.body.findIndex((b) => b.text === 'Fix');
    // The resolution in its own words leads the steps (issue #25).
    expect(card.body[fix + 1]?.text).toBe(
      'To resolve this issue, remove the KMS component and apply it again. If you cannot remove the KMS component when you run Setup.exe, you must remove it manually:',
    );
    expect(card.body.slice(fix + 2).map(richLine)).toEqual([
      '**1. **Stop KMS.',
      '**2. **Start Registry Editor (`Regedt32.exe`).',
      '**3. **Remove the following registry keys:',
      '\u2003- `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS`',
      '\u2003- `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer`',
      '\u2003- `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server`',
    ]);
    // The steps name every key: the key list is in the full view, not repeated under the steps.
    const full = renderAdaptiveCard(answerOf(seed('Q290226'), 'full')).body;
    const keys = full.findIndex((b) => b.text === 'Registry keys');
    expect(full.slice(keys + 1).map(richLine)).toEqual([
      '`HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS`',
      '`HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer`',
      '`HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server`',
    ]);
    const files = renderAdaptiveCard(answerOf(seed('Q193567'))).body;
    expect(files.filter((b) => b.type === 'RichTextBlock').map(richLine)).toEqual(['`Kmsupgrd.dll` 5.5.2418.0']);
    expect(textBlocks(files)).toContain('**See also:** Q191014');
  });

  it('shows the registry warning in warning colour before the fix, and says "No fix:" when there is none', () => {
    const card = renderAdaptiveCard(answerOf(seed('Q235418')));
    const warning = card.body.findIndex((b) => b.color === 'Warning');
    expect(card.body[warning]?.text).toBe(
      '⚠ **Warning:** Back up the registry before you edit it: a wrong change can stop Windows from starting.',
    );
    expect(warning).toBeLessThan(card.body.findIndex((b) => b.text === 'Fix'));
    expect(textBlocks(renderAdaptiveCard(answerOf(seed('Q174743'))))).toContain(
      '**No fix:** This behavior is by design; the article gives no fix.',
    );
  });

  // Each seed in each view: a valid 1.5 card under the size limit, every part of the outline in order, no markdown from the KB.
  for (const a of seeds) {
    for (const view of VIEWS) {
      it(`${a.id} (${view}): valid 1.5 card under 28 KB, each part in order, no markdown from the KB`, () => {
        const reply = answerOf(a, view);
        const card = renderAdaptiveCard(reply);
        expect(JSON.parse(JSON.stringify(card))).toStrictEqual(card);
        expect(card).toMatchObject({ type: 'AdaptiveCard', $schema: CARD_DEFAULTS.schema, version: '1.5' });
        expect(cardBytes(card)).toBeLessThan(28_000);
        const known = ['TextBlock', 'RichTextBlock', 'TextRun', 'FactSet', 'Container'];
        expect(elements(card.body).filter((e) => !known.includes(String(e.type)))).toEqual([]);
        for (const b of elements(card.body).filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
        expect(card.actions.length).toBeLessThanOrEqual(CARD_DEFAULTS.maxActions);
        expect(card.actions).toContainEqual(expect.objectContaining({ data: { kbAction: 'full_article', id: a.id } }));
        const expected = outline(reply.answer).map((p) =>
          'heading' in p ? p.heading : { warning: 'Warning', no_fix: 'No fix', related: 'See also' }[p.kind],
        );
        expect(labels(card)).toEqual(expected);
        // The only markdown is the renderer's own bold labels: KB text has no emphasis, code, link or list marker.
        for (const t of textBlocks(card)) {
          const kbText = t.replace(/^(?:⚠ )?\*\*(?:Warning|No fix|See also):\*\* /, '');
          expect(kbText, t).not.toMatch(/[*`~]|\]\(|(?<!\w)_|_(?!\w)/);
          expect(kbText, t).not.toMatch(/^\s*(?:\d+[.)]|[-+#>]) /m);
        }
      });
    }
  }

  it('lets no mention, tag, link or formatting out of KB text', () => {
    const card = renderAdaptiveCard({ kind: 'answer', answer: hostile(), intro: '<at>x</at>' });
    // No tag anywhere (TextRuns included): Teams would read <at> as a mention.
    expect(JSON.stringify(card)).not.toMatch(/<at>|<\/at>|<!channel>|<http|&lt;at/);
    expect(JSON.stringify(card)).not.toMatch(/@(?:here|channel|everyone)/);
    // TextBlocks (markdown) and the fallback text carry no emphasis or link syntax from the KB.
    const markdown = [card.fallbackText ?? '', ...textBlocks(card.body)];
    expect(markdown.length).toBeGreaterThan(5);
    for (const t of markdown) expect(t).not.toMatch(/\]\(|\*bold\*|_it_|~strike~|`code`/);
    // TextRuns are not markdown: the step keeps its characters.
    expect(JSON.stringify(card)).toContain('"text":"C:\\\\`x`\\\\<\u200B!here>.exe","fontType":"Monospace"');
  });

  it('stays under 28 KB for a huge article and keeps the full-article action', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'w', view: 'full' });
    answer.steps = Array.from({ length: 300 }, (_, i) => ({
      text: [{ text: `Step ${i} `.padEnd(500, 'x') }, { text: 'C:\\x.exe', code: true }],
      items: [],
    }));
    answer.sections = Array.from({ length: 40 }, (_, i) => ({ heading: `Section ${i}`, text: 'word '.repeat(2000) }));
    for (const view of VIEWS) {
      const card = renderAdaptiveCard({ kind: 'answer', answer: { ...answer, view } });
      expect(cardBytes(card)).toBeLessThan(28_000);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_DEFAULTS.maxBytes);
      expect(card.actions).toContainEqual(
        expect.objectContaining({ data: { kbAction: 'full_article', id: 'Q290226' } }),
      );
      expect(card.body.at(-1)).toMatchObject({
        type: 'TextBlock',
        text: '_… trimmed: open the article for the rest._',
      });
    }
  });

  it('shows at most six buttons, dropping share before full article', () => {
    const reply = answerOf(seed('Q290226'));
    const answer = {
      ...reply.answer,
      actions: [...reply.answer.actions, { id: 'helpful' as const, label: 'Fixed it', value: 'Q290226' }],
    };
    const titles = renderAdaptiveCard({ kind: 'answer', answer }).actions.map((x) => x.title);
    expect(titles).toEqual(['Helped', 'Not it', 'Other matches', 'Full article', 'Fixed it', 'Open Q290226']);
  });
});

describe('other replies', () => {
  it('lists did-you-mean candidates with why, each a tap target and a pick button', () => {
    const s = renderAdaptiveCard(SUGGESTIONS);
    expect(s.fallbackText).toBe('Did you mean one of these?');
    expect(s.body[0]).toMatchObject({ type: 'TextBlock', text: 'Did you mean one of these?', weight: 'Bolder' });
    expect(s.body.slice(1).map((c) => [textBlocks(c), c.selectAction])).toEqual([
      [
        ['**1. Q290226:** XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002', 'code 0xc0020002'],
        { type: 'Action.Submit', title: 'Q290226', data: { kbAction: 'pick', id: 'Q290226' } },
      ],
      [
        [
          '**2. Q235418:** XADM: Cannot Apply Service Pack on KM Server',
          'error text "The system cannot find the file specified."',
        ],
        { type: 'Action.Submit', title: 'Q235418', data: { kbAction: 'pick', id: 'Q235418' } },
      ],
    ]);
    expect(s.actions).toEqual([
      { type: 'Action.Submit', title: '1. Q290226', data: { kbAction: 'pick', id: 'Q290226' } },
      { type: 'Action.Submit', title: '2. Q235418', data: { kbAction: 'pick', id: 'Q235418' } },
    ]);
  });

  it('renders no match with its hints as bullets, and text a line a block with list markers inert', () => {
    const n = renderAdaptiveCard(NO_MATCH);
    expect(textBlocks(n)).toEqual([
      'I could not find an article that matches.',
      '• Paste the exact error text, including any code such as 0xc0020002.',
      '• Or name an article you know of: Q290226.',
    ]);
    expect(n.actions).toEqual([]);
    const t = renderAdaptiveCard(TEXT);
    expect(textBlocks(t)).toEqual([
      'I find the knowledge-base article that fixes an error. Try:',
      '-\u00A0paste the error as you see it',
      '-\u00A0name an article: "Q290226"',
    ]);
    expect(t.fallbackText).toBe(
      'I find the knowledge-base article that fixes an error. Try: - paste the error as you see it - name an article: "Q290226"',
    );
    expect(t).toMatchObject({ type: 'AdaptiveCard', version: '1.5', actions: [] });
  });
});

describe('a team document', () => {
  /** Element types an Adaptive Card 1.5 body may hold, plus Teams' CodeBlock. */
  const KNOWN = new Set(['TextBlock', 'RichTextBlock', 'TextRun', 'FactSet', 'Container', 'CodeBlock']);
  const codeBlocks = (card: AdaptiveCard): CardElement[] => elements(card.body).filter((e) => e.type === 'CodeBlock');

  it('shows commands as CodeBlocks with their language, a monospace fallback, items nested under their step', () => {
    const card = renderAdaptiveCard(teamReply(RUNBOOK));
    const blocks = codeBlocks(card);
    expect(blocks[0]).toEqual({
      type: 'CodeBlock',
      codeSnippet: '$ oc rsh -c etcdctl -n openshift-etcd etcd-0',
      language: 'Bash',
      fallback: {
        type: 'TextBlock',
        text: '$ oc rsh -c etcdctl -n openshift-etcd etcd-0',
        wrap: true,
        fontType: 'Monospace',
      },
      spacing: 'Small',
    });
    expect(blocks.map((b) => b.codeSnippet)).toContain('oc get pods -n openshift-etcd -l app=etcd');
    const steps = card.body.filter((b) => b.type === 'RichTextBlock').map(richLine);
    expect(steps).toEqual([
      expect.stringContaining('as measured by `etcd_mvcc_db_total_size_in_bytes`'),
      'No writes can be made to etcd: no pod can be created. *Tell* <\u200B!channel> and @\u200Bhere.',
      'Open a shell in the etcdctl container:',
      'Check the size of each endpoint:',
      '**1. **Find the etcd pods:',
      '**2. **Defragment each member:',
      '\u2003• the leader last',
      '\u2003\u2003• check `etcdctl endpoint status` first',
      '\u2003• one at a time',
      '**3. **Clear the alarm with `etcdctl alarm disarm`.',
    ]);
  });

  it('keeps hostile code as code: no mention, no broken card, fallback escaped', () => {
    const card = renderAdaptiveCard(teamReply(RUNBOOK));
    const evil = codeBlocks(card).find((b) => String(b.codeSnippet).includes('defrag'));
    expect(evil?.codeSnippet).toBe(
      'etcdctl defrag --command-timeout=30s\necho "<\u200B!channel> @\u200Bhere *bold* _it_ </pre> <\u200Bat>Boss<\u200B/at> ``` done"',
    );
    expect(JSON.stringify(card)).not.toMatch(/<at>|<\/at>|@(?:here|channel|everyone)/);
    const fallback = (evil?.fallback as CardElement).text as string;
    expect(fallback).not.toMatch(/\*bold\*|_it_|<\//);
    // Valid JSON of known elements only.
    const parsed = JSON.parse(JSON.stringify(card)) as AdaptiveCard;
    for (const e of elements(parsed.body)) expect(KNOWN.has(String(e.type)), String(e.type)).toBe(true);
  });

  it('has its title as heading, its source and id as facts, and no link when it has none', () => {
    const card = renderAdaptiveCard(teamReply(RUNBOOK));
    expect(card.body[0]).toMatchObject({ type: 'TextBlock', text: 'etcdDatabaseQuotaLowSpace', style: 'heading' });
    expect(card.body[2]).toEqual({
      type: 'FactSet',
      facts: [
        { title: 'Source', value: 'runbooks' },
        { title: 'Article', value: 'openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md' },
        { title: 'Confidence', value: '0.90' },
      ],
    });
    expect(card.actions.some((a) => a.type === 'Action.OpenUrl')).toBe(false);
    expect(labels(card)).toEqual(['Meaning', 'Impact', 'Diagnosis', 'Mitigation']);
  });

  it('links a document with a URL of its own, and shows its PowerShell as PowerShell', () => {
    const card = renderAdaptiveCard(teamReply(SUPPORT_ARTICLE));
    expect(card.actions.at(-1)).toEqual({
      type: 'Action.OpenUrl',
      title: 'Open article',
      url: 'https://learn.microsoft.com/troubleshoot/exchange/cannot-move-mailbox',
    });
    expect(codeBlocks(card).map((b) => [b.language, b.codeSnippet])).toEqual([
      ['PlainText', 'MigrationPermanentException: Error: the mailbox is locked.'],
      ['PowerShell', 'Remove-MoveRequest -Identity user@contoso.com'],
    ]);
  });

  it('stays under 28 KB for a huge runbook, code cut with "…", the full-article action kept', () => {
    for (const view of VIEWS) {
      const card = renderAdaptiveCard(teamReply(hugeRunbook(), view));
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_DEFAULTS.maxBytes);
      const snippets = codeBlocks(card).map((b) => String(b.codeSnippet));
      expect(snippets.length).toBeGreaterThan(0);
      for (const code of snippets) {
        expect(code.split('\n').length).toBeLessThanOrEqual(CARD_DEFAULTS.codeLines + 1);
        expect(code.endsWith('\n…')).toBe(true);
      }
      if (view === 'steps') expect(snippets[0]?.split('\n')).toHaveLength(CARD_DEFAULTS.codeLines + 1);
      expect(card.actions).toContainEqual(
        expect.objectContaining({ data: { kbAction: 'full_article', id: RUNBOOK.id } }),
      );
    }
  });
});
