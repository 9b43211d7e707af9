#!/usr/bin/env node
// Cross-validation of the intent classifier (issue #25): how well it learns the task rather than its
// examples. Measurement only: nothing here tunes the classifier or changes what it trains on.
//   npm run build && node scripts/intents-cv.mjs [--k 5] [--seed 25] [--kb DIR] [--confusion]
//     [--ungrouped] [--json]
// Reads the compiled classifier from dist/. For each training set, (a) the built-in examples
// (src/intents/training-data.ts), (b) the training files (training/intents/*.jsonl), (c) both
// (deduplicated, the built-in label kept when the two disagree): grouped, stratified k-fold
// cross-validation with a fixed seed; accuracy (mean ± sd over folds), recall per intent, passive
// precision and recall (passive = error_paste | question | alert, as isPassive), and classification
// latency p50/p99 after a warm-up, of single calls ("p50/p99 ms", what a message costs on a busy
// machine) and of each message's median of 3 calls ("steady", free of scheduler and GC noise).
// Transfer: trained on all of (a), scored on all of (b), and the reverse. Then, as an independent
// check, classifiers trained on all of (a), (b) and (c) are scored on the dev set
// (../shared/eval/dev-intents.jsonl) the way scripts/bench-matching.mjs and
// test/corpus/intents-dev-set.test.ts score it (evaluateIntents); with --kb DIR, also as
// `kbbot eval --kb DIR --queries dev-intents.jsonl` does (the Matcher's intent, which a name lookup
// can still turn into 'lookup'), with each classifier in turn. Prints a table; writes nothing.
//
// Groups: a message that contains another message of the same intent (an error text and the same
// text wrapped in chat words, which training-data.ts generates) lands in the same fold as it, so the
// held-out fold never holds a near copy of a training message.
//
// The rows' labels never say 'alert' (alerts are read by shape before the model, not learnt), so a
// message the alert reader takes (an Alertmanager paste labelled error_paste) counts as a miss in
// accuracy but as passive in passive precision/recall; the "→alert" column counts them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { EVAL, readJsonl, REPO } from './bench-lib.mjs';

const args = process.argv.slice(2);
const str = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : dflt;
};
/** Classifier options under test: --softmax-weight W, --temperature T, --threshold P (defaults: the classifier's). */
const MODEL_OPTIONS = Object.fromEntries(
  [
    ['softmaxWeight', str('--softmax-weight')],
    ['temperature', str('--temperature')],
    ['passiveThreshold', str('--threshold')],
  ]
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [k, Number(v)]),
);
/** Folds. */
const K = opt('--k', 5);
/** Seed of the fold shuffle (fixed, so two runs split alike). */
const SEED = opt('--seed', 25);
/** Classifications run before latency is measured, so JIT compilation is not counted. */
const WARM_UP = 200;
/** A message this short is never taken as contained in another when grouping; --ungrouped turns grouping off. */
const MIN_CONTAINED_CHARS = args.includes('--ungrouped') ? Infinity : 16;

const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);
if (!existsSync(join(REPO, 'dist', 'src', 'intents', 'training-files.js'))) {
  console.error('intents-cv: dist/ is missing or stale; run `npm run build` first');
  process.exit(2);
}
const { IntentClassifier, INTENTS, isPassive, evaluateIntents } = await dist('intents/index.js');
const { fileTrainingExamples } = await dist('intents/training-data.js');
const { duplicateKey } = await dist('intents/training-files.js');
const { percentile } = await dist('kb/rank/evaluate.js');
const { seededRandom: rng } = await dist('intents/softmax.js');

const LABELS = INTENTS.filter((i) => i !== 'alert');

function shuffle(list, random) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** One row per distinct message (duplicateKey), first kept; `conflicts` counts later rows labelled otherwise. */
function dedupe(rows) {
  const seen = new Map();
  const out = [];
  let duplicates = 0;
  let conflicts = 0;
  for (const r of rows) {
    const key = duplicateKey(r.text);
    const first = seen.get(key);
    if (!first) {
      seen.set(key, r);
      out.push({ text: r.text, intent: r.intent });
    } else if (first.intent === r.intent) duplicates++;
    else conflicts++;
  }
  return { rows: out, duplicates, conflicts };
}

/** Group ids: messages of one intent where one contains the other (union-find). */
function groups(rows) {
  const parent = rows.map((_, i) => i);
  const find = (i) => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const lower = rows.map((r) => duplicateKey(r.text));
  for (let i = 0; i < rows.length; i++) {
    if (lower[i].length < MIN_CONTAINED_CHARS) continue;
    for (let j = 0; j < rows.length; j++) {
      if (i !== j && rows[i].intent === rows[j].intent && lower[j].includes(lower[i])) parent[find(j)] = find(i);
    }
  }
  return rows.map((_, i) => find(i));
}

/** Fold index per row: groups shuffled with the seed, then dealt round-robin per intent (stratified). */
function folds(rows, k, seed) {
  const g = groups(rows);
  const byIntent = new Map();
  for (let i = 0; i < rows.length; i++) {
    const intent = rows[g[i]].intent;
    if (!byIntent.has(intent)) byIntent.set(intent, new Map());
    const m = byIntent.get(intent);
    if (!m.has(g[i])) m.set(g[i], []);
    m.get(g[i]).push(i);
  }
  const random = rng(seed);
  const fold = new Array(rows.length);
  let next = 0;
  for (const intent of LABELS) {
    const m = byIntent.get(intent);
    if (!m) continue;
    for (const members of shuffle([...m.values()], random)) {
      for (const i of members) fold[i] = next % k;
      next++;
    }
  }
  return { fold, groups: new Set(g).size };
}

const emptyConfusion = () =>
  Object.fromEntries(INTENTS.map((e) => [e, Object.fromEntries(INTENTS.map((p) => [p, 0]))]));

/** Accuracy, recall per intent and passive precision/recall from a confusion table. */
function metrics(confusion) {
  let n = 0;
  let correct = 0;
  let predictedPassive = 0;
  let labelledPassive = 0;
  let both = 0;
  const recall = {};
  for (const e of INTENTS) {
    let row = 0;
    for (const p of INTENTS) {
      const c = confusion[e][p];
      row += c;
      n += c;
      if (e === p) correct += c;
      if (isPassive(p)) predictedPassive += c;
      if (isPassive(e)) labelledPassive += c;
      if (isPassive(e) && isPassive(p)) both += c;
    }
    if (row) recall[e] = confusion[e][e] / row;
  }
  return {
    n,
    accuracy: n ? correct / n : 0,
    recall,
    passivePrecision: predictedPassive ? both / predictedPassive : 1,
    passiveRecall: labelledPassive ? both / labelledPassive : 1,
  };
}

/** Classifications timed per message; the median of them is the message's steady cost (free of scheduler noise). */
const REPEATS = 3;

/** Classify with timing: the first call's time goes to `lat.raw`, the median of REPEATS calls to `lat.steady`. */
function timed(classifier, lat) {
  return {
    classify(text) {
      const ms = [];
      let result;
      for (let i = 0; i < REPEATS; i++) {
        const s = performance.now();
        const r = classifier.classify(text);
        ms.push(performance.now() - s);
        result ??= r;
      }
      lat.raw.push(ms[0]);
      lat.steady.push(ms.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]);
      return result;
    },
  };
}

const latencyOf = (lat) => ({
  p50: percentile(lat.raw, 50),
  p99: percentile(lat.raw, 99),
  steadyP50: percentile(lat.steady, 50),
  steadyP99: percentile(lat.steady, 99),
});

function warmUp(classifier, rows) {
  for (let i = 0; i < WARM_UP; i++) classifier.classify(rows[i % rows.length].text);
}

function crossValidate(name, rows) {
  const { fold, groups: nGroups } = folds(rows, K, SEED);
  const confusion = emptyConfusion();
  const foldAccuracy = [];
  const lat = { raw: [], steady: [] };
  const passive = [];
  for (let f = 0; f < K; f++) {
    const train = rows.filter((_, i) => fold[i] !== f);
    const test = rows.filter((_, i) => fold[i] === f);
    const classifier = new IntentClassifier({ ...MODEL_OPTIONS, examples: train });
    warmUp(classifier, train);
    const ev = evaluateIntents(test, timed(classifier, lat));
    foldAccuracy.push(ev.accuracy);
    for (const e of INTENTS) for (const p of INTENTS) confusion[e][p] += ev.confusion[e][p];
    for (const r of test) {
      const res = classifier.classify(r.text);
      passive.push({ labelled: isPassive(r.intent), predicted: isPassive(res.intent), confidence: res.confidence });
    }
  }
  const mean = foldAccuracy.reduce((s, x) => s + x, 0) / K;
  const sd = Math.sqrt(foldAccuracy.reduce((s, x) => s + (x - mean) ** 2, 0) / (K - 1));
  return {
    name,
    groups: nGroups,
    ...metrics(confusion),
    foldAccuracy: { mean, sd },
    latency: latencyOf(lat),
    confusion,
    curve: passiveCurve(passive),
  };
}

/** Confidence floors tried for answering unprompted (a passive call below the floor stays quiet). */
const FLOORS = [0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98];

/**
 * Passive precision and recall when an unprompted answer also needs the intent's confidence at a floor
 * (what a listening channel does): one point per floor.
 */
function passiveCurve(rows) {
  return FLOORS.map((floor) => {
    let pp = 0;
    let both = 0;
    let labelled = 0;
    for (const r of rows) {
      const said = r.predicted && r.confidence >= floor;
      if (said) pp++;
      if (r.labelled) labelled++;
      if (said && r.labelled) both++;
    }
    return { floor, precision: pp ? both / pp : 1, recall: labelled ? both / labelled : 1 };
  });
}

/** `wrap` turns the classifier into what is scored (default: itself). */
function devCheck(name, train, dev, wrap = (c) => c) {
  const classifier = wrap(new IntentClassifier({ ...MODEL_OPTIONS, examples: train }));
  warmUp(classifier, train);
  const lat = { raw: [], steady: [] };
  const ev = evaluateIntents(dev, timed(classifier, lat));
  return {
    name,
    trainedOn: train.length,
    ...metrics(ev.confusion),
    latency: latencyOf(lat),
    confusion: ev.confusion,
  };
}

// ---- data ----
// (a) core.jsonl: kbbot 0.1's built-in examples; (b) the files written later in other voices, apart from
// the eval sets; (c) all of them (what the bot trains on).
const bundled = fileTrainingExamples();
const isCore = (e) => /(?:^|[\\/])core\.jsonl:\d+$/.test(e.source);
const builtIn = dedupe(bundled.filter(isCore));
const files = dedupe(bundled.filter((e) => !isCore(e)));
const both = dedupe(bundled);
const sets = [
  { name: '(a) core', ...builtIn },
  { name: '(b) other files', ...files },
  { name: '(c) all files', ...both },
];

const cv = sets.map((s) => crossValidate(s.name, s.rows));
// Leave one file out: trained on every other file, scored on that file (a voice the model never saw).
const byFile = new Map();
for (const e of bundled) {
  const file = e.source.replace(/:\d+$/, '').split(/[\\/]/).pop();
  if (!byFile.has(file)) byFile.set(file, []);
  byFile.get(file).push(e);
}
const DEV = join(EVAL, 'dev-intents.jsonl');
const devRows = existsSync(DEV) ? readJsonl(DEV).map((r) => ({ text: r.text, intent: r.intent })) : null;
const trainSets = [
  ['train (a) core', builtIn.rows],
  ['train (b) other files', files.rows],
  ['train (c) all files', both.rows],
];
// Transfer: trained on one set, scored on the other (messages written apart from the training ones).
const transfer = [
  devCheck('train (a) → test (b)', builtIn.rows, files.rows),
  devCheck('train (b) → test (a)', files.rows, builtIn.rows),
  ...[...byFile.keys()].map((file) =>
    devCheck(
      `all but ${file} → ${file}`,
      dedupe(bundled.filter((e) => !byFile.get(file).includes(e))).rows,
      dedupe(byFile.get(file)).rows,
    ),
  ),
];
const dev = devRows ? trainSets.map(([name, rows]) => devCheck(name, rows, devRows)) : null;
let devKb = null;
const kbDir = str('--kb');
if (devRows && kbDir) {
  const { openMatcher } = await dist('cli/open-matcher.js');
  const { Matcher } = await dist('bot/match.js');
  const { opened } = await openMatcher({ kb: [kbDir], quiet: true });
  const viaMatcher = (classifier) => {
    const matcher = new Matcher(opened.kb, opened.ranker, classifier);
    return { classify: (text) => matcher.match(text, { k: 10 }).intent };
  };
  devKb = trainSets.map(([name, rows]) => devCheck(`${name}, matcher`, rows, devRows, viaMatcher));
}

if (args.includes('--json')) {
  process.stdout.write(
    `${JSON.stringify({ k: K, seed: SEED, sets: sets.map(({ rows, ...s }) => ({ ...s, n: rows.length })), cv, transfer, dev, devKb })}\n`,
  );
  process.exit(0);
}

// ---- table ----
const p3 = (x) => (x === undefined ? '   — ' : x.toFixed(3));
const ms2 = (x) => x.toFixed(2);
const short = {
  error_paste: 'error',
  question: 'quest',
  lookup: 'lookup',
  help: 'help',
  feedback: 'feedbk',
  greeting: 'greet',
  chatter: 'chat',
};
const header = [
  'set',
  'n',
  'acc',
  'acc/fold ±sd',
  'pass P',
  'pass R',
  ...LABELS.map((l) => `R ${short[l]}`),
  '→alert',
  'p50 ms',
  'p99 ms',
];
const rowOf = (r, extra) => [
  r.name,
  String(r.n),
  p3(r.accuracy),
  extra,
  p3(r.passivePrecision),
  p3(r.passiveRecall),
  ...LABELS.map((l) => p3(r.recall[l])),
  String(LABELS.reduce((sum, e) => sum + r.confusion[e].alert, 0)),
  ms2(r.latency.p50),
  ms2(r.latency.p99),
  `${ms2(r.latency.steadyP50)} / ${ms2(r.latency.steadyP99)}`,
];
const lines = [];
const table = (rows) => {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  for (const r of all)
    lines.push(r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
};
lines.push(
  `intent cross-validation: ${K}-fold, seed ${SEED}, ${MIN_CONTAINED_CHARS === Infinity ? 'ungrouped' : 'grouped (contained near copies share a fold)'}, stratified by intent`,
);
for (const [i, s] of sets.entries())
  lines.push(
    `  ${s.name}: ${s.rows.length} messages in ${cv[i].groups} fold groups (${s.duplicates} duplicates dropped${s.conflicts ? `, ${s.conflicts} labelled otherwise dropped` : ''})`,
  );
table(cv.map((r) => rowOf(r, `${p3(r.foldAccuracy.mean)} ±${r.foldAccuracy.sd.toFixed(3)}`)));
for (const r of cv) {
  lines.push(
    `  ${r.name}, passive P/R with a confidence floor: ${r.curve.map((c) => `${c.floor}: ${p3(c.precision)}/${p3(c.recall)}`).join('  ')}`,
  );
}
lines.push('');
lines.push('transfer: trained on all of one set, scored on all of the other');
table(transfer.map((r) => rowOf({ ...r, name: `${r.name} (${r.trainedOn})` }, '')));
if (dev) {
  lines.push('');
  lines.push(`independent check: trained on all of a set, scored on ${DEV} (evaluateIntents, as bench-matching)`);
  table(dev.map((r) => rowOf({ ...r, name: `${r.name} (${r.trainedOn})` }, '')));
  if (devKb) {
    lines.push('');
    lines.push(`the same through the Matcher on ${kbDir}, as \`kbbot eval\` (latency includes ranking):`);
    table(devKb.map((r) => rowOf({ ...r, name: `${r.name} (${r.trainedOn})` }, '')));
  }
  for (const r of args.includes('--confusion') ? [...cv, ...dev, ...(devKb ?? [])] : []) {
    lines.push('');
    lines.push(`confusion, ${r.name} (rows: labelled, columns: predicted):`);
    lines.push(`  ${''.padEnd(12)}${INTENTS.map((l) => (short[l] ?? l).padStart(7)).join('')}`);
    for (const e of LABELS) {
      if (!INTENTS.some((p) => r.confusion[e][p])) continue;
      lines.push(`  ${e.padEnd(12)}${INTENTS.map((p) => String(r.confusion[e][p]).padStart(7)).join('')}`);
    }
  }
} else lines.push(`independent check skipped: no ${DEV}`);
process.stdout.write(`${lines.join('\n')}\n`);
