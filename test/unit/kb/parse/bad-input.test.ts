// Files that are not articles get a clear reason, never a crash or a half-read article.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArticleParseError } from '../../../../src/kb/errors.js';
import { parseArticle } from '../../../../src/kb/parse/index.js';

const seed = readFileSync(join(import.meta.dirname, '../../../../seeds', '001_ecdc0bc6ee1f4d8d.txt'));

function reason(bytes: Buffer | string): { code: string; message: string } {
  try {
    parseArticle(bytes, 'x');
  } catch (e) {
    expect(e).toBeInstanceOf(ArticleParseError);
    return { code: (e as ArticleParseError).code, message: (e as Error).message };
  }
  throw new Error('expected the file to be rejected');
}

describe('bad files', () => {
  it('says an empty file is empty', () => {
    expect(reason(Buffer.alloc(0))).toEqual({ code: 'kb_empty', message: 'file is empty' });
  });
  it('says binary bytes are binary', () => {
    expect(reason(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3])).code).toBe('kb_binary');
  });
  it('says a truncated article is truncated', () => {
    expect(reason(seed.subarray(0, 300)).code).toBe('kb_truncated');
    expect(reason(seed.subarray(0, 1500)).message).toMatch(/truncated/);
  });
  it('reads a README as a team document, and says an index page of links is not a KB article', () => {
    expect(parseArticle('# My project\n\nSome notes about KB articles.\n', 'x')).toMatchObject({
      title: 'My project',
      form: 'gfm',
    });
    expect(parseArticle('---\nlayout: post\ntitle: "Hello"\n---\n\nA blog post.\n', 'x').title).toBe('Hello');
    expect(reason('# Index\n\n- [One](one.md)\n- [Two](two.md)\n')).toMatchObject({
      code: 'kb_not_article',
      message: expect.stringMatching(/not a KB article/),
    });
  });
  it('refuses 20 MB of junk without reading it as text', () => {
    expect(reason(Buffer.alloc(20 * 1024 * 1024, 0x41))).toMatchObject({
      code: 'kb_too_large',
      message: expect.stringMatching(/20\.0 MB/),
    });
  });
});

describe('encodings', () => {
  it('reads cp1252 bytes (curly quotes) as the same article as UTF-8', () => {
    const text = seed.toString('utf8').replace('KM server password', 'KM server\u2019s password');
    const utf8 = parseArticle(Buffer.from(text, 'utf8'), 'a');
    const cp = Buffer.from(text.replace('\u2019', '\u0092'), 'latin1'); // 0x92 is ’ in Windows-1252
    const fromCp1252 = parseArticle(cp, 'b');
    expect(fromCp1252.sections.cause).toContain('KM server\u2019s password');
    expect(fromCp1252.sections).toEqual(utf8.sections);
  });
  it('reads CRLF files like LF files', () => {
    const crlf = Buffer.from(seed.toString('utf8').replace(/\n/g, '\r\n'));
    const a = parseArticle(crlf, 'a');
    const b = parseArticle(seed, 'a');
    expect(a).toEqual(b);
    expect(a.sections.symptoms).not.toContain('\r');
  });
});
