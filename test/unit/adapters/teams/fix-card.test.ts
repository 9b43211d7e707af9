// Team fixes on a Teams card (issue #24): an answer that leads with the team's fix, a fix alone,
// "Saved as a team fix" with Undo, the offer to save, "seen before" lists and acknowledgements;
// what a Teams user reads and clicks, with nothing from users' text able to ping, link or break the card.
import { describe, expect, it } from 'vitest';
import {
  CARD_DEFAULTS,
  CARD_TEXTS,
  dayOf,
  renderAdaptiveCard,
  safeUrl,
  type AdaptiveCard,
  type CardElement,
} from '../../../../src/adapters/teams/card.js';
import type { HistoryItem, Reply, TeamFix } from '../../../../src/bot/reply.js';
import { answerOf, seed } from '../../../helpers/sample-replies.js';
import { hugeRunbook, teamReply } from '../../bot/render/team-fixtures.js';

const LINK =
  'https://teams.microsoft.com/l/message/19%3Aops%40thread.tacv2/1733390000123?parentMessageId=1733390000000';

const FIX: TeamFix = {
  id: 'fix-12',
  title: "KMS service won't start after SP3",
  text: 'Fixed it by restarting the KM service and re-running update.exe:\n\n```powershell\nRestart-Service kms\n.\\update.exe /quiet\n```',
  author: 'aad-ann',
  authorName: 'Ann Lopez',
  date: '2026-12-05',
  permalink: LINK,
  actions: [
    { id: 'helpful', label: 'Helped', value: 'fix-12' },
    { id: 'not_it', label: 'Not it', value: 'fix-12' },
  ],
};

const cardBytes = (card: object): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** Every element of a card, nested containers, action sets and fallbacks included. */
function elements(node: unknown): CardElement[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== 'object') return [];
  const o = node as CardElement;
  return [...(typeof o.type === 'string' ? [o] : []), ...Object.values(o).flatMap(elements)];
}

const textBlocks = (node: unknown): string[] =>
  elements(node).flatMap((e) => (e.type === 'TextBlock' && typeof e.text === 'string' ? [e.text] : []));

const withFix = (fix: TeamFix = FIX): Reply => ({ ...answerOf(seed('Q290226')), teamFix: fix });

describe('an answer that leads with a team fix', () => {
  it('starts with a "good" Container: who fixed it, when, the thread link, the fix as written, its own buttons', () => {
    const card = renderAdaptiveCard(withFix());
    const lead = card.body[0] as CardElement;
    expect(lead).toMatchObject({ type: 'Container', style: 'good' });
    const items = lead.items as CardElement[];
    expect(items[0]).toMatchObject({
      type: 'TextBlock',
      wrap: true,
      text: `✅ **Your team fixed this before:** KMS service won't start after SP3 — Ann Lopez, 5 Dec 2026, [thread](${LINK})`,
    });
    expect(items[1]).toMatchObject({ type: 'RichTextBlock' });
    expect(JSON.stringify(items[1])).toContain('Fixed it by restarting the KM service');
    expect(items[2]).toMatchObject({
      type: 'CodeBlock',
      language: 'PowerShell',
      codeSnippet: 'Restart-Service kms\n.\\update.exe /quiet',
    });
    expect(items[3]).toEqual({
      type: 'ActionSet',
      actions: [
        { type: 'Action.Submit', title: 'Helped', data: { kbAction: 'helpful', id: 'fix-12' } },
        { type: 'Action.Submit', title: 'Not it', data: { kbAction: 'not_it', id: 'fix-12' } },
        { type: 'Action.OpenUrl', title: CARD_TEXTS.openThread, url: LINK },
      ],
    });
    // Then the article as always, set apart, with its own buttons.
    expect(card.body[1]).toMatchObject({ type: 'TextBlock', spacing: 'Large', style: 'heading' });
    expect(String(card.body[1]?.text)).toMatch(/^Q290226: /);
    expect(card.actions.map((a) => (a.data as { id?: string } | undefined)?.id ?? a.type)).toContain('Q290226');
    expect(card.fallbackText).toMatch(/^Your team fixed this before: KMS service won't start after SP3\. Q290226: /);
  });

  it('without a name or a link says the author id and the date only, and offers no Open thread', () => {
    const card = renderAdaptiveCard(withFix({ ...FIX, authorName: null, permalink: null }));
    const lead = card.body[0] as CardElement;
    expect(textBlocks(lead)[0]).toBe(
      `✅ **Your team fixed this before:** KMS service won't start after SP3 — aad-ann, 5 Dec 2026`,
    );
    expect(elements(lead).filter((e) => e.type === 'Action.OpenUrl')).toEqual([]);
  });

  it('lets no mention, tag, link or formatting out of the title, the name, the fix or the link', () => {
    const hostile: TeamFix = {
      ...FIX,
      title: '<at>General</at> **urgent** [click](https://evil.example) @channel',
      authorName: '<at id="0">Ann</at> _x_',
      text: 'ping <at>everyone</at> and [here](javascript:alert(1)) **now**\n\n```\n<at>General</at> echo hi\n```',
      permalink: 'javascript:alert(1)',
    };
    const card = renderAdaptiveCard(withFix(hostile));
    const lead = card.body[0] as CardElement;
    const json = JSON.stringify(lead);
    expect(json).not.toMatch(/<at\b/i);
    // Markdown is read in TextBlocks only (TextRuns are plain): no link can form there.
    expect(textBlocks(lead).join('\n')).not.toMatch(/\]\((?:javascript|https:\/\/evil)/);
    expect(textBlocks(lead)[0]).not.toMatch(/\*\*urgent\*\*/);
    expect(elements(lead).filter((e) => e.type === 'Action.OpenUrl')).toEqual([]);
    // A link with brackets cannot end the markdown link early.
    expect(safeUrl('https://example.com/a_(b)[c]')).toBe('https://example.com/a_%28b%29%5Bc%5D');
    expect(safeUrl('https://example.com/a b')).toBeNull();
    expect(safeUrl('ftp://example.com/')).toBeNull();
  });

  it('stays under 28 KB with a huge team document below it, the fix kept whole', () => {
    const huge = teamReply(hugeRunbook(), 'full');
    const card = renderAdaptiveCard({ ...huge, teamFix: FIX } as Reply);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_DEFAULTS.maxBytes);
    expect(card.body[0]).toMatchObject({ type: 'Container', style: 'good' });
    expect((card.body[0]?.items as CardElement[]).map((e) => e.type)).toEqual([
      'TextBlock',
      'RichTextBlock',
      'CodeBlock',
      'ActionSet',
    ]);
  });
});

describe('a team fix alone', () => {
  it('is the fix Container and nothing else: no article buttons', () => {
    const card: AdaptiveCard = renderAdaptiveCard({ kind: 'fix', fix: FIX, intro: 'No KB article matches, but:' });
    expect(card.body.map((b) => b.type)).toEqual(['TextBlock', 'Container']);
    expect(card.body[1]).toMatchObject({ style: 'good' });
    expect(card.actions).toEqual([]);
    expect(card.fallbackText).toBe("Your team fixed this before: KMS service won't start after SP3");
  });
});

describe('saving a fix', () => {
  it('"Saved as a team fix" is one line with an Undo button carrying the fix id', () => {
    const card = renderAdaptiveCard({
      kind: 'saved',
      fixId: 'fix-12',
      title: "KMS service won't start",
      text: "Saved as a team fix: KMS service won't start (fix-12)",
    });
    expect(textBlocks(card.body)).toEqual(["Saved as a team fix: KMS service won't start (fix-12)"]);
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Undo', data: { kbAction: 'undo_fix', id: 'fix-12' } },
    ]);
  });

  it("the offer to save a person's fix has a Save as fix button with the message id; a Slack-style mention is inert", () => {
    const card = renderAdaptiveCard({
      kind: 'offer_save',
      text: "Save <@aad-ann>'s fix for next time?",
      messageId: '1733390000123',
      author: 'aad-ann',
    });
    expect(textBlocks(card.body)).toEqual(["Save @aad-ann's fix for next time?"]);
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Save as fix', data: { kbAction: 'save_fix', id: '1733390000123' } },
    ]);
  });

  it('an acknowledgement is its words (bots cannot react in Teams), with no buttons', () => {
    const card = renderAdaptiveCard({
      kind: 'ack',
      emoji: 'white_check_mark',
      text: 'Thanks, noted that fix-12 helped.',
    });
    expect(textBlocks(card.body)).toEqual(['Thanks, noted that fix-12 helped.']);
    expect(card.actions).toEqual([]);
  });
});

describe('"has anyone seen this before?"', () => {
  const at = Date.UTC(2026, 11, 1, 15, 30);
  const items: HistoryItem[] = [
    {
      kind: 'fix',
      title: "KMS service won't start after SP3",
      outcome: "fixed: KMS service won't start after SP3",
      at,
      conversation: '19:ops@thread.tacv2',
      thread: '1733390000000',
      permalink: LINK,
      fixId: 'fix-12',
    },
    {
      kind: 'thread',
      title: 'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3',
      outcome: 'Q290226 helped',
      at: at - 86_400_000,
      conversation: '19:platform@thread.tacv2',
      thread: '1733300000000',
      permalink: null,
    },
    {
      kind: 'thread',
      title: 'unanswered',
      outcome: 'unanswered',
      at,
      conversation: 'C123',
      thread: '1733.0001',
      permalink: null,
    },
  ];

  it('lists each past thread: title and how it ended, the date, a link to the thread where one can be made', () => {
    const card = renderAdaptiveCard({ kind: 'history', intro: 'Seen before, newest first:', items });
    expect(textBlocks(card.body)).toEqual([
      'Seen before, newest first:',
      "**1. KMS service won't start after SP3** — fixed: KMS service won't start after SP3",
      `1 Dec 2026 · [thread](${LINK})`,
      '**2. Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3** — Q290226 helped',
      '30 Nov 2026 · [thread](https://teams.microsoft.com/l/message/19%3Aplatform%40thread.tacv2/1733300000000?parentMessageId=1733300000000)',
      '**3. unanswered** — unanswered',
      '1 Dec 2026',
    ]);
    expect(card.body[1]).toMatchObject({ type: 'Container', style: 'good' });
    expect(card.body[2]).not.toHaveProperty('style');
  });

  it('shows at most ten, escapes what people pasted, and stays under 28 KB', () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      ...items[1]!,
      title: `<at>General</at> **${i}** ${'x'.repeat(2000)}`,
      at: i === 0 ? 1e20 : NaN, // times no Date can hold: no date shown, no throw
    }));
    const card = renderAdaptiveCard({ kind: 'history', intro: 'Seen before:', items: many });
    expect(card.body.filter((b) => b.type === 'Container')).toHaveLength(CARD_DEFAULTS.historyItems);
    expect(JSON.stringify(card)).not.toMatch(/<at\b/i);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_DEFAULTS.maxBytes);
  });
});

describe('dayOf', () => {
  it('writes ISO dates the same way everywhere: "5 Dec 2026"', () => {
    expect(dayOf('2026-12-05')).toBe('5 Dec 2026');
    expect(dayOf('2026-01-31T23:59:59Z')).toBe('31 Jan 2026');
    expect(dayOf('yesterday')).toBe('yesterday');
  });
});
