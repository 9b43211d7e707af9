// The labelled set of team fixes and the messages that should (or should not) lead with them
// (test/fixtures/fix-queries.jsonl, issue #24), shared by test/unit/fixes/leads.test.ts and
// scripts/bench-fixes.mjs: the fixes as FixRecords, the queries, synthetic fixes to pad an index to
// a size, and lead precision/recall of an index on the queries. Plain JS so the bench (which reads
// dist/) and the tests (which read src/) share it; the functions that need kbbot's code are passed in.
import { readFileSync } from 'node:fs';

const SET = new URL('../../fixtures/fix-queries.jsonl', import.meta.url);

/** Query types whose labelled fix should lead: the error pasted again, a telling part of it, in other words. */
export const LEAD_TYPES = ['repaste', 'partial', 'paraphrase'];

/**
 * The set: `fixes` (FixRecords, fix-1 … fix-40, saved a minute apart) and `queries`
 * ({ split: 'dev' | 'held', type, lead: fix id | null, text }).
 * `deps.title(input)` is fixTitle, `deps.codes(text)` the codes the bot records for an error (Matcher's `m.codes`).
 */
export function loadFixSet(deps) {
  const rows = readFileSync(SET, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const fixes = rows
    .filter((r) => r.kind === 'fix')
    .map((r, i) => makeRecord(deps, { ...r, savedAt: Date.UTC(2026, 10, 1) + i * 60_000, n: i }));
  const queries = rows.filter((r) => r.kind === 'query');
  return { fixes, queries };
}

function makeRecord(deps, r) {
  return {
    id: r.id,
    title: deps.title({ given: r.title, errors: r.errors, text: r.text }),
    text: r.text,
    author: r.author,
    authorName: r.authorName ?? null,
    savedBy: r.author,
    savedAt: r.savedAt,
    conversation: 'C0INCIDENT',
    thread: `1764000000.${String(r.n).padStart(6, '0')}`,
    messageId: `1764000100.${String(r.n).padStart(6, '0')}`,
    permalink: `https://acme.slack.com/archives/C0INCIDENT/p1764000100${String(r.n).padStart(6, '0')}`,
    errors: r.errors,
    codes: deps.codes(r.errors.join('\n')),
    offered: [],
    via: 'mention',
  };
}

/** A small seeded generator (mulberry32): the same synthetic fixes every run. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = `ledger catalog notifier indexer gateway scheduler billing invoice audit tenant quota shard replica
  cursor manifest artifact bundle profile session token cache bucket volume snapshot mirror webhook relay
  broker consumer producer partition offset schema migration fixture template policy binding secret vault
  keystore truststore cipher handshake lease leader follower election heartbeat probe sidecar ingress egress
  router listener socket pipe buffer spool queue mailbox journal checkpoint rollback savepoint trigger cron
  crontab daemon agent collector exporter scraper dashboard panel widget report export import loader parser
  encoder decoder codec thumbnail preview upload download checksum digest signature envelope payload header
  footer column index sequence counter gauge histogram meter tracer span baggage locale timezone calendar
  printer spooler scanner driver firmware bios kernel module plugin addon extension theme layout stylesheet
  font glyph sprite texture shader pixel frame codec stream channel topic subscription registry`
  .split(/\s+/)
  .filter(Boolean);
const ADJECTIVES = `stale corrupt truncated orphaned detached locked frozen degraded throttled malformed unsigned
  duplicated misaligned unreachable exhausted saturated overdue revoked unmounted unresolved`
  .split(/\s+/)
  .filter(Boolean);

/**
 * `n` synthetic fixes (ids fix-1001 on), each a distinct error in the shapes real ones take
 * (Windows codes, pods, Postgres, Java exceptions, MySQL, nginx, Oracle, quotas, Windows Update,
 * systemd) with made-up names: near the real fixes in form and common words, never the same error.
 */
export function syntheticFixes(n, deps, seed = 24) {
  const rnd = random(seed);
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const hex = (digits) =>
    Array.from({ length: digits }, () => '0123456789abcdef'[Math.floor(rnd() * 16)])
      .join('')
      .toUpperCase();
  const num = (lo, hi) => lo + Math.floor(rnd() * (hi - lo));
  const cap = (w) => w[0].toUpperCase() + w.slice(1);
  const shapes = [
    () =>
      `Error 0x8004${hex(4)}: The ${pick(WORDS)} ${pick(WORDS)} is ${pick(ADJECTIVES)}. Service ${cap(pick(WORDS))}${cap(pick(WORDS))} failed to start.`,
    () => {
      const app = `${pick(WORDS)}-${pick(WORDS)}`;
      return `Back-off restarting failed container ${app} in pod ${app}-${hex(9).toLowerCase()}-${hex(5).toLowerCase()}_${pick(WORDS)}`;
    },
    () =>
      `psql: error: connection to server at "${pick(WORDS)}-db.internal" (10.9.${num(1, 250)}.${num(1, 250)}), port 5432 failed: FATAL:  ${pick(['database', 'role', 'schema'])} "${pick(WORDS)}_${pick(WORDS)}" does not exist`,
    () =>
      `com.acme.${pick(WORDS)}.${cap(pick(WORDS))}${cap(pick(ADJECTIVES))}Exception: ${cap(pick(WORDS))} ${pick(WORDS)} is ${pick(ADJECTIVES)} for /srv/${pick(WORDS)}/${pick(WORDS)}.dat`,
    () =>
      `ERROR ${num(1100, 1300)} (HY${num(100, 999)}): ${cap(pick(WORDS))} ${pick(ADJECTIVES)} on table '${pick(WORDS)}_${pick(WORDS)}'`,
    () =>
      `nginx: [emerg] ${pick(ADJECTIVES)} "${pick(WORDS)}" directive in /etc/nginx/conf.d/${pick(WORDS)}.conf:${num(2, 90)}`,
    () =>
      `ORA-${num(20000, 29999)}: ${pick(WORDS).toUpperCase()}: ${pick(WORDS)} ${pick(WORDS)} is ${pick(ADJECTIVES)}`,
    () =>
      `Error from server (Forbidden): ${pick(WORDS)}s "${pick(WORDS)}" is forbidden: exceeded quota: ${pick(WORDS)}-quota, requested: limits.memory=${num(2, 64)}Gi`,
    () =>
      `Windows Update error 0x8024${hex(4)} when installing ${cap(pick(WORDS))} ${cap(pick(WORDS))} update for Windows Server 20${num(16, 25)}`,
    () =>
      `Job for ${pick(WORDS)}-${pick(WORDS)}.service failed because the ${pick(WORDS)} ${pick(WORDS)} was ${pick(ADJECTIVES)}.`,
    () =>
      `${cap(pick(WORDS))}${cap(pick(WORDS))}Error: ${pick(WORDS)} ${pick(WORDS)} ${pick(ADJECTIVES)} (code E${num(100, 999)}${num(10, 99)})`,
  ];
  const out = [];
  for (let i = 0; i < n; i++) {
    const error = shapes[i % shapes.length]();
    out.push(
      makeRecord(deps, {
        id: `fix-${1001 + i}`,
        title: null,
        errors: [error],
        text: `${pick(['fixed it by', 'resolved:', 'workaround was to'])} ${pick(['restarting', 'rebuilding', 'clearing', 'rotating', 'resizing'])} the ${pick(WORDS)} ${pick(WORDS)} on ${pick(WORDS)}-${num(1, 20)}`,
        author: `U${1000 + (i % 50)}`,
        authorName: null,
        savedAt: Date.UTC(2026, 9, 1) + i * 60_000,
        n: 1000 + i,
      }),
    );
  }
  return out;
}

/**
 * Lead precision and recall of `search`/`leads` on `queries`, for indexes over the given fix sets
 * (each query is asked of each index; its label counts only when its fix is in that index).
 * `build(fixes)` makes an index. A query leads with the first hit when `leads(hit)`.
 * Returns { leads, right, precision, byType: { type: { n, right, recall } }, wrong: [{ text, want, got }], missed }.
 */
export function evaluateLeads(build, fixSets, queries) {
  let leads = 0;
  let right = 0;
  const byType = {};
  const wrong = [];
  const missed = [];
  for (const fixes of fixSets) {
    const index = build(fixes);
    const ids = new Set(fixes.map((f) => f.id));
    for (const q of queries) {
      const want = q.lead && ids.has(q.lead) ? q.lead : null;
      const [top] = index.search(q.text);
      const got = top && index.leads(top) ? top.fix.id : null;
      if (got) {
        leads++;
        if (got === want) right++;
        else wrong.push({ text: q.text, type: q.type, want, got, confidence: top.confidence });
      }
      if (want) {
        const t = (byType[q.type] ??= { n: 0, right: 0, recall: 0 });
        t.n++;
        if (got === want) t.right++;
        else
          missed.push({ text: q.text, type: q.type, want, got, confidence: top?.fix.id === want ? top.confidence : 0 });
      }
    }
  }
  for (const t of Object.values(byType)) t.recall = t.n ? t.right / t.n : 1;
  return { leads, right, precision: leads ? right / leads : 1, byType, wrong, missed };
}

/** The 40 fixes in 8 indexes of 5 (fix-1 … fix-5, fix-6 … fix-10, ...). */
export function fivesOf(fixes) {
  const out = [];
  for (let i = 0; i < fixes.length; i += 5) out.push(fixes.slice(i, i + 5));
  return out;
}
