// The escaping the three renderers share: KB and user text never becomes markup, a ping, a link
// or a terminal escape; text is clipped without breaking an entity or a character.
import { describe, expect, it } from 'vitest';
import {
  cardInert,
  cardText,
  clip,
  confidenceOf,
  slackCode,
  slackEntities,
  slackRich,
  slackText,
  stripControl,
} from '../../../../src/bot/render/escape.js';

describe('Slack mrkdwn', () => {
  it('escapes prose but leaves words with underscores inside alone', () => {
    expect(slackText('a_b _c_ 5*3 x~y')).toBe('a_b ˍcˍ 5∗3 x∼y');
    expect(slackText('AT&T <b>')).toBe('AT&amp;T &lt;b&gt;');
  });

  it('turns mentions, broadcasts and links into text', () => {
    expect(slackText('<!channel> <@U123> <http://x|y>')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;http://x|y&gt;');
    expect(slackEntities('@here @Channel @everyone me@here.com')).toBe(
      '@\u200Bhere @\u200BChannel @\u200Beveryone me@\u200Bhere.com',
    );
  });

  it('keeps code in one span: its backticks cannot end it, and only code gets backticks', () => {
    expect(slackCode('C:\\`x`\\<!here>.exe')).toBe('`C:\\ˋxˋ\\&lt;!here&gt;.exe`');
    expect(slackRich([{ text: 'Run *now*: ' }, { text: 'a*b.exe', code: true }])).toBe('Run ∗now∗: `a*b.exe`');
  });
});

describe('Adaptive Card markdown', () => {
  it('makes emphasis, links, tags and list markers inert', () => {
    expect(cardText('**b** [x](y) <at>z</at> 1. a')).toBe('∗∗b∗∗ [x]\u200B(y) <\u200Bat>z<\u200B/at> 1. a');
    expect(cardText('1. first')).toBe('1.\u00A0first');
    expect(cardText('- one\n  2) two')).toBe('-\u00A0one\n  2)\u00A0two');
  });

  it('leaves TextRuns their characters but no tag or entity can form', () => {
    expect(cardInert('**b** <at>Boss</at> &lt;at&gt; a < b')).toBe(
      '**b** <\u200Bat>Boss<\u200B/at> &\u200Blt;at&\u200Bgt; a < b',
    );
  });
});

describe('console', () => {
  it('removes control characters but keeps tabs and newlines', () => {
    expect(stripControl('a\x1b[31mred\x07\tb\nc\x9b')).toBe('a[31mred\tb\nc');
  });
});

describe('clip and confidence', () => {
  it('clips with an ellipsis, never inside an entity or a surrogate pair', () => {
    expect(clip('a &amp; b', 7)).toBe('a…');
    expect(clip('abc def', 100)).toBe('abc def');
    expect(clip('ab😀cd', 4)).toBe('ab…');
    expect(clip('one two three four five', 20)).toBe('one two three four…');
  });

  it('shows confidence with two decimals, within 0 and 1', () => {
    expect([0.9, 0.123, 1.5, -1, Number.NaN].map(confidenceOf)).toEqual(['0.90', '0.12', '1.00', '0.00', '0.00']);
  });
});
