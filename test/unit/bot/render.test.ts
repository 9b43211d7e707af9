// The three renderers of the reply model: console text, Slack Block Kit, Teams Adaptive Card.
// Snapshots of the five seed articles in every view, plus what a user would notice: no pings or
// markup from KB text, long articles within the platform limits, 80 columns, no stray ANSI.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/kb/article.js';
import { parseArticle } from '../../../src/kb/parse/index.js';
import { buildAnswer } from '../../../src/bot/build-answer.js';
import type { ArticleAnswer, AnswerView, Reply } from '../../../src/bot/reply.js';
import { renderPlain } from '../../../src/adapters/console/plain.js';
import { renderSlack, type SlackBlock } from '../../../src/adapters/slack/blocks.js';
import { CARD_DEFAULTS, renderAdaptiveCard } from '../../../src/adapters/teams/card.js';
import { cardText, clip, slackText } from '../../../src/bot/render/escape.js';

const SEEDS = join(import.meta.dirname, '../../../seeds');
const seeds: Article[] = readdirSync(SEEDS)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => parseArticle(readFileSync(join(SEEDS, f)), f));
const answerOf = (a: Article, view: AnswerView = 'summary'): Reply => ({ kind: 'answer', answer: buildAnswer(a, { confidence: 0.9, why: 'test reason', view }) });
const seed = (id: string): Article => {
  const a = seeds.find((s) => s.id === id);
  if (!a) throw new Error(`no seed ${id}`);
  return a;
};

const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex
const PINGS = /<!channel>|<!here>|<!everyone>|<@|<#|<!subteam|<http/;

const SUGGESTIONS: Reply = {
  kind: 'suggestions',
  intro: 'Did you mean one of these?',
  candidates: [
    { id: 'Q290226', title: 'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002', why: 'code 0xc0020002', confidence: 0.62 },
    { id: 'Q235418', title: 'XADM: Cannot Apply Service Pack on KM Server', why: 'error text "The system cannot find the file specified."', confidence: 0.55 },
  ],
};
const NO_MATCH: Reply = { kind: 'no_match', text: 'I could not find an article that matches.', hints: ['Paste the exact error text, including any code such as 0xc0020002.', 'Or name an article you know of: Q290226.'] };
const TEXT: Reply = { kind: 'text', text: 'I find the knowledge-base article that fixes an error. Try:\n- paste the error as you see it\n- name an article: "Q290226"' };

/** Every text object in a Slack message, with its kind. */
function slackTexts(blocks: SlackBlock[]): { type: string; text: string; where: string }[] {
  const out: { type: string; text: string; where: string }[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n) => visit(n, where));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push({ type: o.type, text: o.text, where });
      for (const [k, v] of Object.entries(o)) visit(v, typeof o.type === 'string' && o.type !== 'mrkdwn' && o.type !== 'plain_text' ? `${o.type}.${k}` : where);
    }
  };
  visit(blocks, 'root');
  return out;
}

function expectSlackWithinLimits(msg: ReturnType<typeof renderSlack>): void {
  expect(msg.blocks.length).toBeLessThanOrEqual(50);
  for (const t of slackTexts(msg.blocks)) {
    expect(t.text.length, t.where).toBeLessThanOrEqual(3000);
    if (t.where.startsWith('header')) expect(t.text.length).toBeLessThanOrEqual(150);
    if (t.where.startsWith('button')) expect(t.text.length).toBeLessThanOrEqual(75);
  }
  const ids: string[] = [];
  for (const b of msg.blocks.filter((x) => x.type === 'actions')) {
    for (const e of b.elements as Record<string, unknown>[]) {
      ids.push(e.action_id as string);
      if (typeof e.value === 'string') expect(e.value.length).toBeLessThanOrEqual(2000);
    }
  }
  expect(new Set(ids).size).toBe(ids.length);
}

const cardBytes = (card: object): number => Buffer.byteLength(JSON.stringify(card), 'utf8');

/** The text of every TextBlock (markdown) in a card body, nested containers included. */
function textBlocks(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textBlocks);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  const own = o.type === 'TextBlock' && typeof o.text === 'string' ? [o.text] : [];
  return [...own, ...Object.values(o).flatMap(textBlocks)];
}

describe('seed articles: snapshots', () => {
  it('parses the five seeds', () => expect(seeds.map((s) => s.id)).toHaveLength(5));
  for (const view of ['summary', 'steps', 'full'] as const) {
    for (const [i, file] of ['000', '001', '002', '003', '004'].entries()) {
      it(`${file} (${view}): plain, Slack and card`, () => {
        const a = seeds[i] as Article;
        const reply = answerOf(a, view);
        const slack = renderSlack(reply);
        const card = renderAdaptiveCard(reply);
        expect(renderPlain(reply)).toMatchSnapshot('plain');
        expect(slack).toMatchSnapshot('slack');
        expect(card).toMatchSnapshot('card');
        expectSlackWithinLimits(slack);
        expect(cardBytes(card)).toBeLessThan(28_000);
      });
    }
  }
  it('colour output of Q290226', () => expect(renderPlain(answerOf(seed('Q290226')), { color: true })).toMatchSnapshot());
});

describe('plain text', () => {
  it('starts with the id and title, then why and confidence', () => {
    const lines = renderPlain({ ...answerOf(seed('Q290226')) }).split('\n');
    expect(lines[0]).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(lines[1]).toBe('Matched: test reason (confidence 0.90)');
  });

  it('shows the registry warning before the steps, numbered with hanging indents', () => {
    const out = renderPlain(answerOf(seed('Q235418')));
    expect(out.indexOf('Warning:')).toBeLessThan(out.indexOf('Fix:'));
    expect(out).toMatch(/^ {2}1\. Start Registry Editor \(Regedt32\.exe\)\.$/m);
    expect(out).toMatch(/^ {2}3\. On the Edit menu.*\n {5}\S/m);
  });

  it('says "No fix:" when there is none, and lists files and the link', () => {
    expect(renderPlain(answerOf(seed('Q174743')))).toContain('No fix: This behavior is by design; the article gives no fix.');
    const q193567 = renderPlain(answerOf(seed('Q193567')));
    expect(q193567).toMatch(/Files:\n {2}Kmsupgrd\.dll 5\.5\.2418\.0/);
    expect(q193567).toContain('See also: Q191014');
    expect(q193567).toContain('Article: https://support.microsoft.com/kb/193567');
  });

  it('never exceeds 80 columns except for a single unbreakable token', () => {
    const key = `HKEY_LOCAL_MACHINE\\SOFTWARE\\${'VeryLongVendorName\\'.repeat(6)}Setting`;
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'test reason '.repeat(20) });
    answer.steps = [
      ...answer.steps,
      { text: [{ text: 'Open the following key, which is long: ' }, { text: key, code: true }, { text: ' and then '.repeat(20) }], items: [[{ text: '- ' }, { text: key, code: true }], [{ text: `a. ${'then this '.repeat(12)}` }]] },
    ];
    answer.registryKeys = [...answer.registryKeys, key];
    const replies: Reply[] = [{ kind: 'answer', answer }, ...seeds.flatMap((a) => (['summary', 'steps', 'full'] as const).map((v) => answerOf(a, v))), SUGGESTIONS, NO_MATCH];
    // An unbreakable token: a registry key, the only thing on its line but for a list item's marker.
    const unbreakable = new Set([key, ...seeds.flatMap((a) => a.registryKeys)]);
    for (const reply of replies) {
      for (const line of renderPlain(reply).split('\n')) {
        if (line.length > 80) expect(unbreakable.has(line.trim().replace(/^(?:-|[a-z][.)]) /, '')), line).toBe(true);
      }
    }
    for (const line of renderPlain({ kind: 'answer', answer }, { width: 40 }).split('\n')) {
      if (line.length > 40) expect(line.trim().split(' ').some((w) => w.length > 30), line).toBe(true);
    }
  });

  it('has no ANSI codes without colour, even when the KB text carries some', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'x' });
    answer.symptoms = 'evil \x1b[31mred\x1b[0m text \x07';
    for (const reply of [{ kind: 'answer', answer } as Reply, ...seeds.map((a) => answerOf(a, 'full')), SUGGESTIONS, NO_MATCH, TEXT]) {
      expect(renderPlain(reply)).not.toMatch(ANSI);
      expect(renderPlain(reply)).not.toContain('\x07');
    }
    const colored = renderPlain(answerOf(seed('Q290226')), { color: true });
    expect(colored).toMatch(ANSI);
    expect(colored).toContain('\x1b[36mHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer\x1b[0m');
  });

  it('renders suggestions, no match and text', () => {
    expect(renderPlain(SUGGESTIONS)).toBe(
      [
        'Did you mean one of these?',
        '  1. Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
        '     (code 0xc0020002)',
        '  2. Q235418: XADM: Cannot Apply Service Pack on KM Server (error text "The',
        '     system cannot find the file specified.")',
      ].join('\n'),
    );
    expect(renderPlain(NO_MATCH)).toMatch(/^I could not find an article that matches\.\n {2}- Paste the exact error text/);
    expect(renderPlain(TEXT)).toBe(TEXT.kind === 'text' ? TEXT.text : '');
  });
});

/** An answer whose KB text tries every trick. */
function hostile(): ArticleAnswer {
  const evil = 'Tell <!channel> and <!here> and <@U123> and @here @channel @everyone: *bold* _it_ ~strike~ `code` <http://evil.example|click> [link](http://evil.example) <at>Boss</at> &lt;at&gt; & done';
  const answer = buildAnswer(seed('Q290226'), { confidence: 0.5, why: evil });
  answer.title = evil;
  answer.symptoms = evil;
  answer.cause = evil;
  answer.steps = [...answer.steps, { text: [{ text: evil }, { text: 'C:\\`x`\\<!here>.exe', code: true }], items: [[{ text: `- ${evil}` }]] }];
  answer.related = [...answer.related, { id: 'Q1', title: evil }];
  answer.registryKeys = [...answer.registryKeys, 'HKEY_LOCAL_MACHINE\\<!channel>'];
  return answer;
}

describe('Slack', () => {
  it('lets no ping, mention, link or formatting out of KB text', () => {
    const msg = renderSlack({ kind: 'answer', answer: hostile(), intro: '<!everyone> @here' });
    const json = JSON.stringify(msg);
    expect(json).not.toMatch(PINGS);
    expect(json).not.toMatch(/@(?:here|channel|everyone)/);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('@\u200Bhere');
    for (const t of [msg.text, ...slackTexts(msg.blocks).filter((x) => x.type === 'mrkdwn').map((x) => x.text)]) expect(t).not.toMatch(/\*bold\*|_it_|~strike~|`code`/);
    // Code spans are the only backticks, and the one in the path is replaced.
    expect(json).toContain('`C:\\\\ˋxˋ\\\\&lt;!here&gt;.exe`');
    for (const t of slackTexts(msg.blocks)) if (t.type === 'mrkdwn') expect(t.text).not.toMatch(/<(?!\/)/);
    expectSlackWithinLimits(msg);
  });

  it('escapes prose but leaves words with underscores inside alone', () => {
    expect(slackText('a_b _c_ 5*3 x~y')).toBe('a_b ˍcˍ 5∗3 x∼y');
    expect(slackText('AT&T <b>')).toBe('AT&amp;T &lt;b&gt;');
    expect(clip('a &amp; b', 7)).toBe('a…');
    expect(clip('abc def', 100)).toBe('abc def');
  });

  it('has the buttons, a link and the why', () => {
    const msg = renderSlack(answerOf(seed('Q290226')));
    const actions = msg.blocks.find((b) => b.type === 'actions') as { elements: Record<string, unknown>[] };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      ['kb_helpful', 'Q290226'],
      ['kb_not_it', 'Q290226'],
      ['kb_other_matches', 'Q290226'],
      ['kb_full_article', 'Q290226'],
      ['kb_share', 'Q290226'],
      ['kb_open', undefined],
    ]);
    expect(actions.elements.at(-1)?.url).toBe('https://support.microsoft.com/kb/290226');
    expect(msg.text).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(JSON.stringify(msg.blocks.find((b) => b.type === 'context'))).toContain('Matched: test reason · confidence 0.90');
  });

  it('trims a huge article to 50 blocks and 3,000 characters a text, keeping the full-article button', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'w', view: 'full' });
    answer.steps = Array.from({ length: 300 }, (_, i) => ({ text: [{ text: `Step ${i} `.padEnd(500, 'x') }], items: [] }));
    answer.title = 'T'.repeat(400);
    answer.sections = Array.from({ length: 80 }, (_, i) => ({ heading: `Section ${i}`, text: 'word '.repeat(1000) }));
    for (const view of ['summary', 'steps', 'full'] as const) {
      const msg = renderSlack({ kind: 'answer', answer: { ...answer, view } });
      expectSlackWithinLimits(msg);
      expect(JSON.stringify(msg)).toContain('"kb_full_article"');
      expect(JSON.stringify(msg)).toContain('trimmed');
    }
    const tiny = renderSlack({ kind: 'answer', answer: { ...answer, view: 'steps' } }, { maxBlocks: 10 });
    expect(tiny.blocks.length).toBeLessThanOrEqual(10);
    expect(tiny.blocks.at(-1)?.type).toBe('actions');
  });

  it('renders suggestions, no match and text', () => {
    const s = renderSlack(SUGGESTIONS);
    expect(s).toMatchSnapshot();
    expectSlackWithinLimits(s);
    expect(s.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'kb_pick_1', value: 'Q290226' }, { action_id: 'kb_pick_2', value: 'Q235418' }] });
    const n = renderSlack(NO_MATCH);
    expect(n.text).toBe('I could not find an article that matches.');
    expect(JSON.stringify(n)).toContain('• Paste the exact error text');
    const t = renderSlack({ kind: 'text', text: `${'long line <!here> '.repeat(400)}\nend` });
    expectSlackWithinLimits(t);
    expect(JSON.stringify(t)).not.toMatch(PINGS);
    expect(renderSlack(TEXT)).toMatchSnapshot();
  });
});

describe('Adaptive Card', () => {
  it('is a 1.5 card with facts, submit actions and the article link', () => {
    const card = renderAdaptiveCard(answerOf(seed('Q290226')));
    expect(card).toMatchObject({ type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5' });
    expect(card.body.find((b) => b.type === 'FactSet')).toMatchObject({ facts: expect.arrayContaining([{ title: 'Confidence', value: '0.90' }]) });
    expect(card.actions).toContainEqual({ type: 'Action.Submit', title: 'Full article', data: { kbAction: 'full_article', id: 'Q290226' } });
    expect(card.actions).toContainEqual({ type: 'Action.OpenUrl', title: 'Open Q290226', url: 'https://support.microsoft.com/kb/290226' });
    for (const b of card.body.filter((x) => x.type === 'TextBlock')) expect(b.wrap).toBe(true);
  });

  it('lets no mention, tag, link or formatting out of KB text', () => {
    const card = renderAdaptiveCard({ kind: 'answer', answer: hostile(), intro: '<at>x</at>' });
    // No tag anywhere (TextRuns included): Teams would read <at> as a mention.
    expect(JSON.stringify(card)).not.toMatch(/<at>|<\/at>|<!channel>|<http|&lt;at/);
    // TextBlocks (markdown) and the fallback text carry no emphasis or link syntax from the KB.
    const markdown = [card.fallbackText ?? '', ...textBlocks(card.body)];
    expect(markdown.length).toBeGreaterThan(5);
    for (const t of markdown) expect(t).not.toMatch(/\]\(|\*bold\*|_it_|~strike~|`code`/);
    // TextRuns are not markdown: the step keeps its characters.
    expect(JSON.stringify(card)).toContain('"text":"C:\\\\`x`\\\\<\u200B!here>.exe","fontType":"Monospace"');
    expect(cardText('**b** [x](y) <at>z</at> 1. a')).toBe('∗∗b∗∗ [x]\u200B(y) <\u200Bat>z<\u200B/at> 1. a');
    expect(cardText('1. first')).toBe('1.\u00A0first');
  });

  it('stays under 28 KB for a huge article and keeps the full-article action', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'w', view: 'full' });
    answer.steps = Array.from({ length: 300 }, (_, i) => ({ text: [{ text: `Step ${i} `.padEnd(500, 'x') }, { text: 'C:\\x.exe', code: true }], items: [] }));
    answer.sections = Array.from({ length: 40 }, (_, i) => ({ heading: `Section ${i}`, text: 'word '.repeat(2000) }));
    for (const view of ['summary', 'steps', 'full'] as const) {
      const card = renderAdaptiveCard({ kind: 'answer', answer: { ...answer, view } });
      expect(cardBytes(card)).toBeLessThan(28_000);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_DEFAULTS.maxBytes);
      expect(card.actions).toContainEqual(expect.objectContaining({ data: { kbAction: 'full_article', id: 'Q290226' } }));
      expect(JSON.stringify(card.body.at(-1))).toContain('trimmed');
    }
  });

  it('renders suggestions, no match and text', () => {
    const s = renderAdaptiveCard(SUGGESTIONS);
    expect(s).toMatchSnapshot();
    expect(s.actions).toContainEqual(expect.objectContaining({ data: { kbAction: 'pick', id: 'Q235418' } }));
    expect(JSON.stringify(renderAdaptiveCard(NO_MATCH))).toContain('• Paste the exact error text');
    expect(renderAdaptiveCard(TEXT)).toMatchSnapshot();
  });
});
