/**
 * `kbbot teams-package [--out FILE]`: the Teams app package, appPackage/manifest.template.json
 * (manifest v1.17 with the bot and the search messaging extension) filled in from the environment
 * (MicrosoftAppId, TEAMS_ENDPOINT_DOMAIN, …; see appPackage/README.md), checked against the Teams
 * v1.17 schema, and zipped with appPackage's two icons, to upload in Teams (Apps → Manage your apps
 * → Upload an app) or the Teams admin center. A manifest Teams would reject is a usage error (exit
 * 2) naming the variable, the field and the limit; then no zip is written.
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
    zip = await buildAppPackage(packageSettingsFrom(env, packageVersion()));
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
    .description(
      'build the Teams app package (appPackage/ filled in and checked against the Teams schema, zipped) from MicrosoftAppId and TEAMS_ENDPOINT_DOMAIN',
    )
    .option('--out <file>', 'where to write the zip', TEAMS_PACKAGE_DEFAULT_OUT)
    .action(async (options: { out: string }) => {
      const path = await writeTeamsPackage(options.out);
      process.stdout.write(`${path}\n`);
    });
}
