// HTML exports (Confluence, SharePoint, a wiki) read as the same mdast node kinds Markdown gives.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Code, Heading, List, Nodes, Paragraph, Root, RootContent, Table } from 'mdast';
import { describe, expect, it } from 'vitest';
import { htmlToMdast } from '../../../../../src/kb/parse/doc/html.js';
import { cpuMs } from '../../../../helpers/cpu-time.js';

const fixtures = join(import.meta.dirname, '../../../../fixtures/teamkb');
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');

/** The visible text of a node, as a reader sees it (breaks as new lines). */
function textOf(node: Nodes): string {
  if (node.type === 'break') return '\n';
  if ('value' in node) return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(textOf).join('');
  if (node.type === 'image') return node.alt ?? '';
  return '';
}

function all(root: Nodes): Nodes[] {
  const out: Nodes[] = [];
  const stack: Nodes[] = [root];
  for (let n = stack.pop(); n; n = stack.pop()) {
    out.push(n);
    if ('children' in n) stack.push(...[...(n.children as Nodes[])].reverse());
  }
  return out;
}

const headings = (root: Root): string[] =>
  root.children.filter((n): n is Heading => n.type === 'heading').map((h) => `h${h.depth} ${textOf(h)}`);

/** The top-level blocks after the heading `title`, up to the next heading. */
function section(root: Root, title: string): RootContent[] {
  const at = root.children.findIndex((n) => n.type === 'heading' && textOf(n) === title);
  expect(at, title).toBeGreaterThanOrEqual(0);
  const end = root.children.findIndex((n, i) => i > at && n.type === 'heading');
  return root.children.slice(at + 1, end < 0 ? undefined : end);
}

describe('a Confluence export', () => {
  const doc = htmlToMdast(fixture('confluence-export.html'));
  const text = all(doc.root)
    .map((n) => ('value' in n ? n.value : ''))
    .join(' ');

  it('reads the title without the space name, and the meta tags', () => {
    expect(doc.title).toBe('Exchange transport queue is stuck');
    expect(doc.meta).toMatchObject({
      description: 'What to do when messages pile up in the Exchange submission queue.',
      keywords: 'exchange, transport, queue',
      'og:url': 'https://wiki.example.com/display/RUN/Exchange+transport+queue+is+stuck',
      'confluence:space': 'Platform Runbooks',
    });
  });

  it('keeps the headings in order, the page title as the one h1', () => {
    expect(headings(doc.root)).toEqual([
      'h1 Exchange transport queue is stuck',
      'h2 Symptoms',
      'h2 Cause',
      'h2 Resolution',
    ]);
  });

  it('leaves out scripts, styles, nav, breadcrumbs, page metadata, contents, attachments, footer, comments', () => {
    for (const gone of [
      'SCRIPT TEXT',
      'font-family',
      'Previous page',
      'Platform Runbooks',
      'Jane Admin',
      'Attachments',
      'queue.png',
      'Document generated',
      'Atlassian',
      'Old notes',
    ]) {
      expect(text, gone).not.toContain(gone);
    }
    // The table-of-contents macro's list is gone: the only lists are the resolution's.
    expect(all(doc.root).filter((n) => n.type === 'list')).toHaveLength(2);
  });

  it('makes loose text in a div a paragraph, white space collapsed as a browser shows it', () => {
    const intro = doc.root.children[1] as Paragraph;
    expect(intro.type).toBe('paragraph');
    expect(textOf(intro)).toBe('Messages sent from Outlook stay in the Outbox and the submission queue keeps growing.');
    expect(intro.children.map((n) => n.type)).toEqual(['text', 'strong', 'text']);
  });

  it('keeps the error in a <pre> as code, verbatim, and an error quote as a block quote', () => {
    const symptoms = section(doc.root, 'Symptoms');
    expect(symptoms.map((n) => n.type)).toEqual(['paragraph', 'code', 'blockquote']);
    expect((symptoms[1] as Code).value).toBe(
      '451 4.4.0 DNS query failed. The error was: DNS query failed with error ErrorRetry',
    );
    const cause = section(doc.root, 'Cause');
    expect(cause.map((n) => n.type)).toEqual(['paragraph', 'blockquote']);
    expect(textOf(cause[0]!)).toBe(
      'The Transport service caches a stale DNS server address.\nIt retries every ten minutes.',
    );
    expect(textOf(cause[1]!)).toBe('Event 205: No DNS servers could be retrieved from network adapter');
  });

  it('reads an info panel as a block quote marked the way a Markdown alert is ([!NOTE])', () => {
    const panel = section(doc.root, 'Symptoms')[2]!;
    expect(textOf(panel)).toBe('[!NOTE]\nThis happens most often after a DNS server change.');
  });

  it('reads the steps as an ordered list with the nested list and the commands as code', () => {
    const [list] = section(doc.root, 'Resolution') as [List];
    expect(list).toMatchObject({ type: 'list', ordered: true, start: 1 });
    expect(list.children).toHaveLength(3);
    const [check, restart, retry] = list.children;
    expect(check!.children.map((n) => n.type)).toEqual(['paragraph', 'list']);
    const nested = check!.children[1] as List;
    expect(nested.ordered).toBe(false);
    expect(nested.children.map(textOf)).toEqual([
      'Open the Exchange Management Shell.',
      'Note the NextHopDomain of the stuck queue.',
    ]);
    expect(all(nested).some((n) => n.type === 'inlineCode' && n.value === 'NextHopDomain')).toBe(true);
    expect(restart!.children[1]).toEqual({
      type: 'code',
      lang: 'powershell',
      meta: null,
      value: 'Restart-Service MSExchangeTransport\nGet-Queue | Where-Object { $_.MessageCount -gt 0 }',
    });
    // Confluence's code macro: the language is in data-syntaxhighlighter-params; entities decoded.
    expect(retry!.children[1]).toMatchObject({
      type: 'code',
      lang: 'powershell',
      value: 'Retry-Queue -Identity "EX01\\3"',
    });
  });

  it('reads a data table as a GFM table, two paragraphs in a cell as one line break apart', () => {
    const table = doc.root.children.find((n): n is Table => n.type === 'table')!;
    expect(table.children.map((row) => row.children.map(textOf))).toEqual([
      ['Server', 'Role'],
      ['EX01', 'Mailbox\nTransport'],
    ]);
  });

  it('reads links and images', () => {
    const nodes = all(doc.root);
    expect(nodes).toContainEqual(
      expect.objectContaining({ type: 'link', url: 'https://learn.microsoft.com/exchange/queues' }),
    );
    expect(nodes).toContainEqual(expect.objectContaining({ type: 'image', alt: '(tick)' }));
  });
});

describe('a SharePoint page', () => {
  const doc = htmlToMdast(fixture('sharepoint-page.html'));

  it('reads the title, description and canonical link', () => {
    expect(doc.title).toBe('VPN client cannot connect - IT Service Desk');
    expect(doc.meta.description).toBe('Fix for the VPN client error 809 on Windows laptops.');
    expect(doc.meta.canonical).toBe(
      'https://contoso.sharepoint.com/sites/itsd/SitePages/VPN-client-cannot-connect.aspx',
    );
  });

  it('drops the suite bar, left navigation (by role), header and footer', () => {
    const text = textOf(doc.root);
    for (const gone of ['Contoso SharePoint', 'Home', 'IT Service Desk', 'Contoso Ltd', 'webAbsoluteUrl']) {
      expect(text, gone).not.toContain(gone);
    }
  });

  it('makes each text div a paragraph and keeps the headings', () => {
    expect(headings(doc.root)).toEqual(['h3 Problem', 'h3 Solution']);
    expect(textOf(doc.root.children[0]!)).toBe('VPN client cannot connect');
    expect(section(doc.root, 'Problem').map(textOf)).toEqual([
      'When you connect, the VPN client shows:',
      'Error 809: The network connection between your computer and the VPN server could not be established',
    ]);
  });

  it('reads the steps, an unclosed <li> included, with the command as code', () => {
    const [list] = section(doc.root, 'Solution') as [List];
    expect(list.ordered).toBe(true);
    expect(list.children.map((item) => textOf(item.children[0]!))).toEqual([
      'Open Settings > Network & internet > VPN.',
      'Remove the Contoso profile.',
      'Run this in an elevated prompt:',
    ]);
    expect(list.children[2]!.children[1]).toMatchObject({ type: 'code', lang: 'cmd', value: 'rasdial /disconnect' });
  });
});

describe('HTML details', () => {
  it('takes the code language from language-x, lang-x, GitHub and Sphinx wrappers, or none', () => {
    const langs = (html: string) => all(htmlToMdast(html).root).flatMap((n) => (n.type === 'code' ? [n.lang] : []));
    expect(langs('<pre class="lang-yaml">a: 1</pre>')).toEqual(['yaml']);
    expect(langs('<pre><code class="hljs language-Bash">ls</code></pre>')).toEqual(['bash']);
    expect(langs('<div class="highlight highlight-source-shell"><pre>ls</pre></div>')).toEqual(['shell']);
    expect(langs('<div class="highlight-python notranslate"><div class="highlight"><pre>x</pre></div></div>')).toEqual([
      'python',
    ]);
    expect(langs('<pre data-syntaxhighlighter-params="brush: bash; gutter: false">oc get pods</pre>')).toEqual([
      'bash',
    ]);
    expect(langs('<pre>plain</pre>')).toEqual([null]);
  });

  it('keeps white space in <pre>: indentation and blank lines, the first newline dropped as HTML does', () => {
    const [code] = htmlToMdast('<pre>\n  if x:\n\n      y()\n</pre>').root.children as [Code];
    expect(code.value).toBe('  if x:\n\n      y()');
  });

  it('reads Confluence 5 code macros (a syntaxhighlighter script with CDATA)', () => {
    const html =
      '<script type="syntaxhighlighter" data-syntaxhighlighter-params="brush: sql"><![CDATA[SELECT 1;\n]]></script>';
    expect(htmlToMdast(html).root.children).toEqual([{ type: 'code', lang: 'sql', meta: null, value: 'SELECT 1;' }]);
  });

  it('marks each Confluence panel kind as the matching Markdown alert', () => {
    const marker = (kind: string) =>
      textOf(
        htmlToMdast(`<div class="confluence-information-macro confluence-information-macro-${kind}"><p>x</p></div>`)
          .root,
      ).split('\n')[0];
    expect(['information', 'tip', 'note', 'warning'].map(marker)).toEqual([
      '[!NOTE]',
      '[!TIP]',
      '[!WARNING]',
      '[!CAUTION]',
    ]);
  });

  it('numbers an <ol start>, reads inline code, line breaks, strikeout', () => {
    const { root } = htmlToMdast('<ol start="4"><li>a</li></ol><p>run <kbd>F5</kbd><br>then <s>old</s></p>');
    expect(root.children[0]).toMatchObject({ type: 'list', ordered: true, start: 4 });
    expect((root.children[1] as Paragraph).children.map((n) => n.type)).toEqual([
      'text',
      'inlineCode',
      'break',
      'text',
      'delete',
    ]);
  });

  it('reads a layout table (a cell holding a heading or list) as its cells’ blocks', () => {
    const { root } = htmlToMdast('<table><tr><td><h2>Fix</h2><ul><li>restart</li></ul></td><td>side</td></tr></table>');
    expect(root.children.map((n) => n.type)).toEqual(['heading', 'list', 'paragraph']);
  });

  it('reads a <span> or link wrapped around blocks as those blocks', () => {
    const { root } = htmlToMdast('<span><h2>Cause</h2><div>disk full</div></span><a href="x"><h3>More</h3></a>');
    expect(root.children.map((n) => (n.type === 'heading' ? `h${n.depth} ${textOf(n)}` : n.type))).toEqual([
      'h2 Cause',
      'paragraph',
      'h3 More',
    ]);
  });

  it('gives a null title and no meta to a fragment', () => {
    const doc = htmlToMdast('<p>Just a fragment</p>');
    expect(doc).toEqual({
      root: { type: 'root', children: [{ type: 'paragraph', children: [{ type: 'text', value: 'Just a fragment' }] }] },
      title: null,
      meta: {},
    });
  });

  it('reads malformed HTML: unclosed and misnested tags, stray closers, bad entities', () => {
    const doc = htmlToMdast(
      '<html><head><title>Broken &amp page</title><body><h2>Symptoms<p>It <b>fails <i>hard</b> now</i>' +
        '<ul><li>one<li>two</ul></div></span><pre>x &lt; y<p>after</p>',
    );
    expect(doc.title).toBe('Broken & page');
    expect(doc.root.children.map((n) => n.type)).toContain('heading');
    const text = textOf(doc.root);
    for (const part of ['Symptoms', 'It fails hard now', 'one', 'two', 'x < y']) expect(text).toContain(part);
    expect(all(doc.root).filter((n) => n.type === 'listItem')).toHaveLength(2);
  });

  it('reads 1,000 unclosed tags nested inside each other as a tree, their text kept', () => {
    for (const tag of ['div', 'b', 'blockquote', 'li']) {
      const doc = htmlToMdast(`<${tag}>x`.repeat(1000));
      expect(textOf(doc.root).replace(/\s/g, ''), tag).toBe('x'.repeat(1000));
    }
  });

  it('reads 100,000 unclosed nested tags as text, quickly (htmlparser2 slows with nesting depth)', () => {
    for (const tag of ['div', 'b', 'blockquote']) {
      const html = `<title>Deep</title><script>var no;</script>${`<${tag}>x`.repeat(100_000)}`;
      let doc: ReturnType<typeof htmlToMdast> | undefined;
      expect(
        cpuMs(() => (doc = htmlToMdast(html)), 1),
        tag,
      ).toBeLessThan(2000);
      expect(doc!.title).toBe('Deep');
      expect(textOf(doc!.root).replace(/\s/g, ''), tag).toBe('x'.repeat(100_000));
    }
  });

  // A guard, not a measurement (about 0.4 s of CPU on a busy two-core box; parsing alone is half of it).
  it('reads a 4 MB export in well under a second', () => {
    const page = fixture('confluence-export.html');
    const body = page.slice(page.indexOf('<h2'), page.indexOf('<!-- <h2>'));
    const big = body.repeat(Math.ceil(4e6 / body.length));
    const html = `<html><head><title>Big</title></head><body>${big}</body></html>`;
    expect(html.length).toBeGreaterThan(4e6);
    let doc: ReturnType<typeof htmlToMdast> | undefined;
    expect(cpuMs(() => (doc = htmlToMdast(html)))).toBeLessThan(1500);
    expect(doc!.root.children.filter((n) => n.type === 'heading').length).toBeGreaterThan(1000);
  });

  it('never throws and always returns a root (property)', () => {
    const tag = fc.constantFrom(
      'p',
      'div',
      'ul',
      'ol',
      'li',
      'pre',
      'code',
      'table',
      'tr',
      'td',
      'h2',
      'a',
      'b',
      'script',
    );
    const piece = fc.oneof(
      fc.string({ maxLength: 20 }),
      tag.map((t) => `<${t}>`),
      tag.map((t) => `</${t}>`),
      fc.constantFrom('&amp;', '&nbsp;', '<!--', '-->', '<br>', '<img alt="x">', '\n', '  '),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(piece, { maxLength: 60 }).map((a) => a.join('')),
        ),
        (s) => {
          const doc = htmlToMdast(s);
          expect(doc.root.type).toBe('root');
          expect(Array.isArray(doc.root.children)).toBe(true);
          // Nothing empty is emitted: every text node says something.
          for (const n of all(doc.root)) if (n.type === 'text') expect(n.value).not.toBe('');
        },
      ),
      { numRuns: 500, seed: 23 },
    );
  });
});
