/**
 * The loaded knowledge base: articles by id, serialisable MiniSearch-style (toJSON / loadJSON), with
 * lookups by alert name and, for a team's documents, by file stem and title.
 */
import { ARCHIVE_FORMS, type Article } from './article.js';
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

/**
 * A name as `lookup` compares it: case-folded, spaces and punctuation removed, so "etcd database
 * quota low space", "etcdDatabaseQuotaLowSpace" and "Etcd Database-Quota LowSpace" are one key.
 */
export function lookupKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The file name of a path without its extension ("openshift/alerts/etcdNoLeader.md" → "etcdNoLeader"). */
function stemOf(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

/** Add `article` under `key` once, in KB order. */
function addTo(map: Map<string, Article[]>, key: string, article: Article): void {
  if (key === '') return;
  const list = map.get(key);
  if (!list) map.set(key, [article]);
  else if (!list.includes(article)) list.push(article);
}

export class KnowledgeBase implements Iterable<Article> {
  private readonly byId = new Map<string, Article>();
  /** Articles by alert name, case-folded. */
  private readonly byAlert = new Map<string, Article[]>();
  /** Team documents by `lookupKey` of their id, then of their alert names, file stems and titles. */
  private readonly byName: Map<string, Article[]>[] = [new Map(), new Map(), new Map(), new Map()];

  /** Articles must have distinct ids (ingest dedupes them); a later one replaces an earlier one. */
  constructor(articles: Iterable<Article> = []) {
    for (const article of articles) this.byId.set(article.id, article);
    const [ids, alerts, stems, titles] = this.byName as [
      Map<string, Article[]>,
      Map<string, Article[]>,
      Map<string, Article[]>,
      Map<string, Article[]>,
    ];
    for (const article of this.byId.values()) {
      for (const name of article.alertNames ?? []) {
        addTo(this.byAlert, name.toLowerCase(), article);
        addTo(alerts, lookupKey(name), article);
      }
      // The archive's articles are looked up by Q-number only, as always.
      if (ARCHIVE_FORMS.includes(article.form)) continue;
      addTo(ids, lookupKey(article.id), article);
      addTo(stems, lookupKey(stemOf(article.id)), article);
      addTo(titles, lookupKey(article.title), article);
    }
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

  /** The articles that are runbooks of the alert `name` (any case), in KB order; [] when none. */
  withAlertName(name: string): Article[] {
    return [...(this.byAlert.get(name.trim().toLowerCase()) ?? [])];
  }

  /** True when some article is the runbook of the alert `name` (any case). */
  hasAlertName(name: string): boolean {
    return this.byAlert.has(name.trim().toLowerCase());
  }

  /**
   * The articles a person means by `name`: the article with that id (any accepted form of a
   * Q-number, or a team document's path, "openshift/alerts/etcdNoLeader.md"); else, compared by
   * `lookupKey`, the team documents with that id, then with that alert name, then with that file
   * stem, then with that title ("show Kube Client Errors"). `source:name` looks in one KB folder
   * only ("runbooks:etcdNoLeader"). [] when nothing matches; the archive is looked up by number only.
   */
  lookup(name: string): Article[] {
    const trimmed = name.trim();
    const scoped = /^([\w.-]{1,64}):(?!\/\/)(.+)$/.exec(trimmed);
    if (scoped?.[1] && scoped[2]) {
      const source = scoped[1];
      const inSource = this.lookupName(scoped[2]).filter((a) => a.source === source);
      if (inSource.length) return inSource;
    }
    return this.lookupName(trimmed);
  }

  private lookupName(name: string): Article[] {
    const trimmed = name.trim();
    if (trimmed === '') return [];
    const exact = this.get(trimmed);
    if (exact) return [exact];
    const key = lookupKey(trimmed);
    if (key === '') return [];
    for (const map of this.byName) {
      const found = map.get(key);
      if (found?.length) return [...found];
    }
    return [];
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
