import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { quoteLength } from '../../../../src/kb/parse/quote-boundary.js';
import { NET_WINDOW, defaultQuoteNet, loadQuoteNet, netLogits, type QuoteNetData } from '../../../../src/kb/parse/quote-net.js';

interface Check {
  tokens: string[];
  logits: number[];
}

const W2 = 40;
const f32 = (values: number[]): string => Buffer.from(new Float32Array(values).buffer).toString('base64');

/**
 * A network of one hidden unit and two known words, small enough to compute by hand: the update gate
 * is shut (z = σ(−∞) = 0), so each step's state is n = tanh(W_in·x), and the reverse direction is off.
 */
function tinyNet(): QuoteNetData {
  const H = 1;
  const zeros = (n: number): string => f32(new Array(n).fill(0));
  return {
    vocab: 'error\nfixed',
    shapes: { 'low|word': 1 },
    dim: 1,
    shapeDim: 1,
    hidden: H,
    mlpHidden: 1,
    // Rows: pad, any other word, "error", "fixed"; int8 times a row scale of 1/127.
    emb: Buffer.from(new Int8Array([0, 0, 127, -127]).buffer).toString('base64'),
    embScale: f32([1 / 127, 1 / 127, 1 / 127, 1 / 127]),
    shapeEmb: f32([0, 0]),
    // Gates r, z, n; input columns [word, shape].
    wih: f32([0, 0, 0, 0, 2, 0]),
    whh: zeros(3),
    bih: f32([0, -1e4, 0]),
    bhh: zeros(3),
    wihR: zeros(6),
    whhR: zeros(3),
    bihR: f32([0, 1e4, 0]),
    bhhR: zeros(3),
    // Scorer: s = fwd(i-1) − fwd(i); logit = W2·tanh(s).
    w1: f32([1, 0, -1, 0]),
    b1: f32([0]),
    w2: f32([W2]),
    b2: f32([0]),
  };
}

describe('quote network', () => {
  it('computes what its weights say, in both directions and through the scorer', () => {
    const net = loadQuoteNet(tinyNet());
    const logits = netLogits(net, ['error', 'fixed', 'other']);
    const t = Math.tanh(2);
    expect([...logits].map((x) => Number(x.toFixed(4)))).toEqual([W2 * Math.tanh(t + t), W2 * Math.tanh(-t)].map((x) => Number(x.toFixed(4))));
  });

  it('reads no further than its window, and scores nothing in a one-word window', () => {
    const net = loadQuoteNet(tinyNet());
    expect(netLogits(net, new Array(NET_WINDOW + 50).fill('error')).length).toBe(NET_WINDOW - 1);
    expect(netLogits(net, ['error']).length).toBe(0);
    expect(netLogits(net, ['error', 'fixed', 'other'], 2).length).toBe(1);
  });

  it('the shipped network gives the logits its training computed (test/fixtures/quote-net-logits.json)', () => {
    const checks = JSON.parse(readFileSync(new URL('./fixtures/quote-net-logits.json', import.meta.url), 'utf8')) as Check[];
    expect(checks.length).toBeGreaterThan(0);
    const net = defaultQuoteNet();
    for (const { tokens, logits } of checks) {
      const got = [...netLogits(net, tokens)];
      expect(got.length).toBe(logits.length);
      got.forEach((z, i) => expect(Math.abs(z - logits[i]!)).toBeLessThan(2e-3));
    }
  });

  it('a network that is sure of an end moves the quote\'s end there', () => {
    const tokens = 'Setup cannot continue error fixed and more text here.'.split(' ');
    // A linear model that ends quotes at the end of a sentence only.
    const linear = { bias: -8, weights: { 'pe=stop': 12 } };
    expect(quoteLength(tokens, tokens.length, linear)).toBe(tokens.length);
    // The tiny network is sure the quote ends between "error" and "fixed".
    expect(quoteLength(tokens, tokens.length, linear, undefined, loadQuoteNet(tinyNet()))).toBe(4);
  });
});
