// Helpers shared by the bench scripts: the dev sets' folder and a JSON Lines reader, temp folders
// removed at exit, the corpus folder (unpacked from ../shared/corpus when absent), the peak-RSS and
// CPU exit hook with a runner for measured child processes, the machine line, and rewriting one marked section of BENCHMARKS.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The dev sets (../shared/eval). */
export const EVAL = join(REPO, '..', 'shared', 'eval');
/** A JSON Lines file's objects, blank lines skipped. */
export const readJsonl = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
/**
 * `node --import RSS_HOOK` reports the process's peak RSS (kB, all threads) and CPU (µs, all
 * threads: getrusage of the process) on stderr as it exits.
 */
export const RSS_HOOK = `data:text/javascript,process.on("exit",()=>{const u=process.resourceUsage();process.stderr.write("KBBOT_MAXRSS_KB="+u.maxRSS+" KBBOT_CPU_US="+(u.userCPUTime+u.systemCPUTime)+"\\n")})`;

const temps = [];
process.on('exit', () => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A new temp folder, removed when the process exits. */
export function tempDir(prefix) {
  const d = mkdtempSync(join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}

/** KBBOT_CORPUS_DIR (default /tmp/corpus), else the shared tarball unpacked into a temp folder. */
export function corpusDir(label) {
  const dir = process.env.KBBOT_CORPUS_DIR || '/tmp/corpus';
  if (existsSync(dir)) return dir;
  const tarball = join(REPO, '..', 'shared', 'corpus', 'kbarchive-corpus.tar.gz');
  if (!existsSync(tarball)) {
    console.error(`${label}: no corpus at ${dir} and no ${tarball} to unpack; set KBBOT_CORPUS_DIR`);
    process.exit(2);
  }
  const into = tempDir('kbbot-bench-corpus-');
  console.error(`${label}: unpacking ${tarball} into ${into} ...`);
  execFileSync('tar', ['-xzf', tarball, '-C', into]);
  return join(into, 'corpus');
}

/**
 * Run node with RSS_HOOK from the repository (`label` names it in an error); stdout, wall seconds,
 * CPU seconds of all its threads and peak RSS in MB. Throws, printing its stderr, when it fails.
 */
export function runNode(args, label) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) {
    console.error(r.stderr);
    throw new Error(`${label} exited ${r.status}`);
  }
  const cpu = Number(/KBBOT_CPU_US=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1e6;
  return { stdout: r.stdout, wall, cpu, peak: peakRssMb(r.stderr) };
}

/** Peak RSS in MB from a child's stderr (NaN when the hook did not report). */
export function peakRssMb(stderr) {
  return Number(/KBBOT_MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN) / 1024;
}

export function machineLine() {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.availableParallelism()} cores (${cpu}), ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB RAM, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** Replace the text between the two markers in BENCHMARKS.md (markers included), or append it under `heading`. */
export function writeSection(start, end, section, heading, label) {
  const file = join(REPO, 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const i = old.indexOf(start);
  const j = old.indexOf(end);
  const updated =
    i >= 0 && j > i
      ? old.slice(0, i) + section + old.slice(j + end.length)
      : `${old.trimEnd()}\n\n${heading}\n\n${section}\n`;
  writeFileSync(file, updated);
  console.error(`${label}: wrote ${file}`);
}

/** The `p` quantile (0..1, nearest rank) of `xs`; NaN for none. */
export function quantile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] : NaN;
}

/** Start an http `server` on a free loopback port; resolves with the port. */
export const listenLoopback = (server) =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });

/** A loopback port that was free a moment ago (for a child process to listen on). */
export async function freeLoopbackPort() {
  const { createServer } = await import('node:net');
  const s = createServer();
  const port = await listenLoopback(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** The machine's 1, 5 and 15 minute load averages, as "1.18 / 1.40 / 2.41" (the machines are shared). */
export const loadAverageLine = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
