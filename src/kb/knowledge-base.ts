/** The loaded knowledge base: articles by id, serialisable MiniSearch-style (toJSON / loadJSON). */
import type { Article } from './article.js';
import { IndexFormatError } from './errors.js';
import { normaliseKbId } from './kb-id.js';

/** Bump when the shape of `KnowledgeBaseJSON` changes. */
export const KB_JSON_VERSION = 1;

/** The plain-object form of a KnowledgeBase, as returned by `toJSON()`. */
export interface KnowledgeBaseJSON {
  format: 'kbbot-kb';
  version: number;
  articles: Article[];
}

export class KnowledgeBase implements Iterable<Article> {
  private readonly byId = new Map<string, Article>();

  /** Articles must have distinct ids (ingest dedupes them); a later one replaces an earlier one. */
  constructor(articles: Iterable<Article> = []) {
    for (const article of articles) this.byId.set(article.id, article);
  }

  /** The article with this id, written any accepted way ("Q290226", "KB290226", "290226"). */
  get(id: string): Article | undefined {
    const found = this.byId.get(id);
    if (found) return found;
    const canonical = normaliseKbId(id);
    return canonical ? this.byId.get(canonical) : undefined;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get size(): number {
    return this.byId.size;
  }

  [Symbol.iterator](): Iterator<Article> {
    return this.byId.values();
  }

  /** All articles, in the order they were added (ingest adds them in sorted path order). */
  articles(): Article[] {
    return [...this.byId.values()];
  }

  toJSON(): KnowledgeBaseJSON {
    return { format: 'kbbot-kb', version: KB_JSON_VERSION, articles: this.articles() };
  }

  /** Rebuild from the string of `JSON.stringify(kb)`. Throws IndexFormatError on anything else. */
  static loadJSON(json: string): KnowledgeBase {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw new IndexFormatError(`not JSON: ${(err as Error).message}`);
    }
    return KnowledgeBase.loadJS(parsed);
  }

  /** Rebuild from the plain object of `toJSON()` (e.g. after v8.deserialize). */
  static loadJS(js: unknown): KnowledgeBase {
    const obj = js as Partial<KnowledgeBaseJSON> | null;
    if (!obj || typeof obj !== 'object' || obj.format !== 'kbbot-kb')
      throw new IndexFormatError('not a kbbot knowledge base');
    if (obj.version !== KB_JSON_VERSION)
      throw new IndexFormatError(`knowledge base version ${String(obj.version)}, expected ${KB_JSON_VERSION}`);
    if (!Array.isArray(obj.articles)) throw new IndexFormatError('knowledge base has no article list');
    for (const a of obj.articles as unknown[]) {
      const art = a as Partial<Article> | null;
      if (!art || typeof art.id !== 'string' || typeof art.path !== 'string')
        throw new IndexFormatError('an article has no id or path');
    }
    return new KnowledgeBase(obj.articles);
  }
}
