// `kbbot fixes list|show|delete|export` through the built CLI (bin/kbbot.js -> dist/) on a real data
// folder, as a KB owner runs them (issue #24): the exported folder read back by `kbbot parse`, and
// served as a KB by `kbbot ask`, gives the fix. `npm test` builds first.
import { runKbbot } from '../helpers/cli.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Article } from '../../src/kb/article.js';
import { FixIndex } from '../../src/fixes/index.js';
import { asyncFromSync } from '../../src/memory/async-types.js';
import { openStorage, STORAGE_FILE } from '../../src/memory/sqlite/open.js';
import type { FixRecord, NewFix } from '../../src/memory/types.js';
import { tempDir } from '../helpers/paths.js';

const DAY = 86_400_000;
const KMS_ERROR = 'Error 0x8007000D: The data is invalid. Service KMS failed to start.';
const KMS_FIX = [
  'Fixed it by restarting the KM service and re-running update.exe as admin:',
  '',
  '```powershell',
  'Restart-Service MSExchangeKMS',
  '& "C:\\exchsrvr\\update.exe" /force',
  '```',
].join('\n');

/** The fix saved in the incident thread, a day ago. */
function kmsFix(now: number): NewFix {
  return {
    title: "KMS service won't start after SP3",
    text: KMS_FIX,
    author: 'U123',
    authorName: 'Ana Lopez',
    savedBy: 'U456',
    savedAt: now - DAY,
    conversation: 'C123',
    thread: '1733390000.123456',
    messageId: '1733390100.000200',
    permalink: 'https://acme.slack.com/archives/C123/p1733390100000200',
    errors: [KMS_ERROR],
    codes: ['0x8007000d'],
    offered: [{ articleId: 'Q193567', verdict: 'not_it' }],
    via: 'mention',
  };
}

/** A fix about something else, saved 40 days ago with `save fix: <text>` in a fresh thread (no error). */
function oldFix(now: number): NewFix {
  return {
    title: 'Outlook profile stuck on Loading profile',
    text: 'Deleted the OST file under %LOCALAPPDATA%\\Microsoft\\Outlook and let it resync.',
    author: 'U789',
    authorName: null,
    savedBy: 'U789',
    savedAt: now - 40 * DAY,
    conversation: 'C999',
    thread: '1730000000.000100',
    messageId: null,
    permalink: null,
    errors: [],
    codes: [],
    offered: [],
    via: 'text',
  };
}

/** Each test runs the CLI several times; a busy machine takes seconds per run. */
const CLI_TEST_MS = 120_000;

describe('kbbot fixes', { timeout: CLI_TEST_MS }, () => {
  const tmp = tempDir('kbbot-fixes-');
  afterAll(tmp.cleanup);

  const kbbot = (args: string[], dataDir = join(tmp.dir, 'unused')) => runKbbot(args, dataDir);

  /** A data folder whose storage holds the two fixes (fix-1: the old one, fix-2: the KMS one). */
  function seeded(name: string): { dir: string; old: FixRecord; kms: FixRecord } {
    const dir = join(tmp.dir, name);
    const storage = openStorage(dir);
    const now = Date.now();
    try {
      const old = storage.fixes.add(oldFix(now));
      const kms = storage.fixes.add(kmsFix(now));
      return { dir, old, kms };
    } finally {
      storage.close();
    }
  }

  const jsonLines = <T>(stdout: string): T[] =>
    stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as T);

  it('lists the fixes, oldest first, as a table or one JSON record per line, and --since keeps the recent ones', () => {
    const { dir, old, kms } = seeded('list');
    expect([old.id, kms.id]).toEqual(['fix-1', 'fix-2']);
    const r = kbbot(['fixes', 'list', '--data', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^2 team fixes in .*kbbot\.db:$/);
    expect(lines[1]).toMatch(/^ {2}Fix +Saved +Author +Title$/);
    expect(lines[2]).toMatch(/^ {2}fix-1 +\d{4}-\d\d-\d\d +U789 +Outlook profile stuck on Loading profile$/);
    expect(lines[3]).toMatch(/^ {2}fix-2 +\d{4}-\d\d-\d\d +Ana Lopez +KMS service won't start after SP3$/);

    const json = jsonLines<FixRecord>(kbbot(['fixes', 'list', '--json'], dir).stdout); // DATA_DIR when no --data
    expect(json).toEqual([old, kms]);
    const recent = kbbot(['fixes', 'list', '--json', '--since', '30d', '--data', dir]);
    expect(jsonLines<FixRecord>(recent.stdout).map((f) => f.id)).toEqual(['fix-2']);
    expect(kbbot(['fixes', 'list', '--since', '2000-01-01', '--data', dir]).stdout).toMatch(
      /^2 team fixes saved since/,
    );
    const bad = kbbot(['fixes', 'list', '--since', 'last tuesday', '--data', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^kbbot: --since must be a number of hours, days or weeks/);
  });

  it('shows a fix in full by any way of writing its id; an unknown id is exit 1, a malformed one exit 2', () => {
    const { dir, old, kms } = seeded('show');
    // "fix 2" as two words, "#1", "FIX-2" (a repeat, shown once), "1" (a repeat)
    const ids = kbbot(['fixes', 'show', 'fix', '2', '#1', 'FIX-2', '1', '--json', '--data', dir]);
    expect(ids.code).toBe(0);
    expect(jsonLines<FixRecord>(ids.stdout)).toEqual([kms, old]);
    const r = kbbot(['fixes', 'show', 'fix 2', '--data', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^fix-2: KMS service won't start after SP3$/m);
    expect(r.stdout).toContain('Written by: Ana Lopez (U123)');
    expect(r.stdout).toMatch(/^Saved: +\d{4}-\d\d-\d\d \d\d:\d\d UTC by U456 \(via mention\)$/m);
    expect(r.stdout).toContain('Thread:     https://acme.slack.com/archives/C123/p1733390100000200');
    expect(r.stdout).toContain('Offered:    Q193567 (not it)');
    expect(r.stdout).toContain(`Error:\n  ${KMS_ERROR}`);
    // the fix as written: its code block whole
    expect(r.stdout).toContain(
      KMS_FIX.split('\n')
        .map((l) => (l ? `  ${l}` : ''))
        .join('\n'),
    );

    const missing = kbbot(['fixes', 'show', 'fix-9', '--data', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^kbbot: no fix-9 in .*kbbot\.db/);
    const malformed = kbbot(['fixes', 'show', 'Q290226', '--data', dir]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('kbbot: not a fix id: "Q290226" (fix ids look like fix-12)\n');
  });

  it('exports each fix as Markdown that kbbot parse reads back as the same fix, and the folder as a KB answers the error with it', () => {
    const { dir, old, kms } = seeded('export');
    const out = join(tmp.dir, 'runbooks', 'team-fixes');
    const r = kbbot(['fixes', 'export', out, '--data', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Wrote 2 team fixes to .*team-fixes \(fix-1\.md \.\.\. fix-2\.md\)/);
    expect(readdirSync(out).sort()).toEqual(['fix-1.md', 'fix-2.md']);

    const parsed = kbbot(['parse', '--json', join(out, 'fix-1.md'), join(out, 'fix-2.md')]);
    expect(parsed.code).toBe(0);
    const articles = jsonLines<Article>(parsed.stdout);
    expect(articles.map((a) => [a.id, a.title, a.errorMessages])).toEqual([
      [old.id, old.title, []],
      [kms.id, kms.title, [KMS_ERROR]],
    ]);
    expect(articles[1]!.sections.resolution).toContain(KMS_FIX);
    expect(articles[1]!.url).toBe(kms.permalink);
    expect(articles[0]!.sections.resolution).toContain(old.text);

    const asked = kbbot(['ask', '--json', '--kb', out, KMS_ERROR], join(tmp.dir, 'ask-data'));
    expect(asked.code).toBe(0);
    const answer = JSON.parse(asked.stdout) as { intent: string; results: { id: string; title: string }[] };
    expect(answer.results[0]).toMatchObject({ id: 'fix-2', title: "KMS service won't start after SP3" });

    // A folder that holds files is refused without --force; --force replaces the fix files and nothing else.
    writeFileSync(join(out, 'README.md'), '# Team fixes\n');
    const again = kbbot(['fixes', 'export', out, '--data', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^kbbot: .*team-fixes is not empty: .* add --force/);
    const forced = kbbot(['fixes', 'export', out, '--force', '--json', '--data', dir]);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ dir: out, written: 2, files: ['fix-1.md', 'fix-2.md'] });
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toBe('# Team fixes\n');

    // A folder that cannot be made (under a file): one line, exit 1.
    const blocked = kbbot(['fixes', 'export', join(out, 'README.md', 'sub'), '--data', dir]);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^kbbot: cannot write .*README\.md\/sub \(ENOTDIR\)\n$/);

    const recent = join(tmp.dir, 'recent');
    expect(kbbot(['fixes', 'export', recent, '--since', '7d', '--data', dir]).stdout).toMatch(/^Wrote 1 team fix to/);
    expect(readdirSync(recent)).toEqual(['fix-2.md']);
  });

  it('deletes fixes, and an index over the storage (as the running bot has) stops finding them from the next message', async () => {
    const { dir, kms } = seeded('delete');
    const storage = asyncFromSync(openStorage(dir));
    try {
      const index = new FixIndex({ store: storage.fixes });
      // The bot reads the data version once per message and refreshes its index with it.
      const nextMessage = async (): Promise<void> => index.refresh(await storage.dataVersion());
      await nextMessage();
      expect(index.search(KMS_ERROR).map((h) => h.fix.id)).toContain(kms.id);

      const r = kbbot(['fixes', 'delete', 'fix', '2', '--data', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd()).toMatch(/^Deleted fix-2 \(KMS service won't start after SP3\) from .*kbbot\.db\.$/);

      await nextMessage();
      expect(index.search(KMS_ERROR).map((h) => h.fix.id)).not.toContain(kms.id);
    } finally {
      await storage.close();
    }
    expect(jsonLines<FixRecord>(kbbot(['fixes', 'list', '--json', '--data', dir]).stdout).map((f) => f.id)).toEqual([
      'fix-1',
    ]);
    const again = kbbot(['fixes', 'delete', 'fix-2', '--data', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^kbbot: no fix-2 in /);
  });

  it('needs an existing storage: a folder without kbbot.db is a usage error, and nothing is created', () => {
    const empty = join(tmp.dir, 'empty');
    mkdirSync(empty);
    for (const args of [['list'], ['show', 'fix-1'], ['delete', 'fix-1'], ['export', join(tmp.dir, 'nowhere')]]) {
      const r = kbbot(['fixes', ...args, '--data', empty]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^kbbot: no team fixes here: .*kbbot\.db does not exist/);
    }
    expect(existsSync(join(empty, STORAGE_FILE))).toBe(false);
    expect(existsSync(join(tmp.dir, 'nowhere'))).toBe(false);
    const bare = kbbot(['fixes']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: kbbot fixes');
  });
});
