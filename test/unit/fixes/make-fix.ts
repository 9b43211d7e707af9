/** Team fixes for the fix-domain tests: realistic threads, each with its pasted error and the fix as written. */
import type { FixRecord } from '../../../src/memory/types.js';

/** A fix with every field set; `over` replaces any. */
export function makeFix(over: Partial<FixRecord> = {}): FixRecord {
  return {
    id: 'fix-1',
    title: "KMS service won't start after SP3",
    text: 'Fixed it by restarting the KM service and re-running update.exe',
    author: 'U123',
    authorName: 'Ana Lopez',
    savedBy: 'U456',
    savedAt: Date.UTC(2026, 11, 5, 14, 30),
    conversation: 'C123',
    thread: '1733390000.123456',
    messageId: '1733390100.000200',
    permalink: 'https://acme.slack.com/archives/C123/p1733390100000200',
    errors: ['Error 0x8007000D: The data is invalid. Service KMS failed to start.'],
    codes: ['0x8007000d'],
    offered: [{ articleId: 'Q193567', verdict: 'not_it' }],
    via: 'mention',
    ...over,
  };
}

/** Several fixes about different problems, ids fix-1 … fix-5. */
export const TEAM_FIXES: FixRecord[] = [
  makeFix(),
  makeFix({
    id: 'fix-2',
    title: 'Payments pods stuck in CrashLoopBackOff after the config rollout',
    text: 'The new configmap had a typo in `DB_HOST`. Rolled it back:\n\n```bash\nkubectl rollout undo deployment/payments -n payments\n```\n\nPods came back within a minute.',
    errors: ['Back-off restarting failed container payments-api in pod payments-api-7d9f8c6b5-xk2lp_payments'],
    codes: ['crashloopbackoff'],
    offered: [],
    messageId: '1733390200.000300',
  }),
  makeFix({
    id: 'fix-3',
    title: 'TLS handshake to the internal registry fails: certificate has expired',
    text: 'turns out it was the cert. Renewed it with:\n\n1. Run `certbot renew --cert-name registry.internal`\n2. Restart nginx on the registry host\n3. Re-run the pipeline',
    errors: [
      'x509: certificate has expired or is not yet valid: current time 2026-12-04T09:12:44Z is after 2026-12-01T00:00:00Z',
    ],
    codes: ['x509'],
    offered: [],
    messageId: '1733390300.000400',
  }),
  makeFix({
    id: 'fix-4',
    title: 'Nightly backup job fails with disk quota exceeded',
    text: 'resolved: the old snapshots were never pruned. Deleted snapshots older than 30 days and raised the quota to 2 TB.',
    errors: ['ERROR backup-runner: write /mnt/backup/db-2026-12-03.tar.gz: disk quota exceeded'],
    codes: [],
    offered: [],
    messageId: '1733390400.000500',
  }),
  makeFix({
    id: 'fix-5',
    title: 'Outlook keeps asking for the password after the MFA change',
    text: 'what worked for me: remove the cached credentials in Credential Manager, then sign in again with the app password.',
    errors: ['Outlook keeps prompting for credentials and never connects to the Exchange server'],
    codes: [],
    offered: [],
    messageId: '1733390500.000600',
  }),
];
