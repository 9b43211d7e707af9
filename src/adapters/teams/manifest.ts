/**
 * The Teams app package: appPackage/manifest.template.json (manifest v1.17 declaring the bot in
 * personal, team and group chat scopes, the `searchKb` search command with parameter `query` and
 * the `saveFix` "Save as fix" message action with parameter `title`) filled in from the
 * environment, checked against the official v1.17 schema and for the commands the bot answers
 * (commands.ts), and zipped flat with appPackage/color.png and appPackage/outline.png. See
 * appPackage/README.md.
 *
 * Read from the environment by `packageSettingsFrom`; each fills the placeholder of the same
 * name (`${{TEAMS_DEVELOPER_NAME}}`, …) except MicrosoftAppId, which fills `${{MICROSOFT_APP_ID}}`:
 *
 * | variable              | meaning                                                           |
 * |-----------------------|-------------------------------------------------------------------|
 * | MicrosoftAppId        | the bot's Entra app id (a GUID); also the manifest id (required)  |
 * | TEAMS_ENDPOINT_DOMAIN | host of the messaging endpoint, e.g. kbbot.example.com → validDomains |
 * | TEAMS_DEVELOPER_NAME  | developer.name (default "kbbot"; Teams allows 32 characters)       |
 * | TEAMS_WEBSITE_URL     | developer website (default https://<endpoint domain>/)            |
 * | TEAMS_PRIVACY_URL     | privacy statement (default <website>privacy)                      |
 * | TEAMS_TERMS_URL       | terms of use (default <website>terms)                             |
 *
 * `${{APP_VERSION}}` is kbbot's version from package.json.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Zippable } from 'fflate';
import { packageRoot } from '../../package-info.js';
import { TEAMS_COMMANDS, type CommandShape } from './commands.js';

export const MANIFEST_VERSION = '1.17';
export const TEMPLATE_FILE = 'manifest.template.json';
/** The official schema, as published in Microsoft's @microsoft/app-manifest package. */
export const SCHEMA_MODULE = `@microsoft/app-manifest/build/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;
/** The time stamp of every zip entry (local fields, as zip stores them), so two builds are byte-identical. */
export const ZIP_MTIME = (): Date => new Date(2024, 0, 1, 0, 0, 0);

/** The folder holding the template and the icons: appPackage/ at the package root. */
export function appPackageDir(): string {
  return join(packageRoot(), 'appPackage');
}

export interface PackageSettings {
  appId: string;
  /** App version (semver), usually the package's. */
  version: string;
  domains: string[];
  developerName: string;
  websiteUrl: string;
  privacyUrl: string;
  termsUrl: string;
  /** Placeholders whose value was not set but made from another variable (for error messages). */
  derived?: Partial<Record<Placeholder, string>>;
}

export class PackageSettingsError extends Error {
  override name = 'PackageSettingsError';
}

/** The filled-in manifest breaks the Teams schema; `problems` says how, one plain sentence each. */
export class ManifestSchemaError extends PackageSettingsError {
  override name = 'ManifestSchemaError';
  constructor(readonly problems: string[]) {
    super(
      `the Teams manifest would be rejected (schema v${MANIFEST_VERSION}), so no package was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/** The placeholders the template may use, and where the value of each comes from. */
export const PLACEHOLDERS = {
  MICROSOFT_APP_ID: 'MicrosoftAppId',
  APP_VERSION: "kbbot's version (package.json)",
  TEAMS_ENDPOINT_DOMAIN: 'TEAMS_ENDPOINT_DOMAIN',
  TEAMS_DEVELOPER_NAME: 'TEAMS_DEVELOPER_NAME',
  TEAMS_WEBSITE_URL: 'TEAMS_WEBSITE_URL',
  TEAMS_PRIVACY_URL: 'TEAMS_PRIVACY_URL',
  TEAMS_TERMS_URL: 'TEAMS_TERMS_URL',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HTTPS = /^https:\/\/\S+$/;

/** A host name from TEAMS_ENDPOINT_DOMAIN, tolerating a pasted URL ("https://x.example.com/api/messages"). */
export function domainOf(value: string): string {
  return value
    .trim()
    .replace(/^https?:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .toLowerCase();
}

export function packageSettingsFrom(env: NodeJS.ProcessEnv, version: string): PackageSettings {
  const appId = env.MicrosoftAppId?.trim() ?? '';
  if (!GUID.test(appId))
    throw new PackageSettingsError(
      `MicrosoftAppId=${JSON.stringify(env.MicrosoftAppId ?? '')} must be the bot's app id (a GUID)`,
    );
  const domain = env.TEAMS_ENDPOINT_DOMAIN?.trim() ? domainOf(env.TEAMS_ENDPOINT_DOMAIN) : '';
  if (domain && !/^[a-z0-9.-]+(:\d+)?$/.test(domain))
    throw new PackageSettingsError(
      `TEAMS_ENDPOINT_DOMAIN=${JSON.stringify(env.TEAMS_ENDPOINT_DOMAIN)} is not a host name`,
    );
  const websiteSet = Boolean(env.TEAMS_WEBSITE_URL?.trim());
  const website = env.TEAMS_WEBSITE_URL?.trim() || (domain ? `https://${domain}/` : '');
  if (!HTTPS.test(website))
    throw new PackageSettingsError(
      'set TEAMS_WEBSITE_URL (https) or TEAMS_ENDPOINT_DOMAIN: the manifest needs a developer website',
    );
  const base = website.endsWith('/') ? website : `${website}/`;
  const derived: Partial<Record<Placeholder, string>> = {};
  if (!websiteSet) derived.TEAMS_WEBSITE_URL = 'TEAMS_ENDPOINT_DOMAIN';
  if (!env.TEAMS_PRIVACY_URL?.trim())
    derived.TEAMS_PRIVACY_URL = websiteSet ? 'TEAMS_WEBSITE_URL' : 'TEAMS_ENDPOINT_DOMAIN';
  if (!env.TEAMS_TERMS_URL?.trim())
    derived.TEAMS_TERMS_URL = websiteSet ? 'TEAMS_WEBSITE_URL' : 'TEAMS_ENDPOINT_DOMAIN';
  const settings: PackageSettings = {
    appId,
    version,
    domains: domain ? [domain] : [],
    developerName: env.TEAMS_DEVELOPER_NAME?.trim() || 'kbbot',
    websiteUrl: website,
    privacyUrl: env.TEAMS_PRIVACY_URL?.trim() || `${base}privacy`,
    termsUrl: env.TEAMS_TERMS_URL?.trim() || `${base}terms`,
    derived,
  };
  for (const [name, url] of [
    ['TEAMS_PRIVACY_URL', settings.privacyUrl],
    ['TEAMS_TERMS_URL', settings.termsUrl],
  ] as const) {
    if (!HTTPS.test(url)) throw new PackageSettingsError(`${name}=${JSON.stringify(url)} must be an https URL`);
  }
  return settings;
}

/** The value of every placeholder. An empty TEAMS_ENDPOINT_DOMAIN leaves validDomains empty. */
export function templateValues(s: PackageSettings): Record<Placeholder, string> {
  return {
    MICROSOFT_APP_ID: s.appId,
    APP_VERSION: s.version,
    TEAMS_ENDPOINT_DOMAIN: s.domains[0] ?? '',
    TEAMS_DEVELOPER_NAME: s.developerName,
    TEAMS_WEBSITE_URL: s.websiteUrl,
    TEAMS_PRIVACY_URL: s.privacyUrl,
    TEAMS_TERMS_URL: s.termsUrl,
  };
}

/** Where a filled-in string came from: the placeholders in it, and whether it was exactly one. */
interface Source {
  placeholders: string[];
  whole: boolean;
}

export interface FilledManifest {
  manifest: Record<string, unknown>;
  /** JSON pointer (as ajv's instancePath) → the placeholders that filled that string. */
  sources: Map<string, Source>;
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** NAME when `text` is exactly one placeholder `${{NAME}}`. */
function wholePlaceholder(text: string): string | undefined {
  return /^\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/.exec(text)?.[1];
}

/** "/bots/0/botId" → "bots[0].botId" */
function fieldName(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/**
 * The template with every `${{NAME}}` in a string value replaced by `values[NAME]`. The template is
 * parsed first and the values put into the parsed strings, so a value can hold any character
 * (quotes, backslashes, newlines) and still give valid JSON. An array item that is exactly one
 * placeholder whose value is empty is left out (validDomains without TEAMS_ENDPOINT_DOMAIN).
 * Throws PackageSettingsError on a template that is not JSON, an unknown placeholder, a placeholder
 * without a value, or a `${{` that is not a placeholder.
 */
export function fillTemplate(
  templateText: string,
  values: Readonly<Record<string, string | undefined>>,
  templateName = TEMPLATE_FILE,
): FilledManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(templateText);
  } catch (err) {
    throw new PackageSettingsError(`${templateName} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new PackageSettingsError(`${templateName} must hold a JSON object`);
  const sources = new Map<string, Source>();
  const where = (pointer: string): string => fieldName(pointer) || 'the top level';

  const fillString = (text: string, pointer: string): string => {
    const used: string[] = [];
    const filled = text.replace(PLACEHOLDER, (_match, name: string) => {
      if (!Object.hasOwn(values, name)) {
        throw new PackageSettingsError(
          `${templateName}: unknown placeholder \${{${name}}} in ${where(pointer)} (known: ${Object.keys(values).join(', ')})`,
        );
      }
      const value = values[name];
      if (value === undefined)
        throw new PackageSettingsError(`${templateName}: no value for \${{${name}}} in ${where(pointer)}`);
      used.push(name);
      return value;
    });
    // A `${{` left in the template's text (not in a value) is a placeholder mistyped.
    if (text.replace(PLACEHOLDER, '').includes('${{'))
      throw new PackageSettingsError(
        `${templateName}: malformed placeholder in ${where(pointer)}: ${JSON.stringify(text)} (write \${{NAME}})`,
      );
    if (used.length > 0) sources.set(pointer, { placeholders: used, whole: wholePlaceholder(text) !== undefined });
    return filled;
  };

  const fill = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') return fillString(node, pointer);
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const item of node) {
        const only = typeof item === 'string' ? wholePlaceholder(item) : undefined;
        if (only !== undefined && values[only] === '') continue;
        out.push(fill(item, `${pointer}/${out.length}`));
      }
      return out;
    }
    if (typeof node === 'object' && node !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(node)) {
        if (key.includes('${{'))
          throw new PackageSettingsError(
            `${templateName}: placeholders are allowed in values only, not in the key ${JSON.stringify(key)}`,
          );
        out[key] = fill(value, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
      return out;
    }
    return node;
  };

  return { manifest: fill(parsed, '') as Record<string, unknown>, sources };
}

/** ajv's error object, as far as it is read here (ajv, like fflate, is loaded only when a package is built). */
interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}
type Validate = ((data: unknown) => boolean) & { errors?: SchemaError[] | null };

let validator: Promise<Validate> | undefined;

/** The compiled v1.17 schema (draft-04; `strictTypes` off as the schema puts `additionalProperties` beside arrays). */
function schemaValidator(): Promise<Validate> {
  validator ??= (async () => {
    const [{ default: ajvDraft04 }, { default: ajvFormats }] = await Promise.all([
      import('ajv-draft-04'),
      import('ajv-formats'),
    ]);
    const schema = JSON.parse(readFileSync(createRequire(import.meta.url).resolve(SCHEMA_MODULE), 'utf8')) as object;
    const ajv = new ajvDraft04.default({ allErrors: true, strictTypes: false });
    ajvFormats.default(ajv, ['uri']);
    return ajv.compile(schema) as Validate;
  })();
  return validator;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const part of pointer.split('/').slice(1)) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** One schema error as a sentence naming the variable that fed the field, the field and the limit. */
function describe(
  error: SchemaError,
  filled: FilledManifest,
  derived: Partial<Record<string, string>>,
  templateName: string,
): string {
  const field = fieldName(error.instancePath);
  const value = valueAt(filled.manifest, error.instancePath);
  const source = filled.sources.get(error.instancePath);
  const variable = (name: string): string => {
    const from = PLACEHOLDERS[name as Placeholder] ?? name;
    return derived[name] ? `${from} (not set, so made from ${derived[name]})` : from;
  };
  let subject: string;
  let suffix: string;
  const [only] = source?.placeholders ?? [];
  if (source?.whole && only) {
    subject = variable(only);
    suffix = ` (${field})`;
  } else if (source) {
    subject = `${field} (filled from ${source.placeholders.map(variable).join(' and ')})`;
    suffix = '';
  } else {
    subject = field || 'the manifest';
    suffix = ` (in ${templateName})`;
  }
  const p = error.params;
  const length = typeof value === 'string' ? [...value].length : 0;
  switch (error.keyword) {
    case 'maxLength':
      return `${subject} is ${length} characters; Teams allows at most ${String(p.limit)}${suffix}`;
    case 'minLength':
      return `${subject} is ${length} characters; Teams needs at least ${String(p.limit)}${suffix}`;
    case 'pattern':
      return `${subject} is ${JSON.stringify(value)}, which does not match ${String(p.pattern)} as Teams requires${suffix}`;
    case 'format':
      return `${subject} is ${JSON.stringify(value)}, which is not a valid ${String(p.format)}${suffix}`;
    case 'enum':
      return `${subject} is ${JSON.stringify(value)}; Teams allows only ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${suffix}`;
    case 'const':
      return `${subject} is ${JSON.stringify(value)}; Teams requires ${JSON.stringify(p.allowedValue)}${suffix}`;
    case 'maxItems':
      return `${subject} has ${Array.isArray(value) ? value.length : '?'} entries; Teams allows at most ${String(p.limit)}${suffix}`;
    case 'minItems':
      return `${subject} has ${Array.isArray(value) ? value.length : '?'} entries; Teams needs at least ${String(p.limit)}${suffix}`;
    case 'required':
      return `${subject} lacks "${String(p.missingProperty)}", which Teams requires${suffix}`;
    case 'additionalProperties':
      return `${subject} has "${String(p.additionalProperty)}", which the Teams v${MANIFEST_VERSION} schema does not allow${suffix}`;
    case 'type':
      return `${subject} must be ${String(p.type)}${suffix}`;
    default:
      return `${subject} ${error.message ?? `breaks the schema's ${error.keyword} rule`}${suffix}`;
  }
}

/**
 * The filled-in manifest's problems against the official Teams v1.17 schema, each a plain sentence
 * naming the environment variable that fed the field where there is one; empty when it is valid.
 */
export async function schemaProblems(
  filled: FilledManifest,
  derived: Partial<Record<string, string>> = {},
  templateName = TEMPLATE_FILE,
): Promise<string[]> {
  const validate = await schemaValidator();
  if (validate(filled.manifest)) return [];
  return [...new Set((validate.errors ?? []).map((e) => describe(e, filled, derived, templateName)))];
}

/** A JSON object's field, or undefined. */
const field = (node: unknown, key: string): unknown =>
  typeof node === 'object' && node !== null && !Array.isArray(node)
    ? (node as Record<string, unknown>)[key]
    : undefined;

/** What is wrong with the template's declaration of `want` (a sentence), or undefined when the bot can answer it. */
function commandProblem(commands: unknown[], want: CommandShape, templateName: string): string | undefined {
  const at = commands.findIndex((c) => field(c, 'id') === want.id);
  const where = `composeExtensions[0].commands[${at}]`;
  if (at < 0)
    return `composeExtensions[0].commands lacks the ${want.type} command "${want.id}", which the bot answers (in ${templateName})`;
  const command = commands[at];
  const type = field(command, 'type') ?? 'query';
  if (type !== want.type)
    return `${where} ("${want.id}") must be of type "${want.type}", not ${JSON.stringify(type)} (in ${templateName})`;
  const context = field(command, 'context') ?? ['compose', 'commandBox'];
  const missing = want.context.filter((c) => !(Array.isArray(context) && context.includes(c)));
  if (missing.length)
    return `${where} ("${want.id}") must be offered in the ${missing.map((c) => `"${c}"`).join(' and ')} context (in ${templateName})`;
  const parameters = field(command, 'parameters');
  if (!Array.isArray(parameters) || !parameters.some((p) => field(p, 'name') === want.parameter))
    return `${where} ("${want.id}") must have the parameter "${want.parameter}", which the bot reads (in ${templateName})`;
  if (want.fetchTask === false && field(command, 'fetchTask') === true)
    return `${where} ("${want.id}") must have "fetchTask": false: the bot answers its static form, not a fetchTask (in ${templateName})`;
  return undefined;
}

/**
 * The commands the bot answers (search, Save as fix) as the filled-in manifest declares them: one
 * sentence per command missing or declared so the bot could not answer it; empty when all are right.
 */
export function commandProblems(manifest: Record<string, unknown>, templateName = TEMPLATE_FILE): string[] {
  const extensions = field(manifest, 'composeExtensions');
  const commands = field(Array.isArray(extensions) ? extensions[0] : undefined, 'commands');
  const list = Array.isArray(commands) ? (commands as unknown[]) : [];
  return TEAMS_COMMANDS.map((want) => commandProblem(list, want, templateName)).filter(
    (p): p is string => p !== undefined,
  );
}

/** manifest.json as written into the package: two-space indented, with a final newline. */
export function manifestJson(manifest: Record<string, unknown>): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The icon sizes Teams requires (manifest icons.color and icons.outline). */
export const ICON_SIZES = { color: 192, outline: 32 } as const;

/** Width and height of a PNG, from its IHDR chunk; undefined when `data` is not a PNG. */
export function pngSize(data: Uint8Array): [number, number] | undefined {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (
    b.length < 24 ||
    !b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) ||
    b.toString('ascii', 12, 16) !== 'IHDR'
  )
    return undefined;
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

/**
 * The app package zip: the template filled in from `s`, validated against the v1.17 schema and for
 * the commands the bot answers (throws ManifestSchemaError if Teams would reject it or the bot
 * could not answer a command), and zipped flat with the two icons it names, read
 * from `dir` and checked for their sizes. The same settings and files give the same bytes (fixed
 * time stamps).
 */
export async function buildAppPackage(s: PackageSettings, dir: string = appPackageDir()): Promise<Buffer> {
  const read = (name: string): Buffer => {
    try {
      return readFileSync(join(dir, name));
    } catch (err) {
      throw new PackageSettingsError(`cannot read ${join(dir, name)}: ${(err as Error).message}`);
    }
  };
  const filled = fillTemplate(read(TEMPLATE_FILE).toString('utf8'), templateValues(s));
  const problems = [...(await schemaProblems(filled, s.derived)), ...commandProblems(filled.manifest)];
  if (problems.length > 0) throw new ManifestSchemaError(problems);
  const mtime = ZIP_MTIME();
  const files: Zippable = {
    'manifest.json': [Buffer.from(manifestJson(filled.manifest), 'utf8'), { level: 9, mtime }],
  };
  const icons = filled.manifest.icons as Record<keyof typeof ICON_SIZES, string>; // required strings, per the schema
  for (const kind of ['color', 'outline'] as const) {
    const name = icons[kind];
    if (!/^[^/\\]+\.png$/i.test(name))
      throw new PackageSettingsError(
        `icons.${kind} is ${JSON.stringify(name)}: name a .png file beside ${TEMPLATE_FILE} (the package is flat)`,
      );
    const png = read(name);
    const size = pngSize(png);
    const want = ICON_SIZES[kind];
    if (!size || size[0] !== want || size[1] !== want) {
      throw new PackageSettingsError(
        `${name} (icons.${kind}) is ${size ? `${size[0]}x${size[1]}` : 'not a PNG'}; Teams requires a ${want}x${want} PNG`,
      );
    }
    files[name] = [png, { level: 9, mtime }]; // the flat-colour PNGs deflate further (color.png 869 → 229 bytes)
  }
  const { zipSync } = await import('fflate'); // loaded here, not at every `kbbot` start
  return Buffer.from(zipSync(files));
}
