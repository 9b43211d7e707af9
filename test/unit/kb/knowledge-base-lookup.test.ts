/**
 * Finding a team's article the way people name it: by alert name (any case, every runbook that has
 * it), by its path, its file stem or its title; the archive's articles by number only, as before.
 */
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../src/kb/article.js';
import { KnowledgeBase, lookupKey } from '../../../src/kb/knowledge-base.js';
import { SAMPLE_ARTICLES, makeArticle } from '../../helpers/articles.js';

const runbook = (id: string, fields: Partial<Article> = {}): Article =>
  makeArticle({ id, path: `/srv/teamkb/${id}`, form: 'gfm', source: 'teamkb', ...fields });

const QUOTA = runbook('openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md', {
  title: 'etcdDatabaseQuotaLowSpace',
  alertNames: ['etcdDatabaseQuotaLowSpace'],
});
const TARGET_OS = runbook('openshift/alerts/cluster-monitoring-operator/TargetDown.md', {
  title: 'TargetDown',
  alertNames: ['TargetDown'],
});
const TARGET_PO = runbook('prometheus-operator/content/runbooks/general/TargetDown.md', {
  title: 'Target Down',
  alertNames: ['TargetDown'],
});
const CLIENT = runbook('prometheus-operator/content/runbooks/kubernetes/KubeClientErrors.md', {
  title: 'Kube Client Errors',
  alertNames: ['KubeClientErrors'],
});
const GITLAB = runbook('gitlab/docs/monitoring/prometheus-is-down.md', { title: 'Prometheus is down' });
const OTHER = runbook('etcdNoLeader.md', {
  source: 'runbooks',
  title: 'etcd has no leader',
  alertNames: ['etcdNoLeader'],
});
const SAME_STEM = runbook('openshift/alerts/etcdNoLeader.md', { title: 'EtcdNoLeader', alertNames: ['etcdNoLeader'] });

const kb = new KnowledgeBase([...SAMPLE_ARTICLES, QUOTA, TARGET_OS, TARGET_PO, CLIENT, GITLAB, OTHER, SAME_STEM]);
const ids = (articles: Article[]): string[] => articles.map((a) => a.id);

describe('articles by alert name', () => {
  it('gives every runbook of the alert, in KB order, whatever the case', () => {
    expect(ids(kb.withAlertName('TargetDown'))).toEqual([TARGET_OS.id, TARGET_PO.id]);
    expect(ids(kb.withAlertName('targetdown'))).toEqual([TARGET_OS.id, TARGET_PO.id]);
    expect(kb.hasAlertName('ETCDDATABASEQUOTALOWSPACE')).toBe(true);
  });

  it('gives nothing for a name no runbook has', () => {
    expect(kb.withAlertName('KubePodCrashLooping')).toEqual([]);
    expect(kb.hasAlertName('Target Down')).toBe(false);
  });

  it('reads a knowledge base saved before articles had alert names', () => {
    const old = { ...QUOTA } as Partial<Article>;
    delete old.alertNames;
    const loaded = new KnowledgeBase([old as Article]);
    expect(loaded.withAlertName('etcdDatabaseQuotaLowSpace')).toEqual([]);
    expect(ids(loaded.lookup('etcdDatabaseQuotaLowSpace'))).toEqual([QUOTA.id]);
  });
});

describe('lookup by what people call an article', () => {
  it('finds a runbook by its path, exactly as on disk', () => {
    expect(ids(kb.lookup('openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md'))).toEqual([QUOTA.id]);
  });

  it('finds a runbook by its alert name, in any case or spacing', () => {
    expect(ids(kb.lookup('etcdDatabaseQuotaLowSpace'))).toEqual([QUOTA.id]);
    expect(ids(kb.lookup('etcd database quota low space'))).toEqual([QUOTA.id]);
    expect(ids(kb.lookup('TargetDown'))).toEqual([TARGET_OS.id, TARGET_PO.id]);
  });

  it('finds an article by its file stem or its title', () => {
    expect(ids(kb.lookup('prometheus-is-down'))).toEqual([GITLAB.id]);
    expect(ids(kb.lookup('Prometheus is down'))).toEqual([GITLAB.id]);
    expect(ids(kb.lookup('kube client errors'))).toEqual([CLIENT.id]);
  });

  it('looks in one KB folder when the name says which', () => {
    expect(ids(kb.lookup('etcdNoLeader'))).toEqual([OTHER.id, SAME_STEM.id]);
    expect(ids(kb.lookup('runbooks:etcdNoLeader'))).toEqual([OTHER.id]);
    expect(ids(kb.lookup('teamkb:etcdNoLeader'))).toEqual([SAME_STEM.id]);
  });

  it('finds the archive by number only, as before', () => {
    for (const written of ['Q290226', 'KB290226', '290226', 'q290226'])
      expect(ids(kb.lookup(written))).toEqual(['Q290226']);
    expect(kb.get('KB 290226')?.id).toBe(kb.get('Q290226')?.id);
    expect(kb.lookup('XADM: Cannot Apply Service Pack on KM Server')).toEqual([]);
  });

  it('finds nothing for names it does not know, or for nothing', () => {
    expect(kb.lookup('KubePodCrashLooping')).toEqual([]);
    expect(kb.lookup('')).toEqual([]);
    expect(kb.lookup(' :: ')).toEqual([]);
    expect(kb.lookup(`${'a:'.repeat(20_000)}TargetDown`)).toEqual([]);
  });

  it('compares names case-folded, without spaces or punctuation', () => {
    expect(lookupKey('Etcd Database-Quota LowSpace!')).toBe('etcddatabasequotalowspace');
  });
});
