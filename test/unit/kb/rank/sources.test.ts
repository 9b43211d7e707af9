/**
 * Ranking across sources: a KB serving a large archive and a small team folder together. Each
 * source ranks with its own statistics and the results are merged by confidence, so a small
 * source's exact answer wins, a large source's strong answer is not pushed out by a small source's
 * weak one, and a KB of one source ranks exactly as that source's own ranker does.
 */
import fc from 'fast-check';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../src/kb/article.js';
import { IndexFormatError } from '../../../../src/kb/errors.js';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { articleFields, titleExtras } from '../../../../src/kb/rank/article-text.js';
import {
  mergeRankings,
  preferSources,
  protectingHandicaps,
  Ranker,
  SourceRanker,
  sourceHandicaps,
  type Ranking,
  type RankHit,
} from '../../../../src/kb/rank/ranker.js';
import { identifierWords } from '../../../../src/kb/rank/tokens.js';
import { makeArticle } from '../../../helpers/articles.js';

/** A big "archive": many articles about printing and mail, one of them quoting a long error. */
const TOPICS = ['printer', 'spooler', 'mailbox', 'outlook', 'network', 'setup', 'driver', 'modem', 'logon', 'server'];
const ARCHIVE: Article[] = [
  ...Array.from({ length: 60 }, (_, i) =>
    makeArticle({
      id: `Q${100000 + i}`,
      source: 'archive',
      title: `${TOPICS[i % 10]} ${TOPICS[(i * 3) % 10]} problem number ${i}`,
      sections: {
        symptoms: `The ${TOPICS[i % 10]} stops responding after the ${TOPICS[(i * 7) % 10]} is restarted. Cluster node ${i}.`,
      },
    }),
  ),
  makeArticle({
    id: 'Q200000',
    source: 'archive',
    title: 'Information Store Does Not Start: Database Is Inconsistent',
    errorMessages: ['The information store database is inconsistent. Error -1018 was returned by the store.'],
    sections: {
      symptoms:
        'The Information Store service does not start. The information store database is inconsistent. Error -1018 was returned by the store.',
    },
  }),
];

/** A small team folder of runbooks. */
const RUNBOOKS: Article[] = [
  makeArticle({
    id: 'openshift/alerts/etcdNoLeader.md',
    path: '/srv/runbooks/openshift/alerts/etcdNoLeader.md',
    source: 'runbooks',
    form: 'gfm',
    title: 'etcdNoLeader',
    alertNames: ['etcdNoLeader'],
    errorMessages: ['etcd cluster member has no leader'],
    sections: {
      symptoms: 'The etcd cluster member reports that it has no leader. etcd cluster member has no leader.',
      impact: 'The API server cannot write; the cluster is read-only.',
      resolution: 'Check the network between the etcd members and restart the member that lost quorum.',
    },
  }),
  makeArticle({
    id: 'openshift/alerts/KubeAPIErrorBudgetBurn.md',
    path: '/srv/runbooks/openshift/alerts/KubeAPIErrorBudgetBurn.md',
    source: 'runbooks',
    form: 'gfm',
    title: 'KubeAPIErrorBudgetBurn',
    alertNames: ['KubeAPIErrorBudgetBurn'],
    sections: {
      symptoms: 'The API server is returning too many errors, burning through the error budget.',
      diagnosis: 'Look at the apiserver request metrics by verb and code.',
    },
  }),
  makeArticle({
    id: 'gitlab/docs/store-disk-full.md',
    path: '/srv/runbooks/gitlab/docs/store-disk-full.md',
    source: 'runbooks',
    form: 'gfm',
    title: 'Store disk full',
    sections: { symptoms: 'The store node disk is full and writes fail.' },
  }),
];

const archiveOnly = new KnowledgeBase(ARCHIVE);
const both = new KnowledgeBase([...ARCHIVE, ...RUNBOOKS]);
const ranker = Ranker.build(both);
const ids = (r: { hits: { article: Article }[] }): string[] => r.hits.map((h) => h.article.id);

describe('several sources', () => {
  it('ranks each source with its own statistics and lists them largest first', () => {
    expect(ranker.size).toBe(ARCHIVE.length + RUNBOOKS.length);
    expect(ranker.sources).toEqual([
      { source: 'archive', articles: ARCHIVE.length, team: false },
      { source: 'runbooks', articles: RUNBOOKS.length, team: true },
    ]);
  });

  it("puts a small source's exact answer above a large source's weak one", () => {
    const r = ranker.rank('etcd cluster member has no leader');
    expect(ids(r)[0]).toBe('openshift/alerts/etcdNoLeader.md');
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it("keeps a large source's strong answer first when a small source matches a word or two", () => {
    const q = 'The information store database is inconsistent. Error -1018 was returned by the store.';
    const alone = Ranker.build(archiveOnly).rank(q);
    const r = ranker.rank(q);
    expect(ids(r)[0]).toBe('Q200000');
    expect(r.confidence).toBe(alone.confidence);
  });

  it('orders hits by merged key and exposes that key as the score, so re-sorting by score keeps the order', () => {
    const r = ranker.rank('cluster store leader printer');
    const scores = r.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('finds a runbook by its alert name pasted whole or written as words', () => {
    expect(ids(ranker.rank('KubeAPIErrorBudgetBurn firing on prod'))[0]).toBe(
      'openshift/alerts/KubeAPIErrorBudgetBurn.md',
    );
    expect(ids(ranker.rank('kube api error budget burn'))[0]).toBe('openshift/alerts/KubeAPIErrorBudgetBurn.md');
  });

  it('reads a team document’s impact and diagnosis sections', () => {
    expect(ids(ranker.rank('apiserver request metrics by verb'))[0]).toBe('openshift/alerts/KubeAPIErrorBudgetBurn.md');
    expect(ids(ranker.rank('cluster is read-only, api server cannot write'))[0]).toBe(
      'openshift/alerts/etcdNoLeader.md',
    );
  });

  it("leaves the large source's term weights alone when a small source is added", () => {
    const alone = Ranker.build(archiveOnly).termWeights('printer spooler stops responding');
    expect(ranker.termWeights('printer spooler stops responding')).toEqual(alone);
  });

  it('ranks the same after toJSON, v8 serialisation and loadJSON', () => {
    const loaded = Ranker.loadJSON(both, v8.deserialize(v8.serialize(ranker.toJSON())));
    for (const q of ['etcd cluster member has no leader', 'Error -1018', 'printer stops', 'KubeAPIErrorBudgetBurn']) {
      expect(loaded.rank(q)).toEqual(ranker.rank(q));
      expect(loaded.termWeights(q)).toEqual(ranker.termWeights(q));
    }
  });

  it('refuses a saved index made for other sources', () => {
    const json = v8.deserialize(v8.serialize(ranker.toJSON())) as Record<string, unknown>;
    expect(() => Ranker.loadJSON(archiveOnly, json)).toThrow(IndexFormatError);
    const renamed = new KnowledgeBase([...ARCHIVE, ...RUNBOOKS.map((a) => ({ ...a, source: 'team' }))]);
    expect(() => Ranker.loadJSON(renamed, json)).toThrow(/does not match/);
  });
});

describe('one source', () => {
  it('ranks exactly as that source’s own ranker does', () => {
    const single = Ranker.build(archiveOnly);
    const own = SourceRanker.build(ARCHIVE);
    for (const q of ['Error -1018 was returned', 'printer spooler', 'modem setup problem number 12', 'zzzz']) {
      expect(single.rank(q)).toEqual(own.rank(q));
      expect(single.rank(q, 3)).toEqual(own.rank(q, 3));
      expect(single.termWeights(q)).toEqual(own.termWeights(q));
    }
    expect(single.toJSON()).toEqual({
      sources: [{ source: 'archive', articles: ARCHIVE.length, team: false, index: own.toJSON() }],
    });
  });

  it('treats articles without a source as one source, and an empty KB as one empty source', () => {
    const unnamed = ARCHIVE.map((a) => ({ ...a, source: null }));
    expect(Ranker.build(new KnowledgeBase(unnamed)).sources).toEqual([
      { source: null, articles: ARCHIVE.length, team: false },
    ]);
    const empty = Ranker.build(new KnowledgeBase());
    expect(empty.size).toBe(0);
    expect(empty.rank('anything').hits).toEqual([]);
  });
});

describe('mergeRankings', () => {
  const base = Ranker.build(archiveOnly).rank('printer');
  const ranking = (confidence: number, scores: [string, number][]): Ranking => ({
    ...base,
    confidence,
    hits: scores.map(([id, score]) => ({ ...(base.hits[0] as RankHit), article: makeArticle({ id }), score })),
  });

  it('keys each hit by its source’s confidence times its share of the source’s first score', () => {
    const merged = mergeRankings([
      ranking(0.6, [
        ['a1', 10],
        ['a2', 9],
      ]),
      ranking(0.9, [
        ['b1', 2],
        ['b2', 0.5],
      ]),
    ]);
    expect(merged.map((m) => m.hit.article.id)).toEqual(['b1', 'a1', 'a2', 'b2']);
    expect(merged.map((m) => m.hit.score)).toEqual([0.9, 0.6, 0.54, 0.225]);
  });

  it('gives ties to the larger (earlier) source', () => {
    const merged = mergeRankings([ranking(0.5, [['a1', 3]]), ranking(0.5, [['b1', 1]])]);
    expect(merged.map((m) => m.source)).toEqual([0, 1]);
  });

  it('takes a handicap off a source’s keys and scales them by its factor', () => {
    const rankings = [ranking(0.7, [['a1', 3]]), ranking(0.8, [['b1', 1]])];
    expect(mergeRankings(rankings, [0, 0.2]).map((m) => m.hit.article.id)).toEqual(['a1', 'b1']);
    expect(mergeRankings(rankings, [], [1, 0.5]).map((m) => m.hit.score)).toEqual([0.7, 0.4]);
  });
});

describe('protectingHandicaps', () => {
  const base = Ranker.build(archiveOnly).rank('printer');
  const ranking = (confidence: number, exact = 0): Ranking => ({
    ...base,
    confidence,
    signals: { ...base.signals, exact, coverage: exact },
  });
  const margins = [0, 0.2];

  it('shields a confident answer of the largest source about words it knows', () => {
    expect(protectingHandicaps([ranking(0.7), ranking(0.8)], margins, [0.9, 1], 0.5)).toEqual(margins);
  });

  it('does not shield a sure-looking guess about words the largest source has never seen', () => {
    // 0.7 confident, but it knows few of the message's telling words (factor 0.3): 0.21 < 0.5.
    expect(protectingHandicaps([ranking(0.7), ranking(0.3)], margins, [0.3, 1], 0.5)).toEqual([]);
  });

  it('does not shield it from a source that quotes more of the message', () => {
    expect(protectingHandicaps([ranking(0.9, 0.4), ranking(0.8, 1)], margins, [1, 1], 0.5)).toEqual([0, 0]);
  });
});

describe('preferSources', () => {
  const base = Ranker.build(archiveOnly).rank('printer');
  const ranking = (confidence: number, scores: [string, number][]): Ranking => ({
    ...base,
    confidence,
    hits: scores.map(([id, score]) => ({ ...(base.hits[0] as RankHit), article: makeArticle({ id }), score })),
  });
  const merged = mergeRankings([
    ranking(0.8, [
      ['a1', 10],
      ['a2', 5],
    ]),
    ranking(0.3, [
      ['b1', 2],
      ['b2', 1],
    ]),
  ]);

  it("puts the preferred sources' hits first and caps the others' scores so a re-sort keeps the order", () => {
    const preferred = preferSources(merged, [false, true]);
    expect(preferred.map((m) => m.hit.article.id)).toEqual(['b1', 'b2', 'a1', 'a2']);
    const scores = preferred.map((m) => m.hit.score);
    expect(scores).toEqual([0.3, 0.15, 0.15, 0.15]);
    expect([...preferred].sort((a, b) => b.hit.score - a.hit.score)).toEqual(preferred);
  });

  it('changes nothing when no source, or every source, is preferred', () => {
    expect(preferSources(merged, [false, false])).toEqual(merged);
    expect(preferSources(merged, [true, true])).toEqual(merged);
  });

  it("ranks a runbook source's hits first when asked, and only then", () => {
    const q = 'The information store database is inconsistent. Error -1018 was returned by the store.';
    expect(ids(ranker.rank(q))[0]).toBe('Q200000');
    const first = ranker.rank(q, 10, { runbooks: true }).hits[0]?.article;
    expect(first?.source).toBe('runbooks');
  });
});

describe('sourceHandicaps', () => {
  it('is 0 for the largest source and nearly the margin for one a hundred times smaller', () => {
    expect(sourceHandicaps([57000, 743], 0.2)).toEqual([0, 0.2 * (1 - 743 / 57000)]);
    expect(sourceHandicaps([400, 300], 0.2)[1]).toBeCloseTo(0.05);
    expect(sourceHandicaps([0], 0.2)).toEqual([0]);
  });
});

describe('team documents in the fields', () => {
  it('adds alert names, whole and split, and the file stem’s words to the title', () => {
    const [etcd] = RUNBOOKS;
    expect(titleExtras(etcd as Article)).toEqual(['etcd', 'no', 'leader']);
    const gitlab = RUNBOOKS[2] as Article;
    expect(titleExtras(gitlab)).toEqual([]);
    const burn = makeArticle({
      id: 'x',
      form: 'gfm',
      path: '/kb/etcdHighNumberOfFailedGRPCRequests.md',
      title: 'High number of failed gRPC requests',
      alertNames: ['etcdHighNumberOfFailedGRPCRequests'],
    });
    expect(titleExtras(burn)).toEqual(['etcdhighnumberoffailedgrpcrequests', 'etcd']);
    expect(articleFields(burn).title).toBe(
      'High number of failed gRPC requests\netcdhighnumberoffailedgrpcrequests\netcd',
    );
  });

  it('leaves archive articles’ fields as they were (an "impact" heading stays in the other sections)', () => {
    const a = makeArticle({ id: 'Q1', title: 'T', alertNames: [], sections: { impact: 'x', diagnosis: 'y' } });
    const f = articleFields(a);
    expect(f.title).toBe('T');
    expect(f.more).toBe('x\ny');
    expect(f).not.toHaveProperty('impact');
  });
});

describe('identifierWords', () => {
  it('splits alert names at humps, acronyms, digits and separators', () => {
    expect(identifierWords('KubeAPIErrorBudgetBurn')).toEqual(['Kube', 'API', 'Error', 'Budget', 'Burn']);
    expect(identifierWords('etcdHighNumberOfFailedGRPCRequests')).toEqual([
      'etcd',
      'High',
      'Number',
      'Of',
      'Failed',
      'GRPC',
      'Requests',
    ]);
    expect(identifierWords('CephOSDDiskNotResponding')).toEqual(['Ceph', 'OSD', 'Disk', 'Not', 'Responding']);
    expect(identifierWords('pg_xid_xmin_age-alert')).toEqual(['pg', 'xid', 'xmin', 'age', 'alert']);
    expect(identifierWords('Http5xxErrors')).toEqual(['Http', '5', 'xx', 'Errors']);
    expect(identifierWords('')).toEqual([]);
  });

  it('loses no letter or digit: the words joined are the name without its separators (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_.\- ]{0,40}$/), (name) => {
        expect(identifierWords(name).join('')).toBe(name.replace(/[^A-Za-z0-9]/g, ''));
      }),
    );
  });
});
