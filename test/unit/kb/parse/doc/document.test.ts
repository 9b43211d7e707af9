// A team's own documents (Markdown with or without front matter, HTML, plain text) read as
// articles, and the files that are not articles refused with a reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArticleParseError } from '../../../../../src/kb/errors.js';
import { parseDocument } from '../../../../../src/kb/parse/doc/index.js';
import { sniffForm } from '../../../../../src/kb/parse/doc/sniff.js';
import { parseArticle } from '../../../../../src/kb/parse/index.js';
import { cpuMs } from '../../../../helpers/cpu-time.js';

const ROOT = '/srv/runbooks';
const read = (text: string, rel = 'team/db-down.md', context = {}) =>
  parseArticle(text, `${ROOT}/${rel}`, { root: ROOT, source: 'runbooks', ...context });

function refusal(text: string): { code: string; message: string } {
  try {
    read(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ArticleParseError);
    return { code: (e as ArticleParseError).code, message: (e as Error).message };
  }
  throw new Error('expected the file to be refused');
}

const RUNBOOK = `# Database is down

The primary database stops answering.

## Symptoms

Clients log:

\`\`\`
FATAL: remaining connection slots are reserved for non-replication superuser connections
\`\`\`

## Root cause

Too many idle connections.

## Resolution

1. Find the idle sessions:
   \`\`\`sql
   select pid from pg_stat_activity where state = 'idle';
   \`\`\`
2. Terminate them
   - first the oldest
   - then the rest
3. Raise \`max_connections\`, see [the tuning page](../db/tuning.md#limits).

<!-- ## Old notes -->
`;

describe('a Markdown runbook', () => {
  const a = read(RUNBOOK);

  it('has its path as id, its H1 as title, and its sections by heading meaning', () => {
    expect(a).toMatchObject({ id: 'team/db-down.md', title: 'Database is down', form: 'gfm', source: 'runbooks' });
    expect(a.sections).toEqual({
      summary: 'The primary database stops answering.',
      body: 'The primary database stops answering.',
      symptoms:
        'Clients log:\n\n```\nFATAL: remaining connection slots are reserved for non-replication superuser connections\n```',
      cause: 'Too many idle connections.',
      resolution: expect.stringMatching(/^1\. Find the idle sessions:\n```sql\n/) as string,
    });
    expect(a.sections.resolution).toContain('2. Terminate them\n  - first the oldest\n  - then the rest\n3. Raise');
    expect(a.sections.resolution).not.toContain('Old notes'); // an HTML comment is not shown
  });

  it('takes the numbered fix as steps, nested items and code inside each', () => {
    expect(a.steps).toEqual([
      "Find the idle sessions:\n```sql\nselect pid from pg_stat_activity where state = 'idle';\n```",
      'Terminate them\n- first the oldest\n- then the rest',
      'Raise `max_connections`, see the tuning page.',
    ]);
  });

  it('takes the fenced output as the error, and links to other documents as related ids', () => {
    expect(a.errorMessages).toEqual([
      'FATAL: remaining connection slots are reserved for non-replication superuser connections',
    ]);
    expect(a.related).toEqual(['db/tuning.md']);
    expect(a.url).toBeNull();
    expect(a.alertNames).toEqual([]);
  });

  it('fills the folder URL template with its path', () => {
    const t = read(RUNBOOK, "team/can't connect.md", { urlTemplate: 'https://git.example/kb/blob/main/{path}' });
    expect(t.url).toBe("https://git.example/kb/blob/main/team/can't%20connect.md");
  });
});

describe('front matter', () => {
  it('reads TOML front matter: title as keyword, id, url, date, tags, alert', () => {
    const a = read(
      `+++
title = "Disk full on the build hosts"
id = "RB-42"
url = "https://wiki.example/rb/42"
date = 2024-03-05
tags = ["disk", "ci"]
alert = "BuildHostDiskFull"
+++

# Build host disk full

Builds fail with \`No space left on device\`.

## Mitigation

- Run \`docker system prune -af\` on the host.
`,
      'ci/disk-full.md',
    );
    expect(a).toMatchObject({
      id: 'RB-42',
      title: 'Build host disk full',
      url: 'https://wiki.example/rb/42',
      date: '2024-03-05',
      alertNames: ['BuildHostDiskFull'],
    });
    expect(a.keywords).toEqual(['Disk full on the build hosts', 'disk', 'ci']);
    expect(a.steps).toEqual(['Run `docker system prune -af` on the host.']);
  });

  it('reads YAML front matter: description as summary, ms.date, appliesto, a non-web url ignored', () => {
    const a = read(`---
title: Same title
description: Mail stays in the queue.
ms.date: 01/24/2024
appliesto:
  - Exchange Server 2019
url: /relative/only
---

# Same title

## Problem

Mail stays in the queue.
`);
    expect(a.sections.summary).toBe('Mail stays in the queue.');
    expect(a.date).toBe('2024-01-24');
    expect(a.appliesTo).toEqual(['Exchange Server 2019']);
    expect(a.keywords).toEqual([]); // the front-matter title is the title
    expect(a.url).toBeNull();
    expect(a.sections.symptoms).toBe('Mail stays in the queue.');
  });

  it('reads an article whose YAML is broken as one without front matter', () => {
    const a = read('---\ntitle: "unclosed\n  - : : [\n---\n\n# Queue stuck\n\nThe queue does not drain.\n');
    expect(a.title).toBe('Queue stuck');
    expect(a.sections.summary).toBe('The queue does not drain.');
  });

  it('never takes a KB number mentioned in the body as the id', () => {
    const a = read('# Update breaks login\n\nAfter installing KB3134758 (Article: Q3134758), users cannot sign in.\n');
    expect(a.id).toBe('team/db-down.md');
  });
});

describe('headings and titles', () => {
  it('maps headings added by configuration, and takes them out of the other sections', () => {
    const text =
      '# Outage\n\n## Blast radius\n\nAll users.\n\n## Summary\n\nShort story.\n\n## Runbook\n\n1. Page the DBA.\n';
    const plain = read(text);
    expect(plain.sections).toMatchObject({
      blastRadius: 'All users.',
      symptoms: 'Short story.',
      runbook: '1. Page the DBA.',
    });
    const a = read(text, 'x.md', { headings: { impact: ['Blast radius', 'Summary'], resolution: ['Runbook'] } });
    expect(a.sections).toMatchObject({ impact: 'All users.\n\nShort story.', resolution: '1. Page the DBA.' });
    expect(a.sections.symptoms).toBeUndefined();
    expect(a.steps).toEqual(['Page the DBA.']);
  });

  it('maps numbered and method headings, and keeps unmapped ones under camelCase keys', () => {
    const a = read(
      '# T\n\n## Symptom\n\nIt breaks.\n\n## Workaround 2: use the CLI\n\nUse the CLI.\n\n## Resolution - Method 1\n\nPatch it.\n\n## 3. Background notes\n\nHistory.\n',
    );
    expect(a.sections).toMatchObject({
      symptoms: 'It breaks.',
      resolution: 'Use the CLI.\n\nPatch it.',
      backgroundNotes: 'History.',
    });
  });

  it('falls back to the first heading, the front-matter title, then the file name, for the title', () => {
    expect(read('## Renaming nodes\n\nRename them.\n').title).toBe('Renaming nodes');
    expect(read('## Symptoms\n\nIt breaks.\n', 'ops/disk-full.md').title).toBe('disk-full'); // a section name is no title
    expect(read('---\ntitle: From front matter\n---\n\nJust some words here.\n').title).toBe('From front matter');
    expect(read('Just some words here, and `more`.\n\nAnother paragraph.\n', 'ops/KubeNodeNotReady.md').title).toBe(
      'KubeNodeNotReady',
    );
  });

  it('takes alert names from a file stem or H1 that is one identifier, not from a README or kebab name', () => {
    expect(read('# etcdNoLeader\n\nNo leader.\n', 'a/etcdNoLeader.md').alertNames).toEqual(['etcdNoLeader']);
    expect(read('# Watchdog\n\nAlways firing.\n', 'a/Watchdog.md').alertNames).toEqual(['Watchdog']);
    expect(read('# Nginx is down\n\nDown.\n', 'a/nginx-is-down.md').alertNames).toEqual([]);
    expect(read('# Readme\n\nSome words.\n', 'a/README.md').alertNames).toEqual([]);
  });
});

describe('markup a reader should not see', () => {
  it('drops DocFX includes, :::image, Hugo shortcodes and tables of contents; keeps admonitions as notes', () => {
    const a = read(`# T

**Table of Contents**

- [Symptoms](#symptoms)
- [Fix](#fix)

## Symptoms

> [!NOTE]
> Only on Tuesdays.

> The operation timed out.

:::image type="content" source="media/x.png" alt-text="A dialog":::

## Fix

[!INCLUDE [disclaimer](../includes/disclaimer.md)]

See {{< ref "./other.md" >}} and ![the dialog](x.png).
`);
    expect(a.sections.symptoms).toBe('Note: Only on Tuesdays.\n\nThe operation timed out.');
    expect(a.sections.resolution).toBe('See ./other.md and the dialog.');
    expect(a.errorMessages).toEqual(['The operation timed out.']);
    expect(JSON.stringify(a.sections)).not.toMatch(/Table of Contents|#symptoms/);
  });

  it('takes the error after an "error message:" intro, and from a command block only the output', () => {
    const a = read(`# T

## Symptoms

You receive the following error message:

Access is denied to the mailbox store.

\`\`\`console
$ oc get pods -n app
Error from server (Forbidden): pods is forbidden: User cannot list resource
\`\`\`

## Diagnosis

\`\`\`bash
kubectl get nodes
\`\`\`
`);
    expect(a.errorMessages).toEqual([
      'Access is denied to the mailbox store.',
      'Error from server (Forbidden): pods is forbidden: User cannot list resource',
    ]);
  });
});

describe('other forms', () => {
  it('tells HTML, Markdown and plain text apart by content', () => {
    expect(sniffForm('<!DOCTYPE html><html><body><h1>T</h1></body></html>')).toBe('html');
    expect(sniffForm('<div class="wiki"><h1>T</h1><p>x</p></div>')).toBe('html');
    expect(sniffForm('<!-- START doctoc -->\n# Title\n\ntext\n')).toBe('gfm');
    expect(sniffForm('Title\n=====\n\ntext\n')).toBe('gfm');
    expect(sniffForm('Printer offline\n\nTurn it off and on again.\n')).toBe('plain');
  });

  it('reads an HTML export (title, meta description, sections)', () => {
    const a = read(
      '<!DOCTYPE html><html><head><title>Wiki: VPN drops</title><meta name="description" content="The VPN drops every hour."></head>' +
        '<body><h1>VPN drops</h1><h2>Cause</h2><p>The lease is too short.</p><h2>Resolution</h2><ol><li>Raise the lease.</li></ol></body></html>',
      'wiki/vpn.html',
    );
    expect(a).toMatchObject({ form: 'html', title: 'VPN drops', id: 'wiki/vpn.html' });
    expect(a.sections).toMatchObject({ summary: 'The VPN drops every hour.', cause: 'The lease is too short.' });
    expect(a.steps).toEqual(['Raise the lease.']);
  });

  it('reads plain text', () => {
    const a = read(
      'Printer offline\n\nThe printer shows offline after sleep.\n\nResolution:\nTurn it off and on again.\n',
      'p.txt',
    );
    expect(a.form).toBe('plain');
    expect(a.title).toBe('Printer offline');
    expect(a.sections.summary).toBe('The printer shows offline after sleep.');
  });
});

describe('files that are not articles', () => {
  it('refuses an empty or whitespace-only file', () => {
    expect(refusal('')).toMatchObject({ code: 'kb_empty' });
    expect(refusal('  \n\n\t\n')).toEqual({ code: 'kb_empty', message: 'file is empty (only whitespace)' });
  });

  it('refuses an index page of links, saying so', () => {
    expect(
      refusal('# Runbooks\n\n- [Disk full](disk.md)\n- [DB down](db.md)\n\n[More](https://example.com)\n'),
    ).toEqual({
      code: 'kb_not_article',
      message: 'not a KB article: the page is only links (an index page), with no text of its own',
    });
  });

  it('refuses a page with only a title, or no words', () => {
    expect(refusal('# Just a title\n').message).toBe('not a KB article: it has a title but no text under it');
    expect(refusal('---\n***\n---\n').code).toBe('kb_not_article');
  });

  it('never throws anything but ArticleParseError, and always gives a title', () => {
    const piece = fc.oneof(
      fc.constantFrom(
        '# ',
        '## ',
        '- ',
        '1. ',
        '> ',
        '> [!NOTE]\n',
        '```\n',
        '```bash\n',
        '---\n',
        '+++\n',
        '\n',
        '\n\n',
      ),
      fc.constantFrom('[a](b.md)', '<!-- c -->', '<details>', '{{< ref "x" >}}', '`x`', '**b**', '|a|b|\n|-|-|\n', ':'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        try {
          const a = parseDocument(parts.join(''), '/kb/x/y.md', { root: '/kb' });
          expect(a.title.trim()).not.toBe('');
          expect(a.id).toBe('x/y.md');
        } catch (e) {
          if (!(e instanceof ArticleParseError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads a 4 MB file of nested lists in about a second', () => {
    const lists = (Array.from({ length: 10 }, (_, i) => ' '.repeat(i * 2) + '- item ' + i).join('\n') + '\n\n').repeat(
      25_000,
    );
    const deep = Array.from({ length: 2000 }, (_, i) => ' '.repeat((i % 500) * 2) + '- item ' + i).join('\n');
    for (const text of [`# Lists\n\n${lists}`.slice(0, 4e6), `# Deep\n\n${deep}`.slice(0, 4e6)]) {
      // CPU time, not wall time: a guard against unbounded work that a busy machine does not trip.
      const cpu = cpuMs(() => expect(read(text).title).toMatch(/^(Lists|Deep)$/), 1);
      expect(cpu).toBeLessThan(3000); // well under 1 s on an idle machine
    }
  });
});
