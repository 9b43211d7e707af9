/**
 * The Teams app package: `kbbot teams-package` fills appPackage/manifest.template.json from the
 * environment, validates it against the official Teams v1.17 schema, and zips it flat with
 * appPackage's two icons (fflate, fixed time stamps). The zip is read back with fflate and, when
 * python3 is present, with Python's zipfile (an independent reader).
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  appPackageDir,
  buildAppPackage,
  commandProblems,
  domainOf,
  fillTemplate,
  manifestJson,
  ManifestSchemaError,
  packageSettingsFrom,
  PackageSettingsError,
  pngSize,
  schemaProblems,
  templateValues,
  TEMPLATE_FILE,
} from '../../../../src/adapters/teams/manifest.js';
import { SEARCH_COMMAND, SEARCH_PARAMETER } from '../../../../src/adapters/teams/search.js';
import { SAVE_FIX_COMMAND, SAVE_FIX_TITLE_PARAMETER } from '../../../../src/adapters/teams/save-fix.js';
import { registerTeamsPackage } from '../../../../src/cli/teams-package-command.js';
import { UsageError } from '../../../../src/cli/usage-error.js';
import { REPO, tempDir } from '../../../helpers/paths.js';

const APP_ID = '0a1b2c3d-1111-2222-3333-444455556666';
const APP_PACKAGE = join(REPO, 'appPackage');
const TEMPLATE = readFileSync(join(APP_PACKAGE, TEMPLATE_FILE), 'utf8');
const BASE_ENV = { MicrosoftAppId: APP_ID, TEAMS_ENDPOINT_DOMAIN: 'https://kbbot.example.com/api/messages' };

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs `kbbot teams-package --out <out>` in-process with `env` stubbed. */
async function runTeamsPackage(env: Record<string, string>, out: string): Promise<void> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const program = new Command('kbbot').exitOverride();
    registerTeamsPackage(program);
    await program.parseAsync(['node', 'kbbot', 'teams-package', '--out', out]);
  } finally {
    write.mockRestore();
  }
}

/** The UsageError `kbbot teams-package` fails with for `env`, after checking no zip was written. */
async function refusal(env: Record<string, string>): Promise<UsageError> {
  const { dir, cleanup } = tempDir();
  try {
    const out = join(dir, 'app.zip');
    const error = await runTeamsPackage(env, out).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(existsSync(out)).toBe(false);
    return error as UsageError;
  } finally {
    cleanup();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

afterEach(() => {
  vi.unstubAllEnvs();
  vi.useRealTimers();
});

describe('kbbot teams-package', () => {
  it('writes a zip holding exactly manifest.json, filled in, and the two appPackage icons', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'app.zip');
      await runTeamsPackage(BASE_ENV, out);
      const files = unzipSync(readFileSync(out));
      expect(Object.keys(files)).toEqual(['manifest.json', 'color.png', 'outline.png']);
      const text = Buffer.from(files['manifest.json'] ?? []).toString('utf8');
      expect(text).not.toContain('${{');
      const manifest = JSON.parse(text) as Json;
      expect(manifest.manifestVersion).toBe('1.17');
      expect(manifest.$schema).toBe(
        'https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json',
      );
      expect(manifest.version).toBe((JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Json).version);
      expect(manifest.id).toBe(APP_ID);
      expect(manifest.developer).toEqual({
        name: 'kbbot',
        websiteUrl: 'https://kbbot.example.com/',
        privacyUrl: 'https://kbbot.example.com/privacy',
        termsOfUseUrl: 'https://kbbot.example.com/terms',
      });
      expect(manifest.bots).toHaveLength(1);
      expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
      expect(manifest.composeExtensions[0].botId).toBe(APP_ID);
      // The bot answers this command and parameter: the template must keep them.
      expect(manifest.composeExtensions[0].commands[0]).toMatchObject({
        id: SEARCH_COMMAND,
        type: 'query',
        parameters: [{ name: SEARCH_PARAMETER, inputType: 'text' }],
      });
      // "Save as fix" in a message's menu: a static form with an optional title, answered by the bot.
      expect(manifest.composeExtensions[0].commands[1]).toEqual({
        id: SAVE_FIX_COMMAND,
        type: 'action',
        title: 'Save as fix',
        description: expect.stringMatching(/team's fix/) as unknown,
        context: ['message'],
        fetchTask: false,
        parameters: [
          {
            name: SAVE_FIX_TITLE_PARAMETER,
            title: 'Title (optional)',
            description: expect.any(String) as unknown,
            inputType: 'text',
          },
        ],
      });
      expect(manifest.validDomains).toEqual(['kbbot.example.com']);
      expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
      // The icons are the files in appPackage/, byte for byte, at the sizes Teams requires.
      expect(Buffer.from(files['color.png'] ?? []).equals(readFileSync(join(APP_PACKAGE, 'color.png')))).toBe(true);
      expect(Buffer.from(files['outline.png'] ?? []).equals(readFileSync(join(APP_PACKAGE, 'outline.png')))).toBe(true);
      expect(pngSize(files['color.png'] ?? new Uint8Array())).toEqual([192, 192]);
      expect(pngSize(files['outline.png'] ?? new Uint8Array())).toEqual([32, 32]);
      if (hasPython) {
        const script = [
          'import sys,zipfile,json',
          'z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None',
          'same=[z.read(n)==open(sys.argv[2]+"/"+n,"rb").read() for n in ("color.png","outline.png")]',
          'print(json.dumps([z.namelist(),json.loads(z.read("manifest.json"))["id"],same,[list(i.date_time) for i in z.infolist()]]))',
        ].join('\n');
        expect(JSON.parse(execFileSync('python3', ['-c', script, out, APP_PACKAGE], { encoding: 'utf8' }))).toEqual([
          ['manifest.json', 'color.png', 'outline.png'],
          APP_ID,
          [true, true],
          [
            [2024, 1, 1, 0, 0, 0],
            [2024, 1, 1, 0, 0, 0],
            [2024, 1, 1, 0, 0, 0],
          ],
        ]);
      }
    } finally {
      cleanup();
    }
  });

  it('gives byte-identical zips for the same settings, whatever the clock and the time zone', async () => {
    const settings = packageSettingsFrom(BASE_ENV, '1.2.3');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.stubEnv('TZ', 'UTC');
    vi.setSystemTime(new Date('2025-03-04T05:06:07Z'));
    const first = await buildAppPackage(settings);
    vi.stubEnv('TZ', 'Pacific/Auckland');
    vi.setSystemTime(new Date('2031-11-12T13:14:15Z'));
    const second = await buildAppPackage(settings);
    expect(second.equals(first)).toBe(true);
    // The first local header's DOS time and date fields: 00:00:00 on 2024-01-01.
    expect(first.readUInt32LE(0)).toBe(0x04034b50);
    expect(first.readUInt16LE(10)).toBe(0);
    expect(first.readUInt16LE(12)).toBe(((2024 - 1980) << 9) | (1 << 5) | 1);
    const other = await buildAppPackage(packageSettingsFrom({ ...BASE_ENV, TEAMS_DEVELOPER_NAME: 'IT Ops' }, '1.2.3'));
    expect(other.equals(first)).toBe(false);
  });

  it('refuses an over-long TEAMS_DEVELOPER_NAME, naming the variable, the field and the limit, and writes no zip', async () => {
    const error = await refusal({
      ...BASE_ENV,
      TEAMS_DEVELOPER_NAME: 'Contoso Information Technology Ops' + 'x'.repeat(6),
    });
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('TEAMS_DEVELOPER_NAME is 40 characters; Teams allows at most 32 (developer.name)');
    expect(error.message).toContain('no package was written');
    // 32 characters is the limit, and passes.
    const settings = packageSettingsFrom({ ...BASE_ENV, TEAMS_DEVELOPER_NAME: 'y'.repeat(32) }, '1.0.0');
    expect(unzipSync(await buildAppPackage(settings))['manifest.json']).toBeDefined();
  });

  it('refuses an over-long URL, and says so of a default made from another variable', async () => {
    const privacy = `https://it.example.org/${'p'.repeat(2048)}`;
    const error = await refusal({ ...BASE_ENV, TEAMS_PRIVACY_URL: privacy });
    expect(error.message).toContain(
      `TEAMS_PRIVACY_URL is ${privacy.length} characters; Teams allows at most 2048 (developer.privacyUrl)`,
    );
    expect(error.message).not.toContain('TEAMS_TERMS_URL');

    const website = `https://it.example.org/${'w'.repeat(2030)}/`;
    const derived = await refusal({ MicrosoftAppId: APP_ID, TEAMS_WEBSITE_URL: website });
    expect(derived.message).toContain(
      `TEAMS_WEBSITE_URL is ${website.length} characters; Teams allows at most 2048 (developer.websiteUrl)`,
    );
    expect(derived.message).toContain(
      `TEAMS_TERMS_URL (not set, so made from TEAMS_WEBSITE_URL) is ${website.length + 5} characters; Teams allows at most 2048 (developer.termsOfUseUrl)`,
    );
  });

  it('reports schema problems in the template itself against the template, in plain words', async () => {
    const manifest = JSON.parse(TEMPLATE) as Json;
    manifest.name.short = 'kbbot, the knowledge-base bot for IT';
    manifest.accentColor = 'blue';
    manifest.colour = '#2F6FDE';
    manifest.developer.name = 'by ${{TEAMS_DEVELOPER_NAME}}';
    const filled = fillTemplate(
      JSON.stringify(manifest),
      templateValues(packageSettingsFrom({ ...BASE_ENV, TEAMS_DEVELOPER_NAME: 'z'.repeat(31) }, '1.0.0')),
    );
    const problems = await schemaProblems(filled);
    expect(problems).toContain(`name.short is 36 characters; Teams allows at most 30 (in ${TEMPLATE_FILE})`);
    expect(problems).toContain(
      `accentColor is "blue", which does not match ^#[0-9a-fA-F]{6}$ as Teams requires (in ${TEMPLATE_FILE})`,
    );
    expect(problems).toContain(
      `the manifest has "colour", which the Teams v1.17 schema does not allow (in ${TEMPLATE_FILE})`,
    );
    expect(problems).toContain(
      'developer.name (filled from TEAMS_DEVELOPER_NAME) is 34 characters; Teams allows at most 32',
    );
    expect(problems).toHaveLength(4);
    expect(new ManifestSchemaError(problems).message).toMatch(
      /^the Teams manifest would be rejected \(schema v1\.17\), so no package was written:\n {2}- /,
    );
  });

  it('refuses a template that drops or changes a command the bot answers, saying which and how', async () => {
    const { dir, cleanup } = tempDir();
    try {
      copyFileSync(join(APP_PACKAGE, 'color.png'), join(dir, 'color.png'));
      copyFileSync(join(APP_PACKAGE, 'outline.png'), join(dir, 'outline.png'));
      const settings = packageSettingsFrom(BASE_ENV, '1.0.0');
      const edited = (change: (commands: Json[]) => void): string => {
        const manifest = JSON.parse(TEMPLATE) as Json;
        change(manifest.composeExtensions[0].commands as Json[]);
        return JSON.stringify(manifest);
      };
      writeFileSync(
        join(dir, TEMPLATE_FILE),
        edited((c) => c.splice(1, 1)),
      );
      await expect(buildAppPackage(settings, dir)).rejects.toThrow(
        `composeExtensions[0].commands lacks the action command "saveFix", which the bot answers (in ${TEMPLATE_FILE})`,
      );
      const problems = (change: (commands: Json[]) => void): string[] =>
        commandProblems(fillTemplate(edited(change), templateValues(settings)).manifest);
      expect(problems((c) => ((c[1] as Json).context = ['compose']))).toEqual([
        `composeExtensions[0].commands[1] ("saveFix") must be offered in the "message" context (in ${TEMPLATE_FILE})`,
      ]);
      expect(problems((c) => ((c[1] as Json).fetchTask = true))).toEqual([
        `composeExtensions[0].commands[1] ("saveFix") must have "fetchTask": false: the bot answers its static form, not a fetchTask (in ${TEMPLATE_FILE})`,
      ]);
      expect(problems((c) => ((c[0] as Json).parameters[0].name = 'q'))).toEqual([
        `composeExtensions[0].commands[0] ("searchKb") must have the parameter "query", which the bot reads (in ${TEMPLATE_FILE})`,
      ]);
      expect(problems((c) => ((c[1] as Json).type = 'query'))).toEqual([
        `composeExtensions[0].commands[1] ("saveFix") must be of type "action", not "query" (in ${TEMPLATE_FILE})`,
      ]);
      // The shipped template declares both as the bot answers them.
      expect(problems(() => undefined)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('refuses icons of the wrong size', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, TEMPLATE_FILE), TEMPLATE);
      copyFileSync(join(APP_PACKAGE, 'outline.png'), join(dir, 'color.png')); // 32x32 where 192x192 belongs
      copyFileSync(join(APP_PACKAGE, 'outline.png'), join(dir, 'outline.png'));
      const settings = packageSettingsFrom(BASE_ENV, '1.0.0');
      await expect(buildAppPackage(settings, dir)).rejects.toThrow(
        'color.png (icons.color) is 32x32; Teams requires a 192x192 PNG',
      );
      expect(appPackageDir()).toBe(APP_PACKAGE);
    } finally {
      cleanup();
    }
  });

  it('refuses to build without a valid MicrosoftAppId or a website', () => {
    expect(() => packageSettingsFrom({}, '1.0.0')).toThrow(/MicrosoftAppId/);
    expect(() =>
      packageSettingsFrom({ MicrosoftAppId: 'not-a-guid', TEAMS_ENDPOINT_DOMAIN: 'x.example.com' }, '1.0.0'),
    ).toThrow(/GUID/);
    expect(() => packageSettingsFrom({ MicrosoftAppId: APP_ID }, '1.0.0')).toThrow(/TEAMS_WEBSITE_URL/);
    expect(() =>
      packageSettingsFrom(
        {
          MicrosoftAppId: APP_ID,
          TEAMS_WEBSITE_URL: 'https://it.example.org',
          TEAMS_TERMS_URL: 'http://it.example.org/t',
        },
        '1.0.0',
      ),
    ).toThrow(/TEAMS_TERMS_URL.*https/);
    const s = packageSettingsFrom({ MicrosoftAppId: APP_ID, TEAMS_WEBSITE_URL: 'https://it.example.org' }, '1.0.0');
    expect(s.privacyUrl).toBe('https://it.example.org/privacy');
    // Without TEAMS_ENDPOINT_DOMAIN the validDomains item is left out, not filled with "".
    expect(fillTemplate(TEMPLATE, templateValues(s)).manifest.validDomains).toEqual([]);
  });

  it('reports a missing app id as a usage error', async () => {
    vi.stubEnv('MicrosoftAppId', '');
    const program = new Command('kbbot').exitOverride();
    registerTeamsPackage(program);
    await expect(
      program.parseAsync(['node', 'kbbot', 'teams-package', '--out', '/nonexistent/x.zip']),
    ).rejects.toBeInstanceOf(UsageError);
  });

  it('reads host names out of pasted URLs', () => {
    expect(domainOf('https://Bot.Example.com/api/messages')).toBe('bot.example.com');
    expect(domainOf(' kbbot.example.com:8443 ')).toBe('kbbot.example.com:8443');
  });
});

describe('fillTemplate', () => {
  it('puts any value into the JSON safely: quotes, backslashes, newlines, non-ASCII, a placeholder look-alike', () => {
    const name = 'Ops "Team" \\ Co\n\u00e9\u2028${{X}}';
    const template =
      '{"a": "${{NAME}}", "b": ["x-${{ NAME }}-y", "${{EMPTY}}", "${{NAME}}"], "c": 3, "d": {"e": null, "f": true}}';
    const { manifest, sources } = fillTemplate(template, { NAME: name, EMPTY: '' });
    expect(manifest).toEqual({ a: name, b: [`x-${name}-y`, name], c: 3, d: { e: null, f: true } });
    expect(JSON.parse(manifestJson(manifest))).toEqual(manifest);
    expect(sources.get('/a')).toEqual({ placeholders: ['NAME'], whole: true });
    expect(sources.get('/b/0')).toEqual({ placeholders: ['NAME'], whole: false });
    expect(sources.get('/b/1')).toEqual({ placeholders: ['NAME'], whole: true }); // indexed after the dropped item
  });

  it('gives the shipped template no placeholder it cannot fill', () => {
    const values = templateValues(packageSettingsFrom(BASE_ENV, '1.0.0'));
    const used = new Set([...TEMPLATE.matchAll(/\$\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(values).sort());
  });

  it('fails clearly on an unknown, a value-less or a mistyped placeholder, and on a template that is not JSON', () => {
    expect(() =>
      fillTemplate('{"developer": {"name": "${{TEAMS_DEVLOPER_NAME}}"}}', { TEAMS_DEVELOPER_NAME: 'x' }),
    ).toThrow(
      new PackageSettingsError(
        `${TEMPLATE_FILE}: unknown placeholder \${{TEAMS_DEVLOPER_NAME}} in developer.name (known: TEAMS_DEVELOPER_NAME)`,
      ),
    );
    expect(() =>
      fillTemplate('{"bots": [{"botId": "${{MICROSOFT_APP_ID}}"}]}', { MICROSOFT_APP_ID: undefined }),
    ).toThrow(`no value for \${{MICROSOFT_APP_ID}} in bots[0].botId`);
    expect(() => fillTemplate('{"id": "${{MICROSOFT_APP_ID}"}', { MICROSOFT_APP_ID: APP_ID })).toThrow(
      /malformed placeholder in id/,
    );
    expect(() => fillTemplate('{"${{K}}": 1}', { K: 'k' })).toThrow(/values only/);
    expect(() => fillTemplate('{"id": }', {})).toThrow(new RegExp(`^${TEMPLATE_FILE} is not valid JSON`));
  });
});
