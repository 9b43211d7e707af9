/**
 * An alert posted in a channel gets its runbook: every runbook with the alert's name first (both
 * sources' when two have it), in the order its text ranks them, then the ranked rest; where the
 * alert fired (cluster, namespace, pod, addresses) never steers the search; a resolved alert is
 * not searched; an alert no runbook names is found by its words. Chat that names an alert gets its
 * runbook first too, and "show <alert name | path | title>" looks the article up.
 */
import { describe, expect, it } from 'vitest';
import { CONFIDENCE_THRESHOLDS, Matcher } from '../../../src/bot/match.js';
import type { Article } from '../../../src/kb/article.js';
import { KnowledgeBase } from '../../../src/kb/knowledge-base.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { SAMPLE_ARTICLES, makeArticle } from '../../helpers/articles.js';

const runbook = (id: string, fields: Partial<Article>): Article =>
  makeArticle({ id, path: `/srv/teamkb/${id}`, form: 'gfm', source: 'teamkb', ...fields });

const CRASH_OS = runbook('openshift/alerts/KubePodCrashLooping.md', {
  title: 'KubePodCrashLooping',
  alertNames: ['KubePodCrashLooping'],
  sections: {
    symptoms: 'A pod keeps restarting: its container exits and the kubelet restarts it again and again.',
    impact: 'The workload is degraded while the pod is down.',
    diagnosis: 'Look at the pod events and the logs of the previous container run.',
  },
});
const CRASH_PO = runbook('prometheus-operator/runbooks/kubernetes/KubePodCrashLooping.md', {
  title: 'Kube Pod Crash Looping',
  alertNames: ['KubePodCrashLooping'],
  sections: {
    symptoms: 'Pod is in CrashLoopBackOff waiting state: the container terminates with an error on start.',
    resolution: 'Check the container command, the probes and the memory limits.',
  },
});
const NOT_READY = runbook('prometheus-operator/runbooks/kubernetes/KubePodNotReady.md', {
  title: 'Kube Pod Not Ready',
  alertNames: ['KubePodNotReady'],
  sections: { symptoms: 'Pod has been in a non-ready state for more than 15 minutes; the pod is not ready.' },
});
const TERMINATED = runbook('prometheus-operator/runbooks/kubernetes/KubeAPITerminatedRequests.md', {
  title: 'Kube API Terminated Requests',
  alertNames: ['KubeAPITerminatedRequests'],
  sections: {
    symptoms: 'The apiserver has terminated a share of its incoming requests because it is overloaded.',
    impact: 'Clients get throttled and their requests fail.',
  },
});
const PVC_FULL = runbook('openshift/alerts/KubePersistentVolumeFillingUp.md', {
  title: 'KubePersistentVolumeFillingUp',
  alertNames: ['KubePersistentVolumeFillingUp'],
  sections: { symptoms: 'A persistent volume is filling up and will run out of free space.' },
});
/** Would be found by the alert's label values (namespace "payments", the cluster, the pod), and must not be. */
const PAYMENTS = runbook('gitlab/docs/payments/payments-api.md', {
  title: 'Payments API on prod-us-east',
  sections: {
    symptoms: 'The payments service api-7d9f8b6c5d on prod-us-east returns errors; payments payments payments.',
  },
});
const OSD_DOWN = runbook('openshift/alerts/CephOSDDown.md', {
  title: 'CephOSDDown',
  alertNames: ['CephOSDDown'],
  sections: { symptoms: 'A storage daemon (OSD) is down and its placement groups are degraded.' },
});
const WATCHDOG = runbook('prometheus-operator/runbooks/general/Watchdog.md', {
  title: 'Watchdog',
  alertNames: ['Watchdog'],
  sections: { symptoms: 'An alert that is always firing, to show the alerting pipeline works.' },
});
/** A page whose one-word title reads like an alert name ("GitLab"). */
const GITLAB_OPS = runbook('gitlab/docs/kube/k8s-operations.md', {
  title: 'GitLab',
  alertNames: ['GitLab'],
  sections: { symptoms: 'Operations on the GitLab Kubernetes clusters.' },
});
const QUOTA = runbook('openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md', {
  title: 'etcdDatabaseQuotaLowSpace',
  alertNames: ['etcdDatabaseQuotaLowSpace'],
  sections: { symptoms: 'The etcd database is close to its size quota.' },
});

const kb = new KnowledgeBase([
  ...SAMPLE_ARTICLES.map((a) => ({ ...a, source: 'archive' })),
  CRASH_OS,
  CRASH_PO,
  NOT_READY,
  TERMINATED,
  PVC_FULL,
  PAYMENTS,
  OSD_DOWN,
  WATCHDOG,
  GITLAB_OPS,
  QUOTA,
]);
const matcher = new Matcher(kb, Ranker.build(kb));
const ids = (m: { hits: { article: Article }[] }): string[] => m.hits.map((h) => h.article.id);

const crashAlert = (description: string, status = 'FIRING:1'): string =>
  [
    `[${status}] KubePodCrashLooping`,
    '*Alert:* Pod is crash looping. - `warning`',
    `*Description:* ${description}`,
    '*Details:*',
    '  • *alertname:* `KubePodCrashLooping`',
    '  • *namespace:* `payments`',
    '  • *pod:* `api-7d9f8b6c5d-x2x9q`',
    '  • *cluster:* `prod-us-east`',
  ].join('\n');

describe('a firing alert', () => {
  it("puts every runbook of the alert's name first, and answers", () => {
    const m = matcher.match(crashAlert('Pod payments/api-7d9f8b6c5d-x2x9q is restarting.'));
    expect(m.intent.intent).toBe('alert');
    expect(m.via).toBe('alert');
    expect(ids(m).slice(0, 2).sort()).toEqual([CRASH_OS.id, CRASH_PO.id].sort());
    expect(m.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.answer);
    expect(m.hits[0]?.reason.summary).toContain('runbook of the alert KubePodCrashLooping');
  });

  it('orders the runbooks with its name by how well their text fits the alert', () => {
    const waiting = matcher.match(
      crashAlert('Pod is in CrashLoopBackOff waiting state, the container terminates on start.'),
    );
    expect(ids(waiting).slice(0, 2)).toEqual([CRASH_PO.id, CRASH_OS.id]);
    const restarting = matcher.match(
      crashAlert('The kubelet restarts the container again and again; look at the pod events.'),
    );
    expect(ids(restarting).slice(0, 2)).toEqual([CRASH_OS.id, CRASH_PO.id]);
  });

  it('never searches by where the alert fired', () => {
    const m = matcher.match(crashAlert('Pod payments/api-7d9f8b6c5d-x2x9q on prod-us-east is restarting.'));
    expect(ids(m)).not.toContain(PAYMENTS.id);
  });

  it('is found by its words when no runbook has its name', () => {
    const m = matcher.match(
      [
        '[FIRING:1] PersistentVolumeAlmostFull (payments prod-us-east)',
        '*Summary:* A persistent volume is filling up.',
        '*Description:* The volume claimed by data-0 in namespace payments will run out of free space.',
      ].join('\n'),
    );
    expect(m.intent.intent).toBe('alert');
    expect(m.via).toBe('rank');
    expect(ids(m)[0]).toBe(PVC_FULL.id);
    expect(ids(m)).not.toContain(PAYMENTS.id);
  });

  it('reads every app: Grafana, PagerDuty, Opsgenie', () => {
    const grafana = [
      '[FIRING:1]  (KubePodNotReady payments warning)',
      '**Firing**',
      'Labels:',
      ' - alertname = KubePodNotReady',
      ' - namespace = payments',
      'Annotations:',
      ' - summary = Pod has been in a non-ready state for more than 15 minutes.',
    ].join('\n');
    expect(ids(matcher.match(grafana))[0]).toBe(NOT_READY.id);
    expect(ids(matcher.match('Triggered: [CRITICAL] CephOSDDown on prod-us-east - OSD osd.3 is down'))[0]).toBe(
      OSD_DOWN.id,
    );
    expect(ids(matcher.match('[Opsgenie] Alert: etcdDatabaseQuotaLowSpace: etcd is low on space'))[0]).toBe(QUOTA.id);
  });
});

describe('a resolved alert', () => {
  it('is not searched and has no hits', () => {
    for (const text of [
      crashAlert('Pod is restarting.', 'RESOLVED'),
      'Resolved: [CRITICAL] CephOSDDown on prod-us-east - OSD osd.3 is down',
      'PagerDuty: Incident #12 resolved - [FIRING:1] CephOSDDown prod/ceph - OSD down',
    ]) {
      const m = matcher.match(text, { always: true });
      expect(m.intent.intent).toBe('alert');
      expect(m.intent.alert?.status).toBe('resolved');
      expect(m.via).toBe('none');
      expect(m.hits).toEqual([]);
    }
  });
});

describe('an alert described in words only', () => {
  it('still finds its runbook by the text', () => {
    const m = matcher.match('The kubernetes apiserver has terminated 93.35% of its incoming requests.', {
      always: true,
    });
    expect(m.intent.intent).not.toBe('alert');
    expect(ids(m)[0]).toBe(TERMINATED.id);
  });
});

describe('chat that names an alert', () => {
  it('gets the runbooks of the alert first', () => {
    for (const text of ['getting paged for CephOSDDown in dc2-k8s', 'anyone looking at cephosddown?']) {
      const m = matcher.match(text, { always: true });
      expect({ text, first: ids(m)[0], via: m.via }).toEqual({ text, first: OSD_DOWN.id, via: 'alert' });
      expect(m.confidence).toBeGreaterThanOrEqual(CONFIDENCE_THRESHOLDS.answer);
    }
    const both = matcher.match('what does KubePodCrashLooping mean', { always: true });
    expect(ids(both).slice(0, 2).sort()).toEqual([CRASH_OS.id, CRASH_PO.id].sort());
  });

  it('takes a plain word for an alert only as written', () => {
    expect(matcher.match('Watchdog fired in staging', { always: true }).via).toBe('alert');
    expect(matcher.match('the watchdog timer reset the server', { always: true }).via).toBe('rank');
    expect(matcher.match('we moved from gitlab to another forge', { always: true }).via).toBe('rank');
  });

  it('does not read a word inside a path or URL as an alert name', () => {
    for (const text of [
      '[emerg] invalid parameter "xyz" in /var/opt/gitlab/nginx/conf/GitLab.conf:8',
      'see https://wiki.example.net/CephOSDDown/notes for the outage',
    ])
      expect({ text, via: matcher.match(text, { always: true }).via }).toEqual({ text, via: 'rank' });
  });
});

describe('asking for an article by name', () => {
  it('looks up an alert name, a path or a title', () => {
    for (const text of [
      'show etcdDatabaseQuotaLowSpace',
      'kb openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md',
      'can you open the runbook for etcd database quota low space?',
    ]) {
      const m = matcher.match(text);
      expect({ text, intent: m.intent.intent, via: m.via, ids: ids(m), confidence: m.confidence }).toEqual({
        text,
        intent: 'lookup',
        via: 'lookup',
        ids: [QUOTA.id],
        confidence: 1,
      });
    }
    expect(ids(matcher.match('show Kube Pod Crash Looping'))).toEqual([CRASH_OS.id, CRASH_PO.id]);
  });

  it('looks the archive up by number as before', () => {
    const m = matcher.match('show me kb 290226');
    expect(m.via).toBe('lookup');
    expect(ids(m)).toEqual(['Q290226']);
    expect(matcher.match('show XADM: Cannot Apply Service Pack on KM Server').via).not.toBe('lookup');
  });
});

describe('a firing alert no runbook names, beside a large archive', () => {
  /** A large archive whose job-scheduler articles quote the alert's every-day words ("job did not complete in time"). */
  const archive = Array.from({ length: 80 }, (_, i) =>
    makeArticle({
      id: `Q${300000 + i}`,
      source: 'archive',
      title: i % 4 === 0 ? `Scheduler job ${i} does not complete in time` : `Printer driver problem number ${i}`,
      sections: {
        symptoms:
          i % 4 === 0
            ? `Kube job did not complete in time: the job is taking more than 12h 0m 0s to complete. Job ${i}.`
            : `The printer stops after the driver is updated. Case ${i}.`,
      },
    }),
  );
  const JOB = runbook('prometheus-operator/runbooks/kubernetes/KubeJobCompletion.md', {
    title: 'Kube Job Completion',
    alertNames: ['KubeJobCompletion'],
    sections: { symptoms: 'A Kubernetes job is taking too long to complete.' },
  });
  const mixed = new KnowledgeBase([...archive, JOB, CRASH_OS, NOT_READY, PVC_FULL]);
  const ranker = Ranker.build(mixed);
  const alert = [
    '[FIRING:1] KubeJobNotCompleted',
    '*Alert:* Job did not complete in time - `warning`',
    '*Description:* Job payments/migrate-28786354 is taking more than 12h 0m 0s to complete.',
  ].join('\n');

  it("is answered from the runbooks' source first, even when the archive's words fit better", () => {
    const m = new Matcher(mixed, ranker).match(alert);
    expect(m.intent.intent).toBe('alert');
    expect(m.via).toBe('rank');
    expect(ids(m)[0]).toBe(JOB.id);
    const scores = m.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // The same words in chat are ranked as any message is.
    const chat = new Matcher(mixed, ranker).match('job is taking more than 12h 0m 0s to complete', { always: true });
    expect(chat.hits[0]?.article.source).toBe('archive');
  });
});
