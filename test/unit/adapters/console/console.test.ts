import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../../../src/adapters/console/console.js';
import type { ConsoleBot } from '../../../../src/adapters/console/console.js';
import { Bot } from '../../../../src/bot/bot.js';
import { FeedbackLearning } from '../../../../src/bot/learning.js';
import { Matcher } from '../../../../src/bot/match.js';
import { FixIndex } from '../../../../src/fixes/index.js';
import { asyncFromSync } from '../../../../src/memory/async-types.js';
import { IN_MEMORY, openStorage } from '../../../../src/memory/sqlite/open.js';
import type { Interaction } from '../../../../src/memory/types.js';
import type { Reply } from '../../../../src/bot/reply.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { ingest } from '../../../../src/kb/index/ingest.js';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { SAMPLE_ARTICLES } from '../../../helpers/articles.js';
import { SEEDS_DIR } from '../../../helpers/paths.js';

/** Run the console over `input` and return everything written. */
async function converse(handler: ConsoleBot, input: string, interactive = false): Promise<string> {
  const inp = new PassThrough();
  const out = new PassThrough();
  let written = '';
  out.on('data', (c: Buffer) => (written += c.toString()));
  const done = runConsole(handler, { input: inp, output: out, interactive, pasteMs: 5 });
  inp.end(input);
  await done;
  return written;
}

const echo: ConsoleBot = { respond: async (m) => ({ kind: 'text', text: `<${m.text}>` }) };
const botOf = (kb: KnowledgeBase): Bot => new Bot(kb, { ranker: Ranker.build(kb) });

describe('console adapter, piped input', () => {
  it('answers each blank-line-separated message, and nothing else', async () => {
    expect(await converse(echo, 'one\ntwo\n\n\nthree\n')).toBe('<one\ntwo>\n\n<three>\n');
  });

  it('answers the last message without a trailing newline, and nothing for empty input', async () => {
    expect(await converse(echo, 'only')).toBe('<only>\n');
    expect(await converse(echo, '\n\n')).toBe('');
  });

  it('answers a pasted error with the article (sample KB)', async () => {
    const out = await converse(botOf(new KnowledgeBase(SAMPLE_ARTICLES)), 'ID no: 0xc0020002\n');
    expect(out.startsWith('Q290226: ')).toBe(true);
  });
});

describe('console adapter, interactive', () => {
  it('prompts, answers, and stops at /quit', async () => {
    const out = await converse(echo, 'hello\n/quit\nnever\n', true);
    expect(out).toContain('kbbot> ');
    expect(out).toContain('<hello>');
    expect(out).not.toContain('never');
  });

  it('treats lines pasted together as one message', async () => {
    const inp = new PassThrough();
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => (written += c.toString()));
    const done = runConsole(echo, { input: inp, output: out, interactive: true, pasteMs: 50 });
    inp.write('line one\nline two\n');
    await new Promise((r) => setTimeout(r, 120));
    inp.end('/quit\n');
    await done;
    expect(written).toContain('<line one\nline two>');
  });
});

describe('console with the bundled KB and the real parser', () => {
  it('answers "ID no: 0xc0020002" with Q290226', async () => {
    const { kb } = await ingest([SEEDS_DIR]);
    expect(kb.size, 'the real parser must read the five seed articles').toBe(5);
    const out = await converse(botOf(kb), 'ID no: 0xc0020002\n');
    expect(out.split('\n')[0]).toMatch(/^Q290226: /);
    expect(readFileSync(join(SEEDS_DIR, '004_6b0cbcec631ac3f8.txt'), 'utf8')).toContain('0xc0020002');
  });

  it('keeps the thread, so "just the steps" follows up on the last answer', async () => {
    const { kb } = await ingest([SEEDS_DIR]);
    const out = await converse(botOf(kb), 'ID no: 0xc0020002\n\njust the steps\n');
    const second = out.split('\n\n').slice(1).join('\n\n');
    expect(second).toMatch(/Q290226/);
    expect(second).toMatch(/^ {0,4}1\. /m);
  });

  it('says so on /help, and stays polite when the bot fails', async () => {
    const { kb } = await ingest([SEEDS_DIR]);
    expect(await converse(botOf(kb), '/help\n')).toContain('paste the error');
    const failing: ConsoleBot = { respond: async () => Promise.reject(new Error('boom')) };
    expect(await converse(failing, 'anything\n')).toContain('something went wrong answering that (boom)');
  });
});

describe('console thread order (issue #24: what "that worked" credits)', () => {
  /** A bot that answers every message and records what the console tells it. */
  function recording(replyOf: (text: string) => Reply | null = (t) => ({ kind: 'text', text: `<${t}>` })) {
    const seen: { text: string; id: string | undefined }[] = [];
    const posted: { to: string | undefined; kind: string; id: string }[] = [];
    const bot: ConsoleBot = {
      respond: async (m) => {
        seen.push({ text: m.text, id: m.id });
        return replyOf(m.text);
      },
      posted: async (m, reply, id) => {
        posted.push({ to: m.id, kind: reply.kind, id });
      },
    };
    return { bot, seen, posted };
  }

  it('numbers messages and replies in order, as a chat does, and tells the bot what it posted', async () => {
    const { bot, seen, posted } = recording((t) => (t === 'quiet' ? null : { kind: 'text', text: `<${t}>` }));
    await converse(bot, 'paste\n\nquiet\n\nthat worked\n');
    const ids = [seen[0]?.id, posted[0]?.id, seen[1]?.id, seen[2]?.id, posted[1]?.id].map(Number);
    expect(ids.every((id, i) => Number.isSafeInteger(id) && (i === 0 || id > (ids[i - 1] as number)))).toBe(true);
    // Nothing posted for the message the bot kept quiet on.
    expect(posted.map((p) => [p.to, p.kind])).toEqual([
      [seen[0]?.id, 'text'],
      [seen[2]?.id, 'text'],
    ]);
  });

  it('an acknowledgement is not a message in between (a reaction in chat), and a failing posted loses no reply', async () => {
    const { bot, posted } = recording(() => ({ kind: 'ack', emoji: 'white_check_mark', text: 'Thanks, noted.' }));
    expect(await converse(bot, 'that worked\n')).toBe('Thanks, noted.\n');
    expect(posted).toEqual([]);
    const failing: ConsoleBot = {
      respond: async () => ({ kind: 'text', text: 'still here' }),
      posted: () => {
        throw new Error('storage down');
      },
    };
    expect(await converse(failing, 'x\n')).toBe('still here\n');
  });

  it('ids keep growing across runs (the console thread is kept in storage)', async () => {
    const first = recording();
    await converse(first.bot, 'one\n');
    await new Promise((r) => setTimeout(r, 2)); // a restart takes longer than a millisecond
    const second = recording();
    await converse(second.bot, 'two\n');
    expect(Number(second.seen[0]?.id)).toBeGreaterThan(Number(first.posted[0]?.id));
  });
});

describe('console with the real bot: "has anyone seen this before?" (issue #24)', () => {
  it('lists the other threads where the error was pasted, the team fix first in its thread', async () => {
    const { kb } = await ingest([SEEDS_DIR]);
    const storage = openStorage(IN_MEMORY);
    try {
      const ranker = Ranker.build(kb);
      const matcher = new Matcher(kb, ranker);
      const paste = 'ID no: 0xc0020002';
      const day = 24 * 60 * 60 * 1000;
      const now = Date.now();
      // Pasted in two Slack threads last week: one was fixed and the fix saved, one helped by Q290226.
      const row = (conversation: string, thread: string, at: number): Interaction => ({
        at,
        user: 'U1',
        conversation,
        thread,
        intent: 'error_paste',
        outcome: 'answered',
        articleId: 'Q290226',
        confidence: 0.9,
        text: null,
        signature: matcher.signature(paste),
      });
      storage.interactions.record(row('C1', '1764000000.000100', now - 7 * day));
      storage.interactions.record(row('C2', '1764500000.000100', now - 3 * day));
      storage.feedback.add({
        at: now - 3 * day,
        user: 'U2',
        conversation: 'C2',
        thread: '1764500000.000100',
        articleId: 'Q290226',
        helpful: true,
        query: null,
        signature: matcher.signature(paste),
      });
      const fix = storage.fixes.add({
        title: 'KMS setup fails with 0xc0020002 after SP3',
        text: 'Fixed it by re-running setup as the service account',
        author: 'U123',
        authorName: 'Ana Lopez',
        savedBy: 'U123',
        savedAt: now - 7 * day,
        conversation: 'C1',
        thread: '1764000000.000100',
        messageId: '1764000100.000200',
        permalink: 'https://acme.slack.com/archives/C1/p1764000100000200',
        errors: [paste],
        codes: ['0xc0020002'],
        offered: [],
        via: 'mention',
      });
      const stored = asyncFromSync(storage);
      const bot = new Bot(kb, {
        ranker,
        interactions: stored.interactions,
        learning: new FeedbackLearning(stored.feedback),
        fixes: { store: stored.fixes, index: new FixIndex({ store: stored.fixes }) },
      });
      const out = await converse(bot, `${paste}\n\nhas anyone seen this before?\n`);
      const dayOf = (at: number): string => new Date(at).toISOString().slice(0, 10);
      // The answer leads with the fix; the history lists the threads, newest first, and how each ended.
      expect(out.startsWith(`Your team fixed this before: ${fix.title} (${fix.id})\n`)).toBe(true);
      expect(out.split('\n\n').at(-1)).toBe(
        [
          'Past threads with the same error, newest first:',
          `  ${dayOf(now - 3 * day)}  Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error`,
          '              0xc0020002 — Q290226 helped',
          '              in C2, thread 1764500000.000100',
          `  ${dayOf(fix.savedAt)}  fixed: ${fix.title} (${fix.id})`,
          `              ${fix.permalink}`,
          '',
        ].join('\n'),
      );
    } finally {
      storage.close();
    }
  });
});
