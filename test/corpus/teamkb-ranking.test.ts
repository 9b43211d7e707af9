// The ranker alone (no alert-name lookup: that is the Matcher's) on a team's own KB
// (../shared/teamkb) and its dev sets (../shared/eval/teamkb-dev-*.jsonl). Skipped with a message
// when either is absent. The floors sit a little under what the ranker scores, so a change that
// loses a few answers fails; `npm run bench` (scripts/bench-teamkb.mjs) reports the figures beside
// FTS5 BM25, and the archive's pasted errors with and without teamkb (the archive takes minutes to
// index, too long for a test).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../src/kb/index/ingest.js';
import { retrievalReport, type LabelledQuery } from '../../src/kb/rank/evaluate.js';
import { Ranker } from '../../src/kb/rank/ranker.js';
import { REPO } from '../helpers/paths.js';

const TEAMKB = join(REPO, '..', 'shared', 'teamkb');
const EVAL = join(REPO, '..', 'shared', 'eval');
const SETS = ['alerts', 'error-pastes', 'questions'].map((s) => join(EVAL, `teamkb-dev-${s}.jsonl`));
const absent = [TEAMKB, ...SETS].filter((p) => !existsSync(p));
if (absent.length) console.warn(`teamkb-ranking skipped: ${absent.join(', ')} absent`);

const read = (file: string): LabelledQuery[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledQuery);

describe.skipIf(absent.length > 0)('the ranker on ../shared/teamkb and its dev sets', () => {
  it('finds the runbook or support article: pastes, questions, alerts and their descriptions alone', async () => {
    const { kb } = await ingest([TEAMKB], { folders: [{ dir: TEAMKB, name: 'teamkb' }] });
    const ranker = Ranker.build(kb);
    const [alerts, pastes, questions] = SETS.map((file) =>
      retrievalReport(
        read(file).map((query) => ({
          query,
          results: ranker.rank(query.query, 10).hits.map((h) => h.article.id),
          confidence: 0,
          ms: 0,
        })),
      ),
    );
    // Measured (dev): pastes 0.988, questions 0.874, alerts 0.950, description only 0.750.
    expect(pastes?.successAt1).toBeGreaterThanOrEqual(0.97);
    expect(questions?.successAt1).toBeGreaterThanOrEqual(0.85);
    expect(alerts?.successAt1).toBeGreaterThanOrEqual(0.93);
    expect(alerts?.byStyle.name_only?.successAt1).toBeGreaterThanOrEqual(0.98);
    expect(alerts?.byStyle.description_only?.successAt1).toBeGreaterThanOrEqual(0.72);
  }, 120_000);
});
