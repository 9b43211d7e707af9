/**
 * `kbbot teams-package [--out FILE]`: the Teams app package (manifest.json v1.17 with the bot and
 * the search messaging extension, and the two icons) built from the environment (MicrosoftAppId,
 * TEAMS_ENDPOINT_DOMAIN, …; see src/adapters/teams/manifest.ts), written as a zip to upload in
 * Teams (Apps → Manage your apps → Upload an app) or the Teams admin center.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { buildAppPackage, packageSettingsFrom, PackageSettingsError } from '../adapters/teams/manifest.js';
import { packageVersion } from '../package-info.js';
import { UsageError } from './usage-error.js';

export const TEAMS_PACKAGE_DEFAULT_OUT = 'kbbot-teams.zip';

/** Writes the package to `out`; returns its absolute path. */
export async function writeTeamsPackage(out: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let zip: Buffer;
  try {
    zip = buildAppPackage(packageSettingsFrom(env, packageVersion()));
  } catch (err) {
    if (err instanceof PackageSettingsError) throw new UsageError(err.message);
    throw err;
  }
  const path = resolve(out);
  await writeFile(path, zip);
  return path;
}

export function registerTeamsPackage(program: Command): void {
  program
    .command('teams-package')
    .description('build the Teams app package (manifest and icons, zipped) from MicrosoftAppId and TEAMS_ENDPOINT_DOMAIN')
    .option('--out <file>', 'where to write the zip', TEAMS_PACKAGE_DEFAULT_OUT)
    .action(async (options: { out: string }) => {
      const path = await writeTeamsPackage(options.out);
      process.stdout.write(`${path}\n`);
    });
}
