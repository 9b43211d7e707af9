// The deploy files (Dockerfile, .dockerignore, compose.yaml, deploy/nginx.conf), checked as far as
// a machine without Docker can: what an operator would hit first. The image must hold everything
// the bot reads at start-up (derived from the source, not listed by hand), start the `kbbot start`
// the README documents, run as a non-root user, and its health checks must work against the bot's
// real /healthz and /readyz (run here, on loopback). compose.yaml must parse, wait for a healthy
// Postgres, give each replica its own /data, and the proxy must send Slack's and Teams' endpoints
// to every replica in a way nginx accepts.
import { execFile, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { SLACK_ENDPOINT } from '../../src/adapters/slack/app.js';
import { appPackageDir } from '../../src/adapters/teams/manifest.js';
import { TEAMS_PATH } from '../../src/adapters/teams/server.js';
import { CONFIG_DEFAULTS } from '../../src/config.js';
import { bundledTrainingDir } from '../../src/intents/training-data.js';
import { QUOTE_MODEL_FILE } from '../../src/kb/parse/quote-weights.js';
import { Health, HEALTH_PATHS, listenHealth, type HealthServer } from '../../src/observability/health.js';
import { Metrics } from '../../src/observability/metrics.js';
import { CLI, DIST_CLI, REPO, tempDir } from '../helpers/paths.js';

const run = promisify(execFile);
const read = (file: string): string => readFileSync(posix.join(REPO, file), 'utf8');
/** A path of the repository as the Dockerfile and .dockerignore name it (relative, with '/'). */
const repoPath = (abs: string): string => relative(REPO, abs).split('\\').join('/');

// ---- Dockerfile -------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** The Dockerfile's stages: instructions with their continuation lines joined, comments dropped. */
function dockerStages(text: string): Stage[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    if (line === '') continue;
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (keyword.toUpperCase() === 'FROM') {
      const [image = '', as, name] = args.split(/\s+/);
      stages.push({ from: image, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile: ${keyword} before FROM`);
    stage.instructions.push({ keyword: keyword.toUpperCase(), args });
  }
  return stages;
}

/** What one COPY instruction puts where: absolute destination per source, and the stage it reads from. */
interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

/** The COPY instructions of a stage, with relative destinations resolved against WORKDIR as it was then. */
function copies(stage: Stage): Copy[] {
  let workdir = '/';
  const out: Copy[] = [];
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, args);
    if (keyword !== 'COPY') continue;
    const words = args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith('--'));
    const paths = words.filter((w) => !w.startsWith('--'));
    const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
    const dest = paths.pop() ?? '';
    out.push({ ...(from ? { from } : {}), sources: paths, dest: posix.resolve(workdir, dest) });
  }
  return out;
}

function workdirOf(stage: Stage): string {
  return stage.instructions.filter((i) => i.keyword === 'WORKDIR').reduce((dir, i) => posix.resolve(dir, i.args), '/');
}

/**
 * Where `path` (relative to the package root) lands in the image, if some COPY of the stage puts it
 * there: the COPY whose source is the path or a folder holding it. A source from another stage is
 * relative to that stage's WORKDIR.
 */
function landing(stage: Stage, path: string, stages: Stage[]): { copy: Copy; at: string } | undefined {
  for (const copy of copies(stage)) {
    for (const source of copy.sources) {
      const base = copy.from ? workdirOf(stages.find((s) => s.name === copy.from) ?? stage) : '/';
      const src = posix.relative(base, posix.resolve(base, source));
      if (path !== src && !path.startsWith(`${src}/`)) continue;
      const into =
        copy.dest.endsWith('/') || copy.sources.length > 1 ? posix.join(copy.dest, posix.basename(src)) : copy.dest;
      return { copy, at: posix.join(into, path.slice(src.length)) };
    }
  }
  return undefined;
}

/** The JSON (exec) form of an instruction's command: `CMD ["node", ...]`, HEALTHCHECK's after its options. */
function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return JSON.parse(json) as string[];
}

// ---- .dockerignore (Docker's rules: root-relative patterns, * ? **, ! re-includes, last match wins) ----

function ignoreRules(text: string): { negate: boolean; re: RegExp; pattern: string }[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const pattern = posix.normalize(line.slice(negate ? 1 : 0)).replace(/^\/+/, '');
      const source = pattern
        .split('**')
        .map((part) =>
          part
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]'),
        )
        .join('.*');
      return { negate, re: new RegExp(`^${source}$`), pattern };
    });
}

/** Whether Docker leaves `path` out of the build context: it or a folder holding it matches. */
function ignored(rules: ReturnType<typeof ignoreRules>, path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) out = !rule.negate;
  return out;
}

function filesUnder(path: string): string[] {
  const abs = posix.join(REPO, path);
  if (!statSync(abs).isDirectory()) return [path];
  return readdirSync(abs, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => repoPath(posix.join(e.parentPath, e.name)));
}

// ---- the files --------------------------------------------------------------------------------

const stages = dockerStages(read('Dockerfile'));
const runtime = stages.at(-1) as Stage;
const build = stages.find((s) => s.name !== undefined && s !== runtime);
const runtimeArgs = (keyword: string): string[] =>
  runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const ignoreRulesList = ignoreRules(read('.dockerignore'));

interface ComposeService {
  image?: string;
  build?: unknown;
  profiles?: string[];
  env_file?: string | (string | { path: string })[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test: string[] | string; start_period?: string };
  stop_grace_period?: string;
}
const compose = parseYaml(read('compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
/** The replicas: the services built from this Dockerfile. */
const replicas = services.filter(([, s]) => s.build !== undefined);
const proxyEntry = services.find(([, s]) => s.image?.startsWith('nginx'));

/** Seconds of a compose duration ("20s", "1m30s"). */
function seconds(duration: string | undefined): number {
  let total = 0;
  for (const [, n, unit] of (duration ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(n) * { ms: 0.001, s: 1, m: 60, h: 3600 }[unit as 'ms' | 's' | 'm' | 'h'];
  return total;
}

/** Runs a health-check command (argv, starting with `node`) with this environment; its exit code. */
async function exitCode(argv: string[], env: Record<string, string>): Promise<number> {
  expect(argv[0]).toBe('node');
  try {
    await run(process.execPath, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 10_000 });
    return 0;
  } catch (err) {
    return (err as { code?: number }).code ?? -1;
  }
}

/**
 * The runtime stage's files laid out in `root` as its COPY instructions put them under WORKDIR:
 * from the build context (less what .dockerignore leaves out), and from the build stage, whose
 * WORKDIR mirrors this checkout after `npm ci` and `npm run build` (node_modules linked, not copied).
 */
function stageRuntime(root: string): void {
  const workdir = workdirOf(runtime);
  for (const copy of copies(runtime)) {
    const base = copy.from ? workdirOf(stages.find((s) => s.name === copy.from) as Stage) : '/';
    for (const source of copy.sources) {
      const src = posix.relative(base, posix.resolve(base, source));
      const dest = posix.join(root, posix.relative(workdir, copy.dest));
      mkdirSync(posix.dirname(dest), { recursive: true });
      if (src === 'node_modules') symlinkSync(posix.join(REPO, src), dest, 'dir');
      else
        cpSync(posix.join(REPO, src), dest, {
          recursive: true,
          filter: (file) => copy.from !== undefined || !ignored(ignoreRulesList, repoPath(file)),
        });
    }
  }
}

/** The packages the compiled bot imports (bare specifiers of dist/src, Node's own modules left out). */
function importedPackages(): Set<string> {
  const names = new Set<string>();
  const dir = posix.join(REPO, 'dist', 'src');
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const text = readFileSync(posix.join(entry.parentPath, entry.name), 'utf8');
    for (const [, spec = ''] of text.matchAll(
      // import ... from 'x', import('x'), require('x'), createRequire(...)('x')
      /(?:\bfrom|\bimport\s*\(|\brequire\s*\(|\)\s*\()\s*'((?:@[\w.-]+\/)?[\w.-]+(?:\/[^'\n]*)?)'/g,
    )) {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
      if (!spec.startsWith('.') && !spec.startsWith('node:') && !builtinModules.includes(name)) names.add(name);
    }
  }
  return names;
}

describe('Dockerfile', () => {
  it('builds on node:20-slim with the CI commands and runs on node:20-slim, the same base, so better-sqlite3 fits', () => {
    expect(runtime.from).toBe('node:20-slim');
    expect(build?.from).toBe(runtime.from);
    const runs = (build?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
    const order = ['npm ci', 'npm run build', 'npm prune --omit=dev'].map((cmd) =>
      runs.findIndex((r) => r.includes(cmd)),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // node_modules (pruned, with the compiled native module) come from the build stage.
    const modules = landing(runtime, 'node_modules/better-sqlite3', stages);
    expect(modules?.copy.from).toBe(build?.name);
    expect(modules?.at).toBe(posix.join(workdirOf(runtime), 'node_modules/better-sqlite3'));
    // `npm ci` runs `prepare` (the TypeScript build): what that build reads is in the stage before it.
    const tsconfigBuild = JSON.parse(read('tsconfig.build.json')) as { extends?: string; include: string[] };
    for (const path of [
      'package.json',
      'package-lock.json',
      'tsconfig.build.json',
      tsconfigBuild.extends?.replace(/^\.\//, ''),
      ...tsconfigBuild.include,
    ])
      expect(landing(build as Stage, path as string, stages), `${path} in the build stage`).toBeDefined();
  });

  it('puts every file the bot reads at start-up where it looks for it, relative to its package root', () => {
    const root = workdirOf(runtime);
    const needed = [
      'package.json', // the version, and how the bot finds its package root
      repoPath(CLI), // the CMD's entry
      repoPath(DIST_CLI), // what bin/kbbot.js runs
      CONFIG_DEFAULTS.kbDir, // the bundled KB, the default KB_DIR
      repoPath(bundledTrainingDir()), // the intent classifier trains on it at start-up
      QUOTE_MODEL_FILE.split('\\').join('/'), // the quote-end model
      repoPath(appPackageDir()), // `kbbot teams-package`
    ];
    expect(needed).toContain('training/intents');
    for (const path of needed) {
      // It exists here (dist/ is built by the global test setup)...
      expect(existsSync(posix.join(REPO, path)), `${path} exists`).toBe(true);
      // ...and a COPY puts it at the same place under the runtime's WORKDIR.
      const landed = landing(runtime, path, stages);
      expect(landed?.at, `${path} in the image`).toBe(posix.join(root, path));
      if (path.startsWith('dist/')) expect(landed?.copy.from, 'dist/ is built in the build stage').toBe(build?.name);
    }
  });

  it('starts `kbbot start` as the README does, from a file the image holds, and that command exists', async () => {
    const cmd = execForm(runtimeArgs('CMD').at(-1) ?? '');
    expect(cmd).toEqual(['node', repoPath(CLI), 'start']);
    const { stdout } = await run(process.execPath, [CLI, 'start', '--help'], { cwd: REPO, timeout: 20_000 });
    expect(stdout).toContain('Usage: kbbot start');
    expect(read('README.md')).toContain('npx kbbot start');
  });

  it("answers a pasted error from the image's files alone, laid out as its COPY instructions put them", () => {
    const { dir, cleanup } = tempDir('kbbot-image-');
    try {
      stageRuntime(dir);
      const cmd = execForm(runtimeArgs('CMD').at(-1) ?? '');
      const r = spawnSync(process.execPath, cmd.slice(1), {
        cwd: dir,
        input: 'ID no: 0xc0020002\n',
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATA_DIR: posix.join(dir, 'data') },
        timeout: 25_000,
      });
      expect(r.stderr).not.toMatch(/^kbbot: /m);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^Q290226: /);
    } finally {
      cleanup();
    }
  });

  it('needs no dev dependency at run time (the image keeps production dependencies only)', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const imported = importedPackages();
    expect(imported).toContain('better-sqlite3');
    for (const name of imported) expect(Object.keys(pkg.dependencies), name).toContain(name);
  });

  it('runs as a non-root user that owns the DATA_DIR volume, in production mode', () => {
    const users = runtimeArgs('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1) as string;
    expect(['root', '0', '0:0']).not.toContain(user);
    const env = runtimeArgs('ENV').join(' ');
    expect(env).toMatch(/NODE_ENV=production\b/);
    const dataDir = /DATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBe('/data');
    expect(runtimeArgs('VOLUME').join(' ')).toContain(dataDir);
    // The bot writes its index and kbbot.db there: the user must own it.
    expect(runtimeArgs('RUN').some((r) => r.includes(`chown ${user}:${user} ${dataDir}`))).toBe(true);
    // USER comes before CMD, so the bot itself is not root.
    const at = (k: string): number => runtime.instructions.map((i) => i.keyword).lastIndexOf(k);
    expect(at('USER')).toBeLessThan(at('CMD'));
  });

  it('exposes the Slack, Teams and health ports', () => {
    const ports = runtimeArgs('EXPOSE').join(' ').split(/\s+/);
    const metricsPort = /METRICS_PORT=(\d+)/.exec(runtimeArgs('ENV').join(' '))?.[1];
    for (const port of [String(CONFIG_DEFAULTS.port), String(CONFIG_DEFAULTS.teamsPort), metricsPort])
      expect(ports).toContain(port);
  });

  describe('health checks, run against the bot health server on loopback', () => {
    const health = new Health(new Metrics({ version: 'test' }));
    let ready = true;
    health.check('kb', () => (ready ? { ok: true } : { ok: false, detail: 'the KB is not loaded yet' }));
    let server: HealthServer;
    beforeAll(async () => {
      server = await listenHealth(health, 0, '127.0.0.1');
    });
    afterAll(() => server.close());

    it("the image's HEALTHCHECK asks /healthz on METRICS_PORT (else PORT) with node, and fails when nothing answers", async () => {
      const args = runtimeArgs('HEALTHCHECK').at(-1) ?? '';
      const argv = execForm(args);
      expect(argv.join(' ')).toContain(HEALTH_PATHS.health);
      expect(await exitCode(argv, { METRICS_PORT: String(server.port) })).toBe(0);
      expect(await exitCode(argv, { PORT: String(server.port) })).toBe(0);
      ready = false; // liveness, not readiness: a bot still loading its KB is alive
      expect(await exitCode(argv, { METRICS_PORT: String(server.port) })).toBe(0);
      ready = true;
      const closed = await listenHealth(health, 0, '127.0.0.1');
      await closed.close();
      expect(await exitCode(argv, { METRICS_PORT: String(closed.port) })).toBe(1);
    });

    it("compose's replica healthcheck asks /readyz: unhealthy while not ready and from shutdown on", async () => {
      for (const [name, service] of replicas) {
        const test = service.healthcheck?.test;
        expect(Array.isArray(test), `${name}: exec form`).toBe(true);
        const argv = (test as string[]).slice(1);
        expect((test as string[])[0]).toBe('CMD');
        expect(argv.join(' ')).toContain(HEALTH_PATHS.ready);
        const env = { METRICS_PORT: String(server.port) };
        ready = true;
        expect(await exitCode(argv, env)).toBe(0);
        ready = false;
        expect(await exitCode(argv, env)).toBe(1);
        ready = true;
      }
      health.beginShutdown();
      expect(
        await exitCode((replicas[0]?.[1].healthcheck?.test as string[]).slice(1), {
          METRICS_PORT: String(server.port),
        }),
      ).toBe(1);
    });
  });
});

describe('.dockerignore', () => {
  it('keeps what the build makes, the data, the secrets and the git history out of the build context', () => {
    for (const path of ['node_modules', 'dist', 'data', 'data/kbbot.db', '.env', '.git', 'coverage', 'x.db'])
      expect(ignored(ignoreRulesList, path), path).toBe(true);
  });

  it('leaves every file the Dockerfile copies from the context in it', () => {
    const fromContext = stages.flatMap(copies).filter((c) => c.from === undefined);
    const sources = fromContext.flatMap((c) => c.sources);
    expect(sources).toContain('seeds');
    for (const source of sources) {
      expect(existsSync(posix.join(REPO, source)), `${source} exists`).toBe(true);
      for (const file of filesUnder(source))
        expect(ignored(ignoreRulesList, file), `${file} sent to the build`).toBe(false);
    }
  });
});

describe('compose.yaml', () => {
  const postgres = compose.services.postgres;

  it('runs Postgres 15 on a volume, with a pg_isready healthcheck', () => {
    expect(postgres?.image).toMatch(/^postgres:15\b/);
    expect(JSON.stringify(postgres?.healthcheck?.test)).toContain('pg_isready');
    const volume = postgres?.volumes?.find((v) => v.endsWith(':/var/lib/postgresql/data'));
    expect(volume).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(volume?.split(':')[0]);
  });

  it('builds each replica from the Dockerfile with .env, after a healthy Postgres, and stops it within its grace', () => {
    expect(replicas.length).toBeGreaterThanOrEqual(2);
    for (const [name, service] of replicas) {
      expect(service.build, name).toBe('.');
      expect([service.env_file].flat(), name).toContain('.env');
      expect(service.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(service.environment?.DATA_DIR, name).toBe('/data');
      // A DATABASE_URL for when the bot reads it, naming this Postgres, its user and database.
      const url = new URL((service.environment?.DATABASE_URL ?? '').replace(/\$\{[^}]*\}/, 'secret'));
      expect(url.protocol).toBe('postgres:');
      expect(url.hostname).toBe('postgres');
      expect(url.username).toBe(postgres?.environment?.POSTGRES_USER);
      expect(url.pathname).toBe(`/${postgres?.environment?.POSTGRES_DB}`);
      // Docker's default 10 s would kill replies under way before SHUTDOWN_GRACE_MS is over.
      expect(seconds(service.stop_grace_period), name).toBeGreaterThan(CONFIG_DEFAULTS.shutdownGraceMs / 1000);
    }
  });

  it('gives each replica its own /data volume (the KB index cache) and the one shared DATABASE_URL, and starts them all by default', () => {
    const dataVolumes = replicas.map(([, s]) => s.volumes?.find((v) => v.split(':')[1] === '/data')?.split(':')[0]);
    expect(dataVolumes.every((v) => v !== undefined)).toBe(true);
    expect(new Set(dataVolumes).size).toBe(replicas.length);
    // Replicas share what the bot remembers only through Postgres: each gets the same DATABASE_URL.
    const urls = replicas.map(([, s]) => s.environment?.DATABASE_URL);
    expect(urls.every((u) => typeof u === 'string' && u.startsWith('postgres://'))).toBe(true);
    expect(new Set(urls).size).toBe(1);
    expect(replicas.filter(([, s]) => s.profiles?.length)).toEqual([]);
  });

  it("puts a proxy in front whose nginx config sends Slack's and Teams' endpoints round robin to every replica", () => {
    expect(proxyEntry).toBeDefined();
    const [proxyName, proxy] = proxyEntry as [string, ComposeService];
    const mount = proxy.volumes?.find((v) => v.split(':')[1] === '/etc/nginx/nginx.conf');
    const confFile = mount?.split(':')[0]?.replace(/^\.\//, '') ?? '';
    expect(confFile).toBe('deploy/nginx.conf');
    const conf = read(confFile).replace(/#.*$/gm, '');

    // Each endpoint is passed to one upstream...
    const upstreamOf = (path: string): string | undefined =>
      new RegExp(`location\\s+=\\s+${path.replace(/\//g, '\\/')}\\s*\\{[^}]*proxy_pass\\s+http://([\\w-]+)\\s*;`).exec(
        conf,
      )?.[1];
    const upstream = upstreamOf(SLACK_ENDPOINT);
    expect(upstream).toBeDefined();
    expect(upstreamOf(TEAMS_PATH)).toBe(upstream);
    // ...whose servers are exactly the replicas, on the PORT they listen on (no balancing directive: round robin).
    const block = new RegExp(`upstream\\s+${upstream}\\s*\\{([^}]*)\\}`).exec(conf)?.[1] ?? '';
    expect(block).not.toMatch(/\b(ip_hash|hash|least_conn|random)\b/);
    const servers = [...block.matchAll(/^\s*server\s+([\w.-]+):(\d+)([^;]*);/gm)];
    expect(servers.map((m) => m[1]).sort()).toEqual(replicas.map(([n]) => n).sort());
    for (const [, host, port] of servers) expect(port, host).toBe(compose.services[host as string]?.environment?.PORT);
    // `resolve` (a replica not started, or re-created) needs a zone, a resolver and nginx 1.27.3+.
    if (servers.some((m) => /\bresolve\b/.test(m[3] ?? ''))) {
      expect(block).toMatch(/^\s*zone\s+\S+\s+\d+k;/m);
      expect(conf).toMatch(/^\s*resolver\s+127\.0\.0\.11\b/m);
      const [major = 0, minor = 0] = (/^nginx:(\d+)\.(\d+)/.exec(proxy.image ?? '') ?? []).slice(1).map(Number);
      expect(major * 1000 + minor, proxy.image).toBeGreaterThanOrEqual(1027);
    }
    // It publishes the port nginx listens on, and waits for a ready replica.
    const listen = /^\s*listen\s+(\d+)\s*;/m.exec(conf)?.[1];
    expect(
      proxy.ports?.some((p) => p.endsWith(`:${listen}`)),
      proxyName,
    ).toBe(true);
    const waitsFor = Object.entries(proxy.depends_on ?? {}).filter(([, d]) => d.condition === 'service_healthy');
    expect(waitsFor.some(([n]) => replicas.some(([r]) => r === n))).toBe(true);
  });
});
