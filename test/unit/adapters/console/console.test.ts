import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runConsole } from '../../../../src/adapters/console/console.js';
import type { ConsoleBot } from '../../../../src/adapters/console/console.js';
import { Bot } from '../../../../src/bot/bot.js';
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
