/**
 * Team runbooks found from an alert's description alone: the message that holds every word of a
 * runbook's alert name (split from the identifier, abbreviations such as "Errs" spelled out)
 * names that runbook, even when its prose says it otherwise and a near twin shares most of its
 * words; and an alert's pod names, like its addresses, are not what the alert is about.
 */
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../src/kb/article.js';
import { titleTerms } from '../../../../src/kb/rank/article-text.js';
import { withoutAddresses } from '../../../../src/kb/rank/clean-query.js';
import { RANKER_DEFAULTS, TEAM_SOURCE_OPTIONS } from '../../../../src/kb/rank/options.js';
import { SourceRanker } from '../../../../src/kb/rank/source-ranker.js';
import { makeArticle } from '../../../helpers/articles.js';

/** A runbook named by its alert, as the openshift and prometheus-operator runbooks are. */
function runbook(name: string, sections: Record<string, string>): Article {
  return makeArticle({
    id: `alerts/${name}.md`,
    path: `/srv/runbooks/alerts/${name}.md`,
    source: 'runbooks',
    form: 'gfm',
    title: name,
    alertNames: [name],
    sections,
  });
}

const RUNBOOKS: Article[] = [
  runbook('etcdGRPCRequestsSlow', {
    symptoms: 'The 99th percentile of etcd gRPC requests latency is too high.',
    diagnosis: 'Check the disk and network latency of the etcd members.',
  }),
  runbook('etcdGRPCWriteRequestsSlow', {
    symptoms: 'The etcd members answer gRPC requests slowly.',
    diagnosis: 'Check the disks of the etcd members.',
  }),
  runbook('NodeNetworkReceiveErrs', {
    symptoms: 'Network interface is reporting many problems on the wire.',
    impact: 'Applications on the node may no longer reach other services.',
  }),
  runbook('KubeletClientCertificateRenewalErrors', {
    symptoms: 'The kubelet has errors renewing its client certificate; the errors are in its log.',
    impact: 'The kubelet may stop talking to the API server when its certificate expires.',
  }),
  runbook('TargetDown', {
    symptoms: 'Prometheus has been unable to scrape one or more of its endpoints (up = 0).',
  }),
  runbook('KubeStateMetricsListErrors', {
    symptoms: 'kube-state-metrics is getting errors in list operations against the API server.',
  }),
  runbook('CephOSDNearFull', {
    symptoms: 'Utilization of the storage device OSD has crossed 75%. Free up some space.',
  }),
];

const team = SourceRanker.build(RUNBOOKS, TEAM_SOURCE_OPTIONS);
const plain = SourceRanker.build(RUNBOOKS, { ...TEAM_SOURCE_OPTIONS, titleCoverageWeight: 0 });
const first = (r: SourceRanker, q: string): string | undefined => r.rank(q).hits[0]?.article.id;
const score = (r: SourceRanker, q: string, id: string): number =>
  r.rank(q).hits.find((h) => h.article.id === id)?.score ?? 0;

describe('title words in a description', () => {
  it('reads an abbreviated name word as the word the description spells out ("Errs": errors)', () => {
    const q = '10.0.10.100:2379 interface ens5 has encountered 84 receive errors in the last two minutes.';
    expect(first(team, q)).toBe('alerts/NodeNetworkReceiveErrs.md');
  });

  it('lifts the runbook whose whole name the description spells out more than one it shares a few words with', () => {
    const q = '65.41% of the kube-state-metrics/prometheus-k8s targets in payments namespace are down.';
    const lift = (id: string): number => score(team, q, id) - score(plain, q, id);
    expect(lift('alerts/TargetDown.md')).toBeGreaterThan(0.25);
    expect(lift('alerts/KubeStateMetricsListErrors.md')).toBeLessThan(lift('alerts/TargetDown.md') / 2);
  });

  it('of near twins whose names the description holds alike, prefers the one whose name holds more of it', () => {
    const q = 'etcd cluster "etcd": 99th percentile of gRPC write requests is 4.28s on etcd instance 10.0.4.153:9100.';
    const twins = ['alerts/etcdGRPCWriteRequestsSlow.md', 'alerts/etcdGRPCRequestsSlow.md'];
    const lead = (r: SourceRanker): number => score(r, q, twins[0] as string) - score(r, q, twins[1] as string);
    const alone = SourceRanker.build(RUNBOOKS, { ...TEAM_SOURCE_OPTIONS, titleMassPower: 0 });
    expect(lead(team)).toBeGreaterThan(lead(alone));
  });

  it('splits titles, alert names and file stems into name words, each once', () => {
    expect(titleTerms(RUNBOOKS[1] as Article)).toEqual(['etcd', 'grpc', 'write', 'request', 'slow']);
    const article = makeArticle({ id: 'x', path: '/kb/gitlab/prometheus-is-down.md', title: 'Prometheus is down' });
    expect(titleTerms(article)).toEqual(['prometheu']); // "is" and "down" are stopwords
  });

  it('is off for the archive', () => {
    expect(RANKER_DEFAULTS.titleCoverageWeight).toBe(0);
    expect(RANKER_DEFAULTS.titleMassPower).toBe(0);
    expect(RANKER_DEFAULTS.dropAddresses).toBe(false);
  });
});

describe('withoutAddresses', () => {
  it("drops a Deployment pod's name with its namespace, as it drops addresses", () => {
    expect(withoutAddresses('Prometheus default/redis-75b11204bd-z7w62 failed to send 88.0% of the samples')).toBe(
      'Prometheus   failed to send 88.0% of the samples',
    );
    expect(withoutAddresses('pod checkout-e2a110974-dtbqr on 10.0.4.153:9100 restarted')).toBe('pod   on   restarted');
  });

  it('keeps hyphenated names, namespaces and paths that are not pods', () => {
    for (const text of [
      '65% of the kube-state-metrics/prometheus-k8s targets are down',
      'see /var/log/app-1234567-abcde.log',
      'cluster ocs-storagecluster-cephblockpool is degraded',
      'the pull-request-12345 build',
    ])
      expect(withoutAddresses(text)).toBe(text);
  });
});
