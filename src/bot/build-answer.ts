/**
 * An article made into an answer (the reply model): the fix as numbered steps with registry
 * keys, paths and commands marked as code, the registry warning, what is said when the article
 * has no fix, related articles with their titles, and the actions under it.
 */
import { ARCHIVE_FORMS, type Article } from '../kb/article.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { inlineCode, shortenDoc } from './render/doc-text.js';
import type { FixRecord } from '../memory/types.js';
import type { AnswerAction, AnswerStep, AnswerView, ArticleAnswer, Rich, TeamFix } from './reply.js';
import { docStepParts, stepParts } from './step-parts.js';
import { splitSentences } from '../kb/parse/sentences.js';

export const ANSWER_DEFAULTS = {
  /** Where an article is read in full; {number} is the id without its Q, {id} the id (config KB_URL). */
  urlTemplate: 'https://support.microsoft.com/kb/{number}',
  /** Characters of symptoms, cause and prose fix in the summary view. */
  summaryChars: 400,
  /**
   * Characters of the resolution's own words shown before its numbered steps in the summary view
   * (whole sentences while they fit; the steps and the full view carry the rest).
   */
  leadChars: 300,
  /** Related articles listed. */
  related: 6,
  /** Sections of a team document with no known section shown in the summary view. */
  otherSections: 2,
};

export const REGISTRY_WARNING =
  'Back up the registry before you edit it: a wrong change can stop Windows from starting.';

export interface AnswerOptions {
  /** How sure the bot is of this article; left out for a further candidate the user asked for. */
  confidence?: number;
  why: string;
  view?: AnswerView;
  kb?: KnowledgeBase;
  urlTemplate?: string;
  /** Name the article's source in the answer: true when the KB serves more than one source. */
  showSource?: boolean;
}

/**
 * Section text on one line for a chat answer. A sub-heading's underline ("Remove Pub.edb
 * --------------") reads as a label there: "Remove Pub.edb: Remove the Pub.edb file ...".
 */
const collapse = (text: string): string =>
  text
    .replace(/\s+/g, ' ')
    .replace(/:?\s+[-=]{4,}(?=\s|$)/g, ':')
    .trim();

/** Cut at a word boundary near `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  const flat = collapse(text);
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '')}...`;
}

/** The title without a leading copy of the id ("Q290226: XADM: ..." -> "XADM: ..."). */
export function titleOf(article: Article): string {
  const prefix = `${article.id}:`;
  return article.title.startsWith(prefix) ? article.title.slice(prefix.length).trim() : article.title;
}

/** Registry paths (spaces allowed inside, as in "...\Setup\Key Management Server"), file paths, UNC paths, file names. */
const CODE = new RegExp(
  [
    String.raw`HKEY_[A-Z_]+(?:\\[^\s\\,;:()"]+(?: (?!and\b|or\b|to\b|the\b|key\b|subkey\b|value\b)[A-Z][^\s\\,;:()"]*)*)+`,
    String.raw`\b[A-Za-z]:\\[^\s,;"()]*[^\s,;"().]`,
    String.raw`\\\\[^\s,;"()\\]+\\[^\s,;"()]*[^\s,;"().]`,
    String.raw`\b[\w-]+\.(?:exe|dll|sys|ini|inf|cpl|msc|bat|cmd|log|edb|pst|ost|pbk|vxd|drv)\b`,
  ].join('|'),
  'gi',
);

/** Split text into spans with registry keys, paths and file names marked as code. */
export function markCode(text: string): Rich {
  const spans: Rich = [];
  let last = 0;
  for (const m of text.matchAll(CODE)) {
    const at = m.index ?? 0;
    if (at > last) spans.push({ text: text.slice(last, at) });
    spans.push({ text: m[0], code: true });
    last = at + m[0].length;
  }
  if (last < text.length) spans.push({ text: text.slice(last) });
  return spans.length ? spans : [{ text }];
}

/** "This behavior is by design.", "Microsoft is researching this problem…": said when there is no fix to give. */
function noFixOf(article: Article): string | undefined {
  const s = article.sections;
  if (article.steps.length || s.resolution || s.workaround) return undefined;
  const status = s.status ? collapse(s.status) : '';
  // "This is by design." may open MORE INFORMATION or CAUSE instead of a STATUS section.
  const opening = [s.moreInformation, s.cause].map((t) => collapse(t ?? '').split(/(?<=[.!?])\s/)[0] ?? '');
  if (/by design/i.test(status) || opening.some((t) => /\bby design\b/i.test(t)))
    return 'This behavior is by design; the article gives no fix.';
  if (/researching/i.test(status))
    return 'Microsoft was researching this problem when the article was written; it gives no fix.';
  if (status) return `The article gives no fix. Status: ${shorten(status, ANSWER_DEFAULTS.summaryChars)}`;
  return 'The article gives no fix or workaround.';
}

/**
 * Sentences that only announce the steps ("To do so, use the following steps.", "The steps are
 * listed below.", "To resolve this problem, do the following:"): the Fix heading says as much.
 */
const STEPS_INTRO = [
  /^(?:[^.:]*?,\s*)?(?:please\s+|you (?:will )?(?:need|have) to\s+)?(?:do|perform|complete|follow|use|try)\s+(?:these|the following|the steps below)(?:\s+\w+)?(?:\s+(?:steps?|procedure))?[.:]?$/i,
  /^do the following\b[^.:]*[.:]?$/i,
  /^(?:the )?(?:following )?steps (?:are|below)\b[^.:]*[.:]?$/i,
  /^the following steps\b[^.:]*[.:]?$/i,
  /^to (?:resolve|work ?around|fix|correct) (?:this|the) (?:problem|issue|behaviou?r)[.:,]?$/i,
];

/** Whitespace collapsed, lower case: for finding one text in another. */
const flatLower = (text: string): string => text.replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * The article's fix in its own words before its numbered steps (issue #25): the prose of the
 * resolution (or workaround) ahead of its step list, or all of it when the steps come from
 * another section; sentences that only announce the steps, and any a step already says, left out.
 * `max` cuts it by whole sentences (a first sentence longer than that at a word).
 */
export function fixLeadOf(prose: string | undefined, steps: readonly string[], max = Infinity): string | undefined {
  if (!prose?.trim() || !steps.length) return undefined;
  const flat = prose.replace(/\s+/g, ' ').trim();
  const first = (steps[0] ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
  // Where the list starts: "1. <first step>" (its words alone may come earlier, in the prose).
  const marked = ['1. ', '1) '].map((m) => flat.indexOf(m + first)).filter((i) => i >= 0);
  const at = !first ? -1 : marked.length ? Math.min(...marked) : flat.indexOf(first);
  const before = at >= 0 ? flat.slice(0, at).replace(/(?:^|\s)1[.)]\s*$/, '') : flat;
  const said = steps.map(flatLower);
  const inSteps = (t: string): boolean => {
    const words = flatLower(t)
      .replace(/^\d{1,2}[.)]\s+/, '')
      .replace(/[.:;,]+$/, '');
    return words.length >= 20 && said.some((step) => step.includes(words));
  };
  // Clauses too: "To resolve this problem, follow these steps: Start Registry Editor ..." is two.
  const sentences = splitSentences(collapse(before))
    .flatMap((t) => t.split(/(?<=:)\s+(?=[A-Z])/))
    .filter((t) => !STEPS_INTRO.some((re) => re.test(t)) && !inSteps(t));
  let lead = '';
  for (const sentence of sentences) {
    const next = lead ? `${lead} ${sentence}` : sentence;
    if (next.length > max) {
      lead = lead ? `${lead.replace(/[\s,;:]+$/, '')} ...` : shorten(sentence, max);
      break;
    }
    lead = next;
  }
  return lead.trim() || undefined;
}

function actionsFor(id: string): AnswerAction[] {
  return [
    { id: 'helpful', label: 'Helped', value: id },
    { id: 'not_it', label: 'Not it', value: id },
    { id: 'other_matches', label: 'Other matches', value: id },
    { id: 'full_article', label: 'Full article', value: id },
    { id: 'share', label: 'Share in channel', value: id },
  ];
}

const HEADINGS: Record<string, string> = {
  summary: 'Summary',
  symptoms: 'Symptoms',
  cause: 'Cause',
  impact: 'Impact',
  diagnosis: 'Diagnosis',
  resolution: 'Resolution',
  workaround: 'Workaround',
  status: 'Status',
  moreInformation: 'More information',
  references: 'References',
};

function headingOf(key: string): string {
  return HEADINGS[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

/** What every answer ends with, archive article or team document: warnings, keys, files, related articles, buttons. */
function closingParts(
  article: Article,
  options: AnswerOptions,
  view: AnswerView,
): Pick<ArticleAnswer, 'warnings' | 'registryKeys' | 'files' | 'related' | 'actions' | 'view'> {
  return {
    warnings: article.registryWarning || article.registryKeys.length ? [REGISTRY_WARNING] : [],
    registryKeys: [...article.registryKeys],
    files: article.files.map((f) => ({ ...f })),
    related: article.related.slice(0, ANSWER_DEFAULTS.related).map((id) => {
      const other = options.kb?.get(id);
      return other ? { id, title: titleOf(other) } : { id };
    }),
    actions: actionsFor(article.id),
    view,
  };
}

export function buildAnswer(article: Article, options: AnswerOptions): ArticleAnswer {
  if (!ARCHIVE_FORMS.includes(article.form)) return buildDocAnswer(article, options);
  const view = options.view ?? 'summary';
  const s = article.sections;
  const max = view === 'full' ? Infinity : ANSWER_DEFAULTS.summaryChars;
  const cut = (t: string | undefined): string | undefined =>
    t ? (max === Infinity ? collapse(t) : shorten(t, max)) : undefined;
  const number = article.id.replace(/^Q/, '');
  const fixProse = s.resolution ?? s.workaround;
  const answer: ArticleAnswer = {
    id: article.id,
    title: titleOf(article),
    url:
      article.url ??
      (options.urlTemplate ?? ANSWER_DEFAULTS.urlTemplate).replace('{number}', number).replace('{id}', article.id),
    confidence: options.confidence,
    why: options.why,
    product: article.product,
    appliesTo: [...article.appliesTo],
    date: article.date,
    symptoms: cut(s.symptoms ?? s.summary),
    cause: cut(s.cause),
    steps: article.steps.map((step) => {
      const { lead, items } = stepParts(collapse(step));
      return { text: markCode(lead), items: items.map(markCode) };
    }),
    // With steps, the resolution's own words before them ("remove the KMS component and apply it again ...").
    fixText:
      article.steps.length === 0
        ? cut(fixProse)
        : fixLeadOf(fixProse, article.steps, view === 'summary' ? ANSWER_DEFAULTS.leadChars : Infinity),
    noFix: noFixOf(article),
    status: cut(s.status),
    ...closingParts(article, options, view),
  };
  if (options.showSource && article.source) answer.source = article.source;
  if (view === 'full')
    answer.sections = Object.entries(s).flatMap(([key, text]) => (text ? [{ heading: headingOf(key), text }] : []));
  return answer;
}

/** The sections a troubleshooting answer is built from; a team document with none of them gets its other sections shown. */
const KNOWN = ['symptoms', 'cause', 'impact', 'diagnosis', 'resolution', 'workaround', 'status'] as const;

/** A runbook's labels for the full view. */
const RUNBOOK_HEADINGS: Record<string, string> = { symptoms: 'Meaning', resolution: 'Mitigation' };

/** A team document's text with its inline code and (outside it) registry keys and paths marked. */
const docRich = (text: string): Rich => inlineCode(text, markCode);

/** A team document's step: its first paragraph, then its items, paragraphs and code blocks in order. */
export function docStep(step: string): AnswerStep {
  const { lead, details } = docStepParts(step);
  return {
    text: docRich(lead),
    items: [],
    details: details.map((d) =>
      d.kind === 'code'
        ? { kind: 'code', code: { lang: d.lang, text: d.text } }
        : d.kind === 'item'
          ? { kind: 'item', depth: d.depth, marker: d.marker, text: docRich(d.text) }
          : { kind: 'text', text: docRich(d.text) },
    ),
  };
}

/** Where the steps came from: the diagnosis when its text holds the first step and the resolution's does not. */
function stepsSource(article: Article): 'diagnosis' | undefined {
  const first = docStepParts(article.steps[0] ?? '').lead.slice(0, 60);
  if (!first) return undefined;
  const s = article.sections;
  const flat = (t: string | undefined): string => (t ?? '').replace(/\s+/g, ' ');
  return !flat(s.resolution).includes(first) && !flat(s.workaround).includes(first) && flat(s.diagnosis).includes(first)
    ? 'diagnosis'
    : undefined;
}

/**
 * A team document's answer. Its texts keep their paragraphs, lists and code blocks (the summary
 * view cuts them by whole blocks, keeping the first commands); its link is its own URL or none;
 * an alert runbook reads Meaning, Impact, Diagnosis, Mitigation; one whose headings matched no
 * known section shows its summary and the start of its other sections.
 */
function buildDocAnswer(article: Article, options: AnswerOptions): ArticleAnswer {
  const view = options.view ?? 'summary';
  const s = article.sections;
  const cut = (t: string | undefined): string | undefined =>
    t?.trim() ? (view === 'full' ? t : shortenDoc(t, ANSWER_DEFAULTS.summaryChars)) : undefined;
  const runbook = Boolean(s.impact?.trim());
  const stepsOf = article.steps.length ? stepsSource(article) : undefined;
  const known = KNOWN.some((k) => s[k]?.trim()) || article.steps.length > 0;
  const fixProse = s.resolution ?? s.workaround;
  const answer: ArticleAnswer = {
    id: article.id,
    title: article.title,
    url: article.url,
    format: 'doc',
    confidence: options.confidence,
    why: options.why,
    product: article.product,
    appliesTo: [...article.appliesTo],
    date: article.date,
    symptoms: cut(s.symptoms),
    summary: s.symptoms?.trim() ? undefined : cut(s.summary),
    cause: cut(s.cause),
    impact: cut(s.impact),
    diagnosis: stepsOf ? undefined : cut(s.diagnosis),
    steps: article.steps.map(docStep),
    fixText: article.steps.length === 0 || stepsOf ? cut(fixProse) : undefined,
    noFix: known && !article.steps.length && !fixProse?.trim() ? 'The article gives no fix or workaround.' : undefined,
    status: cut(s.status),
    ...closingParts(article, options, view),
  };
  if (runbook) answer.runbook = true;
  if (stepsOf) answer.stepsOf = stepsOf;
  if (options.showSource && article.source) answer.source = article.source;
  if (!known) {
    const others = Object.entries(s).filter(([key, text]) => key !== 'summary' && text?.trim());
    answer.otherSections = others
      .slice(0, ANSWER_DEFAULTS.otherSections)
      .map(([key, text]) => ({ heading: headingOf(key), text: cut(text) ?? '' }));
  }
  if (view === 'full')
    answer.sections = Object.entries(s).flatMap(([key, text]) =>
      text?.trim() ? [{ heading: (runbook ? RUNBOOK_HEADINGS[key] : undefined) ?? headingOf(key), text }] : [],
    );
  return answer;
}

/** Characters of a team fix's text an answer shows (design 3.6); a code block is kept whole or left out. */
export const TEAM_FIX_CHARS = 600;

/** Shown for a fix whose text (a long code block first) cannot be shown within TEAM_FIX_CHARS. */
export const TEAM_FIX_TOO_LONG = '(Too long to show here: see the thread.)';

/**
 * A saved fix as an answer shows it ("Your team fixed this before"): its text cut to `max`
 * characters by whole blocks (a code fence is kept whole or cut before, never in the middle; prose
 * is cut at a word with "…"), who wrote it, when it was saved, the thread, and Helped / Not it.
 */
export function buildTeamFix(fix: FixRecord, max = TEAM_FIX_CHARS): TeamFix {
  return {
    id: fix.id,
    title: fix.title,
    text: fixExcerpt(fix.text, max),
    author: fix.author,
    authorName: fix.authorName,
    date: new Date(fix.savedAt).toISOString().slice(0, 10),
    permalink: fix.permalink,
    actions: [
      { id: 'helpful', label: 'Helped', value: fix.id },
      { id: 'not_it', label: 'Not it', value: fix.id },
    ],
  };
}

/** The blocks of a fix's text: code fences (``` or ~~~, to their closing line or the end) and the prose between. */
function fixBlocks(text: string): { text: string; code: boolean }[] {
  const blocks: { text: string; code: boolean }[] = [];
  const lines = text.split('\n');
  let prose: string[] = [];
  const flush = (): void => {
    if (prose.length) blocks.push({ text: prose.join('\n'), code: false });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s{0,3}(`{3,}|~{3,})/.exec(lines[i] ?? '');
    if (!open) {
      prose.push(lines[i] ?? '');
      continue;
    }
    flush();
    const fence = open[1] as string;
    const body = [lines[i] ?? ''];
    let j = i + 1;
    for (; j < lines.length; j++) {
      body.push(lines[j] ?? '');
      if (j > i && (lines[j] ?? '').trim().startsWith(fence)) break;
    }
    // A fence opened and closed on one line ("```Restart-Service kms```") is one block too.
    blocks.push({ text: body.join('\n'), code: true });
    i = j;
  }
  flush();
  return blocks;
}

/** `text` within `max` characters, by whole blocks; see buildTeamFix. */
export function fixExcerpt(text: string, max = TEAM_FIX_CHARS): string {
  const all = text.trim();
  if (all.length <= max) return all;
  let out = '';
  for (const block of fixBlocks(all)) {
    const sep = out ? '\n' : '';
    if (out.length + sep.length + block.text.length <= max) {
      out += sep + block.text;
      continue;
    }
    const room = max - out.length - sep.length - 1;
    // Prose is cut at a word; a code block is left out whole.
    if (!block.code && room >= 20) {
      const cut = block.text.slice(0, room);
      const space = cut.search(/\s\S*$/);
      out += sep + (space > room / 2 ? cut.slice(0, space) : cut).trimEnd() + '…';
    } else if (out && out.length + sep.length + 1 <= max) out += sep + '…';
    break;
  }
  return out.trim() ? out : TEAM_FIX_TOO_LONG;
}
