/**
 * Section text as the renderers read it: paragraphs separated by a blank line; list items one per
 * line ("- item", "1. item", nested items indented two spaces); fenced code as "```lang\n…\n```" on
 * lines of its own; inline code as `code`; links as their text, images as their alt text; an
 * admonition as "Note: …"; a table row as "cell | cell".
 */
import type { Code, List, ListItem, Nodes, PhrasingContent, RootContent, Table } from 'mdast';
import { admonitionOf } from './clean.js';

/** Inline content as text: `code` kept in backticks when `ticks`, markup dropped, links as their text. */
export function inlineText(node: Nodes | Nodes[], ticks = true): string {
  if (Array.isArray(node)) return node.map((n) => inlineText(n, ticks)).join('');
  switch (node.type) {
    case 'text':
      return node.value.replace(/\n/g, ' ');
    case 'inlineCode':
      return ticks ? '`' + node.value + '`' : node.value;
    case 'break':
      return '\n';
    case 'image':
    case 'imageReference':
      return node.alt ?? '';
    case 'footnoteReference':
    case 'html':
      return '';
    default:
      return 'children' in node ? inlineText(node.children as PhrasingContent[], ticks) : '';
  }
}

/** A fence: "```lang\ncode\n```". */
export function fence(code: Code): string {
  return '```' + (code.lang ?? '') + '\n' + code.value.replace(/\n+$/, '') + '\n```';
}

/** Blocks as section text, separated by blank lines. */
export function blocksText(nodes: readonly RootContent[]): string {
  return nodes
    .map((n) => blockText(n))
    .filter(Boolean)
    .join('\n\n');
}

/** One block as text (see the module comment). */
export function blockText(node: RootContent, indent = ''): string {
  switch (node.type) {
    case 'paragraph':
    case 'heading':
      return indentLines(tidyInline(inlineText(node.children)), indent);
    case 'code':
      return fence(node);
    case 'list':
      return listText(node, indent);
    case 'blockquote': {
      const kind = admonitionOf(node);
      const text = node.children
        .map((c) => blockText(c, indent))
        .filter(Boolean)
        .join('\n\n');
      return kind ? `${indent}${kind}: ${text.trimStart()}` : text;
    }
    case 'table':
      return tableText(node, indent);
    case 'footnoteDefinition':
      return node.children
        .map((c) => blockText(c, indent))
        .filter(Boolean)
        .join('\n\n');
    case 'text':
      return indentLines(tidyInline(node.value), indent);
    default:
      return '';
  }
}

/** A list, one line per item, nested lists indented two more spaces; code in an item kept as a fence. */
export function listText(list: List, indent = ''): string {
  const start = list.start ?? 1;
  return list.children.map((item, i) => itemText(item, list.ordered ? `${start + i}. ` : '- ', indent)).join('\n');
}

/** One list item: its marker and first paragraph, then its other blocks on their own lines. */
export function itemText(item: ListItem, marker: string, indent: string): string {
  const lines: string[] = [];
  let head = '';
  item.children.forEach((child, i) => {
    if (i === 0 && child.type === 'paragraph') head = tidyInline(inlineText(child.children)).replace(/\n/g, ' ');
    else if (child.type === 'code') lines.push(fence(child));
    else {
      const text = blockText(child, indent + '  ');
      if (text) lines.push(child.type === 'list' ? text : indentLines(text.trim(), indent + '  '));
    }
  });
  const check = item.checked === true ? '[x] ' : item.checked === false ? '[ ] ' : '';
  return [indent + marker + check + head, ...lines].join('\n');
}

function tableText(table: Table, indent: string): string {
  return table.children
    .map(
      (row) =>
        indent + row.children.map((cell) => tidyInline(inlineText(cell.children)).replace(/\n/g, ' ')).join(' | '),
    )
    .join('\n');
}

/** Inline text with runs of spaces squeezed and each line trimmed. */
export function tidyInline(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t\u00a0]+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function indentLines(s: string, indent: string): string {
  return indent ? s.replace(/^(?=.)/gm, indent) : s;
}
