/** Chat transports' markup undone before anything reads a message (src/text/chat-markup.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEntities, undoChatMarkup } from '../../../src/text/chat-markup.js';
import { cpuMs } from '../../helpers/cpu-time.js';

describe('undoChatMarkup', () => {
  it('undoes Slack escaping, mentions, channels, broadcasts and links', () => {
    const r = undoChatMarkup(
      '<@U0BOT42> see <#C123|ops> &amp; <https://kb.example/290226|the article>: a &lt; b &gt; c <!here>',
    );
    expect(r.text).toBe('see #ops & the article: a < b > c');
    expect(r.mentions).toEqual(['U0BOT42']);
    expect(r.broadcasts).toEqual(['here']);
  });

  it('keeps text that only looks like markup once decoded ("&lt;server&gt;" is a placeholder, not a tag)', () => {
    expect(undoChatMarkup('Unable to connect to &lt;servername&gt;').text).toBe('Unable to connect to <servername>');
  });

  it('removes Teams <at> mentions and the HTML Teams adds', () => {
    const r = undoChatMarkup('<at>KB Bot</at> <p>ID no: 0xc0020002</p><br>thanks');
    expect(r.text).toBe('ID no: 0xc0020002\n\nthanks');
    expect(r.mentions).toEqual(['KB Bot']);
  });

  it('keeps what is inside code fences and inline code, and notes the fence', () => {
    expect(undoChatMarkup('```\nSTOP 0x0000001E\nKMODE_EXCEPTION_NOT_HANDLED\n```')).toMatchObject({
      text: 'STOP 0x0000001E\nKMODE_EXCEPTION_NOT_HANDLED',
      fenced: true,
    });
    expect(undoChatMarkup('```text\nError -1018\n```').text).toBe('Error -1018');
    expect(undoChatMarkup('```Overlapped I/O error```').text).toBe('Overlapped I/O error');
    expect(undoChatMarkup('run `eseutil /p` first').text).toBe('run eseutil /p first');
  });

  it('takes the quote marks off quoted lines', () => {
    expect(undoChatMarkup('> The network name was deleted.\n&gt; again')).toMatchObject({
      text: 'The network name was deleted.\nagain',
      quoted: true,
    });
  });

  it('decodes numeric entities, leaves unknown ones', () => {
    expect(decodeEntities('&#39;a&#x27; &bogus; &#0;')).toBe("'a' &bogus; &#0;");
  });

  it('never throws and never grows a message much (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (s) => {
        const r = undoChatMarkup(s);
        expect(typeof r.text).toBe('string');
        expect(r.text.length).toBeLessThanOrEqual(s.length + 2);
      }),
      { numRuns: 500, seed: 5 },
    );
  });
});

describe('undoChatMarkup on long runs of blanks', () => {
  // A guard against super-linear work, not a measurement: 30,000 spaces took 0.85 s and 100,000
  // 9.4 s (every space of a run no line break ends started the trailing-blanks regex again); now
  // well under a millisecond.
  it('takes time linear in the text: 30,000 spaces or tabs without a line break', () => {
    for (const blank of [' ', '\t', ' \t']) {
      const text = `a${blank.repeat(30_000 / blank.length)}b`;
      expect(
        cpuMs(() => undoChatMarkup(text)),
        JSON.stringify(blank),
      ).toBeLessThan(200);
      expect(undoChatMarkup(text).text).toBe(text);
    }
  });

  it('still drops the blanks before a line break, and only those', () => {
    expect(undoChatMarkup(`one ${' \t'.repeat(5000)}\ntwo  three\t\nfour`).text).toBe('one\ntwo  three\nfour');
  });
});
