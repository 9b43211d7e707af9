import { QUOTE_NET_DATA } from './quote-net-model.js';
import { endShape, tokenShape, word } from './token-shape.js';

/**
 * A small recurrent network that reads a quote's window word by word, both ways, and scores each
 * space "the quote ends here". It is trained by `scripts/quote-net/train.py` on the same held-in
 * original-form articles as the linear model, from word vectors learnt over the KB's own text, and
 * `quoteLength` averages its score with the linear model's: the two are wrong in different places.
 */

/** The network as `scripts/quote-net/train.py` writes it: float32 arrays and int8 word vectors, base64. */
export interface QuoteNetData {
  /** Known words, one a line; word k has vector row k + 2 (row 1 is any other word). */
  vocab: string;
  /** Token shape ("Cap|stop", "low|word|q") to its row in shapeEmb. */
  shapes: Record<string, number>;
  dim: number;
  shapeDim: number;
  hidden: number;
  mlpHidden: number;
  /** Word vectors, int8, a row per word, each row times its embScale. */
  emb: string;
  embScale: string;
  shapeEmb: string;
  /** GRU weights in torch's layout: gates r, z, n stacked; then the reverse direction's. */
  wih: string;
  whh: string;
  bih: string;
  bhh: string;
  wihR: string;
  whhR: string;
  bihR: string;
  bhhR: string;
  /** The scorer over a space's two sides: tanh layer, then one output. */
  w1: string;
  b1: string;
  w2: string;
  b2: string;
}

/** A loaded network, ready to score. */
export interface QuoteNet {
  words: Map<string, number>;
  shapes: Map<string, number>;
  dim: number;
  shapeDim: number;
  hidden: number;
  mlpHidden: number;
  emb: Int8Array;
  embScale: Float32Array;
  shapeEmb: Float32Array;
  dirs: [Direction, Direction];
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}

interface Direction {
  wih: Float32Array;
  whh: Float32Array;
  bih: Float32Array;
  bhh: Float32Array;
  /** The input projection (wih · [word vector; shape vector] + bih) of a word in a shape, computed once. */
  inputProjection: Map<number, Float32Array>;
}

/** The longest window the network reads; past it the linear model alone decides. */
export const NET_WINDOW = 290;

function floats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
}

export function loadQuoteNet(data: QuoteNetData): QuoteNet {
  const bytes = Buffer.from(data.emb, 'base64');
  const dir = (wih: string, whh: string, bih: string, bhh: string): Direction => ({
    wih: floats(wih),
    whh: floats(whh),
    bih: floats(bih),
    bhh: floats(bhh),
    inputProjection: new Map(),
  });
  return {
    words: new Map(data.vocab.split('\n').map((w, k) => [w, k + 2])),
    shapes: new Map(Object.entries(data.shapes)),
    dim: data.dim,
    shapeDim: data.shapeDim,
    hidden: data.hidden,
    mlpHidden: data.mlpHidden,
    emb: new Int8Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)),
    embScale: floats(data.embScale),
    shapeEmb: floats(data.shapeEmb),
    dirs: [dir(data.wih, data.whh, data.bih, data.bhh), dir(data.wihR, data.whhR, data.bihR, data.bhhR)],
    w1: floats(data.w1),
    b1: floats(data.b1),
    w2: floats(data.w2),
    b2: floats(data.b2)[0]!,
  };
}

let defaultNet: QuoteNet | undefined;
/** The network trained on the KB (quote-net-model.ts), loaded on first use. */
export function defaultQuoteNet(): QuoteNet {
  return (defaultNet ??= loadQuoteNet(QUOTE_NET_DATA));
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** The shape a token has for the network: its look, how it ends, and whether it opens a quotation or parenthesis. */
export function netShape(t: string): string {
  return `${tokenShape(t)}|${endShape(t)}${/^["“(]/.test(t) ? '|q' : ''}`;
}

const SHAPE_KEYS = 1024;
/**
 * The input projections kept per direction. Reading all 14,292 collapsed-form corpus articles keeps
 * about 15,000 in each direction (6 MB in all); past this bound the cache starts again, so a bot that
 * runs for months stays small.
 */
const MAX_CACHED_INPUTS = 200_000;

function inputProjection(d: Direction, net: QuoteNet, id: number, shape: number): Float32Array {
  const key = id * SHAPE_KEYS + shape;
  let p = d.inputProjection.get(key);
  if (!p) {
    const cols = net.dim + net.shapeDim;
    const x = new Float32Array(cols);
    const scale = net.embScale[id]!;
    for (let c = 0; c < net.dim; c++) x[c] = net.emb[id * net.dim + c]! * scale;
    x.set(net.shapeEmb.subarray(shape * net.shapeDim, (shape + 1) * net.shapeDim), net.dim);
    p = new Float32Array(3 * net.hidden);
    for (let r = 0; r < p.length; r++) {
      let s = d.bih[r]!;
      for (let c = 0; c < cols; c++) s += d.wih[r * cols + c]! * x[c]!;
      p[r] = s;
    }
    if (d.inputProjection.size >= MAX_CACHED_INPUTS) d.inputProjection.clear();
    d.inputProjection.set(key, p);
  }
  return p;
}

/** One GRU step (torch's gate equations): the state after reading a token (word id, shape id) from state h. */
function step(d: Direction, net: QuoteNet, h: Float32Array, id: number, shape: number, gh: Float32Array): Float32Array {
  const H = net.hidden;
  const g = inputProjection(d, net, id, shape);
  const { whh, bhh } = d;
  for (let r = 0; r < 3 * H; r++) {
    let s = bhh[r]!;
    const base = r * H;
    for (let c = 0; c < H; c++) s += whh[base + c]! * h[c]!;
    gh[r] = s;
  }
  const next = new Float32Array(H);
  for (let k = 0; k < H; k++) {
    const r = sigmoid(g[k]! + gh[k]!);
    const z = sigmoid(g[H + k]! + gh[H + k]!);
    const n = Math.tanh(g[2 * H + k]! + r * gh[2 * H + k]!);
    next[k] = (1 - z) * n + z * h[k]!;
  }
  return next;
}

/** Spaces are scored this many at a time, as the quote's end is looked for further on. */
const CHUNK = 16;
/**
 * How many words past a chunk the backward reading starts. Training read up to 40 words past a quote's
 * end (dump.mjs); 16, 24 and 32 read the same share of held-out messages alike (within 2 of 856), and 16 is
 * the fastest.
 */
const RIGHT_CONTEXT = 16;

/**
 * The network's logits for one quote window, computed a chunk of spaces at a time as they are asked for:
 * the forward reading goes on from where it stopped, the backward one starts RIGHT_CONTEXT words past
 * the chunk. Most quotes end within the first chunk, so most of a long window is never read.
 */
export class NetScorer {
  private readonly n: number;
  /** Each token's word id and shape id, looked up as the reading reaches it. */
  private readonly ids: number[] = [];
  private readonly shapes: number[] = [];
  private readonly fwd: Float32Array[] = [];
  private readonly logits: number[] = [];
  private readonly gh: Float32Array;

  constructor(
    private readonly net: QuoteNet,
    private readonly tokens: string[],
    end = tokens.length,
  ) {
    this.n = Math.min(end, tokens.length, NET_WINDOW);
    this.gh = new Float32Array(3 * net.hidden);
  }

  /** The window's length in tokens: `logit(i)` scores the spaces 1 ≤ i < length. */
  get length(): number {
    return this.n;
  }

  /** The logit of "the quote ends between tokens[i-1] and tokens[i]", for 1 ≤ i < length. */
  logit(i: number): number {
    while (this.logits.length < i) this.scoreChunk(this.logits.length + 1);
    return this.logits[i - 1]!;
  }

  /** Scores spaces from..from+CHUNK-1 (each reads tokens i-1 and i). */
  private scoreChunk(from: number): void {
    const { net, n } = this;
    const H = net.hidden;
    const last = Math.min(from + CHUNK - 1, n - 1);
    const zero = new Float32Array(H);
    const forward = net.dirs[0];
    const reach = Math.min(n - 1, last + RIGHT_CONTEXT);
    for (let k = this.ids.length; k <= reach; k++) {
      this.ids.push(net.words.get(word(this.tokens[k]!)) ?? 1);
      this.shapes.push(net.shapes.get(netShape(this.tokens[k]!)) ?? 0);
    }
    while (this.fwd.length <= last) this.fwd.push(step(forward, net, this.fwd.at(-1) ?? zero, this.ids[this.fwd.length]!, this.shapes[this.fwd.length]!, this.gh));
    const bwd: Float32Array[] = [];
    let h: Float32Array = zero;
    for (let k = reach; k >= from - 1; k--) {
      h = step(net.dirs[1], net, h, this.ids[k]!, this.shapes[k]!, this.gh);
      if (k <= last) bwd[k - (from - 1)] = h;
    }
    const M = net.mlpHidden;
    const W = 4 * H;
    const x = new Float32Array(W);
    for (let i = from; i <= last; i++) {
      x.set(this.fwd[i - 1]!, 0);
      x.set(bwd[i - from]!, H);
      x.set(this.fwd[i]!, 2 * H);
      x.set(bwd[i - from + 1]!, 3 * H);
      let z = net.b2;
      const w1 = net.w1;
      for (let m = 0; m < M; m++) {
        let s = net.b1[m]!;
        const base = m * W;
        for (let c = 0; c < W; c++) s += w1[base + c]! * x[c]!;
        z += net.w2[m]! * Math.tanh(s);
      }
      this.logits.push(z);
    }
  }
}

/** All the network's logits for a window (index i − 1 for the space before tokens[i]). */
export function netLogits(net: QuoteNet, tokens: string[], end = tokens.length): Float32Array {
  const scorer = new NetScorer(net, tokens, end);
  const out = new Float32Array(Math.max(0, scorer.length - 1));
  for (let i = 1; i < scorer.length; i++) out[i - 1] = scorer.logit(i);
  return out;
}
