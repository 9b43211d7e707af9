#!/usr/bin/env node
// What hostile messages cost: Bot.respond on messages shaped to be expensive (one 20,000-letter
// word, lines without spaces, thousands of codes, deep Slack markup, 20,000 emoji, long runs of
// blanks, the shapes regexes used to backtrack on), per shape p50 / p99 / max milliseconds of
// wall time, next to ordinary pastes. Not a test: it prints a markdown table to record in BENCHMARKS.md.
//   node scripts/bench-hostile.mjs [--kb DIR] [--index FILE] [--runs N]
// KB: the 57,000-article corpus when its index exists (--index FILE, default the one
// `kbbot ask --kb DIR` keeps in DATA_DIR for KBBOT_CORPUS_DIR, default /tmp/corpus); else the seeds.
// Needs the build (`npm run build`).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { EVAL, machineLine, readJsonl, REPO } from './bench-lib.mjs';

const { values: args } = parseArgs({
  options: { kb: { type: 'string' }, index: { type: 'string' }, runs: { type: 'string', default: '30' } },
});
const RUNS = Math.max(1, Number(args.runs));
const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);

/** The corpus index `kbbot ask --kb DIR` keeps (src/cli/open-matcher.ts), unless --index names one. */
function corpusIndex(dir) {
  if (args.index) return resolve(args.index);
  const dataDir = resolve(process.env.DATA_DIR?.trim() || './data');
  return join(dataDir, `kb-index-${createHash('sha1').update(resolve(dir)).digest('hex').slice(0, 8)}.bin`);
}

async function openKnowledgeBase() {
  const dir = resolve(args.kb ?? process.env.KBBOT_CORPUS_DIR ?? '/tmp/corpus');
  const indexPath = corpusIndex(dir);
  if (existsSync(dir) && existsSync(indexPath)) {
    const { openKb } = await dist('kb/index/open-kb.js');
    const opened = await openKb([dir], { indexPath, log: (m) => console.error(`bench-hostile: ${m}`) });
    return {
      kb: opened.kb,
      ranker: opened.ranker,
      label: `${opened.kb.size.toLocaleString('en-US')} articles (${dir})`,
    };
  }
  console.error(`bench-hostile: no index ${indexPath} for ${dir}; using the seeds`);
  const { KnowledgeBase } = await dist('kb/knowledge-base.js');
  const { parseArticle } = await dist('kb/parse/index.js');
  const { Ranker } = await dist('kb/rank/ranker.js');
  const seeds = join(REPO, 'seeds');
  const kb = new KnowledgeBase(
    readdirSync(seeds).map((f) => parseArticle(readFileSync(join(seeds, f)), join(seeds, f))),
  );
  return { kb, ranker: Ranker.build(kb), label: `the ${kb.size} seed articles` };
}

// ---- message shapes: each a function of a seeded random source and a run number ----
let state = 0x9e3779b9;
const random = () => {
  state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
  return state / 2 ** 32;
};
const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(random() * xs.length)];
const letters = (n, alphabet = 'abcdefghijklmnopqrstuvwxyz') =>
  Array.from({ length: n }, () => pick(alphabet)).join('');
const fill = (unit, n) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
const size = () => pick([1000, 5000, 20_000]);

function shapes(kb) {
  const titles = kb.articles().map((a) => a.title);
  const errors = kb.articles().flatMap((a) => a.errorMessages);
  const kbWords = [
    ...new Set(
      titles
        .join(' ')
        .toLowerCase()
        .match(/[a-z]{4,}/g) ?? [],
    ),
  ];
  const pastes = existsSync(join(EVAL, 'dev-error-pastes.jsonl'))
    ? readJsonl(join(EVAL, 'dev-error-pastes.jsonl')).map((q) => q.query)
    : errors.map((e) => `getting this: ${e}`);
  return {
    'ordinary paste (dev set)': () => pick(pastes),
    'one long word': () => fill(pick(['A', 'a', 'b', 'Ab', 'abc']), size()),
    'long random word': () => letters(size()),
    'line without spaces': () => letters(size(), 'abcdefghijklmnopqrstuvwxyz0123456789.-_+#/\\:;,'),
    'dotted identifiers': () => Array.from({ length: size() / 10 }, () => letters(9)).join('.'),
    'many made-up words': () => Array.from({ length: size() / 9 }, () => letters(int(5, 12))).join(' '),
    'many KB words': () => Array.from({ length: size() / 8 }, () => pick(kbWords)).join(' '),
    'many codes': () =>
      Array.from({ length: size() / 11 }, (_, i) =>
        pick([`0x${(0xc0020000 + i).toString(16)}`, String(1000 + i), `file${i}.dll`, `c${1041724 + i}`]),
      ).join(' '),
    'error text repeated': () => fill(`${pick(errors.length ? errors : titles)}: `, size()),
    'deep Slack markup': () => fill('<', size() / 2) + fill('>', size() / 2),
    'Slack links and mentions': () => fill(pick(['<http://a.b|x', '<@U1234|', '<#C1|', '<!here|']), size()),
    'Teams tags and entities': () => fill(pick(['<at>', '<p>', '&amp;', '&#x27;', '<br>']), size()),
    '20,000 emoji': () => fill(pick(['\u{1F525}', '\u{1F44D}', '\u{1F44D} ', ':+1:']), 20_000),
    'runs of blanks': () => `a${fill(pick([' ', '\t', '\u2003', '\u2028', ' \n']), size() - 2)}b`,
    'regex traps': () =>
      pick([
        `error${fill(' ', 4000)}x`,
        `stop${fill(' ', 4000)}x`,
        `Q${fill(' ', 4000)}x`,
        `kb article${fill(' ', 4000)}x`,
        `hi ${fill('@a', 60)} x`,
        fill('"Ab a', 4000),
        fill(': Abc abc ', 4000),
        fill('\nAbc abcdefghijklmnop', 4000),
        `2026-11-17 16:56:14 ${fill('a0', 4000)}`,
        `${fill('.', 4000)}x`,
        fill(')', 4000),
      ]),
  };
}

const { kb, ranker, label } = await openKnowledgeBase();
const { Bot } = await dist('bot/bot.js');
const bot = new Bot(kb, { ranker });
bot.warmUp();

const quantile = (xs, q) => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rows = [];
let thread = 0;
for (const [name, make] of Object.entries(shapes(kb))) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const text = make();
    const started = performance.now();
    await bot.respond({
      text,
      user: 'U1',
      conversation: 'C1',
      thread: `T${thread++}`,
      via: i % 2 ? 'overheard' : 'mention',
    });
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  rows.push([name, quantile(ms, 0.5), quantile(ms, 0.99), ms[ms.length - 1]]);
  console.error(`bench-hostile: ${name} done`);
}

const f = (x) => x.toFixed(1);
console.log(`Bot.respond on ${label}, ${RUNS} messages per shape (half addressed, half overheard)`);
console.log(machineLine());
console.log('');
console.log('| Message shape | p50 ms | p99 ms | max ms |');
console.log('| --- | ---: | ---: | ---: |');
for (const [name, p50, p99, max] of rows) console.log(`| ${name} | ${f(p50)} | ${f(p99)} | ${f(max)} |`);
