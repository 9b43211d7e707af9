/**
 * A fix step that lists sub-items keeps them in its text ("Remove the following registry keys:
 * - HKEY_... - HKEY_...", "Disable QH as a keyboard monitor: a. Press ALT+Q. b. Press O."). An
 * answer shows them one to a line under the step, each with its own marker ("- ", "a. ").
 */
import { docBlocks } from './render/doc-text.js';

export interface StepParts {
  /** The step up to and including the colon that introduces its items (the whole step when it has none). */
  lead: string;
  /** The items with their markers, in order; empty when the step lists none. */
  items: string[];
}

/** The marker an item starts with, as `stepParts` gives it: "- " or "a. ". */
export const ITEM_MARKER = /^(?:-|[a-z][.)])\s+/;

/** Fewer items than this are read as part of the step's text. */
const MIN_ITEMS = 2;

export function stepParts(step: string): StepParts {
  const colon = /:\s+(?=-\s+\S|a[.)]\s+\S)/.exec(step);
  if (!colon) return { lead: step, items: [] };
  const rest = step.slice(colon.index + colon[0].length);
  const items = rest.startsWith('-') ? bullets(rest) : lettered(rest);
  return items.length >= MIN_ITEMS ? { lead: step.slice(0, colon.index + 1), items } : { lead: step, items: [] };
}

/** "- A - B - C" → ["- A", "- B", "- C"]. */
function bullets(rest: string): string[] {
  return rest
    .replace(/^-\s+/, '')
    .split(/\s+-\s+(?=\S)/)
    .map((item) => `- ${item.trim()}`);
}

/** "a. X b. Y c. Z" → ["a. X", "b. Y", "c. Z"]: each item starts at the next letter in turn. */
function lettered(rest: string): string[] {
  const items: string[] = [];
  let from = 0;
  for (let code = 'b'.charCodeAt(0); code <= 'z'.charCodeAt(0); code++) {
    const next = new RegExp(`\\s${String.fromCharCode(code)}[.)]\\s+(?=\\S)`).exec(rest.slice(from));
    if (!next) break;
    items.push(rest.slice(from, from + next.index).trim());
    from += next.index + 1;
  }
  items.push(rest.slice(from).trim());
  return items.length >= MIN_ITEMS ? items : [];
}

/** What follows a team document's step line, still as text (see `docStepParts`). */
export type DocStepDetail =
  | { kind: 'item'; depth: number; marker: string; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'code'; lang: string | null; text: string };

export interface DocStepParts {
  /** The step's own text: its first paragraph ('' when it starts with a list or code). */
  lead: string;
  /** Its items (nested ones deeper), further paragraphs and code blocks, in order. */
  details: DocStepDetail[];
}

/**
 * A team document's step, as the document parser writes it: its text, then sub-items each on a
 * line of its own ("- item", "a. item", nested ones indented two spaces), then any code as a
 * fenced block ("```bash\noc get pods\n```"). Item and code order is kept as written.
 */
export function docStepParts(step: string): DocStepParts {
  const blocks = docBlocks(step);
  const first = blocks[0];
  const lead = first?.kind === 'para' ? first.text : '';
  const details = (first?.kind === 'para' ? blocks.slice(1) : blocks).flatMap((b): DocStepDetail[] => {
    switch (b.kind) {
      case 'para':
      case 'heading':
        return [{ kind: 'text', text: b.text }];
      case 'list':
        return b.items.map((it) => ({ kind: 'item', depth: it.depth, marker: it.marker, text: it.text }));
      case 'code':
        return [{ kind: 'code', lang: b.lang, text: b.text }];
    }
  });
  return { lead, details };
}
