/**
 * Feedback and lookups phrased the way people write them (issue #25), through the fake adapter on
 * the bundled KB. Written for these tests, in several voices; none is taken from the eval sets.
 *
 * Feedback comes in the answer's thread without a mention, as Slack and Teams deliver a reply
 * under the bot's answer: thanks credit the answer (a ✅), "not it" brings the next candidate,
 * "anything else?" lists the other matches. Lookups name an article by number, loosely.
 *
 * The last group failed on kbbot 0.2's classifier: a report of how things stand ("all working again")
 * under the answer, a bare article number, and "what does 290226 say".
 */
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot, type BotEvent } from '../../../src/bot/bot.js';
import { BOT_TEXTS } from '../../../src/bot/texts.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

type Kind = 'positive' | 'negative' | 'more';

let threads = 0;

/** An answer to the seed paste (Q290226) in a new thread, then `text` under it with no mention; what the bot did. */
async function under(text: string): Promise<{ reply: Awaited<ReturnType<FakeAdapter['say']>>; events: BotEvent[] }> {
  const events: BotEvent[] = [];
  const chat = new FakeAdapter(new Bot(kb, { ranker, onEvent: (e) => events.push(e) }), {
    thread: `T-phrasing-${++threads}`,
  });
  const first = await chat.say(SEED_PASTE);
  expect(first?.kind === 'answer' && first.answer.id).toBe('Q290226');
  const reply = await chat.say(text, { via: 'overheard' });
  return { reply, events };
}

/** What a user expects of feedback of `kind` under the answer to the seed paste. */
async function expectFeedback(text: string, kind: Kind): Promise<void> {
  const { reply, events } = await under(text);
  const votes = events.filter((e) => e.type === 'feedback');
  if (kind === 'positive') {
    expect(reply).toEqual({ kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.thanks('Q290226') });
    expect(votes).toEqual([expect.objectContaining({ articleId: 'Q290226', helpful: true })]);
  } else if (kind === 'negative') {
    expect(reply?.kind === 'answer' && reply.answer.id).toMatch(/^Q(?!290226)/);
    expect(votes).toEqual([expect.objectContaining({ articleId: 'Q290226', helpful: false })]);
  } else {
    expect(reply?.kind === 'suggestions' && reply.intro).toBe(BOT_TEXTS.otherMatches);
    expect(JSON.stringify(reply)).not.toContain('Q290226');
    expect(votes).toEqual([]);
  }
}

/** A lookup said to the bot: the article asked for, shown as asked for (confidence 1). */
async function expectLookup(text: string): Promise<void> {
  const reply = await new FakeAdapter(new Bot(kb, { ranker })).say(text);
  expect(reply?.kind === 'answer' && reply.answer.id).toBe('Q290226');
  expect(reply?.kind === 'answer' && reply.answer.confidence).toBe(1);
}

/** Feedback in ordinary words that the current classifier reads as meant. */
const FEEDBACK: [string, Kind][] = [
  ['that did the trick, thanks', 'positive'],
  ['yep that sorted it', 'positive'],
  ['worked like a charm 🙌', 'positive'],
  ['nice one, that fixed it', 'positive'],
  ['brilliant, problem solved', 'positive'],
  ['legend, that was it', 'positive'],
  ['that was exactly it 👍 thank you', 'positive'],
  ['this helped a lot', 'positive'],
  ['nope, that is not it', 'negative'],
  ["doesn't apply to us, wrong article", 'negative'],
  ["that's not the right one", 'negative'],
  ["didn't help unfortunately", 'negative'],
  ['no luck with that one', 'negative'],
  ['meh, not what I needed', 'negative'],
  ['wrong version, that one is not it', 'negative'],
  ['anything else?', 'more'],
  ['got any other suggestions?', 'more'],
  ['show me more options', 'more'],
  ['other options?', 'more'],
  ['what else have you got', 'more'],
  ['any more like this?', 'more'],
];

/** Lookups the current classifier reads as meant. */
const LOOKUPS = ['Q290226', 'KB 290226', 'pull up q290226 pls'];

describe('feedback in ordinary words after an answer', () => {
  it.each(FEEDBACK)('"%s" is %s feedback', async (text, kind) => expectFeedback(text, kind));
});

describe('lookups phrased loosely', () => {
  it.each(LOOKUPS)('"%s" shows Q290226', async (text) => expectLookup(text));
});

describe('phrasings kbbot 0.2 misread (issue #25)', () => {
  const feedback: [string, Kind][] = [
    ['thanks, we have 2 servers fixed now', 'positive'],
    ['thx!! all working again', 'positive'],
    ['all sorted, ta', 'positive'],
    ['perfect, KMS is back up', 'positive'],
    ['cheers, all good now', 'positive'],
    ['still broken after doing all that', 'negative'],
  ];
  it.each(feedback)('"%s" is %s feedback', async (text, kind) => expectFeedback(text, kind));

  it.each(['290226', 'what does 290226 say'])('"%s" shows Q290226', async (text) => expectLookup(text));
});
