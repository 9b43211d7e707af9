/**
 * Articles loaded from the index file whose text stays in the file until it is asked for (issue
 * #27). What a ranking or a lookup reads for any candidate (id, title, product, versions, ...: the
 * "meta" fields) is held in memory; the rest (sections, quoted errors, steps, registry keys, ...) is
 * one deflated JSON record per article in the file's `bodies` section, read with one `readSync` and
 * inflated when a getter first needs it. The OS page cache holds the file, not the bot's heap: on the
 * 57,000-article archive the text is about 150 MB of heap as objects and 50 MB deflated on disk.
 *
 * A `StoredArticle` is an `Article`: callers read `a.sections` as before. `JSON.stringify` goes
 * through `toJSON()` (the whole article); a spread (`{ ...a }`) copies only the meta fields, so use
 * `toArticle()` where a plain object is needed.
 */
import { closeSync, readSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Article, ArticleForm, FileVersion, Sections } from '../article.js';
import { IndexFormatError } from '../errors.js';

/** The fields kept in memory, in the order of a stored meta row. */
export const META_FIELDS = [
  'id',
  'path',
  'title',
  'product',
  'category',
  'versions',
  'date',
  'appliesTo',
  'form',
  'source',
  'url',
  'alertNames',
] as const satisfies readonly (keyof Article)[];

/** The fields read from the file on demand (every Article field not in META_FIELDS). */
export const BODY_FIELDS = [
  'keywords',
  'issueType',
  'solutionType',
  'sections',
  'errorMessages',
  'steps',
  'registryKeys',
  'files',
  'related',
  'registryWarning',
] as const satisfies readonly (keyof Article)[];

type MetaField = (typeof META_FIELDS)[number];
type BodyField = (typeof BODY_FIELDS)[number];
export type MetaRow = unknown[];
type Body = Pick<Article, BodyField>;

export const STORED_ARTICLES_DEFAULTS = {
  /**
   * Bodies kept decoded, the last ones asked for. A paste reads up to `exactCandidates` (30) bodies
   * for the exact-quote check and the top hits' reasons; 256 covers several messages about the same
   * error at about 3 KB each.
   */
  cacheSize: 256,
  /**
   * zlib level of the articles' deflated texts. 1 writes the archive's 57,000 texts in about a
   * quarter of level 6's CPU time for a few MB more (docs/design-compact-index.md 5.1); reading is
   * as fast.
   */
  deflateLevel: 1,
} as const;

/** The meta row of an article, as `StoredArticle`s are made from. */
export function metaRow(a: Article): MetaRow {
  return META_FIELDS.map((k) => a[k]);
}

/** The article's body record (every field not in the meta row), as stored deflated in the file. */
export function bodyRecord(a: Article): Body {
  const body: Partial<Body> = {};
  for (const k of BODY_FIELDS) (body as Record<string, unknown>)[k] = a[k];
  return body as Body;
}

/** Closes the file of a body source nobody can read from any more. */
const closer = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
});

/** Where the deflated bodies are: the index file, or buffers in memory while an ingest writes it. */
export interface BodySource {
  readonly count: number;
  /** Body `i` as stored: deflated JSON. */
  raw(i: number): Buffer;
}

/** The bodies section of an index file. */
export class FileBodies implements BodySource {
  /**
   * @param fd an open descriptor of the index file, owned from now on (closed when this is collected)
   * @param base the file offset of the bodies section
   * @param offsets `n + 1` offsets within the section: body i is bytes [offsets[i], offsets[i + 1])
   */
  constructor(
    private readonly fd: number,
    private readonly base: number,
    private readonly offsets: Float64Array,
  ) {
    closer.register(this, fd);
  }

  get count(): number {
    return this.offsets.length - 1;
  }

  raw(i: number): Buffer {
    const start = this.offsets[i] as number;
    const length = (this.offsets[i + 1] as number) - start;
    const raw = Buffer.allocUnsafe(length);
    for (let off = 0; off < length;) {
      const n = readSync(this.fd, raw, off, length - off, this.base + start + off);
      if (n === 0) throw new Error('the file ended early');
      off += n;
    }
    return raw;
  }
}

/** Bodies deflated by the ingest workers, held until the index file is written. */
export class MemoryBodies implements BodySource {
  private readonly buffers: Buffer[] = [];

  get count(): number {
    return this.buffers.length;
  }

  /** Keep `body` (deflated); its number. */
  add(body: Buffer): number {
    return this.buffers.push(body) - 1;
  }

  raw(i: number): Buffer {
    const found = this.buffers[i];
    if (!found) throw new Error(`no article text ${i}`);
    return found;
  }
}

/** The bodies of one source, and the last ones decoded. */
export class BodyStore {
  private readonly cache = new Map<number, Body>();

  constructor(
    private readonly source: BodySource,
    private readonly cacheSize: number = STORED_ARTICLES_DEFAULTS.cacheSize,
  ) {}

  get count(): number {
    return this.source.count;
  }

  /** Body `i`, deflated, as stored. */
  raw(i: number): Buffer {
    try {
      return this.source.raw(i);
    } catch (err) {
      throw unreadable(err);
    }
  }

  /** Body `i`, read and inflated on the first ask. Throws IndexFormatError when the file cannot give it. */
  body(i: number): Body {
    const hit = this.cache.get(i);
    if (hit) {
      // Most recent last: Map keeps insertion order, so the first key is the least recent.
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    let body: Body;
    try {
      body = JSON.parse(inflateRawSync(this.source.raw(i)).toString('utf8')) as Body;
    } catch (err) {
      throw unreadable(err);
    }
    this.cache.set(i, body);
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value as number);
    return body;
  }
}

function unreadable(err: unknown): IndexFormatError {
  return new IndexFormatError(`an article's text cannot be read from the KB index: ${(err as Error).message}`);
}

/** What an ingest worker sends for an article: its meta row and its body, deflated there. */
export interface PackedArticle {
  meta: MetaRow;
  body: Uint8Array;
}

/** `a` as an ingest worker sends it (deflated at `level`, see STORED_ARTICLES_DEFAULTS.deflateLevel). */
export function packArticle(a: Article, level: number = STORED_ARTICLES_DEFAULTS.deflateLevel): PackedArticle {
  const deflated = deflateRawSync(Buffer.from(JSON.stringify(bodyRecord(a))), { level });
  // Copied into a buffer of its own: zlib's output is a slice of a 16 KB chunk, and a structured
  // clone (the message to the main thread) copies a view's whole buffer, so 57,000 articles would
  // cost 0.9 GB instead of 60 MB there.
  return { meta: metaRow(a), body: new Uint8Array(deflated) };
}

/**
 * An article whose meta fields are in memory and whose text is read from the index file when asked
 * for (or, during an ingest, from the deflated buffer the worker that parsed it sent).
 */
export class StoredArticle implements Article {
  declare id: string;
  declare path: string;
  declare title: string;
  declare product: string | null;
  declare category: string | null;
  declare versions: string[];
  declare date: string | null;
  declare appliesTo: string[];
  declare form: ArticleForm;
  declare source: string | null;
  declare url: string | null;
  declare alertNames: string[];
  readonly #store: BodyStore;
  readonly #n: number;

  constructor(row: MetaRow, store: BodyStore, n: number) {
    // A field the parser left out stays out (undefined survives v8.serialize and structured clone).
    META_FIELDS.forEach((k, i) => {
      if (row[i] !== undefined) (this as Record<MetaField, unknown>)[k] = row[i];
    });
    this.#store = store;
    this.#n = n;
  }

  get keywords(): string[] {
    return this.#store.body(this.#n).keywords;
  }
  get issueType(): string | null {
    return this.#store.body(this.#n).issueType;
  }
  get solutionType(): string | null {
    return this.#store.body(this.#n).solutionType;
  }
  get sections(): Sections {
    return this.#store.body(this.#n).sections;
  }
  get errorMessages(): string[] {
    return this.#store.body(this.#n).errorMessages;
  }
  get steps(): string[] {
    return this.#store.body(this.#n).steps;
  }
  get registryKeys(): string[] {
    return this.#store.body(this.#n).registryKeys;
  }
  get files(): FileVersion[] {
    return this.#store.body(this.#n).files;
  }
  get related(): string[] {
    return this.#store.body(this.#n).related;
  }
  get registryWarning(): boolean {
    return this.#store.body(this.#n).registryWarning;
  }

  /** The article's text as stored: deflated JSON of its body fields. */
  rawBody(): Buffer {
    return this.#store.raw(this.#n);
  }

  /** The whole article as a plain object, text included: the meta fields, then the body's. */
  toArticle(): Article {
    const out: Partial<Article> = {};
    for (const k of META_FIELDS) if (this[k] !== undefined) (out as Record<string, unknown>)[k] = this[k];
    return { ...out, ...this.#store.body(this.#n) } as Article;
  }

  toJSON(): Article {
    return this.toArticle();
  }
}

/** `StoredArticle`s of `rows` over `store`; checks each row's shape. */
export function storedArticles(rows: unknown, store: BodyStore): StoredArticle[] {
  if (!Array.isArray(rows)) throw new IndexFormatError('the index has no article list');
  if (rows.length !== store.count)
    throw new IndexFormatError(`the index has ${rows.length} articles and ${store.count} article texts`);
  return rows.map((row: unknown, n) => {
    if (
      !Array.isArray(row) ||
      row.length !== META_FIELDS.length ||
      typeof row[0] !== 'string' ||
      typeof row[1] !== 'string'
    )
      throw new IndexFormatError('an article has no id or path');
    return new StoredArticle(row, store, n);
  });
}
