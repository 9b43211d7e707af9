import { describe, expect, it } from 'vitest';
import { Bot, HELP_TEXT, NO_MATCH } from '../src/bot/bot.js';
import { formatAnswer, shorten } from '../src/bot/format-answer.js';
import { findKbIds, normaliseKbId } from '../src/kb/kb-id.js';
import { KnowledgeBase } from '../src/kb/knowledge-base.js';
import { makeArticle, SAMPLE_ARTICLES } from './helpers/articles.js';

const kb = new KnowledgeBase(SAMPLE_ARTICLES);
const bot = new Bot(kb);

describe('KB ids', () => {
  it('finds ids written the usual ways', () => {
    expect(findKbIds('see Q290226 and KB235418, also kb 174743 or KB: 123456')).toEqual(['Q290226', 'Q235418', 'Q174743', 'Q123456']);
    expect(findKbIds('ID no: 0xc0020002')).toEqual([]);
    expect(normaliseKbId('kb290226')).toBe('Q290226');
    expect(normaliseKbId('hello')).toBeNull();
  });
});

describe('Bot', () => {
  it('answers a pasted error with the best article', async () => {
    const answer = await bot.handle('ID no: 0xc0020002');
    expect(answer.split('\n')[0]).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
  });

  it('shows an article named by id', async () => {
    for (const text of ['Q235418', 'KB235418', 'kb 235418', 'what does Q235418 say?']) {
      expect((await bot.handle(text)).startsWith('Q235418: ')).toBe(true);
    }
  });

  it('says when a named article is not in the KB', async () => {
    expect(await bot.handle('Q999999')).toBe('Q999999 is not in this knowledge base (3 articles).');
  });

  it('answers help and says when nothing matches', async () => {
    expect(await bot.handle('help')).toBe(HELP_TEXT);
    expect(await bot.handle('/help')).toBe(HELP_TEXT);
    expect(await bot.handle('zebra xylophone')).toBe(NO_MATCH);
  });
});

describe('formatAnswer', () => {
  it('shows id, title, symptoms, cause, numbered steps, registry keys and see-also', () => {
    const text = formatAnswer(SAMPLE_ARTICLES[0]!);
    expect(text).toContain('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(text).toContain('Microsoft Exchange | version 5.5 | 2001-08-23');
    expect(text).toMatch(/^Symptoms: An error message occurs/m);
    expect(text).toMatch(/^Cause: This issue can occur/m);
    expect(text).toContain('  1. Start Registry Editor.\n  2. Delete the KMServer key.\n  3. Apply the service pack again.');
    expect(text).toContain('Registry keys (back up the registry before editing it):\n  HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer');
    expect(text).toMatch(/^See also: Q235418$/m);
  });

  it('does not repeat the id when the title starts with it', () => {
    expect(formatAnswer(makeArticle({ id: 'Q1', title: 'Q1: Something' })).split('\n')[0]).toBe('Q1: Something');
  });

  it('shortens at a word boundary', () => {
    expect(shorten('one two three four five six', 14)).toBe('one two three...');
    expect(shorten('short', 14)).toBe('short');
  });
});
