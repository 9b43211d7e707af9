/**
 * The search index built in parts (each ingest worker indexes the articles it parsed, the main
 * thread merges) must be the sequential `Ranker.build`'s, byte for byte once saved: the same
 * vocabulary order, postings, float bits, run hashes, speller words and abbreviations, so that
 * every ranking stays what it was (issue #27, design-compact-index.md section 8, check 1). The
 * worker threads themselves are covered by test/unit/kb/index/worker-pool.test.ts; here the
 * builders run on this thread, over articles split unevenly and out of order between them.
 */
import fc from 'fast-check';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../src/kb/article.js';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { buildInParts, localSide, PartialBuilder, type ArticlePlace } from '../../../../src/kb/rank/parallel-build.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { normaliseText } from '../../../../src/kb/rank/tokens.js';
import { makeArticle } from '../../../helpers/articles.js';

/** A small deterministic generator (the KB must be the same on every run). */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) & 0x7fffffff;
    return x / 0x80000000;
  };
}

const WORDS = [
  'printer',
  'spooler',
  'stops',
  'responding',
  "can't",
  'connect',
  'Exchange',
  'server',
  'Service',
  'Pack',
  '3',
  'SP',
  '4',
  'Win',
  '95',
  'NT',
  '4.0',
  'e-mail',
  'error',
  '0x0A',
  'kmserver.exe',
  'Outlook',
  "doesn't",
  "user's",
  'mailbox',
  'the',
  'a',
  'of',
  'replication',
  'WfW',
  'w2k',
  'directory',
  'logon',
  'fails',
  'Internet',
  'Mail',
];

/** Definitions the abbreviation miner finds (each used in several articles, so kept). */
const DEFINED = [
  'the Key Management Server (KMS)',
  'an Internet Mail Connector (IMC)',
  'the New Technology (NT) kernel',
  'Public Folder Replication Agent (PFRA)',
];

function sentence(next: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
}

/** Archive articles, team documents and unnamed ones: three sources, with long forms and fields ending in "Win". */
function generatedArticles(count: number, seed = 7): Article[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, i) => {
    const team = i % 5 === 0;
    const definition = next() < 0.3 ? ` ${DEFINED[Math.floor(next() * DEFINED.length)]}.` : '';
    // A field ending in "Win" with a long form in it: the one place a rewrite could reach the
    // abbreviations appended after it ("win" + "nt").
    const win = i % 7 === 0 ? ' on New Technology Win' : '';
    return makeArticle({
      id: `Q${100000 + i}`,
      path: `/kb/${String(i).padStart(4, '0')}.txt`,
      title: sentence(next, 3 + Math.floor(next() * 5)),
      source: team ? 'runbooks' : i % 11 === 0 ? null : 'archive',
      form: team ? 'gfm' : 'text',
      alertNames: team && i % 2 === 0 ? [`KubeNode${i}NotReady`] : [],
      errorMessages: next() < 0.5 ? [sentence(next, 6)] : [],
      sections: {
        symptoms: `${sentence(next, 12)}${definition}${win}`,
        cause: next() < 0.6 ? sentence(next, 8) : '',
        resolution: sentence(next, 10),
        ...(team ? { impact: sentence(next, 5), diagnosis: `${sentence(next, 6)} Internet Mail Connector` } : {}),
        'more information': next() < 0.4 ? `${sentence(next, 15)} Key Management Server` : undefined,
      },
      appliesTo: next() < 0.3 ? ['Microsoft Exchange Server 5.5'] : [],
    });
  });
}

/**
 * Index `articles` (the parse's order) on `builders` builders as ingest does: batches of uneven
 * sizes handed out in an order that mixes them up, a copy of some articles that dedupe drops.
 */
async function builtInParts(articles: Article[], builders: number, seed: number): Promise<Ranker> {
  const next = random(seed);
  const sides = Array.from({ length: builders }, () => new PartialBuilder());
  const places = new Map<Article, ArticlePlace>();
  let key = 0;
  for (let at = 0; at < articles.length;) {
    const size = 1 + Math.floor(next() * 9);
    const side = Math.floor(next() * builders);
    for (const a of articles.slice(at, at + size)) {
      const builder = sides[side] as PartialBuilder;
      // A dropped duplicate first, under its own key: the builder must leave it out.
      if (next() < 0.1) builder.add(key++, { ...a, path: `${a.path}.old` });
      places.set(a, { key, side, definitions: builder.add(key, a) });
      key++;
    }
    at += size;
  }
  return buildInParts(new KnowledgeBase(articles), sides.map(localSide), (a) => places.get(a) as ArticlePlace);
}

const saved = (r: Ranker): Buffer => v8.serialize(r.toJSON());
/** Byte equality of two saved indexes (a failing `toEqual` of 100 KB buffers takes half a minute to print). */
const same = (a: Ranker, b: Ranker): boolean => saved(a).equals(saved(b));

describe('the search index built in parts', () => {
  const articles = generatedArticles(260);
  const kb = new KnowledgeBase(articles);
  const sequential = Ranker.build(kb);

  it('is the sequential build byte for byte, on 1, 2 and 3 builders', async () => {
    expect(sequential.sources.map((s) => s.source)).toEqual(['archive', 'runbooks', null]);
    for (const builders of [1, 2, 3])
      expect(same(await builtInParts(articles, builders, builders), sequential)).toBe(true);
  });

  it('mines the abbreviations and reads the long forms articles spell out', async () => {
    const parts = (await builtInParts(articles, 2, 11)).toJSON() as {
      sources: { index: { abbreviations: [string, string][]; terms: { vocabulary: string[] } } }[];
    };
    const archive = parts.sources[0]?.index;
    expect(new Map(archive?.abbreviations).get('kms')).toBe('key management server');
    // "nt" is defined, so a field writing "New Technology Win" is indexed with "nt" appended.
    expect(new Map(archive?.abbreviations).get('nt')).toBe('new technology');
  });

  it('ranks every message as the sequential build does', async () => {
    const parallel = await builtInParts(articles, 3, 5);
    for (const message of ['printer spooler stops responding', "can't connect to the KMS on win nt", 'error 0x0A']) {
      const a = parallel.rank(message, 5);
      const b = sequential.rank(message, 5);
      expect(a.hits.map((h) => [h.article.id, h.score, JSON.stringify(h.reason)])).toEqual(
        b.hits.map((h) => [h.article.id, h.score, JSON.stringify(h.reason)]),
      );
      expect(a.confidence).toBe(b.confidence);
    }
  });

  it('gives an empty KB the sequential empty index', async () => {
    expect(same(await builtInParts([], 2, 1), Ranker.build(new KnowledgeBase([])))).toBe(true);
  });
});

/** normaliseText as it was before each rewrite got its literal guard: the reference. */
const UNGUARDED: [RegExp, string | ((match: string, ...groups: string[]) => string)][] = [
  [/\b0x([0-9a-f]{1,7})\b/g, (_m, hex) => `0x${(hex as string).padStart(8, '0')}`],
  [/\b(can)'?t\b/g, 'cannot'],
  [/\bwon'?t\b/g, 'will not'],
  [/\b([a-z]+)n't\b/g, '$1 not'],
  [/['’]s\b/g, ''],
  [/\bservice\s+pack\s+(\d)\b/g, 'sp$1'],
  [/\bsp\s+(\d)\b/g, 'sp$1'],
  [/\bwin\s?(95|98|3\.1|3\.11)\b/g, 'windows $1'],
  [/\bwin\s?(2k|2000)\b|\bw2k\b/g, 'windows 2000'],
  [/\bwin\s?nt\b/g, 'windows nt'],
  [/\bnt\s?4(\.0)?\b/g, 'nt 4.0'],
  [/\bnt\s?3\.51\b/g, 'nt 3.51'],
  [/\bwfw\b/g, 'windows for workgroups'],
  [/\be-mail\b/g, 'email'],
];

function unguarded(text: string): string {
  let t = text.toLowerCase();
  for (const [re, to] of UNGUARDED) t = typeof to === 'string' ? t.replace(re, to) : t.replace(re, to);
  return t;
}

describe("normaliseText's literal guards", () => {
  it('change no output', () => {
    const piece = fc.constantFrom(
      ...[' ', '\n', "'", '’s', "n't", 'can', 't', 'won', 'service', 'pack', 'sp', '3', '4', '.0', '3.51', 'win'],
      ...['95', '2k', '2000', 'w2k', 'nt', 'wfw', 'e-mail', '0x', 'a', '1f', 'Win', 'NT', 'SP', "Can't", 'x'],
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        expect(normaliseText(text)).toBe(unguarded(text));
      }),
      { numRuns: 3000, seed: 27 },
    );
  });
});
