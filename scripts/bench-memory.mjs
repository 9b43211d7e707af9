// `npm run bench` part 3: what remembering and learning cost. On the full corpus: the time of a
// durable write to the storage (SQLite, WAL, synchronous=FULL: what an acknowledgement waits
// for), and the per-message latency of matching with 10,000 feedback records to weigh against
// matching without any. Writes its section of BENCHMARKS.md.
import { corpusDir, EVAL, machineLine, readJsonl, REPO, tempDir, writeSection } from './bench-lib.mjs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const LABEL = 'bench-memory';
const FEEDBACK_RECORDS = 10_000;
const WRITES = 1000;
const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);

function percentiles(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: at(0.5), p99: at(0.99) };
}
const fmt = (x) => x.toFixed(2);

/** A deterministic pseudo-random sequence (same records every run). */
function lcg(seed) {
  let x = seed;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const corpus = corpusDir(LABEL);
const { openKb } = await dist('kb/index/open-kb.js');
const { Matcher } = await dist('bot/match.js');
const { FeedbackLearning } = await dist('bot/learning.js');
const { openStorage } = await dist('memory/sqlite/open.js');
const { IntentClassifier } = await dist('intents/index.js');

console.error(`${LABEL}: opening the KB of ${corpus} ...`);
const opened = await openKb([corpus], { indexPath: join(REPO, 'data', 'kb-index-bench.bin') });
const articles = opened.kb.articles();

// 1. Durable writes: what each acknowledgement waits for.
const storage = openStorage(tempDir('kbbot-bench-store-'));
const time = (fn) => {
  const ms = [];
  for (let i = 0; i < WRITES; i++) {
    const t = performance.now();
    fn(i);
    ms.push(performance.now() - t);
  }
  return percentiles(ms);
};
const signature = [
  [1, 1],
  [2, 0.5],
];
const writes = {
  feedback: time((i) =>
    storage.feedback.add({
      at: Date.now(),
      user: `U${i % 50}`,
      conversation: 'C1',
      thread: `T${i}`,
      articleId: 'Q290226',
      helpful: i % 3 !== 0,
      query: 'why does the store not start',
      signature,
    }),
  ),
  setting: time((i) => storage.settings.set(`C${i}`, 'listening', i % 2 ? 'on' : 'off', 'U1')),
  delivered: time((i) => storage.delivered.claim(`Ev${i}`)),
  interaction: time((i) =>
    storage.interactions.record({
      at: Date.now(),
      user: 'U1',
      conversation: 'C1',
      thread: `T${i}`,
      intent: 'question',
      outcome: 'answered',
      articleId: 'Q290226',
      confidence: 0.8,
      text: 'why does the store not start',
      signature,
    }),
  ),
};
storage.close();

// 2. Matching with and without 10,000 feedback records (messages made from article titles and quoted errors).
const classifier = new IntentClassifier();
const plain = new Matcher(opened.kb, opened.ranker, classifier);
const rows = [];
const random = lcg(7);
for (let i = 0; i < FEEDBACK_RECORDS; i++) {
  const a = articles[Math.floor(random() * articles.length)];
  const message = random() < 0.5 && a.errorMessages[0] ? a.errorMessages[0] : `why ${a.title.toLowerCase()}`;
  rows.push({
    at: i,
    user: `U${i % 300}`,
    conversation: 'C1',
    thread: `T${i}`,
    articleId: a.id,
    helpful: random() < 0.7,
    query: null,
    signature: plain.signature(message),
  });
}
const learning = new FeedbackLearning({ add: async (r) => void rows.push(r), list: async () => rows });
await learning.refresh(0);
const learned = new Matcher(opened.kb, opened.ranker, classifier, learning);
const queries = [
  ...readJsonl(join(EVAL, 'dev-error-pastes.jsonl')),
  ...readJsonl(join(EVAL, 'dev-questions.jsonl')),
].map((q) => q.query);
const run = (matcher) => {
  for (const q of queries.slice(0, 50)) matcher.match(q, { k: 10 }); // warm
  const ms = [];
  let moved = 0;
  for (const q of queries) {
    const t = performance.now();
    const m = matcher.match(q, { k: 10 });
    ms.push(performance.now() - t);
    if (m.hits.some((h) => h.votes)) moved++;
  }
  return { ...percentiles(ms), moved };
};
const without = run(plain);
const withFeedback = run(learned);

const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
const section = `<!-- bench:memory:start -->
Command: \`npm run bench\` (part 3, \`node scripts/bench-memory.mjs\`; corpus: \`${corpus}\`)  
Date: ${date} UTC  
Machine: ${machineLine()}

| durable write (SQLite, WAL, synchronous=FULL; ${WRITES} each) | p50 ms | p99 ms |
|---|---|---|
| feedback record ("that helped": the bot thanks after it) | ${fmt(writes.feedback.p50)} | ${fmt(writes.feedback.p99)} |
| channel setting (\`/kb listen on\`) | ${fmt(writes.setting.p50)} | ${fmt(writes.setting.p99)} |
| delivered event id (de-duplication) | ${fmt(writes.delivered.p50)} | ${fmt(writes.delivered.p99)} |
| log row (what was asked and answered) | ${fmt(writes.interaction.p50)} | ${fmt(writes.interaction.p99)} |

| classify + rank per message (${queries.length} dev error pastes and questions) | p50 ms | p99 ms | messages whose hits feedback moved |
|---|---|---|---|
| no feedback | ${fmt(without.p50)} | ${fmt(without.p99)} | ${without.moved} |
| ${FEEDBACK_RECORDS.toLocaleString('en-US')} feedback records (from article titles and quoted errors, 300 users) | ${fmt(withFeedback.p50)} | ${fmt(withFeedback.p99)} | ${withFeedback.moved} |
<!-- bench:memory:end -->`;
console.log(section);
writeSection(
  '<!-- bench:memory:start -->',
  '<!-- bench:memory:end -->',
  section,
  '## Remembering and learning: cost',
  LABEL,
);
