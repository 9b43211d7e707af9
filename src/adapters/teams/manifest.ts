/**
 * The Teams app package: manifest.json (schema v1.17) declaring the bot (personal, team and group
 * chat scopes) and the search messaging extension (`searchKb`, parameter `query`), plus the two
 * icons, zipped flat as Teams wants them.
 *
 * Read from the environment by `packageSettingsFrom`:
 *
 * | variable              | meaning                                                           |
 * |-----------------------|-------------------------------------------------------------------|
 * | MicrosoftAppId        | the bot's Entra app id (a GUID); also the manifest id (required)  |
 * | TEAMS_ENDPOINT_DOMAIN | host of the messaging endpoint, e.g. kbbot.example.com → validDomains |
 * | TEAMS_DEVELOPER_NAME  | developer.name (default "kbbot")                                   |
 * | TEAMS_WEBSITE_URL     | developer website (default https://<endpoint domain>/)            |
 * | TEAMS_PRIVACY_URL     | privacy statement (default <website>privacy)                      |
 * | TEAMS_TERMS_URL       | terms of use (default <website>terms)                             |
 */
import { ACCENT, colorIcon, outlineIcon } from './icons.js';
import { SEARCH_COMMAND, SEARCH_PARAMETER } from './search.js';
import { zip } from './zip.js';

export const MANIFEST_VERSION = '1.17';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
export const ICON_FILES = { color: 'color.png', outline: 'outline.png' } as const;

export interface PackageSettings {
  appId: string;
  /** App version (semver), usually the package's. */
  version: string;
  domains: string[];
  developerName: string;
  websiteUrl: string;
  privacyUrl: string;
  termsUrl: string;
}

export class PackageSettingsError extends Error {
  override name = 'PackageSettingsError';
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTTPS = /^https:\/\/\S+$/;

/** A host name from TEAMS_ENDPOINT_DOMAIN, tolerating a pasted URL ("https://x.example.com/api/messages"). */
export function domainOf(value: string): string {
  return value.trim().replace(/^https?:\/\//i, '').replace(/[/?#].*$/, '').toLowerCase();
}

export function packageSettingsFrom(env: NodeJS.ProcessEnv, version: string): PackageSettings {
  const appId = env.MicrosoftAppId?.trim() ?? '';
  if (!GUID.test(appId)) throw new PackageSettingsError(`MicrosoftAppId=${JSON.stringify(env.MicrosoftAppId ?? '')} must be the bot's app id (a GUID)`);
  const domain = env.TEAMS_ENDPOINT_DOMAIN?.trim() ? domainOf(env.TEAMS_ENDPOINT_DOMAIN) : '';
  if (domain && !/^[a-z0-9.-]+(:\d+)?$/.test(domain)) throw new PackageSettingsError(`TEAMS_ENDPOINT_DOMAIN=${JSON.stringify(env.TEAMS_ENDPOINT_DOMAIN)} is not a host name`);
  const website = env.TEAMS_WEBSITE_URL?.trim() || (domain ? `https://${domain}/` : '');
  if (!HTTPS.test(website)) throw new PackageSettingsError('set TEAMS_WEBSITE_URL (https) or TEAMS_ENDPOINT_DOMAIN: the manifest needs a developer website');
  const base = website.endsWith('/') ? website : `${website}/`;
  const settings: PackageSettings = {
    appId,
    version,
    domains: domain ? [domain] : [],
    developerName: env.TEAMS_DEVELOPER_NAME?.trim() || 'kbbot',
    websiteUrl: website,
    privacyUrl: env.TEAMS_PRIVACY_URL?.trim() || `${base}privacy`,
    termsUrl: env.TEAMS_TERMS_URL?.trim() || `${base}terms`,
  };
  for (const [name, url] of [['TEAMS_PRIVACY_URL', settings.privacyUrl], ['TEAMS_TERMS_URL', settings.termsUrl]] as const) {
    if (!HTTPS.test(url)) throw new PackageSettingsError(`${name}=${JSON.stringify(url)} must be an https URL`);
  }
  return settings;
}

export function buildManifest(s: PackageSettings): Record<string, unknown> {
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: s.version,
    id: s.appId,
    developer: { name: s.developerName, websiteUrl: s.websiteUrl, privacyUrl: s.privacyUrl, termsOfUseUrl: s.termsUrl },
    name: { short: 'kbbot', full: 'kbbot: the KB article that fixes your error' },
    description: {
      short: 'Paste an error, get the Microsoft KB article that fixes it.',
      full: 'kbbot answers pasted error messages and questions with the knowledge-base article that fixes them: the cause, the numbered steps and a link. Message it directly, @mention it in a channel or group chat, or search the KB from the compose box and insert the article as a card.',
    },
    icons: { color: ICON_FILES.color, outline: ICON_FILES.outline },
    accentColor: ACCENT,
    bots: [
      {
        botId: s.appId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [
          {
            scopes: ['personal', 'team', 'groupChat'],
            commands: [
              { title: 'help', description: 'What kbbot does and how to ask it' },
              { title: 'Q290226', description: 'Show a KB article by its number' },
            ],
          },
        ],
      },
    ],
    composeExtensions: [
      {
        botId: s.appId,
        commands: [
          {
            id: SEARCH_COMMAND,
            type: 'query',
            title: 'Search the KB',
            description: 'Find the KB article that fixes an error',
            initialRun: false,
            context: ['compose', 'commandBox'],
            parameters: [{ name: SEARCH_PARAMETER, title: 'Error or question', description: 'Paste the error message or describe the problem', inputType: 'text' }],
          },
        ],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: s.domains,
  };
}

/** The app package zip: manifest.json and the two icons at the top level. */
export function buildAppPackage(s: PackageSettings): Buffer {
  return zip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(buildManifest(s), null, 2)}\n`, 'utf8') },
    { name: ICON_FILES.color, data: colorIcon() },
    { name: ICON_FILES.outline, data: outlineIcon() },
  ]);
}
