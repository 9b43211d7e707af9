/**
 * Hand-built team documents (no parser involved) in the text format the document parser writes:
 * an alert runbook with fenced commands, nested items and hostile text in its code; a support
 * article with its own link; a page whose headings matched nothing; a runbook whose only steps
 * are its diagnosis.
 */
import { buildAnswer } from '../../../../src/bot/build-answer.js';
import type { AnswerView, ArticleAnswer, Reply } from '../../../../src/bot/reply.js';
import type { Article } from '../../../../src/kb/article.js';
import { makeArticle } from '../../../helpers/articles.js';

/** KB text that tries to ping, format, link or close a code block. */
export const EVIL_CODE = 'echo "<!channel> @here *bold* _it_ </pre> <at>Boss</at> ``` done"';

export const RUNBOOK: Article = makeArticle({
  id: 'openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md',
  path: '/srv/runbooks/openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md',
  title: 'etcdDatabaseQuotaLowSpace',
  form: 'gfm',
  source: 'runbooks',
  url: null,
  alertNames: ['etcdDatabaseQuotaLowSpace'],
  sections: {
    symptoms:
      'This alert fires when the DB size exceeds 85% of the quota, as measured by `etcd_mvcc_db_total_size_in_bytes`.',
    impact: 'No writes can be made to etcd: no pod can be created. *Tell* <!channel> and @here.',
    diagnosis: [
      'Open a shell in the etcdctl container:',
      '```console\n$ oc rsh -c etcdctl -n openshift-etcd etcd-0\n```',
      'Check the size of each endpoint:',
      '```console\n$ etcdctl endpoint status -w table\n```',
      'Check the consumption in the metrics console:',
      '```promql\n(etcd_mvcc_db_total_size_in_bytes / etcd_server_quota_backend_bytes) * 100\n```',
    ].join('\n\n'),
    resolution: [
      'Defragment the database to gain time.',
      '1. Find the etcd pods:\n```bash\noc get pods -n openshift-etcd -l app=etcd\n```',
      '2. Defragment each member:\n- the leader last\n  - check `etcdctl endpoint status` first\n- one at a time',
      '3. Clear the alarm with `etcdctl alarm disarm`.',
    ].join('\n\n'),
  },
  steps: [
    'Find the etcd pods:\n```bash\noc get pods -n openshift-etcd -l app=etcd\n```',
    `Defragment each member:\n- the leader last\n  - check \`etcdctl endpoint status\` first\n- one at a time\n\`\`\`bash\netcdctl defrag --command-timeout=30s\n${EVIL_CODE}\n\`\`\``,
    'Clear the alarm with `etcdctl alarm disarm`.',
  ],
});

export const SUPPORT_ARTICLE: Article = makeArticle({
  id: 'ms-support/Exchange/cannot-move-mailbox.md',
  path: '/srv/ms/ms-support/Exchange/cannot-move-mailbox.md',
  title: 'Cannot move a mailbox in Exchange Online',
  form: 'gfm',
  source: 'ms-support',
  url: 'https://learn.microsoft.com/troubleshoot/exchange/cannot-move-mailbox',
  date: '2024-03-01',
  appliesTo: ['Exchange Online'],
  sections: {
    symptoms:
      'When you move a mailbox, you receive the following error message:\n\n```\nMigrationPermanentException: Error: the mailbox is locked.\n```',
    cause: 'The mailbox is locked by a previous move request.',
    resolution: 'Remove the old request:\n\n```powershell\nRemove-MoveRequest -Identity user@contoso.com\n```',
  },
});

export const NO_KNOWN_HEADINGS: Article = makeArticle({
  id: 'openshift/alerts/openshift-container-storage-operator/helpers/accessToolbox.md',
  title: 'Accessing the Ceph toolbox',
  form: 'gfm',
  source: 'runbooks',
  sections: {
    summary: 'The toolbox pod runs `ceph` commands against the storage cluster.',
    startingTheToolbox:
      'Patch the OCSInitialization resource:\n\n```bash\noc patch OCSInitialization ocsinit -n openshift-storage --type json\n```',
    enteringTheToolbox: 'Open a shell in the toolbox pod:\n\n```bash\noc rsh -n openshift-storage $TOOLS_POD\n```',
    cleaningUp: 'Delete the toolbox pod when done.',
  },
});

export const DIAGNOSIS_ONLY: Article = makeArticle({
  id: 'gitlab/docs/monitoring/prometheus-is-down.md',
  title: 'Prometheus is down',
  form: 'gfm',
  source: 'gitlab',
  sections: {
    symptoms: 'Prometheus does not answer on port 9090.',
    diagnosis: '1. Check the service:\n```bash\nsudo systemctl status prometheus\n```\n2. Read its log.',
    resolution: 'Restart the service if it has stopped.',
  },
  steps: ['Check the service:\n```bash\nsudo systemctl status prometheus\n```', 'Read its log.'],
});

/** The answer to `a` in `view`, as the bot builds it for a KB of several sources. */
export const teamAnswer = (a: Article, view: AnswerView = 'summary'): ArticleAnswer =>
  buildAnswer(a, { confidence: 0.9, why: 'alert name etcdDatabaseQuotaLowSpace', view, showSource: true });

export const teamReply = (a: Article, view: AnswerView = 'summary'): Extract<Reply, { kind: 'answer' }> => ({
  kind: 'answer',
  answer: teamAnswer(a, view),
});

/** A runbook far past every limit: 60 steps, each with a 120-line code block. */
export function hugeRunbook(): Article {
  const code = Array.from({ length: 120 }, (_, i) => `oc get pods -n ns-${i} -o wide # ${'x'.repeat(40)}`).join('\n');
  return {
    ...RUNBOOK,
    sections: { ...RUNBOOK.sections, diagnosis: `Look:\n\n\`\`\`bash\n${code}\n\`\`\``, resolution: 'Steps below.' },
    steps: Array.from({ length: 60 }, (_, i) => `Step ${i} ${'word '.repeat(40)}\n\`\`\`bash\n${code}\n\`\`\``),
  };
}
