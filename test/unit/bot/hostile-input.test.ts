/**
 * No message stalls the bot for everyone (issue #22, defect 1). Bot.respond works out every reply
 * on the one event-loop thread that also acknowledges Slack and Teams, so a message that costs a
 * second of CPU holds up every other conversation for that second; it needs no mention (an
 * overheard message in a listening channel is read too). Whatever a message holds, its cost is
 * bounded: one 20,000-letter word, lines without spaces, thousands of codes, deep Slack markup,
 * 20,000 emoji, runs of blanks, and the shapes regexes used to backtrack on.
 *
 * Measured on the seed KB (this box, 2 cores, loaded): an ordinary paste costs about 1 ms of CPU and
 * the hostile messages below 1-5 ms; before the bounds, one 20,000-letter word cost 1.2-2.6 s,
 * 20,000 spaces 0.6-1 s, "error" and 4,000 spaces 30 s, "hi @a@a...@a x" doubled with every "@a".
 * The limit is CPU time (process.cpuUsage), so a busy box does not trip it, and far above the
 * cost now: a guard against unbounded work, not a measurement.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bot } from '../../../src/bot/bot.js';
import type { IncomingMessage } from '../../../src/bot/message.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const bot = new Bot(kb, { ranker: Ranker.build(kb) });
bot.warmUp();

/** CPU milliseconds one message may cost (ordinary messages cost about 1). */
const LIMIT_MS = 50;

let thread = 0;
const message = (text: string, via: IncomingMessage['via']): IncomingMessage => ({
  text,
  user: 'U1',
  conversation: 'C1',
  thread: `T${thread++}`,
  via,
});

/** CPU milliseconds of answering `text` (the best of two tries, so a garbage collection in one does not count). */
async function cost(text: string, via: IncomingMessage['via']): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < 2 && best > LIMIT_MS; i++) {
    const before = process.cpuUsage();
    const reply = await bot.respond(message(text, via));
    const used = process.cpuUsage(before);
    if (reply !== null) expect(typeof reply.kind).toBe('string');
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

const repeat = (unit: string, length: number): string => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const chars = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max, size: 'max' });
const repeated = (units: string[], min: number, max: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...units), fc.integer({ min, max })).map(([unit, n]) => repeat(unit, n));

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const BLANKS = [' ', '\t', '\u2003', '\u2028', '\u00a0', ' \n', '\n'];

/** Words the intent rules and the ranker look for, to start a trap with. */
const TRIGGERS = [
  'error',
  'err',
  'stop',
  'bug check',
  'event id',
  'ID no',
  'Q',
  'KB',
  'kb article',
  'article',
  'hi',
  'hello',
  'thanks',
  'that',
  'can you',
  'please show',
  'what about',
  'service pack',
  'source',
  '2026-11-17 16:56:14',
  '12:30',
  '"',
  ':',
];
/** What repeats after the trigger: blanks, mentions, capitalised words, host names, full stops, quotes. */
const PUMPS = [...BLANKS, '@a', '"Ab a', ': Abc abc ', '\nAbc abcdefghijklmnop', 'a0', '.', ')', '!', 'Abc ', 'Ab'];

const hostile: fc.Arbitrary<string> = fc.oneof(
  // One long word, in any case.
  repeated(['a', 'A', 'b', 'Ab', 'abc', 'xY'], 1000, 20_000),
  chars(LETTERS, 1000, 20_000),
  // Long lines without spaces.
  chars(`${LETTERS}0123456789.-_+#/\\:;,`, 1000, 20_000),
  fc.array(chars(LETTERS, 3, 12), { minLength: 100, maxLength: 2000 }).map((ws) => ws.join('.')),
  // Many made-up words, many code-like tokens.
  fc.array(chars(LETTERS, 5, 14), { minLength: 100, maxLength: 2500 }).map((ws) => ws.join(' ')),
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
        fc.integer({ min: 100, max: 99_999_999 }).map(String),
        chars(LETTERS, 1, 8).map((w) => `${w}.dll`),
        fc.integer({ min: 1_000_000, max: 9_999_999 }).map((n) => `c${n}`),
      ),
      { minLength: 100, maxLength: 3000 },
    )
    .map((ts) => ts.join(' ')),
  // Deep Slack markup, Teams tags and entities.
  chars('<>|@#!', 1000, 20_000),
  repeated(
    ['<', '<@U1|', '<http://a.b|x', '<#C1|', '<!here|', '<at>', '<p>', '&amp;', '&#x27;', '```\n', '`'],
    500,
    20_000,
  ),
  // Emoji.
  repeated(['\u{1F525}', '\u{1F44D}', '\u{1F44D} ', ':+1:', '\u{1F44B}'], 1000, 20_000),
  // Runs of blanks between words.
  fc
    .tuple(fc.constantFrom(...BLANKS), fc.integer({ min: 1000, max: 20_000 }))
    .map(([blank, n]) => `a${repeat(blank, n)}b`),
  // A trigger word, a pump repeated, and an ending that makes a regex give up late.
  fc
    .tuple(
      fc.constantFrom(...TRIGGERS),
      fc.constantFrom(...PUMPS),
      fc.integer({ min: 20, max: 8000 }),
      fc.constantFrom('', 'x', ' x', "'", '\u0001', '.'),
    )
    .map(([trigger, pump, n, end]) => `${trigger}${repeat(pump, n)}${end}`),
);

/** A message as a failure shows it: its start and length, not 20,000 characters. */
interface Shown {
  text: string;
  [fc.toStringMethod](): string;
}
const shown = (text: string): Shown => ({
  text,
  [fc.toStringMethod]: () => `${JSON.stringify(text.slice(0, 40))}... (${text.length} characters)`,
});

/** The shapes from the issue, tried first. */
const EXAMPLES = [
  repeat('A', 20_000),
  repeat(' ', 16_000),
  `a${repeat(' ', 19_998)}b`,
  `a${repeat('\t', 19_998)}b`,
  repeat('\u{1F525}', 20_000),
  `error${repeat(' ', 4000)}x`,
  `Q${repeat(' ', 4000)}x`,
  `hi ${repeat('@a', 30)} x`,
  repeat('"Ab a', 4000),
];

describe('hostile input', () => {
  it(`no message costs more than ${LIMIT_MS} ms of CPU, overheard or addressed (property)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        hostile.map(shown),
        fc.constantFrom<IncomingMessage['via']>('overheard', 'mention'),
        async (message, via) => {
          expect(await cost(message.text, via), `${via} ${String(message)}`).toBeLessThan(LIMIT_MS);
        },
      ),
      { numRuns: 150, seed: 22, endOnFailure: true, examples: EXAMPLES.map((t) => [shown(t), 'overheard']) },
    );
  }, 120_000);

  it('still answers an ordinary paste, and one after a long run of blanks', async () => {
    expect(await cost(SEED_PASTE, 'mention')).toBeLessThan(LIMIT_MS);
    const reply = await bot.respond(message(`${repeat(' ', 5000)}\n${SEED_PASTE}`, 'overheard'));
    expect(reply?.kind === 'answer' && reply.answer.id).toBe('Q290226');
  });
});
