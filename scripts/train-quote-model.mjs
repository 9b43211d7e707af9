#!/usr/bin/env node
// Trains the collapsed-form quote-end model (src/kb/parse/quote-model.ts) from original-form
// KB articles: their indentation shows where each quoted message ends, and the model learns
// to find that end in the same text with all whitespace collapsed. It first trains the
// message-or-prose sentence model (src/kb/parse/message-sentence-model.ts) whose score the
// quote-end model uses: sentences of indented quote blocks are messages, the rest of a
// section that quotes one is prose.
// Usage: npm run build && node scripts/train-quote-model.mjs [CORPUS_DIR]
// Trains on 6 of every 7 files (sorted by name); file i % 7 === 0 is held out for evaluation.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { decodeArticleBytes } from '../dist/src/kb/parse/decode.js';
import { readEnvelope } from '../dist/src/kb/parse/envelope.js';
import { cutLayout } from '../dist/src/kb/parse/layout.js';
import { stripRegistryBoilerplate } from '../dist/src/kb/parse/boilerplate.js';
import { introColons, quoteWindow, quotesWithIntros } from '../dist/src/kb/parse/errors.js';
import { boundaryFeatures, quoteContext } from '../dist/src/kb/parse/quote-boundary.js';
import { sentenceFeatures } from '../dist/src/kb/parse/message-sentence.js';

// QUOTE_VALIDATE=1 also leaves out files i % 7 === 1 (or =2 ... =6 those of that split), to try features
// out on them without the held-out files.
const LEAVE = Number(process.env.QUOTE_VALIDATE ?? -1);
const dir = process.argv[2] ?? process.env.KBBOT_CORPUS_DIR ?? '/tmp/corpus';
const collapse = (s) => s.replace(/\s+/g, ' ').trim();

/** Tokens cut into sentences after tokens that end in . ? ! or : (at most 30 tokens each). */
function sentencesOf(tokens) {
  const out = [];
  let cur = [];
  for (const t of tokens) {
    cur.push(t);
    if (/[.?!:]$/.test(t) || cur.length >= 30) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** One training file's quotes (token windows with their true length) and its message and prose sentences. */
function readFile(path) {
  const quotes = [];
  const sentences = [];
  const env = readEnvelope(decodeArticleBytes(readFileSync(path)));
  if (env.form === 'collapsed') return { quotes, sentences };
  for (const s of cutLayout(env.body, env.form).sections) {
    const text = stripRegistryBoilerplate(s.text);
    const flat = collapse(text);
    const intros = introColons(flat);
    let prose = flat;
    for (const q of quotesWithIntros(text)) {
      prose = prose.replace(q.quote, ' | ');
      for (const t of sentencesOf(q.quote.split(' '))) sentences.push([t, 1]);
      const colon = collapse(text.slice(0, q.colonEnd)).length - 1;
      if (flat[colon] !== ':' || !intros.some((x) => x.colon === colon)) continue;
      const start = colon + 2;
      if (flat.slice(start, start + q.quote.length) !== q.quote) continue;
      const { tokens, limit, introStart } = quoteWindow(flat, start, intros);
      const intro = intros.find((x) => x.colon === colon);
      quotes.push({ tokens, limit, ctx: quoteContext(flat.slice(intro.sentenceStart, colon), introStart), gold: q.quote.split(' ').length });
    }
    // Prose is learnt from sections that quote a message: the text around quotes is what a quote may run into.
    if (prose !== flat) for (const part of prose.split(' | ')) for (const t of sentencesOf(part.split(' ').filter(Boolean))) sentences.push([t, 0]);
  }
  return { quotes, sentences };
}

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

/**
 * Logistic regression, plain SGD with L2, a few epochs over shuffled examples; features seen
 * fewer than minCount times are left out. Features that `lexical` matches (one per word) get
 * the stronger `lexicalL2`, so that many rare words do not drown out the few dense features.
 */
function trainLogistic(examples, { minCount, epochs = 6, lr0 = 0.1, l2 = 1e-6, lexical = null, lexicalL2 = 1e-2, label }) {
  const counts = new Map();
  for (const [fs] of examples) for (const x of fs) counts.set(x, (counts.get(x) ?? 0) + 1);
  const w = new Map();
  let bias = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = examples.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [examples[i], examples[j]] = [examples[j], examples[i]];
    }
    const lr = lr0 / (1 + epoch);
    let loss = 0;
    for (const [fs, y] of examples) {
      let z = bias;
      for (const x of fs) if (counts.get(x) >= minCount) z += w.get(x) ?? 0;
      const p = 1 / (1 + Math.exp(-z));
      loss += -(y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
      const g = p - y;
      bias -= lr * g;
      for (const x of fs) {
        if (counts.get(x) < minCount) continue;
        const v = w.get(x) ?? 0;
        w.set(x, v - lr * (g + (lexical?.test(x) ? lexicalL2 : l2) * v));
      }
    }
    console.error(`${label} epoch ${epoch} loss ${(loss / examples.length).toFixed(4)}`);
  }
  const weights = Object.fromEntries([...w.entries()].filter(([, v]) => Math.abs(v) >= 0.02).sort((a, b) => a[0].localeCompare(b[0])));
  return { bias, weights };
}

/** The sentence model trained on some files' sentences (prose sampled down to twice the messages). */
function trainSentences(files, label) {
  const msg = files.flatMap((f) => f.sentences.filter(([, y]) => y === 1));
  const prose = files.flatMap((f) => f.sentences.filter(([, y]) => y === 0));
  const keep = Math.min(1, (2 * msg.length) / Math.max(1, prose.length));
  const examples = [...msg, ...prose.filter(() => rand() < keep)].map(([t, y]) => [sentenceFeatures(t), y]);
  console.error(`${label}: ${msg.length} message and ${prose.length} prose sentences, ${examples.length} examples`);
  return trainLogistic(examples, { minCount: 5, epochs: 4, label });
}

function writeModel(file, type, typeFrom, comment, model) {
  const body = Object.entries(model.weights).map(([k, v]) => `    ${JSON.stringify(k)}: ${v.toFixed(3)},`).join('\n');
  writeFileSync(
    new URL(`../src/kb/parse/${file}`, import.meta.url),
    `import type { ${type} } from './${typeFrom}';\n\n/** Generated by scripts/train-quote-model.mjs ${comment}. Do not edit. */\n` +
      `export const ${file === 'quote-model.ts' ? 'QUOTE_MODEL' : 'MESSAGE_SENTENCE_MODEL'}: ${type} = {\n  bias: ${model.bias.toFixed(3)},\n  weights: {\n${body}\n  },\n};\n`,
  );
  console.error(`wrote ${Object.keys(model.weights).length} weights to ${file}`);
}

const files = [];
for (const [i, f] of readdirSync(dir).sort().entries()) {
  if (i % 7 === 0 || (LEAVE > 0 && i % 7 === LEAVE)) continue;
  try {
    files.push(readFile(`${dir}/${f}`));
  } catch {
    continue;
  }
}

// The quote-end model learns from sentence scores of files the sentence model did not see (two folds),
// so that it trusts the score as much as it deserves on new articles.
const folds = [0, 1].map((k) => trainSentences(files.filter((_, j) => j % 2 !== k), `sentences fold ${k}`));
const sentences = trainSentences(files, 'sentences');
writeModel('message-sentence-model.ts', 'SentenceModel', 'message-sentence.js', `from ${files.length} original-form KB articles`, sentences);

const examples = [];
let quotes = 0;
files.forEach((file, j) => {
  for (const { tokens, limit, ctx, gold } of file.quotes) {
    quotes++;
    // The end is learnt at each boundary up to the true end, before `limit`.
    for (let k = 1; k <= Math.min(gold, limit - 1, tokens.length - 1); k++) {
      examples.push([boundaryFeatures(tokens, k, ctx, folds[j % 2]), k === gold ? 1 : 0]);
    }
  }
});
console.error(`quotes ${quotes}, boundary examples ${examples.length}`);
// Word features of the quote-end model (next word, word pairs, words ahead, intro words); split 1 of the
// validation run read 0.4 points more messages alike with the stronger L2 on them.
const LEXICAL = /^(?:nw|nw2|pw|nb|pw2|pe\|nw\|ns2|iw|nw\|pe)=/;
const model = trainLogistic(examples, { minCount: 3, lexical: LEXICAL, label: 'quote end' });
writeModel('quote-model.ts', 'QuoteModel', 'quote-boundary.js', `from ${quotes} quotes in original-form KB articles`, model);
