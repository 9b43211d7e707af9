// Real runbooks and support articles from ../shared/teamkb, read as a team's KB: focused facts
// (id, title, sections, a step with its code, an error, alert names, links), not snapshots.
// Skipped with a message when ../shared/teamkb is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../../src/kb/article.js';
import { parseArticle } from '../../../../../src/kb/parse/index.js';
import { REPO } from '../../../../helpers/paths.js';

const TEAMKB = join(REPO, '..', 'shared', 'teamkb');
const present = existsSync(TEAMKB);
if (!present) console.warn(`golden team documents skipped: no ${TEAMKB}`);

function read(rel: string): Article {
  return parseArticle(readFileSync(join(TEAMKB, rel)), join(TEAMKB, rel), { root: TEAMKB, source: 'teamkb' });
}

const OPENSHIFT = 'openshift/alerts';
const PROM_OP = 'prometheus-operator/content/runbooks';
const EXCHANGE = 'ms-support/Exchange/ExchangeServer';

describe.skipIf(!present)('golden team documents', () => {
  it('an OpenShift alert runbook: four sections, its alert name, a step with its oc command as code', () => {
    const a = read(`${OPENSHIFT}/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md`);
    expect(a).toMatchObject({
      id: `${OPENSHIFT}/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md`,
      title: 'etcdDatabaseQuotaLowSpace',
      form: 'gfm',
      source: 'teamkb',
      alertNames: ['etcdDatabaseQuotaLowSpace'],
    });
    expect(a.sections.symptoms).toMatch(
      /^This alert fires at critical severity when the total existing DB size exceeds 85%/,
    );
    expect(a.sections.impact).toMatch(/no writes can be performed anymore/);
    // A sub-heading stays in its section, as a line of text; code stays a fence.
    expect(a.sections.diagnosis).toContain('CLI Checks\n\nTo run `etcdctl` commands');
    expect(a.sections.diagnosis).toContain('```console\n$ oc rsh -c etcdctl -n openshift-etcd');
    expect(a.sections.resolution).toMatch(/defragment existing etcd DB/);
    expect(a.sections.resolution).not.toMatch(/\[etcdDefragmentation\]|\]\(/); // the link is its text
    expect(a.steps).toEqual([
      'When the etcd DB size increases, we can defragment existing etcd DB to optimize DB consumption as described in here. Run the following command in all etcd pods.\n```console\n$ etcdctl defrag\n```',
    ]);
    expect(a.errorMessages).toEqual([]); // the PromQL queries are not errors
  });

  it('an ODF helper with no vocabulary headings: title, text and its commands as a step', () => {
    const a = read(`${OPENSHIFT}/openshift-container-storage-operator/helpers/accessToolbox.md`);
    expect(a.title).toBe('Access the Toolbox');
    expect(a.sections.summary).toBe('Run the following to rsh to the toolbox pod:');
    expect(a.sections.body).toContain('oc rsh -n openshift-storage $TOOLS_POD');
    expect(a.steps).toHaveLength(1);
    expect(a.steps[0]).toMatch(/^Run the following to rsh to the toolbox pod:\n```\nTOOLS_POD=\$\(oc get pods/);
    expect(a.steps[0]).toMatch(/\n```$/);
  });

  it('prometheus-operator TargetDown: <details> unwrapped, the shortcode-free text kept', () => {
    const a = read(`${PROM_OP}/general/TargetDown.md`);
    expect(a.title).toBe('TargetDown');
    expect(a.alertNames).toEqual(['TargetDown']);
    expect(a.sections.symptoms).toContain('Full context\n\nPrometheus works by sending an HTTP GET request');
    expect(a.sections.symptoms).not.toMatch(/<\/?(?:details|summary)>/);
    expect(Object.keys(a.sections)).toEqual(['summary', 'symptoms', 'impact', 'diagnosis', 'resolution']);
    expect(a.sections.diagnosis).toContain('`up == 0` query');
  });

  it('a page that only points elsewhere: the Hugo ref becomes a related id, the front-matter title a keyword', () => {
    const a = read(`${PROM_OP}/node/NodeRAIDDiskFailure.md`);
    expect(a.title).toBe('NodeRAIDDiskFailure');
    expect(a.related).toEqual([`${PROM_OP}/node/NodeRAIDDegraded.md`]);
    expect(a.sections.summary).toBe('See Node RAID Degraded');
    expect(a.keywords).toContain('Node RAID Disk Failure');
    expect(a.alertNames).toEqual(['NodeRAIDDiskFailure']);
  });

  it('the extensionless PrometheusOperatorSyncFailed is read as Markdown, by its content', () => {
    const rel = `${PROM_OP}/prometheus-operator/PrometheusOperatorSyncFailed`;
    const a = read(rel);
    expect(a.id).toBe(rel);
    expect(a.form).toBe('gfm');
    expect(a.title).toBe('PrometheusOperatorSyncFailed');
    expect(a.alertNames).toEqual(['PrometheusOperatorSyncFailed']);
    expect(Object.keys(a.sections)).toEqual(['summary', 'symptoms', 'impact', 'diagnosis', 'resolution']);
    expect(a.sections.symptoms).toMatch(/^There were problems with Prometheus components synchronization/);
    expect(a.sections.diagnosis).toContain('`kubect logs -f <name_of_pod> -n <name_of_namespace>`');
  });

  it('a GitLab page without an H1 whose first heading is a section name: the file name is the title, the log line an error', () => {
    const a = read('gitlab/docs/monitoring/prometheus-is-down.md');
    expect(a.title).toBe('prometheus-is-down');
    expect(a.alertNames).toEqual([]);
    expect(a.steps[0]).toMatch(/^Login to server - `prometheus.gitlab.com`/);
    expect(a.steps).toHaveLength(2); // from "Steps to check" (diagnosis): GitLab's 1./1. numbering
    expect(a.sections.manyRestarts).toMatch(/^thanos-compact\n\nSometimes the chunks/);
    expect(a.sections.manyRestarts).toContain('```bash\nfor i in $CHUNK1');
    expect(a.errorMessages.some((e) => e.includes('error executing compaction: compaction failed'))).toBe(true);
  });

  it('GitLab pg_xid_xmin_age: numbered headings map by their first words, nested code stays in its step', () => {
    const a = read('gitlab/docs/patroni/pg_xid_xmin_age_alert.md');
    expect(a.title).toBe('pg_txid_xmin_age Saturation Alert');
    expect(a.sections.symptoms).toContain('SubtransControlLock spikes on standby nodes');
    expect(a.sections.symptoms).toContain('```promql\nsum by (fqdn)');
    expect(a.sections.diagnosis).toMatch(
      /^The spike of `pg_txid_xmin_age` can be caused by one of the following 3 reasons:/,
    );
    expect(a.sections.diagnosis).toContain('1. AutoANALYZE on one of large tables\n  - if it finished');
    expect(a.sections.resolution).toContain('pg_terminate_backend({PID})');
    expect(a.sections.postChecks).toMatch(/the spike has ended/);
    expect(a.errorMessages).toEqual([]);
  });

  it('SharePoint NullReferenceException: fenced errors inside a list, front matter read', () => {
    const a = read(
      'ms-support/SharePoint/SharePointServer/administration/nullreferenceexception-for-configuration-wizard.md',
    );
    expect(a.title).toBe('NullReferenceException with Products Configuration Wizard');
    expect(a.keywords).toContain('NullReferenceException with SharePoint 2013 Products Configuration Wizard');
    expect(a.sections.summary).toMatch(/^Describes an issue in which you receive a NullReferenceException/);
    expect(a.date).toBe('2023-12-17');
    expect(a.appliesTo).toEqual(['Microsoft SharePoint']);
    expect(a.errorMessages[0]).toMatch(/^Failed to install the application content files\. This is a critical task\./);
    expect(a.errorMessages).toContain(
      'Exception: System.NullReferenceException: Object reference not set to an instance of an object.',
    );
    expect(a.sections.symptoms).toContain(
      '- When you use the SharePoint Products Configuration Wizard, it fails during task 8',
    );
    expect(a.sections.cause).toMatch(/comments in the web\.config file/);
    expect(a.sections.moreInformation).toBe('Still need help? Go to SharePoint Community.');
  });

  it("Exchange can't-manage: an apostrophe in the path, the blockquoted error, the quoted H1, action bullets as steps", () => {
    const rel = `${EXCHANGE}/administration/can't-manage-ex19-database-eac.md`;
    const a = read(rel);
    expect(a.id).toBe(rel);
    expect(a.title).toMatch(/^"Your request couldn't be completed\. Please try again in a few minutes" error when/);
    expect(a.errorMessages).toEqual(["Your request couldn't be completed. Please try again in a few minutes"]);
    expect(a.steps).toHaveLength(2);
    expect(a.steps[1]).toMatch(/^Move the administrator mailbox to Exchange Server 2019/);
    expect(a.date).toBe('2024-01-24');
  });

  it('Exchange TimeZoneMatchCheck: [!NOTE] kept as a note and not an error, [!INCLUDE] dropped, the KB number not the id', () => {
    const rel = `${EXCHANGE}/client-connectivity/repair-update-messages-triggered-by-timezonematchcheck.md`;
    const a = read(rel);
    expect(a.id).toBe(rel);
    expect(a.sections.symptoms).toContain('Note: The default location for the CRA logs is');
    expect(a.sections.resolution).toBe('This issue has been addressed in the iOS 8.3 update.');
    expect(JSON.stringify(a.sections)).not.toMatch(/\[!INCLUDE|\[!NOTE\]/);
    expect(a.errorMessages[0]).toBe(
      'Your meeting was found to be out of date and has been automatically updated. Updated meeting details: Meeting Recurrence',
    );
    expect(a.errorMessages.some((e) => /default location/.test(e))).toBe(false);
  });
});
