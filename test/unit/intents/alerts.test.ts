/**
 * Alert notifications as chat receives them: each app's shape, firing and resolved, as another app
 * posts it (Slack mrkdwn, entities, links) and as a person pastes it (fenced, quoted). The reader
 * says what the alert is, and that chat naming an alert is not a notification; the intent
 * classifier decides 'alert' before its model; the search text never holds where the alert fired.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  IntentClassifier,
  alertSearchText,
  isPassive,
  readAlert,
  splitAlertName,
  type Alert,
} from '../../../src/intents/index.js';
import { cpuMs } from '../../helpers/cpu-time.js';

const SLACK_TEMPLATE = [
  '[FIRING:1] KubePodCrashLooping',
  '*Alert:* Pod is crash looping. - `warning`',
  '*Description:* Pod payments/api-7d9f8b6c5d-x2x9q (api) is in waiting state (reason: "CrashLoopBackOff").',
  '*Details:*',
  '  • *alertname:* `KubePodCrashLooping`',
  '  • *namespace:* `payments`',
  '  • *pod:* `api-7d9f8b6c5d-x2x9q`',
  '  • *severity:* `warning`',
].join('\n');

const GRAFANA = [
  '[FIRING:3]  (CephOSDNearFull osd.6 hdd node-7 warning)',
  '**Firing**',
  '',
  'Value: A=4.08',
  'Labels:',
  ' - alertname = CephOSDNearFull',
  ' - ceph_daemon = osd.6',
  ' - hostname = node-7',
  ' - severity = warning',
  'Annotations:',
  ' - description = Utilization of storage device osd.6 has crossed 75% on host node-7.',
  ' - summary = Back-end storage device is nearing full.',
  'Source: https://grafana.example.net/alerting/grafana/abc/view?orgId=1',
].join('\n');

/** Alertmanager's default Teams card text (the msteams receiver's default template). */
const TEAMS_DEFAULT = [
  '[FIRING:2] etcdNoLeader (prod-us-east critical)',
  '# Alerts Firing:',
  'Labels:',
  '  - alertname = etcdNoLeader',
  '  - cluster = prod-us-east',
  '  - severity = critical',
  'Annotations:',
  '  - summary = etcd cluster has no leader.',
  '  - description = etcd cluster "etcd": member 10.0.0.5:2379 has no leader.',
  'Source: [http://prometheus:9090/graph](http://prometheus:9090/graph)',
].join('\n');

type Expected = Partial<Alert> & { labelsInclude?: Record<string, string> };

const SHAPES: [string, string, Expected][] = [
  [
    'Alertmanager Slack template',
    SLACK_TEMPLATE,
    {
      source: 'alertmanager',
      status: 'firing',
      alertname: 'KubePodCrashLooping',
      severity: 'warning',
      summary: 'Pod is crash looping.',
      count: 1,
      labelsInclude: { namespace: 'payments', pod: 'api-7d9f8b6c5d-x2x9q' },
    },
  ],
  [
    'Alertmanager Slack template, resolved',
    SLACK_TEMPLATE.replace('[FIRING:1]', '[RESOLVED]'),
    { source: 'alertmanager', status: 'resolved', alertname: 'KubePodCrashLooping' },
  ],
  [
    'Alertmanager title with values and a Summary field',
    '[FIRING:3] PrometheusTSDBCompactionsFailing (data-platform auth-d846fe6d13-h8bf4 warning)\n*Summary:* Prometheus has issues compacting blocks.\n*Description:* Prometheus data-platform/auth-d846fe6d13-h8bf4 has detected 3.27 compaction failures.',
    {
      source: 'alertmanager',
      alertname: 'PrometheusTSDBCompactionsFailing',
      summary: 'Prometheus has issues compacting blocks.',
      count: 3,
    },
  ],
  [
    'Alertmanager in Markdown with an inline label list',
    '**[FIRING:3] NodeNetworkTransmitErrs** (staging-2 warning)\n\n**Summary:** Network interface is reporting many transmit errors.\n\n**Labels:** alertname=NodeNetworkTransmitErrs, device=sdb, instance=10.130.9.53:9090',
    {
      alertname: 'NodeNetworkTransmitErrs',
      summary: 'Network interface is reporting many transmit errors.',
      labelsInclude: { device: 'sdb', instance: '10.130.9.53:9090' },
    },
  ],
  [
    'Grafana',
    GRAFANA,
    {
      source: 'grafana',
      status: 'firing',
      alertname: 'CephOSDNearFull',
      severity: 'warning',
      summary: 'Back-end storage device is nearing full.',
      description: 'Utilization of storage device osd.6 has crossed 75% on host node-7.',
      count: 3,
      labelsInclude: { hostname: 'node-7' },
    },
  ],
  [
    'Grafana, resolved',
    GRAFANA.replace('[FIRING:3]', '[RESOLVED]').replace('**Firing**', '**Resolved**'),
    { source: 'grafana', status: 'resolved', alertname: 'CephOSDNearFull' },
  ],
  [
    "Alertmanager's default Teams card",
    TEAMS_DEFAULT,
    {
      source: 'alertmanager',
      alertname: 'etcdNoLeader',
      severity: 'critical',
      summary: 'etcd cluster has no leader.',
      labelsInclude: { cluster: 'prod-us-east' },
    },
  ],
  [
    'Teams card text without its title, resolved',
    TEAMS_DEFAULT.split('\n').slice(1).join('\n').replace('Alerts Firing', 'Alerts Resolved'),
    { status: 'resolved', alertname: 'etcdNoLeader' },
  ],
  [
    'PagerDuty "Triggered:"',
    'Triggered: [WARNING] NodeNetworkInterfaceFlapping on prod-us-east - Network interface "bond0" changing its up status often',
    {
      source: 'pagerduty',
      status: 'firing',
      alertname: 'NodeNetworkInterfaceFlapping',
      severity: 'warning',
      description: 'Network interface "bond0" changing its up status often',
    },
  ],
  [
    'PagerDuty "Resolved:"',
    'Resolved: [CRITICAL] etcdNoLeader on gke-main - etcd cluster has no leader',
    { source: 'pagerduty', status: 'resolved', alertname: 'etcdNoLeader' },
  ],
  [
    'PagerDuty incident relaying Alertmanager',
    'PagerDuty: Incident #5133 triggered - [FIRING:1] CephMonQuorumLost staging-2/staging - Storage quorum is lost',
    {
      source: 'pagerduty',
      status: 'firing',
      alertname: 'CephMonQuorumLost',
      summary: 'Storage quorum is lost',
      count: 1,
    },
  ],
  [
    'PagerDuty incident, resolved',
    'PagerDuty: Incident #5133 resolved - [FIRING:1] CephMonQuorumLost staging-2/staging - Storage quorum is lost',
    { source: 'pagerduty', status: 'resolved', alertname: 'CephMonQuorumLost' },
  ],
  [
    'PagerDuty "[Triggered] #n Name: summary (cluster)"',
    '[Triggered] #30064 NodeRAIDDegraded: RAID Array is degraded (staging-2)',
    { source: 'pagerduty', status: 'firing', alertname: 'NodeRAIDDegraded', summary: 'RAID Array is degraded' },
  ],
  [
    'PagerDuty "[Resolved]"',
    '[Resolved] #30064 NodeRAIDDegraded: RAID Array is degraded (staging-2)',
    { source: 'pagerduty', status: 'resolved', alertname: 'NodeRAIDDegraded' },
  ],
  [
    'Opsgenie "[Opsgenie] Alert:"',
    '[Opsgenie] Alert: KubeJobFailed: Job failed to complete.\nPriority: P3\nDescription: Job orders/migrate-1 failed to complete.',
    {
      source: 'opsgenie',
      status: 'firing',
      alertname: 'KubeJobFailed',
      summary: 'Job failed to complete.',
      severity: 'p3',
      description: 'Job orders/migrate-1 failed to complete.',
    },
  ],
  [
    'Opsgenie "Opsgenie Alert #n" relaying Alertmanager',
    'Opsgenie Alert #4711: [FIRING:2] TargetDown (payments warning)\nMessage: 100% of the api targets in payments namespace are down.',
    { source: 'opsgenie', status: 'firing', alertname: 'TargetDown', count: 2 },
  ],
  [
    'Opsgenie closed',
    '[Opsgenie] Alert closed: #4711: TargetDown: 100% of the api targets are down.',
    { source: 'opsgenie', status: 'resolved', alertname: 'TargetDown' },
  ],
  [
    'generic label list',
    'alertname=KubeQuotaAlmostFull namespace=billing severity=info',
    {
      source: 'generic',
      status: 'firing',
      alertname: 'KubeQuotaAlmostFull',
      severity: 'info',
      labelsInclude: { namespace: 'billing' },
    },
  ],
  [
    'generic Prometheus label set',
    'firing since 10 minutes: {alertname="KubeletDown", severity="critical", cluster="dc2"}',
    { source: 'generic', alertname: 'KubeletDown', severity: 'critical', labelsInclude: { cluster: 'dc2' } },
  ],
  ['generic "Alert: Name"', 'Alert: KubeAPIDown\nstatus: resolved', { status: 'resolved', alertname: 'KubeAPIDown' }],
  [
    'generic "RESOLVED - Name"',
    'RESOLVED - KubeletDown: Kubelet has disappeared',
    { status: 'resolved', alertname: 'KubeletDown', summary: 'Kubelet has disappeared' },
  ],
];

/** How Slack delivers text another app posted: `<url|label>` links, `&gt;`-style entities. */
const slackEscaped = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^\[(FIRING|RESOLVED)(:\d+)?\] (\w+)/, '<https://alertmanager.example.net/#/alerts|[$1$2] $3>');

function check(alert: Alert | null, want: Expected): void {
  expect(alert).not.toBeNull();
  const { labelsInclude, ...fields } = want;
  expect(alert).toMatchObject(fields);
  if (labelsInclude) expect(alert?.labels).toMatchObject(labelsInclude);
}

describe('readAlert', () => {
  for (const [name, text, want] of SHAPES) {
    it(`reads ${name}`, () => check(readAlert(text), want));
  }

  it('reads a notification as Slack delivers it (links, entities, bold, bullets)', () => {
    const alert = readAlert(slackEscaped(SLACK_TEMPLATE));
    check(alert, { source: 'alertmanager', alertname: 'KubePodCrashLooping', summary: 'Pod is crash looping.' });
    expect(alert?.description).toContain('"CrashLoopBackOff"');
  });

  it('reads a notification a person pasted in a fence or quoted', () => {
    check(readAlert(`is this one known?\n\`\`\`\n${GRAFANA}\n\`\`\``), {
      alertname: 'CephOSDNearFull',
      source: 'grafana',
    });
    const quoted = SLACK_TEMPLATE.split('\n')
      .map((l) => `&gt; ${l}`)
      .join('\n');
    check(readAlert(quoted), { alertname: 'KubePodCrashLooping', status: 'firing' });
  });

  it('reads a title without labels, and labels without a title', () => {
    check(readAlert('[FIRING:1] KubeletDown'), { alertname: 'KubeletDown', labels: {}, summary: null });
    check(readAlert('Labels:\n - alertname = KubeletDown\n - severity = critical'), {
      alertname: 'KubeletDown',
      severity: 'critical',
    });
  });

  it('says chat that names an alert is not a notification', () => {
    for (const text of [
      'getting paged for CephOSDDown in dc2-k8s',
      'what does etcdNoLeader mean',
      'anyone looking at ODFRBDClientBlocked?',
      'The kubernetes apiserver has terminated 93.35% of its incoming requests.',
      'Resolved: the disk on exch02 was full, cleared it',
      'Alert: disk is full on server3',
      'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
      '',
    ])
      expect({ text, alert: readAlert(text) }).toEqual({ text, alert: null });
  });

  it('never throws, and reads any text in bounded time', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), (text) => {
        const alert = readAlert(text);
        if (alert) expect(['firing', 'resolved']).toContain(alert.status);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            '[FIRING:1] ',
            'Labels:\n',
            ' - a = b\n',
            '*Alert:* x - `critical`\n',
            'alertname=',
            '•',
            '*',
            ':',
            '=',
            ' ',
            '\n',
            '(',
            'Triggered: [',
            '&gt;',
            '```',
          ),
          { maxLength: 400 },
        ),
        (parts) => {
          expect(() => readAlert(parts.join(''))).not.toThrow();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('costs a few milliseconds on a 40 KB message whatever it holds', () => {
    const huge = [
      'x'.repeat(40_000),
      ' '.repeat(40_000),
      ':'.repeat(40_000),
      '='.repeat(40_000),
      '*'.repeat(40_000),
      '[FIRING:1] '.repeat(4000),
      `Labels:\n${' - a = b\n'.repeat(5000)}`,
      `alertname=${'a=b, '.repeat(8000)}`,
      'Triggered: [WARNING] '.repeat(2000),
      `${SLACK_TEMPLATE}\n${'*Description:* more text\n'.repeat(1600)}`,
      '\n'.repeat(40_000),
      'a_'.repeat(20_000),
      `[FIRING:1] a (${'b '.repeat(20_000)}`,
      `alertname="${'a'.repeat(40_000)}`,
      `x\nalerts firing${' '.repeat(40_000)}x`,
      `[Opsgenie]${' '.repeat(20_000)}:${' '.repeat(20_000)}x`,
    ];
    for (const text of huge) {
      readAlert(text);
      // A guard against runaway work, generous for a shared box (each takes well under 5 ms warm).
      expect({ shape: text.slice(0, 20), ms: cpuMs(() => readAlert(text), 3) < 25 }).toEqual({
        shape: text.slice(0, 20),
        ms: true,
      });
    }
  });
});

describe('what an alert is searched by', () => {
  it('splits the name into words', () => {
    expect(splitAlertName('KubePodCrashLooping')).toBe('Kube Pod Crash Looping');
    expect(splitAlertName('etcdGRPCRequestsSlow')).toBe('etcd GRPC Requests Slow');
    expect(splitAlertName('StorageAutoScalerCRIsInvalid')).toBe('Storage Auto Scaler CR Is Invalid');
    expect(splitAlertName('high_cpu_usage')).toBe('high cpu usage');
  });

  it('holds the name, summary and description, never where the alert fired', () => {
    const text = alertSearchText(readAlert(SLACK_TEMPLATE) as Alert);
    expect(text).toContain('Kube Pod Crash Looping');
    expect(text).toContain('Pod is crash looping.');
    expect(text).toContain('CrashLoopBackOff');
    for (const where of ['payments', 'api-7d9f8b6c5d-x2x9q', 'warning']) expect(text).not.toContain(where);
    const grafana = alertSearchText(readAlert(GRAFANA) as Alert);
    for (const where of ['node-7', 'osd.6', 'grafana.example.net']) expect(grafana).not.toContain(where);
    const teams = alertSearchText(readAlert(TEAMS_DEFAULT) as Alert);
    expect(teams).not.toContain('10.0.0.5');
    expect(teams).toContain('has no leader');
  });
});

describe('the alert intent', () => {
  const classifier = new IntentClassifier();

  it('is decided before the model, with the notification attached, and is answered unprompted', () => {
    const r = classifier.classify(slackEscaped(SLACK_TEMPLATE));
    expect(r.intent).toBe('alert');
    expect(r.alert?.alertname).toBe('KubePodCrashLooping');
    expect(r.confidence).toBe(1);
    expect(isPassive('alert')).toBe(true);
  });

  it('is still an alert when resolved, with the status saying so', () => {
    const r = classifier.classify(SLACK_TEMPLATE.replace('[FIRING:1]', '[RESOLVED]'));
    expect(r.intent).toBe('alert');
    expect(r.alert?.status).toBe('resolved');
  });

  it('leaves chat that names an alert to the model', () => {
    for (const text of ['getting paged for CephOSDDown in dc2-k8s', 'what does etcdNoLeader mean?']) {
      const r = classifier.classify(text);
      expect(r.intent).not.toBe('alert');
      expect(r.alert).toBeUndefined();
    }
  });
});
