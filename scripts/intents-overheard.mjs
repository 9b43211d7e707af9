#!/usr/bin/env node
// What the intent classifier's errors cost in a listening channel (issue #25): each training file is
// left out in turn, the classifier is trained on the others, and every message of the left-out file is
// said in a listening channel (overheard, no mention) to the real Bot over a KB. Counts how often the
// bot speaks up on a message that is not an error, alert or question (an interruption), and how often
// it answers one that is. Measurement only.
//   npm run build && node scripts/intents-overheard.mjs [--kb DIR]... [--floor X] [--skip FILE]... [--shipped]
//     [--training DIR] [--json]
// --shipped: score with the classifier as shipped (trained on everything) instead of leaving each file out
// (to measure an older kbbot on files it never saw); --skip: leave a file out of the scoring.
// Default KB: the archive corpus (KBBOT_CORPUS_DIR or /tmp/corpus) and ../shared/teamkb when present.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './bench-lib.mjs';

const args = process.argv.slice(2);
const dist = (p) => import(pathToFileURL(join(REPO, 'dist', 'src', p)).href);
const { IntentClassifier, isPassive } = await dist('intents/index.js');
const { fileTrainingExamples } = await dist('intents/training-data.js');
const { openMatcher } = await dist('cli/open-matcher.js');
const { Matcher } = await dist('bot/match.js');
const { Bot } = await dist('bot/bot.js');
const { BOT_DEFAULTS } = await dist('bot/defaults.js');
// --floor X: the overheard intent-confidence floor to try (default: BOT_DEFAULTS.overheardIntentConfidence).
const floorAt = args.indexOf('--floor');
if (floorAt >= 0) BOT_DEFAULTS.overheardIntentConfidence = Number(args[floorAt + 1]);
if (process.env.NO_NEAR_TIE) BOT_DEFAULTS.closeCallShare = 2;

const kbs = args.flatMap((a, i) => (a === '--kb' ? [args[i + 1]] : []));
if (!kbs.length) {
  const corpus = process.env.KBBOT_CORPUS_DIR ?? '/tmp/corpus';
  if (existsSync(corpus)) kbs.push(corpus);
  const teamkb = join(REPO, '..', 'shared', 'teamkb');
  if (existsSync(teamkb)) kbs.push(teamkb);
}
if (!kbs.length) {
  console.error('intents-overheard: no KB (pass --kb DIR, or unpack the corpus to /tmp/corpus)');
  process.exit(2);
}
const { opened } = await openMatcher({ kb: kbs, quiet: true });

const trainingAt = args.indexOf('--training');
const rows = fileTrainingExamples(trainingAt >= 0 ? args[trainingAt + 1] : undefined);
const skip = new Set(args.flatMap((a, i) => (a === '--skip' ? [args[i + 1]] : [])));
const fileOf = (e) => e.source.replace(/:\d+$/, '').split(/[\\/]/).pop();
const files = [...new Set(rows.map(fileOf))].filter((f) => !skip.has(f));
const tally = { passive: 0, passiveAnswered: 0, other: 0, interruptions: 0, byIntent: {} };
const examples = [];
let n = 0;
for (const file of files) {
  const classifier = args.includes('--shipped')
    ? new IntentClassifier()
    : new IntentClassifier({ examples: rows.filter((r) => fileOf(r) !== file) });
  const bot = new Bot(opened.kb, { ranker: opened.ranker });
  // The bot's matcher, with the classifier that never saw this file.
  bot['ctx'].matcher = new Matcher(opened.kb, opened.ranker, classifier);
  for (const row of rows.filter((r) => fileOf(r) === file)) {
    n++;
    const reply = await bot.respond({
      text: row.text,
      user: 'U1',
      conversation: 'C-listen',
      thread: `T${n}`,
      id: `M${n}`,
      via: 'overheard',
    });
    const spoke = reply !== null;
    const passive = isPassive(row.intent);
    const t = (tally.byIntent[row.intent] ??= { n: 0, spoke: 0 });
    t.n++;
    if (spoke) t.spoke++;
    if (passive) {
      tally.passive++;
      if (spoke) tally.passiveAnswered++;
    } else {
      tally.other++;
      if (spoke) {
        tally.interruptions++;
        if (examples.length < 40)
          examples.push(`${row.intent} (${file}): ${row.text.slice(0, 100).replace(/\n/g, ' ⏎ ')}`);
      }
    }
  }
}
const spokeTotal = tally.passiveAnswered + tally.interruptions;
const out = {
  kbs,
  messages: n,
  passive: tally.passive,
  answeredPassive: tally.passiveAnswered,
  answeredShare: tally.passiveAnswered / tally.passive,
  nonPassive: tally.other,
  interruptions: tally.interruptions,
  interruptionsPer1000: (1000 * tally.interruptions) / tally.other,
  precisionOfSpeaking: spokeTotal ? tally.passiveAnswered / spokeTotal : 1,
  byIntent: tally.byIntent,
};
// The dev sets' pastes, questions and alerts said overheard to the bot with the default classifier (as
// shipped): how many are answered unprompted, and answered with the right article. They were answered when
// addressed at success@1 0.977 (pastes) and 0.833 (questions) (BENCHMARKS.md).
const { EVAL, readJsonl } = await import('./bench-lib.mjs');
out.dev = {};
for (const name of [
  'dev-error-pastes',
  'dev-questions',
  'teamkb-dev-error-pastes',
  'teamkb-dev-questions',
  'teamkb-dev-alerts',
]) {
  const path = join(EVAL, `${name}.jsonl`);
  if (!existsSync(path)) continue;
  const bot = new Bot(opened.kb, { ranker: opened.ranker });
  let answered = 0;
  let right = 0;
  let total = 0;
  for (const row of readJsonl(path)) {
    total++;
    const text = row.text ?? row.query;
    const want = new Set([row.expected ?? []].flat());
    const reply = await bot.respond({
      text,
      user: 'U1',
      conversation: 'C-listen',
      thread: `D${total}`,
      id: `D${total}`,
      via: 'overheard',
    });
    if (reply?.kind !== 'answer') continue;
    answered++;
    if (want.has(reply.answer.id)) right++;
  }
  out.dev[name] = { total, answered, right };
}

if (args.includes('--json')) {
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  console.log(
    `overheard in a listening channel, each training file left out in turn (${n} messages; KB: ${kbs.join(', ')})`,
  );
  console.log(
    `  errors/questions answered: ${tally.passiveAnswered} of ${tally.passive} (${out.answeredShare.toFixed(3)})`,
  );
  console.log(
    `  other messages spoken to:  ${tally.interruptions} of ${tally.other} (${out.interruptionsPer1000.toFixed(1)} per 1,000)`,
  );
  console.log(`  of what the bot said unprompted, about an error/question: ${out.precisionOfSpeaking.toFixed(3)}`);
  for (const [intent, t] of Object.entries(tally.byIntent))
    console.log(`  ${intent.padEnd(12)} spoke on ${t.spoke} of ${t.n}`);
  for (const [name, d] of Object.entries(out.dev))
    console.log(
      `  ${name}: answered overheard ${d.answered} of ${d.total} (${(d.answered / d.total).toFixed(3)}), right ${d.right} (${(d.right / Math.max(1, d.answered)).toFixed(3)} of those answered)`,
    );
  if (examples.length) console.log(`interruptions:\n  ${examples.join('\n  ')}`);
}
