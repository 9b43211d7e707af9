import { splitSentences } from './sentences.js';
import { collapse, cutSubheading } from './text.js';

interface Marker {
  n: number;
  at: number;
}

/**
 * The numbered procedure in a section: the longest run 1., 2., 3., ... of step markers,
 * one string per top-level step (sub-items and named registry paths kept inside it).
 * Read from the whitespace-collapsed text, so all three forms give the same steps: a
 * marker follows a space and precedes a capital letter, quote or bracket.
 */
export function extractSteps(section: string): string[] {
  const text = collapse(section);
  const markers = findMarkers(text);
  const chain = longestChain(markers);
  if (chain.length < 2) return [];
  const steps: string[] = [];
  chain.forEach((m, i) => {
    const next = chain[i + 1];
    const end = next ? next.at : lastStepEnd(text, m.at);
    const body = cutSubheading(text.slice(m.at, end))
      .replace(/^\d{1,2}[.)]\s*/, '')
      .trim();
    if (body) steps.push(body);
  });
  return steps;
}

function findMarkers(text: string): Marker[] {
  const out: Marker[] = [];
  for (const m of text.matchAll(/(?<=^|\s)(\d{1,2})[.)]\s+(?=["'(A-Z[])/g)) out.push({ n: Number(m[1]), at: m.index });
  return out;
}

/** Longest 1, 2, 3, ... subsequence (each next marker after the previous); earliest wins ties. */
function longestChain(markers: Marker[]): Marker[] {
  let best: Marker[] = [];
  markers.forEach((m, i) => {
    if (m.n !== 1) return;
    const chain = [m];
    for (let j = i + 1; j < markers.length; j++) {
      const c = markers[j]!;
      if (c.n === chain[chain.length - 1]!.n + 1) chain.push(c);
      else if (c.n === 1) break;
    }
    if (chain.length > best.length) best = chain;
  });
  return best;
}

/**
 * Where the last step ends: its sentences run on while they read as part of the step;
 * the article's own prose after the list ("NOTE: ...", "This ...") is left out.
 */
function lastStepEnd(text: string, at: number): number {
  const rest = text.slice(at);
  const sentences = splitSentences(rest);
  let len = 0;
  for (let k = 0; k < sentences.length; k++) {
    const s = sentences[k]!;
    if (k > 0 && !continuesStep(s)) break;
    const pos = rest.indexOf(s, len);
    len = pos + s.length;
  }
  return at + len;
}

/** Openers of the article's own prose after a numbered list. */
const PROSE_OPENERS = new Set(
  (
    'After Also Although And As At Because Before But By Consequently During Each Even For Further Furthermore However ' +
    'If In Instead It Later Most Note NOTE Occasionally Often On Once One Other Otherwise Since Similarly Sometimes ' +
    'That The These This Those Though Thus To Typically Under Unless Until Upon When Whenever Where Whether While With You Your ' +
    'Additionally Afterward Afterwards Another Both Depending Either Following Here Microsoft Moreover Neither ' +
    'Only So Some Such There Therefore We What Within Without'
  ).split(/\s+/),
);

/** Does this sentence after the last step's first one still belong to the step? */
function continuesStep(next: string): boolean {
  if (/^\d{1,2}[.)](?:\s|$)/.test(next)) return false;
  if (/^-\s/.test(next)) return true;
  return !PROSE_OPENERS.has(/^[A-Za-z'-]+/.exec(next)?.[0] ?? '');
}
