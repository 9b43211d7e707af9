/**
 * The fix as steps: from the resolution section, else diagnosis (the first that has some). Steps
 * are the items of ordered lists, or of bulleted lists of actions; where there is no list, a
 * paragraph followed by a fence is one step. Each step is one string: its text, then its sub-items
 * each on a line of their own ("\n- item", "\na. item"), and its code as "\n```lang\ncode\n```".
 */
import type { List, ListItem, RootContent } from 'mdast';
import { unique } from '../text.js';
import { blockText, fence, inlineText, tidyInline } from './render.js';

/** Sections steps are taken from, in order of preference. */
export const STEP_SECTIONS = ['resolution', 'diagnosis'] as const;

/**
 * First words of an instruction ("Run …", "Check …"): a bulleted item starting with one of these
 * (or holding code) is an action, and a bulleted list of actions gives steps.
 */
export const ACTION_VERBS = new Set(
  (
    'add analyze apply ask assign back bump call cancel change check clean clear click close collect compare configure ' +
    'confirm connect consider contact copy cordon create debug decrease delete deploy describe determine disable ' +
    'disconnect download drain dump edit enable ensure enter escalate evict examine execute exit expand export failover ' +
    'fetch filter find fix flush follow free gather get go grant grep identify import increase inspect install ' +
    'investigate kill list locate log login look make mark migrate modify monitor mount move navigate note open patch ' +
    'pause perform press promote purge query reboot rebuild recreate redeploy reduce refresh regenerate reindex reload ' +
    'remove renew repair replace rerun re-run reset resize restart restore resume retry review revert roll rollback ' +
    'rotate run save scale schedule search select set sign silence ssh start stop switch tail terminate test try type ' +
    'uncordon uninstall unmount update upgrade upload use validate verify vacuum wait watch'
  ).split(' '),
);

/** Most steps kept from one article. */
const MAX_STEPS = 40;

/**
 * The steps of a document from its sections (key → blocks); a document none of whose headings is a
 * vocabulary section (a helper procedure) takes them from its body.
 */
export function extractDocSteps(sections: ReadonlyMap<string, readonly RootContent[]>, anyMapped: boolean): string[] {
  for (const key of anyMapped ? STEP_SECTIONS : ['body']) {
    const nodes = sections.get(key);
    if (!nodes?.length) continue;
    const steps = stepsOf(nodes);
    if (steps.length) return unique(steps).slice(0, MAX_STEPS);
  }
  return [];
}

function stepsOf(nodes: readonly RootContent[]): string[] {
  const fromLists: string[] = [];
  for (const node of nodes)
    if (node.type === 'list' && (node.ordered || isActionList(node)))
      fromLists.push(...node.children.map((item) => stepOf(item)).filter(Boolean));
  if (fromLists.length) return fromLists;
  const pairs: string[] = [];
  for (let i = 0; i + 1 < nodes.length; i++) {
    const [p, code] = [nodes[i]!, nodes[i + 1]!];
    if (p.type === 'paragraph' && code.type === 'code') {
      const codes = [fence(code)];
      for (let j = i + 2; j < nodes.length && nodes[j]!.type === 'code'; j++)
        codes.push(fence(nodes[j] as typeof code));
      pairs.push([blockText(p).replace(/\n/g, ' '), ...codes].join('\n'));
    }
  }
  return pairs;
}

/** A bulleted list at least half of whose items are actions. */
function isActionList(list: List): boolean {
  const actions = list.children.filter(isAction).length;
  return actions > 0 && actions * 2 >= list.children.length;
}

function isAction(item: ListItem): boolean {
  if (item.children.some((c) => c.type === 'code')) return true;
  const p = item.children[0];
  if (p?.type !== 'paragraph') return false;
  if (p.children.some((c) => c.type === 'inlineCode')) return true;
  const word = /^[\W_]*([A-Za-z-]+)/.exec(inlineText(p.children, false))?.[1]?.toLowerCase();
  return !!word && ACTION_VERBS.has(word);
}

/** One list item as a step (see the module comment). */
function stepOf(item: ListItem, depth = 0): string {
  const parts: string[] = [];
  const indent = '  '.repeat(depth);
  for (const child of item.children) {
    if (child.type === 'paragraph') {
      const text = tidyInline(inlineText(child.children)).replace(/\n/g, ' ');
      if (!text) continue;
      if (parts.length === 0) parts.push(text);
      else parts.push(indent + text);
    } else if (child.type === 'code') {
      parts.push(fence(child));
    } else if (child.type === 'list') {
      child.children.forEach((sub, i) => {
        const marker = child.ordered ? `${letter(i)}. ` : '- ';
        const text = stepOf(sub, depth + 1);
        if (text) parts.push(indent + marker + text);
      });
    } else {
      const text = blockText(child);
      if (text) parts.push(text);
    }
  }
  return parts.join('\n');
}

/** "a", "b", … "z", "aa", …: the marker of an ordered sub-step. */
function letter(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}
