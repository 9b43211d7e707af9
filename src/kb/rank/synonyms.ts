/**
 * Abbreviations and synonyms of the field. Most are mined from the KB itself, where articles
 * define them: "Key Management Server (KMS)", "Internet Mail Connector (IMC)", "Visual FoxPro
 * (VFP)": the letters of the abbreviation must be the capitals of the words before it. A short
 * hand-written list adds what admins say in chat but articles never define (bsod, dc, gc).
 */
import { normalisedText, normaliseText, textTokens, wholeTokens } from './tokens.js';

/**
 * lower-case abbreviation → lower-case expansion ("kms" → "key management server"). Mined
 * entries apply only where the message writes the abbreviation in capitals ("POST", not "post");
 * hand-written ones (HAND_SYNONYMS) in any case.
 */
export type Abbreviations = Map<string, string>;

/** Chat words no article defines, and their KB wording. Applied in both directions like mined ones. */
export const HAND_SYNONYMS: readonly [string, string][] = [
  ['bsod', 'stop error blue screen'],
  ['kms', 'key management server'],
  ['km', 'key management'],
  ['imc', 'internet mail connector'],
  ['ims', 'internet mail service'],
  ['mta', 'message transfer agent'],
  ['owa', 'outlook web access'],
  ['ds', 'directory service'],
  ['pf', 'public folder'],
  ['pfs', 'public folders'],
  ['dl', 'distribution list'],
  ['dls', 'distribution lists'],
  ['sfm', 'services for macintosh'],
  ['mac', 'macintosh'],
  ['ras', 'remote access service'],
  ['dos', 'ms-dos'],
  ['sms', 'systems management server'],
  ['iis', 'internet information server'],
  ['nic', 'network adapter'],
  ['w2k', 'windows 2000'],
  ['win9x', 'windows 95'],
  ['bluescreen', 'blue screen stop'],
  ['dc', 'domain controller'],
  ['pdc', 'primary domain controller'],
  ['bdc', 'backup domain controller'],
  ['gal', 'global address list'],
  ['ndr', 'non-delivery report'],
  ['vfp', 'visual foxpro'],
  ['vb', 'visual basic'],
  ['vc', 'visual c++'],
  ['msvc', 'visual c++'],
  ['ie', 'internet explorer'],
  ['reg', 'registry'],
  ['regedit', 'registry editor'],
  ['perms', 'permissions'],
  ['pwd', 'password'],
  ['passwd', 'password'],
  ['config', 'configuration'],
  ['svc', 'service'],
  ['msg', 'message'],
  ['msgs', 'messages'],
  ['dir', 'directory'],
  ['db', 'database'],
  ['app', 'application'],
  ['apps', 'applications'],
  ['box', 'server'],
  ['freezes', 'hangs stops responding'],
  ['hangs', 'stops responding'],
  ['crashes', 'fails unexpectedly'],
  ['reboot', 'restart'],
  ['sync', 'synchronize'],
  ['syncing', 'synchronizing'],
  ['bluescreening', 'stop error blue screen'],
  ['bluescreened', 'stop error blue screen'],
];

/** The hand-written abbreviations, which apply in any case. */
export const HAND_WORDS: ReadonlySet<string> = new Set(HAND_SYNONYMS.map(([a]) => a));

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** At most this many words before "(ABBR)" are tried as its expansion. */
const MAX_WORDS = 6;
/** An abbreviation must be defined at least this often across the KB to be trusted. */
export const MIN_DEFINITIONS = 2;

const DEFINITION = /\(([A-Z][A-Za-z0-9+&]{1,9})\)/g;
/** How far before "(ABBR)" the long form is looked for. */
const LOOK_BACK = 100;

/** The capitals an expansion contributes: each word's first letter plus its inner capitals. */
function initials(words: string[]): string {
  return words.map((w) => (w[0] ?? '').toUpperCase() + w.slice(1).replace(/[^A-Z]/g, '')).join('');
}

const SMALL_WORDS = new Set(['of', 'and', 'for', 'the', 'to', 'in', 'on', 'a']);

/** "(KMS)" after "... the Key Management Server" → "key management server", or undefined. */
export function expansionOf(before: string, abbr: string): string | undefined {
  const letters = abbr.replace(/[^A-Za-z]/g, '').toUpperCase();
  const ws = before.trim().split(/ +/).slice(-MAX_WORDS);
  for (let n = 1; n <= ws.length; n++) {
    const cand = ws.slice(ws.length - n);
    if (SMALL_WORDS.has((cand[0] ?? '').toLowerCase())) continue;
    const caps = initials(cand.filter((w) => !SMALL_WORDS.has(w)));
    if (caps === letters || initials(cand) === letters) {
      if (cand.length < 2 && letters.length > 2) return undefined;
      return cand
        .join(' ')
        .replace(/[.,;:]+$/g, '')
        .toLowerCase();
    }
    if (caps.length > letters.length) return undefined;
  }
  return undefined;
}

/** Mine "Long Form (LF)" definitions from article texts; keep each abbreviation's most frequent expansion. */
export function mineAbbreviations(texts: Iterable<string>, minDefinitions = MIN_DEFINITIONS): Abbreviations {
  const definitions: string[][] = [];
  for (const text of texts) definitions.push(definitionsIn(text));
  return chooseAbbreviations(definitions, minDefinitions);
}

/**
 * The "Long Form (LF)" definitions of one text, in text order, flat: [abbr, expansion, abbr,
 * expansion, ...] (abbreviations lower-cased). What `mineAbbreviations` counts, per article, so
 * that the articles can be read on several threads and counted in one place.
 */
export function definitionsIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(DEFINITION)) {
    const abbr = m[1] ?? '';
    if (abbr.length < 2 || /^\d+$/.test(abbr)) continue;
    const at = m.index ?? 0;
    const before = /((?:[A-Za-z][\w+\-/]*\.? +){1,8})$/.exec(text.slice(Math.max(0, at - LOOK_BACK), at));
    const exp = before ? expansionOf(before[1] ?? '', abbr) : undefined;
    if (exp) out.push(abbr.toLowerCase(), exp);
  }
  return out;
}

/**
 * The abbreviations defined at least `minDefinitions` times, each with its most frequent
 * expansion, from the articles' `definitionsIn` in KB order. The order of the articles decides
 * ties and the map's order (first definition first), so pass them in KB order.
 */
export function chooseAbbreviations(
  definitions: Iterable<readonly string[]>,
  minDefinitions = MIN_DEFINITIONS,
): Abbreviations {
  const counts = new Map<string, Map<string, number>>();
  for (const defs of definitions) {
    for (let i = 0; i + 1 < defs.length; i += 2) {
      const key = defs[i] as string;
      const exp = defs[i + 1] as string;
      let byExp = counts.get(key);
      if (!byExp) counts.set(key, (byExp = new Map()));
      byExp.set(exp, (byExp.get(exp) ?? 0) + 1);
    }
  }
  const out: Abbreviations = new Map();
  for (const [abbr, byExp] of counts) {
    const [best, n] = [...byExp].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    if (n >= minDefinitions) out.set(abbr, best);
  }
  return out;
}

/** One expansion of a message: what was found and what it adds. */
export interface Expansion {
  from: string;
  to: string;
}

/**
 * Expansions for a message: abbreviations it uses (→ their long form) and long forms it spells
 * out (→ their abbreviation). `abbreviations` holds mined and hand-written entries alike.
 */
export function expansionsFor(
  text: string,
  abbreviations: Abbreviations,
  anyCase: ReadonlySet<string> = HAND_WORDS,
): Expansion[] {
  const normalised = normalisedText(text);
  const tokens = textTokens(text);
  const out: Expansion[] = [];
  const seen = new Set<string>();
  // Each distinct token once: a message repeating an abbreviation costs no more than one.
  const tried = new Set<string>();
  let written: Set<string> | undefined;
  for (const tok of tokens) {
    const exp = abbreviations.get(tok);
    if (!exp || tried.has(tok)) continue;
    tried.add(tok);
    // "is" means Information Store, and "post" power-on self test, only when written in capitals.
    if (!anyCase.has(tok)) {
      const upper = tok.toUpperCase();
      // `\bKMS\b` for a plain word is a word of the text as written; compounds ("MS-DOS") ask the regex.
      written ??= new Set(text.match(/\w+/g) ?? []);
      const inCapitals = /^\w+$/.test(upper)
        ? written.has(upper)
        : new RegExp(`\\b${escapeRegExp(upper)}\\b`).test(text);
      if (!inCapitals) continue;
    }
    if (!seen.has(tok) && !normalised.includes(exp)) {
      seen.add(tok);
      out.push({ from: tok, to: exp });
    }
  }
  const padded = ` ${tokens.join(' ')} `;
  const has = new Set(tokens);
  // Only long forms whose first word the message has can be spelled out in it.
  for (const { abbr, exp } of longFormsStartingWith(abbreviations, has)) {
    if (!seen.has(abbr) && padded.includes(` ${exp} `) && !has.has(abbr)) {
      seen.add(abbr);
      out.push({ from: exp, to: abbr });
    }
  }
  return out;
}

interface LongForm {
  abbr: string;
  exp: string;
  /** Its place in the abbreviations, so expansions come out in their order. */
  order: number;
}

/** Per abbreviations map: the long forms of more than one word (abbreviation over 2 letters), by first word. */
const longForms = new WeakMap<Abbreviations, { size: number; byFirst: Map<string, LongForm[]> }>();

/** The long forms (of abbreviations over 2 letters) whose first word is one of `words`, in the map's order. */
function longFormsStartingWith(abbreviations: Abbreviations, words: ReadonlySet<string>): LongForm[] {
  let index = longForms.get(abbreviations);
  if (!index || index.size !== abbreviations.size) {
    const byFirst = new Map<string, LongForm[]>();
    let order = 0;
    for (const [abbr, exp] of abbreviations) {
      order++;
      const space = exp.indexOf(' ');
      if (space < 0 || abbr.length <= 2) continue;
      const first = exp.slice(0, space);
      let list = byFirst.get(first);
      if (!list) byFirst.set(first, (list = []));
      list.push({ abbr, exp, order });
    }
    index = { size: abbreviations.size, byFirst };
    longForms.set(abbreviations, index);
  }
  const out: LongForm[] = [];
  for (const w of words) out.push(...(index.byFirst.get(w) ?? []));
  return out.sort((a, b) => a.order - b.order);
}

/**
 * The abbreviations whose long forms a text spells out, once per occurrence: "the Internet Mail
 * Service stops" → ["ims"]. Articles are indexed with them, so a message saying "IMS" finds an
 * article that only ever writes "Internet Mail Service" as well as one that writes "IMS".
 */
export function abbreviationsIn(abbreviations: Abbreviations): (text: string) => string[] {
  const find = longFormsIn(abbreviations);
  return (text) => find(wholeTokens(normaliseText(text)));
}

/** `abbreviationsIn` over a text's whole tokens (`wholeTokens(normaliseText(text))`) already at hand. */
export function longFormsIn(
  abbreviations: Iterable<readonly [string, string]>,
): (tokens: readonly string[]) => string[] {
  const byFirst = new Map<string, { abbr: string; words: string[] }[]>();
  for (const [abbr, exp] of abbreviations) {
    const ws = wholeTokens(normaliseText(exp));
    if (ws.length < 2) continue;
    const first = ws[0] ?? '';
    let list = byFirst.get(first);
    if (!list) byFirst.set(first, (list = []));
    list.push({ abbr, words: ws });
  }
  return (tokens) => {
    const out: string[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const list = byFirst.get(tokens[i] ?? '');
      if (!list) continue;
      for (const { abbr, words } of list) {
        if (words.every((w, j) => tokens[i + j] === w)) out.push(abbr);
      }
    }
    return out;
  };
}
