/**
 * The Teams app package: `kbbot teams-package` writes a zip holding manifest.json (v1.17, the bot
 * in personal/team/groupChat scopes, the `searchKb` messaging extension, validDomains from
 * TEAMS_ENDPOINT_DOMAIN) and the two icons at their required sizes. The zip is checked with the
 * repo's reader and, when python3 is present, with Python's zipfile (an independent reader).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildManifest, domainOf, packageSettingsFrom } from '../../../../src/adapters/teams/manifest.js';
import { crc32, unzip } from '../../../../src/adapters/teams/zip.js';
import { registerTeamsPackage } from '../../../../src/cli/teams-package-command.js';
import { UsageError } from '../../../../src/cli/usage-error.js';
import { tempDir } from '../../../helpers/paths.js';

const APP_ID = '0a1b2c3d-1111-2222-3333-444455556666';

const hasPython = (() => {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Width and height of a PNG, from its IHDR. */
function pngSize(data: Uint8Array): [number, number] {
  const b = Buffer.from(data);
  expect(b.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(b.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('kbbot teams-package', () => {
  it('writes a zip with the v1.17 manifest and the two icons', async () => {
    const { dir, cleanup } = tempDir();
    try {
      vi.stubEnv('MicrosoftAppId', APP_ID);
      vi.stubEnv('TEAMS_ENDPOINT_DOMAIN', 'https://kbbot.example.com/api/messages');
      const out = join(dir, 'app.zip');
      const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      try {
        const program = new Command('kbbot').exitOverride();
        registerTeamsPackage(program);
        await program.parseAsync(['node', 'kbbot', 'teams-package', '--out', out]);
      } finally {
        write.mockRestore();
      }
      const entries = unzip(readFileSync(out));
      expect(entries.map((e) => e.name)).toEqual(['manifest.json', 'color.png', 'outline.png']);
      const manifest = JSON.parse(Buffer.from(entries[0]?.data ?? []).toString('utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(manifest.manifestVersion).toBe('1.17');
      expect(manifest.$schema).toContain('/v1.17/');
      expect(manifest.id).toBe(APP_ID);
      expect(manifest.bots[0]).toMatchObject({ botId: APP_ID, scopes: ['personal', 'team', 'groupChat'] });
      expect(manifest.composeExtensions[0].botId).toBe(APP_ID);
      expect(manifest.composeExtensions[0].commands[0]).toMatchObject({ id: 'searchKb', type: 'query', parameters: [{ name: 'query', inputType: 'text' }] });
      expect(manifest.validDomains).toEqual(['kbbot.example.com']);
      expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
      expect(manifest.developer.websiteUrl).toBe('https://kbbot.example.com/');
      expect(pngSize(entries[1]?.data ?? new Uint8Array())).toEqual([192, 192]);
      expect(pngSize(entries[2]?.data ?? new Uint8Array())).toEqual([32, 32]);
      if (hasPython) {
        const script = 'import sys,zipfile,json;z=zipfile.ZipFile(sys.argv[1]);assert z.testzip() is None;print(json.dumps([z.namelist(),json.loads(z.read("manifest.json"))["id"]]))';
        expect(JSON.parse(execFileSync('python3', ['-c', script, out], { encoding: 'utf8' }))).toEqual([['manifest.json', 'color.png', 'outline.png'], APP_ID]);
      }
    } finally {
      cleanup();
    }
  });

  it('refuses to build without a valid MicrosoftAppId or a website', () => {
    expect(() => packageSettingsFrom({}, '1.0.0')).toThrow(/MicrosoftAppId/);
    expect(() => packageSettingsFrom({ MicrosoftAppId: 'not-a-guid', TEAMS_ENDPOINT_DOMAIN: 'x.example.com' }, '1.0.0')).toThrow(/GUID/);
    expect(() => packageSettingsFrom({ MicrosoftAppId: APP_ID }, '1.0.0')).toThrow(/TEAMS_WEBSITE_URL/);
    const s = packageSettingsFrom({ MicrosoftAppId: APP_ID, TEAMS_WEBSITE_URL: 'https://it.example.org' }, '1.0.0');
    expect(buildManifest(s).validDomains).toEqual([]);
    expect(s.privacyUrl).toBe('https://it.example.org/privacy');
  });

  it('reports a missing app id as a usage error', async () => {
    vi.stubEnv('MicrosoftAppId', '');
    const program = new Command('kbbot').exitOverride();
    registerTeamsPackage(program);
    await expect(program.parseAsync(['node', 'kbbot', 'teams-package', '--out', '/nonexistent/x.zip'])).rejects.toBeInstanceOf(UsageError);
  });

  it('computes the standard CRC-32 and reads host names out of pasted URLs', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(domainOf('https://Bot.Example.com/api/messages')).toBe('bot.example.com');
  });
});
