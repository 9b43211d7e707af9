/**
 * An HTML page (a Confluence, SharePoint or wiki export) as an mdast tree of the node kinds Markdown
 * gives, so a team's HTML goes through the same pipeline as its Markdown. htmlparser2 builds the DOM
 * (tolerant of unclosed and misnested tags, entities decoded); this module only walks it.
 */
import type {
  BlockContent,
  Break,
  Code,
  Heading,
  List,
  ListItem,
  Paragraph,
  PhrasingContent,
  Root,
  RootContent,
  Table,
  TableCell,
  TableRow,
  Text,
} from 'mdast';
import { DomHandler, DomUtils, Parser, Tokenizer, type Handler } from 'htmlparser2';

export interface HtmlDoc {
  root: Root;
  /** The page's `<title>`, whitespace collapsed (Confluence's "Space : " prefix removed); null without one. */
  title: string | null;
  /**
   * `<meta name|property=… content=…>` by lowercased name (`description`, `keywords`, `og:url`, …), the
   * first of each; also `canonical` from `<link rel="canonical">` and, for a Confluence export, `confluence:space`.
   */
  meta: Record<string, string>;
}

type DomDocument = DomHandler['root'];
type DomElement = Parameters<typeof DomUtils.getAttributeValue>[0];
type DomNode = DomElement['children'][number];

/**
 * Deepest element nesting converted structurally (browsers cap theirs at 512); anything deeper becomes
 * its text. Keeps the walk and every consumer of the tree off the stack limit on pathological input.
 */
const MAX_DEPTH = 256;

/**
 * Open elements beyond which a page is read as text only: htmlparser2's work per tag grows with the
 * open-element stack, so 100,000 unclosed tags would take minutes. Real exports nest a few dozen deep.
 */
const MAX_PARSE_DEPTH = 2000;

/** Elements whose end starts a new paragraph when a too-deep page is read as text only. */
const TEXT_ONLY_BREAKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'tr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
]);

/** Elements dropped with all they contain: page furniture, scripts, and things that are not text. */
const DROPPED = new Set([
  'script',
  'style',
  'nav',
  'header',
  'footer',
  'noscript',
  'template',
  'svg',
  'math',
  'head',
  'title',
  'meta',
  'link',
  'base',
  'iframe',
  'object',
  'embed',
  'canvas',
  'audio',
  'video',
  'map',
  'button',
  'select',
  'input',
]);

/** ARIA roles of page furniture (the role of nav, header and footer given to a div): dropped like them. */
const DROPPED_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'search']);

/**
 * Ids of export chrome dropped like nav: Confluence's breadcrumbs and footer, and MediaWiki's
 * table of contents, navigation and category links.
 */
const DROPPED_IDS = new Set([
  'breadcrumb-section',
  'footer',
  'toc',
  'siteSub',
  'jump-to-nav',
  'mw-navigation',
  'catlinks',
]);

/**
 * Classes of export chrome dropped like nav: Confluence's "Created by … last modified" line, its
 * attachments and comments sections, table-of-contents macro and "Click here to expand" control;
 * MediaWiki's "[edit]" links, table of contents, navigation boxes and print footer.
 */
const DROPPED_CLASSES = new Set([
  'page-metadata',
  'pageSection',
  'toc-macro',
  'expand-control',
  'mw-editsection',
  'toc',
  'navbox',
  'printfooter',
]);

/** Elements that hold other blocks and become just their children. */
const CONTAINERS = new Set([
  'html',
  'body',
  'div',
  'section',
  'article',
  'main',
  'aside',
  'figure',
  'figcaption',
  'details',
  'summary',
  'dl',
  'dt',
  'dd',
  'form',
  'fieldset',
  'legend',
  'center',
  'address',
  'hgroup',
  'caption',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'li',
]);

/** Elements that start a block of their own (everything else is inline, e.g. span, font, u). */
const BLOCKS = new Set([
  ...CONTAINERS,
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'p',
  'ul',
  'ol',
  'pre',
  'blockquote',
  'table',
  'hr',
]);

/** Inline elements whose text is code. */
const CODE_INLINE = new Set(['code', 'kbd', 'samp', 'tt', 'var']);

/** Confluence's information-macro kinds, as the Markdown alert ("> [!NOTE]") that means the same. */
const PANEL_KINDS: Record<string, string> = {
  information: 'NOTE',
  tip: 'TIP',
  note: 'WARNING',
  warning: 'CAUTION',
};

/** The class that marks a Confluence info/tip/note/warning panel. */
const PANEL_CLASS = 'confluence-information-macro';

/** An HTML page as mdast plus its title and meta tags. Never throws on any string. */
export function htmlToMdast(html: string): HtmlDoc {
  const dom = parse(html);
  if (!dom) return textOnly(html);
  const { title, meta, confluence, gone, withBlock } = scan(dom.children);
  let pageTitle = title;
  let spacePrefix: string | null = null;
  if (confluence && title) {
    const at = title.indexOf(' : ');
    if (at > 0 && at + 3 < title.length) {
      spacePrefix = title.slice(0, at + 3);
      meta.set('confluence:space', title.slice(0, at));
      pageTitle = title.slice(at + 3);
    }
  }
  const converter = new Converter(gone, withBlock, spacePrefix);
  const root: Root = { type: 'root', children: converter.flow(dom.children, 0) as RootContent[] };
  return { root, title: pageTitle, meta: Object.fromEntries(meta) };
}

class TooDeep extends Error {}

/** The DOM of `html`, or null when elements nest deeper than MAX_PARSE_DEPTH. */
function parse(html: string): DomDocument | null {
  const dom = new DomHandler();
  let depth = 0;
  const handler: Partial<Handler> = {
    onparserinit: (p) => dom.onparserinit(p),
    onreset: () => dom.onreset(),
    onend: () => dom.onend(),
    onerror: (e) => dom.onerror(e),
    onopentag: (name, attribs) => {
      if (++depth > MAX_PARSE_DEPTH) throw new TooDeep();
      dom.onopentag(name, attribs);
    },
    onclosetag: () => {
      depth--;
      dom.onclosetag();
    },
    ontext: (t) => dom.ontext(t),
    oncomment: (c) => dom.oncomment(c),
    oncommentend: () => dom.oncommentend(),
    oncdatastart: () => dom.oncdatastart(),
    oncdataend: () => dom.oncdataend(),
    onprocessinginstruction: (n, d) => dom.onprocessinginstruction(n, d),
  };
  try {
    new Parser(handler).end(html);
  } catch (e) {
    if (e instanceof TooDeep) return null;
    throw e;
  }
  return dom.root;
}

/**
 * A page nested too deep to parse as a tree, read as text: paragraphs split at block tags, the title
 * kept, scripts and styles left out, entities decoded.
 */
function textOnly(html: string): HtmlDoc {
  const paragraphs: string[] = [];
  let buf = '';
  let title: string | null = null;
  let inTitle = false;
  let raw: string | null = null; // inside script or style: their text is not shown
  const name = (start: number, end: number): string => html.slice(start, end).toLowerCase();
  const flush = (): void => {
    const t = collapse(buf).trim();
    if (t) paragraphs.push(t);
    buf = '';
  };
  const add = (t: string): void => {
    if (raw) return;
    if (inTitle) title = (title ?? '') + t;
    else buf += t;
  };
  const noop = (): void => {};
  const tokenizer = new Tokenizer(
    {},
    {
      onattribdata: noop,
      onattribentity: noop,
      onattribend: noop,
      onattribname: noop,
      oncdata: noop,
      oncomment: noop,
      ondeclaration: noop,
      onend: noop,
      onopentagend: noop,
      onprocessinginstruction: noop,
      onselfclosingtag: noop,
      onopentagname: (start, end) => {
        const tag = name(start, end);
        if (tag === 'script' || tag === 'style') raw = tag;
        else if (tag === 'title') inTitle = true;
        else if (TEXT_ONLY_BREAKS.has(tag)) flush();
      },
      onclosetag: (start, end) => {
        const tag = name(start, end);
        if (tag === raw) raw = null;
        else if (tag === 'title') inTitle = false;
        else if (TEXT_ONLY_BREAKS.has(tag)) flush();
      },
      ontext: (start, end) => add(html.slice(start, end)),
      ontextentity: (codepoint) => add(String.fromCodePoint(codepoint)),
    },
  );
  tokenizer.write(html);
  tokenizer.end();
  flush();
  const children: RootContent[] = paragraphs.map((value) => ({
    type: 'paragraph',
    children: [{ type: 'text', value }],
  }));
  const t = title === null ? '' : collapse(title).trim();
  return { root: { type: 'root', children }, title: t || null, meta: {} };
}

interface Scan {
  title: string | null;
  meta: Map<string, string>;
  /** Whether the page is a Confluence export (it has Confluence's title span). */
  confluence: boolean;
  /** Elements left out with all they hold (asked of every element outside them, several times each). */
  gone: Set<DomElement>;
  /**
   * Elements that hold a block somewhere inside (a `<span>` around a `<div>`, a link around a
   * heading): those are read as containers, not inline.
   */
  withBlock: Set<DomElement>;
}

/** One iterative pass over the DOM: title, meta tags, what is left out, what holds blocks. */
function scan(nodes: DomNode[]): Scan {
  const result: Scan = { title: null, meta: new Map(), confluence: false, gone: new Set(), withBlock: new Set() };
  const { meta, gone, withBlock } = result;
  const kept: DomElement[] = [];
  const stack = [...nodes].reverse();
  const inGone: boolean[] = stack.map(() => false);
  for (let node = stack.pop(); node; node = stack.pop()) {
    let hidden = inGone.pop()!;
    if (!DomUtils.isTag(node)) continue;
    const name = node.name;
    if (name === 'svg' || name === 'math' || name === 'template') {
      if (!hidden) gone.add(node);
      continue;
    }
    const a = node.attribs;
    if (name === 'title' && result.title === null) result.title = collapse(DomUtils.textContent(node)).trim() || null;
    else if (name === 'meta') {
      const key = (a.name ?? a.property)?.trim().toLowerCase();
      if (key && a.content !== undefined && !meta.has(key)) meta.set(key, collapse(a.content).trim());
    } else if (name === 'link' && a.href && tokens(a.rel).some((t) => t.toLowerCase() === 'canonical')) {
      if (!meta.has('canonical')) meta.set('canonical', a.href.trim());
    }
    if (a.id === 'title-text' || a.id === 'title-heading') result.confluence = true;
    if (!hidden) {
      if (isDropped(node)) {
        gone.add(node);
        hidden = true;
      } else kept.push(node);
    }
    for (let i = node.children.length - 1; i >= 0; i--) {
      stack.push(node.children[i]!);
      inGone.push(hidden);
    }
  }
  // `kept` is in document order, so walking it backwards sees children before their parents.
  for (let i = kept.length - 1; i >= 0; i--) {
    const el = kept[i]!;
    const parent = el.parent;
    if (parent && DomUtils.isTag(parent) && (isBlock(el) || withBlock.has(el))) withBlock.add(parent);
  }
  return result;
}

/** Whether an element and all it holds is left out. */
function isDropped(el: DomElement): boolean {
  if (DROPPED.has(el.name) && !isSyntaxHighlighter(el)) return true;
  const a = el.attribs;
  if (a.role && DROPPED_ROLES.has(a.role.trim().toLowerCase())) return true;
  if (a.id && DROPPED_IDS.has(a.id)) return true;
  return a.class !== undefined && tokens(a.class).some((c) => DROPPED_CLASSES.has(c));
}

/** Confluence 5's code macro: `<script type="syntaxhighlighter"><![CDATA[…]]></script>`. */
function isSyntaxHighlighter(el: DomElement): boolean {
  return el.name === 'script' && el.attribs.type === 'syntaxhighlighter';
}

function isPanel(el: DomElement): boolean {
  return el.attribs.class !== undefined && tokens(el.attribs.class).includes(PANEL_CLASS);
}

function isBlock(el: DomElement): boolean {
  return BLOCKS.has(el.name) || isSyntaxHighlighter(el);
}

/** Breaks that stand for a block boundary flattened into inline content (two paragraphs in a table cell). */
const blockBreaks = new WeakSet<Break>();

class Converter {
  constructor(
    private readonly gone: Set<DomElement>,
    private readonly withBlock: Set<DomElement>,
    /** Confluence's "Space : " title prefix, removed from the page's title heading too. */
    private readonly spacePrefix: string | null,
  ) {}

  /** Block content of a run of sibling nodes: inline runs between blocks become paragraphs. */
  flow(nodes: DomNode[], depth: number): BlockContent[] {
    const out: BlockContent[] = [];
    let inline: PhrasingContent[] = [];
    const flush = (): void => {
      const p = paragraph(inline);
      if (p) out.push(p);
      inline = [];
    };
    for (const node of nodes) {
      if (DomUtils.isText(node)) {
        inline.push(text(node.data));
      } else if (DomUtils.isTag(node) && !this.gone.has(node)) {
        if (depth >= MAX_DEPTH) {
          inline.push(text(plainText(node, ' ', this.gone)));
        } else if (isBlock(node) || this.withBlock.has(node)) {
          flush();
          out.push(...this.block(node, depth + 1));
        } else {
          inline.push(...this.phrasing(node, depth + 1, 'break'));
        }
      }
    }
    flush();
    return out;
  }

  private block(el: DomElement, depth: number): BlockContent[] {
    const name = el.name;
    if (/^h[1-6]$/.test(name)) return this.heading(el, depth);
    switch (name) {
      case 'p':
        if (this.withBlock.has(el)) return this.flow(el.children, depth);
        return optional(paragraph(this.phrasingChildren(el, depth, 'break')));
      case 'ul':
      case 'ol':
        return optional(this.list(el, depth));
      case 'pre':
        return optional(code(preText(el, this.gone), langOf(el)));
      case 'script':
        return optional(code(cdata(DomUtils.textContent(el)), brush(el.attribs['data-syntaxhighlighter-params'])));
      case 'blockquote': {
        const children = this.flow(el.children, depth);
        return children.length ? [{ type: 'blockquote', children }] : [];
      }
      case 'table':
        return this.table(el, depth);
      case 'hr':
        return [{ type: 'thematicBreak' }];
    }
    if (isPanel(el)) return this.panel(el, depth);
    return this.flow(el.children, depth);
  }

  /** A heading; blocks inside an unclosed one (`<h2>Symptoms<p>…`) follow it instead of joining its text. */
  private heading(el: DomElement, depth: number): BlockContent[] {
    const level = Number(el.name.slice(1)) as Heading['depth'];
    let nodes = el.children;
    let after: BlockContent[] = [];
    if (this.withBlock.has(el)) {
      const at = nodes.findIndex((n) => DomUtils.isTag(n) && (isBlock(n) || this.withBlock.has(n)));
      after = this.flow(nodes.slice(at), depth);
      nodes = nodes.slice(0, at);
    }
    const inline: PhrasingContent[] = [];
    for (const child of nodes) inline.push(...this.phrasing(child, depth + 1, 'space'));
    let children = normalize(inline);
    if (this.spacePrefix && el.attribs.id === 'title-heading') {
      const whole = children.length === 1 && children[0]!.type === 'text' ? children[0]!.value : null;
      if (whole?.startsWith(this.spacePrefix)) children = [text(whole.slice(this.spacePrefix.length))];
    }
    return children.length ? [{ type: 'heading', depth: level, children }, ...after] : after;
  }

  /** A Confluence panel as a block quote opening with the alert marker Markdown would use ("[!NOTE]"). */
  private panel(el: DomElement, depth: number): BlockContent[] {
    const children = this.flow(el.children, depth);
    if (!children.length) return [];
    const kindClass = tokens(el.attribs.class).find((c) => c.startsWith(`${PANEL_CLASS}-`));
    const kind = PANEL_KINDS[kindClass?.slice(PANEL_CLASS.length + 1) ?? ''] ?? 'NOTE';
    const marker = `[!${kind}]`;
    const first = children[0]!;
    const lead = first.type === 'paragraph' ? first.children[0] : undefined;
    if (lead?.type === 'text') lead.value = `${marker}\n${lead.value}`;
    else if (first.type === 'paragraph') first.children.unshift({ type: 'text', value: `${marker}\n` });
    else children.unshift({ type: 'paragraph', children: [text(marker)] });
    return [{ type: 'blockquote', children }];
  }

  private list(el: DomElement, depth: number): List | null {
    const items: ListItem[] = [];
    for (const child of el.children) {
      if (DomUtils.isTag(child) && child.name === 'li') {
        if (this.gone.has(child)) continue;
        const blocks = this.flow(child.children, depth + 1);
        if (blocks.length) items.push({ type: 'listItem', spread: false, checked: null, children: blocks });
      } else {
        // Text or a stray element between items (`<ul><li>a</li><ul>…</ul></ul>` from Word): part of the item before.
        const blocks = this.flow([child], depth + 1);
        if (!blocks.length) continue;
        const last = items.at(-1);
        if (last) last.children.push(...blocks);
        else items.push({ type: 'listItem', spread: false, checked: null, children: blocks });
      }
    }
    if (!items.length) return null;
    const ordered = el.name === 'ol';
    const start = ordered ? Number.parseInt(el.attribs.start ?? '', 10) : NaN;
    return {
      type: 'list',
      ordered,
      start: ordered ? (Number.isFinite(start) ? start : 1) : null,
      spread: false,
      children: items,
    };
  }

  /**
   * A data table as a GFM table; a layout table (a cell holding headings, lists, code or another
   * table, or a single cell) as the blocks of its cells in order, as a reader sees them.
   */
  private table(el: DomElement, depth: number): BlockContent[] {
    const rows: BlockContent[][][] = [];
    const before: BlockContent[] = [];
    const visit = (parent: DomElement): void => {
      for (const child of parent.children) {
        if (!DomUtils.isTag(child) || this.gone.has(child)) continue;
        if (child.name === 'thead' || child.name === 'tbody' || child.name === 'tfoot') visit(child);
        else if (child.name === 'tr') {
          const cells = child.children.filter(
            (c): c is DomElement => DomUtils.isTag(c) && (c.name === 'td' || c.name === 'th') && !this.gone.has(c),
          );
          if (cells.length) rows.push(cells.map((c) => this.flow(c.children, depth + 2)));
        } else if (child.name === 'caption') before.push(...this.flow(child.children, depth + 1));
      }
    };
    visit(el);
    const cells = rows.flat();
    const layout = cells.length === 1 || cells.some((blocks) => blocks.some((b) => b.type !== 'paragraph'));
    if (layout) return [...before, ...cells.flat()];
    if (!rows.length) return before;
    const width = rows.reduce((max, r) => Math.max(max, r.length), 0);
    const children: TableRow[] = rows.map((r) => ({
      type: 'tableRow',
      children: r.map((blocks): TableCell => ({ type: 'tableCell', children: joinParagraphs(blocks as Paragraph[]) })),
    }));
    const table: Table = { type: 'table', align: Array.from({ length: width }, () => null), children };
    return [...before, table];
  }

  private phrasingChildren(el: DomElement, depth: number, sep: 'break' | 'space'): PhrasingContent[] {
    const out: PhrasingContent[] = [];
    for (const child of el.children) out.push(...this.phrasing(child, depth + 1, sep));
    return out;
  }

  /** Inline content of one node; blocks met inside inline content are flattened, set apart by `sep`. */
  private phrasing(node: DomNode, depth: number, sep: 'break' | 'space'): PhrasingContent[] {
    if (DomUtils.isText(node)) return [text(node.data)];
    if (!DomUtils.isTag(node) || this.gone.has(node)) return [];
    if (depth >= MAX_DEPTH) return [text(plainText(node, ' ', this.gone))];
    const a = node.attribs;
    switch (node.name) {
      case 'br':
        return [{ type: 'break' }];
      case 'img':
        return [{ type: 'image', url: (a.src ?? '').trim(), alt: a.alt ?? '', title: a.title ?? null }];
      case 'strong':
      case 'b':
        return [{ type: 'strong', children: this.phrasingChildren(node, depth, sep) }];
      case 'em':
      case 'i':
        return [{ type: 'emphasis', children: this.phrasingChildren(node, depth, sep) }];
      case 's':
      case 'del':
      case 'strike':
        return [{ type: 'delete', children: this.phrasingChildren(node, depth, sep) }];
      case 'a': {
        const href = a.href?.trim();
        const children = this.phrasingChildren(node, depth, sep);
        if (!href || /^javascript:/i.test(href)) return children;
        return [{ type: 'link', url: href, title: a.title ?? null, children }];
      }
      case 'pre':
        return [{ type: 'inlineCode', value: collapse(preText(node, this.gone)).trim() }];
    }
    if (CODE_INLINE.has(node.name))
      return [{ type: 'inlineCode', value: collapse(plainText(node, ' ', this.gone)).trim() }];
    const children = this.phrasingChildren(node, depth, sep);
    if (!isBlock(node)) return children;
    const edge: PhrasingContent = sep === 'space' ? text(' ') : blockBreak();
    const after: PhrasingContent = sep === 'space' ? text(' ') : blockBreak();
    return [edge, ...children, after];
  }
}

function optional<T>(node: T | null): T[] {
  return node ? [node] : [];
}

function blockBreak(): Break {
  const b: Break = { type: 'break' };
  blockBreaks.add(b);
  return b;
}

/** Text as a browser lays it out: no zero-width characters, no-break spaces as spaces, runs of white space as one. */
function collapse(s: string): string {
  const visible = /[\u200b\ufeff]/.test(s) ? s.replace(/[\u200b\ufeff]/g, '') : s;
  return visible.replace(/[\t\n\f\r \u00a0]+/g, ' ');
}

function text(value: string): Text {
  return { type: 'text', value: collapse(value) };
}

function tokens(attr: string | undefined): string[] {
  return attr ? attr.split(/\s+/).filter(Boolean) : [];
}

/** A paragraph of inline content, or null when nothing visible is left. */
function paragraph(inline: PhrasingContent[]): Paragraph | null {
  const children = normalize(inline);
  return children.length ? { type: 'paragraph', children } : null;
}

/** A table cell's paragraphs as one line of inline content, a break between them. */
function joinParagraphs(blocks: Paragraph[]): PhrasingContent[] {
  const inline: PhrasingContent[] = [];
  for (const p of blocks) {
    if (inline.length) inline.push(blockBreak());
    inline.push(...p.children);
  }
  return normalize(inline);
}

type Parent = Extract<PhrasingContent, { children: PhrasingContent[] }>;

/**
 * Inline content with white space as a browser shows it: one space between words across element
 * boundaries, none at the start, the end or around a line break; empty text, empty emphasis and empty
 * links removed, adjacent text merged, line breaks at the edges dropped.
 */
function normalize(inline: PhrasingContent[]): PhrasingContent[] {
  let prevSpace = true;
  let lastText: Text | null = null;
  const trimLast = (): void => {
    if (lastText?.value.endsWith(' ')) lastText.value = lastText.value.slice(0, -1);
  };
  const walk = (nodes: PhrasingContent[]): PhrasingContent[] => {
    const out: PhrasingContent[] = [];
    for (const node of nodes) {
      if (node.type === 'text') {
        let value = node.value;
        if (prevSpace && value.startsWith(' ')) value = value.slice(1);
        if (!value) continue;
        const prev = out.at(-1);
        if (prev?.type === 'text' && prev === lastText) prev.value += value;
        else out.push((lastText = { type: 'text', value }));
        prevSpace = value.endsWith(' ');
      } else if (node.type === 'break') {
        trimLast();
        out.push(node);
        prevSpace = true;
        lastText = null;
      } else if ('children' in node) {
        out.push({ ...node, children: walk(node.children) } as Parent);
      } else if (node.type === 'inlineCode' && !node.value) {
        continue;
      } else {
        out.push(node);
        prevSpace = false;
        lastText = null;
      }
    }
    return out;
  };
  const walked = walk(inline);
  trimLast();
  const pruned = prune(walked);
  // Breaks at the edges show nothing; a block boundary next to a line break adds nothing.
  while (pruned[0]?.type === 'break') pruned.shift();
  while (pruned.at(-1)?.type === 'break') pruned.pop();
  return pruned.filter((n, i) => !(n.type === 'break' && blockBreaks.has(n) && pruned[i - 1]?.type === 'break'));
}

/** Drops empty text and empty emphasis/strong/delete/links; merges text made adjacent by that. */
function prune(nodes: PhrasingContent[]): PhrasingContent[] {
  const out: PhrasingContent[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      if (!node.value) continue;
      const prev = out.at(-1);
      if (prev?.type === 'text') {
        out[out.length - 1] = { type: 'text', value: prev.value + node.value };
        continue;
      }
    } else if ('children' in node) {
      const children = prune(node.children);
      if (!children.length) continue;
      node.children = children;
    }
    out.push(node);
  }
  return out;
}

/** The text of a subtree without recursion (any depth), `br` as `brAs`, dropped elements left out. */
function plainText(el: DomElement, brAs: string, gone: Set<DomElement>): string {
  let out = '';
  const stack: DomNode[] = [el];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (DomUtils.isText(node)) out += node.data;
    else if (DomUtils.isTag(node) && !gone.has(node)) {
      if (node.name === 'br') out += brAs;
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  }
  return out;
}

/**
 * The text of a `<pre>` exactly as shown: white space kept, `br` and line-wrapping blocks (highlighters'
 * `<div class="line">`) as new lines, the newline right after `<pre>` dropped (as HTML does), trailing
 * white space dropped.
 */
function preText(pre: DomElement, gone: Set<DomElement>): string {
  let out = '';
  const stack: (DomNode | '\n')[] = [pre];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node === '\n') {
      if (out && !out.endsWith('\n')) out += '\n';
    } else if (DomUtils.isText(node)) out += node.data;
    else if (DomUtils.isTag(node) && !gone.has(node)) {
      if (node.name === 'br') out += '\n';
      const block = node !== pre && BLOCKS.has(node.name);
      if (block) stack.push('\n');
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
      if (block) stack.push('\n');
    }
  }
  return out
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200b\ufeff]/g, '')
    .replace(/\u00a0/g, ' ')
    .replace(/^\n/, '')
    .trimEnd();
}

function code(value: string, lang: string | null): Code | null {
  return value.trim() ? { type: 'code', lang, meta: null, value } : null;
}

/** Confluence 5 wraps its code in CDATA markers that HTML reads as text. */
function cdata(s: string): string {
  const inner = s
    .trim()
    .replace(/^<!\[CDATA\[/, '')
    .replace(/\]\]>$/, '');
  return inner.replace(/^\r?\n/, '').trimEnd();
}

/**
 * The language of a `<pre>`: `language-x`/`lang-x` classes (on the pre, its code, or the wrappers
 * GitHub and Sphinx put around it: `highlight-source-x`, `highlight-x`), `data-lang`, or Confluence's
 * `data-syntaxhighlighter-params="brush: bash; …"`.
 */
function langOf(pre: DomElement): string | null {
  const codeChild = pre.children.find((c): c is DomElement => DomUtils.isTag(c) && c.name === 'code');
  const parent = pre.parent && DomUtils.isTag(pre.parent) ? pre.parent : null;
  const grandparent = parent?.parent && DomUtils.isTag(parent.parent) ? parent.parent : null;
  for (const el of [pre, codeChild, parent, grandparent]) {
    if (!el) continue;
    for (const c of tokens(el.attribs.class)) {
      const m = /^(?:language|lang|highlight-source|highlight)-(.+)$/.exec(c);
      if (m) return m[1]!.toLowerCase();
    }
    const data = el.attribs['data-lang'] ?? brush(el.attribs['data-syntaxhighlighter-params']);
    if (data) return data.trim().toLowerCase();
  }
  return null;
}

/** The brush of Confluence's `data-syntaxhighlighter-params` ("brush: bash; gutter: false"). */
function brush(params: string | undefined): string | null {
  for (const part of params?.split(';') ?? []) {
    const [key, value] = part.split(':', 2).map((s) => s.trim());
    if (key?.toLowerCase() === 'brush' && value) return value.toLowerCase();
  }
  return null;
}
