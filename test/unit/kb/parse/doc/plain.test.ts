// Plain-text files read as the same mdast node kinds Markdown gives: title, headings, lists, code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Code, List, Nodes, Root } from 'mdast';
import { describe, expect, it } from 'vitest';
import { plainToMdast } from '../../../../../src/kb/parse/doc/plain.js';

const runbook = readFileSync(join(import.meta.dirname, '../../../../fixtures/teamkb/plain-runbook.txt'), 'utf8');

function textOf(node: Nodes): string {
  if ('value' in node) return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  return '';
}

/** Each top-level block as "type" (headings as "h2 Text"). */
const outline = (root: Root): string[] =>
  root.children.map((n) => (n.type === 'heading' ? `h${n.depth} ${textOf(n)}` : n.type));

describe('a plain-text runbook', () => {
  const root = plainToMdast(runbook);

  it('reads the first line as the title and underlined lines as headings (--- under === one level down)', () => {
    expect(outline(root)).toEqual([
      'h1 Print spooler stops after a driver update',
      'h2 Symptoms',
      'paragraph',
      'code',
      'h2 Cause',
      'paragraph',
      'h2 Resolution',
      'list',
      'h3 Notes',
      'list',
    ]);
  });

  it('keeps a paragraph’s lines, and an indented error as code', () => {
    expect(textOf(root.children[2]!)).toBe(
      'The print spooler service stops a few seconds after it starts. The\nSystem log shows:',
    );
    expect(root.children[3]).toEqual({
      type: 'code',
      lang: null,
      meta: null,
      value: 'Error 1068: The dependency service or group failed to start.',
    });
  });

  it('reads the numbered steps, the command under a step as its code, and a nested bullet list', () => {
    const steps = root.children[7] as List;
    expect(steps).toMatchObject({ type: 'list', ordered: true, start: 1 });
    expect(steps.children.map((item) => textOf(item.children[0]!))).toEqual([
      'Open an elevated command prompt.',
      'Stop the spooler and clear the queue:',
      'Remove the driver:',
      'Start the spooler again.',
    ]);
    expect((steps.children[1]!.children[1] as Code).value).toBe(
      'net stop spooler\ndel /q %SystemRoot%\\System32\\spool\\PRINTERS\\*',
    );
    const nested = steps.children[2]!.children[1] as List;
    expect(nested.ordered).toBe(false);
    expect(nested.children.map(textOf)).toEqual(['Open Print Management.', 'Delete the driver package.']);
  });
});

describe('plain-text details', () => {
  it('reads "Heading:" lines and ALL-CAPS lines as headings, not intro sentences ending in ":"', () => {
    const root = plainToMdast(
      [
        'Outlook cannot connect',
        '',
        'SYMPTOMS',
        'Outlook shows a banner.',
        'You receive the following error message:',
        'Cannot start Microsoft Outlook.',
        '',
        'Resolution:',
        '* Repair the profile.',
        '* Restart Outlook.',
      ].join('\n'),
    );
    expect(outline(root)).toEqual(['h1 Outlook cannot connect', 'h2 SYMPTOMS', 'paragraph', 'h2 Resolution', 'list']);
    expect(textOf(root.children[2]!)).toContain('You receive the following error message:\nCannot start');
  });

  it('does not take a capitalised log line inside a paragraph for a heading', () => {
    const root = plainToMdast('Title\n\nThe log shows\nERROR CONNECTION REFUSED\nevery minute.');
    expect(outline(root)).toEqual(['h1 Title', 'paragraph']);
  });

  it('continues a list across blank lines, numbers from the first marker, nests by indentation', () => {
    const root = plainToMdast('T\n\n3. a\n\n4. b\n   continued\n   - x\n     - y\n5) c\n\nafter');
    const list = root.children[1] as List;
    expect(list).toMatchObject({ ordered: true, start: 3 });
    expect(list.children).toHaveLength(3);
    expect(textOf(list.children[1]!.children[0]!)).toBe('b\ncontinued');
    const x = list.children[1]!.children[1] as List;
    expect((x.children[0]!.children[1] as List).children.map(textOf)).toEqual(['y']);
    expect(outline(root).slice(2)).toEqual(['paragraph']);
  });

  it('starts a new list when bullets follow numbers', () => {
    const root = plainToMdast('T\n1. one\n2. two\n- note');
    expect(root.children.slice(1).map((n) => (n.type === 'list' ? `list ordered=${n.ordered}` : n.type))).toEqual([
      'list ordered=true',
      'list ordered=false',
    ]);
  });

  it('reads a separator line as a thematic break, a tab-indented block as code', () => {
    const root = plainToMdast('T\n\nabove\n\n-----\n\n\tcmd --flag\n\t  sub\n');
    expect(outline(root)).toEqual(['h1 T', 'paragraph', 'thematicBreak', 'code']);
    expect((root.children[3] as Code).value).toBe('cmd --flag\n  sub');
  });

  it('handles CRLF, a byte-order mark, blank files and a first line too long to be a title', () => {
    expect(outline(plainToMdast('\ufeffTitle\r\n\r\nBody\r\n'))).toEqual(['h1 Title', 'paragraph']);
    expect(plainToMdast('')).toEqual({ type: 'root', children: [] });
    expect(plainToMdast('\n  \n')).toEqual({ type: 'root', children: [] });
    expect(outline(plainToMdast('word '.repeat(100)))).toEqual(['paragraph']);
  });

  it('caps list nesting: 5,000 ever-deeper bullets stay a shallow tree', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i * 2)}- item ${i}`).join('\n');
    const root = plainToMdast(`T\n${text}`);
    let depth = 0;
    for (let n: Nodes | undefined = root.children[1]; n && 'children' in n; n = (n.children as Nodes[]).at(-1)) depth++;
    expect(depth).toBeLessThan(50);
    expect(textOf(root)).toContain('item 4999');
  });

  it('never throws and always returns a root (property)', () => {
    const line = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        '',
        '===',
        '---',
        '* * *',
        '1. step',
        '- item',
        '    code',
        '\tcode',
        'Cause:',
        'RESOLUTION',
        '  - sub',
      ),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(line, { maxLength: 40 }).map((a) => a.join('\n')),
        ),
        (s) => {
          const root = plainToMdast(s);
          expect(root.type).toBe('root');
          // Every word of the input is somewhere in the tree (nothing is lost but markers and rules).
          const all = JSON.stringify(root);
          for (const word of s.split(/[\s:]+/).filter((w) => /^[A-Za-z]{3,}$/.test(w))) expect(all).toContain(word);
        },
      ),
      { numRuns: 500, seed: 23 },
    );
  });
});
