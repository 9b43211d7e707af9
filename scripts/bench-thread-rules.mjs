#!/usr/bin/env node
// Thread rules benchmark (issue #24): `isFixReport` and `feedbackTarget` on the labelled thread
// messages in test/fixtures/thread-messages.jsonl (docs/design-team-fixes.md, section 4).
//   node scripts/bench-thread-rules.mjs [--misses]
// Prints precision and recall of the fix-report rule, and per-class precision/recall and accuracy of
// the feedback target, for the dev rows and the held-back rows apart. The held-back rows decide;
// the dev rows are the ones rules were tuned on. `--misses` lists the dev rows the rules get wrong
// (held-back misses are counted, never listed, so they cannot steer tuning).
// Then, as a silence check, how many real queries in the eval sets (../shared/eval, measured only)
// would be read as fix reports: a fix report is never answered, so each one would be a lost answer.
// Reads from dist/ (`npm run build` first). Writes nothing.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { EVAL, readJsonl, REPO } from './bench-lib.mjs';

const { readFixReport } = await import(pathToFileURL(join(REPO, 'dist/src/intents/fix-report.js')).href);
const { feedbackTarget } = await import(pathToFileURL(join(REPO, 'dist/src/bot/feedback-target.js')).href);

const rows = readFileSync(join(REPO, 'test/fixtures/thread-messages.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim())
  .map((line) => JSON.parse(line));

/** Message ids in the made-up thread: the bot's answer, then a person's message, then the row's message. */
const ANSWER_TS = '1733390000.000100';
const PERSON_TS = '1733390000.000200';
const ROW_TS = '1733390000.000300';

/** The thread as it stands before the row's message, from the row's `after` label. */
function threadFor(after) {
  if (after === 'nothing') return {};
  const answered = { answerId: ANSWER_TS, articleId: 'Q193567' };
  if (after === 'answer') return { ...answered, lastSpeaker: 'bot', lastMessageId: ANSWER_TS };
  const person = { ...answered, lastSpeaker: 'person', lastMessageId: PERSON_TS };
  return after === 'person_fix' ? { ...person, lastFix: { messageId: PERSON_TS, user: 'U1' } } : person;
}

function messageFor(row) {
  if (!row.reaction) return { id: ROW_TS, text: row.text };
  const state = threadFor(row.after);
  return { reaction: { itemId: state.lastMessageId ?? 'unknown' } };
}

function predictedTarget(row) {
  const t = feedbackTarget(threadFor(row.after), messageFor(row));
  return t.kind;
}

const ratio = (a, b) => (b === 0 ? 'n/a' : (a / b).toFixed(3));

function measure(split) {
  const set = rows.filter((r) => r.split === split);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses = [];
  for (const r of set) {
    const got = readFixReport(r.text);
    if (got.fixReport && r.fixReport) tp++;
    else if (got.fixReport) fp++;
    else if (r.fixReport) fn++;
    if (got.fixReport !== r.fixReport)
      misses.push(`fix report ${r.fixReport ? 'missed' : 'false'} (${got.reason}): ${JSON.stringify(r.text)}`);
  }
  const feedback = set.filter((r) => r.feedback !== 'none');
  const classes = ['answer', 'fix', 'none'];
  const per = Object.fromEntries(classes.map((c) => [c, { tp: 0, fp: 0, fn: 0 }]));
  let right = 0;
  for (const r of feedback) {
    const got = predictedTarget(r);
    if (got === r.target) {
      right++;
      per[got].tp++;
    } else {
      per[got].fp++;
      per[r.target].fn++;
      misses.push(`target ${got}, labelled ${r.target} (after ${r.after}): ${JSON.stringify(r.text)}`);
    }
  }
  return { set, tp, fp, fn, feedback, per, right, misses };
}

console.log(
  '| split | rows | fix reports | fix P | fix R | feedback rows | target acc | answer P/R | fix P/R | none P/R |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const results = {};
for (const split of ['dev', 'held']) {
  const m = measure(split);
  results[split] = m;
  const pr = (c) =>
    `${ratio(m.per[c].tp, m.per[c].tp + m.per[c].fp)} / ${ratio(m.per[c].tp, m.per[c].tp + m.per[c].fn)}`;
  console.log(
    `| ${split === 'held' ? 'held back' : 'dev'} | ${m.set.length} | ${m.tp + m.fn} | ${ratio(m.tp, m.tp + m.fp)} | ${ratio(m.tp, m.tp + m.fn)} | ${m.feedback.length} | ${ratio(m.right, m.feedback.length)} | ${pr('answer')} | ${pr('fix')} | ${pr('none')} |`,
  );
}
if (process.argv.includes('--misses')) {
  console.log('\nDev misses:');
  for (const line of results.dev.misses) console.log(`- ${line}`);
}
console.log(`\nHeld-back misses: ${results.held.misses.length} (not listed)`);

/** Eval sets whose messages are queries the bot must answer; none should read as a fix report. */
const QUERY_SETS = [
  'dev-error-pastes',
  'dev-questions',
  'dev-intents',
  'teamkb-dev-alerts',
  'teamkb-dev-error-pastes',
  'teamkb-dev-questions',
];
const present = QUERY_SETS.filter((name) => existsSync(join(EVAL, `${name}.jsonl`)));
if (present.length === 0) console.log('\nEval sets absent: query silence check skipped.');
else {
  console.log('\n| eval set | messages | read as fix reports |\n| --- | --- | --- |');
  for (const name of present) {
    const texts = readJsonl(join(EVAL, `${name}.jsonl`))
      .map((r) => r.query ?? r.text)
      .filter((t) => typeof t === 'string');
    console.log(`| ${name} | ${texts.length} | ${texts.filter((t) => readFixReport(t).fixReport).length} |`);
  }
}
