// The console renderer: an answer as a terminal reader sees it, in 80 columns, with colour only
// when asked for and no escape codes from KB text.
import { describe, expect, it } from 'vitest';
import { buildAnswer } from '../../../../src/bot/build-answer.js';
import type { Reply, TeamFix } from '../../../../src/bot/reply.js';
import { outline } from '../../../../src/bot/render/outline.js';
import { renderPlain } from '../../../../src/adapters/console/plain.js';
import { answerOf, NO_MATCH, seed, seeds, SUGGESTIONS, TEXT, VIEWS } from '../../../helpers/sample-replies.js';
import { SEED_IDS } from '../../../helpers/paths.js';
import { EVIL_CODE, NO_KNOWN_HEADINGS, RUNBOOK, SUPPORT_ARTICLE, teamReply } from '../../bot/render/team-fixtures.js';

const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex
const stripAnsi = (s: string): string => s.replace(/\x1b\[\d+m/g, ''); // eslint-disable-line no-control-regex

describe('an answer', () => {
  it('reads as the README shows it (Q290226)', () => {
    expect(renderPlain(answerOf(seed('Q290226')))).toMatchInlineSnapshot(`
      "Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002
      Matched: test reason (confidence 0.90)
      Microsoft Exchange Server, version 5.5 | 2001-08-23

      Symptoms:
        An error message occurs when you try to apply Exchange Server 5.5 Service Pack
        3 (SP3) after you receive the following message: Setup will reinstall
        Microsoft Exchange Server files for your current Setup Configuration. Existing
        databases will be preserved, but the Microsoft Exchange services will be
        stopped during the reinstall. The error message is: The System cannot find the
        file specified...

      Cause:
        This issue can occur if you removed the Key Management Service (KMS) component
        incorrectly.

      Warning: Back up the registry before you edit it: a wrong change can stop
        Windows from starting.

      Fix:
        To resolve this issue, remove the KMS component and apply it again. If you
        cannot remove the KMS component when you run Setup.exe, you must remove it
        manually:
        1. Stop KMS.
        2. Start Registry Editor (Regedt32.exe).
        3. Remove the following registry keys:
           - HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS
           - HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer
           - HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server

      Article: https://support.microsoft.com/kb/290226"
    `);
  });

  it('starts with the id and title, then why and confidence', () => {
    const lines = renderPlain(answerOf(seed('Q290226'))).split('\n');
    expect(lines[0]).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(lines[1]).toBe('Matched: test reason (confidence 0.90)');
  });

  it('puts an intro above the answer, a blank line between', () => {
    const reply = answerOf(seed('Q290226'));
    const lines = renderPlain({ ...reply, intro: 'The other one:' }).split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'The other one:',
      '',
      'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
    ]);
  });

  // Each seed in each view: id and title first, the link last, and every part of the outline under its heading, in order.
  for (const a of seeds) {
    for (const view of VIEWS) {
      it(`${a.id} (${view}): title first, each part under its heading in order, the link last`, () => {
        const reply = answerOf(a, view);
        const out = renderPlain(reply);
        const lines = out.split('\n');
        expect(lines[0]?.startsWith(`${a.id}: `)).toBe(true);
        expect(lines.at(-1)).toBe(`Article: https://support.microsoft.com/kb/${a.id.slice(1)}`);
        // The applies-to and date line is for reading the article, not for following steps.
        expect(lines[2] === '', lines[2]).toBe(view === 'steps');
        const headings = lines
          .filter((l) => /^(?:[A-Z][a-z ]+:$|Warning: |No fix: |See also: )/.test(l))
          .map((l) => l.replace(/:.*/, ''));
        const expected = outline(reply.answer).map((p) =>
          'heading' in p ? p.heading : { warning: 'Warning', no_fix: 'No fix', related: 'See also' }[p.kind],
        );
        expect(headings).toEqual(expected);
        for (const line of lines) expect(line).toBe(line.trimEnd());
      });
    }
  }

  it('shows the registry warning before the steps, numbered with hanging indents', () => {
    const out = renderPlain(answerOf(seed('Q235418')));
    expect(out.indexOf('Warning:')).toBeLessThan(out.indexOf('Fix:'));
    expect(out).toMatch(/^ {2}1\. Start Registry Editor \(Regedt32\.exe\)\.$/m);
    expect(out).toMatch(/^ {2}3\. On the Edit menu.*\n {5}\S/m);
  });

  it('puts a key a step names on its own line under the step', () => {
    expect(renderPlain(answerOf(seed('Q196171'), 'steps'))).toContain(
      [
        '  2. Locate the the following key in the registry:',
        '     HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS',
        '  3. Delete this key.',
      ].join('\n'),
    );
  });

  it('keeps the lines of quoted text (an error message, a key) in the full view, indented', () => {
    const out = renderPlain(answerOf(seed('Q290226'), 'full'));
    expect(out).toContain(
      [
        '  The error message is:',
        '',
        '    The System cannot find the file specified:',
        '    Microsoft Windows NT',
        '    ID no: 0xc0020002',
      ].join('\n'),
    );
  });

  it('says "No fix:" when there is none, and lists files and the link', () => {
    expect(renderPlain(answerOf(seed('Q174743')))).toContain(
      'No fix: This behavior is by design; the article gives no fix.',
    );
    const q193567 = renderPlain(answerOf(seed('Q193567')));
    expect(q193567).toMatch(/Files:\n {2}Kmsupgrd\.dll 5\.5\.2418\.0/);
    expect(q193567).toContain('See also: Q191014');
    expect(q193567).toContain('Article: https://support.microsoft.com/kb/193567');
  });

  it('never exceeds 80 columns except for a single unbreakable token', () => {
    const key = `HKEY_LOCAL_MACHINE\\SOFTWARE\\${'VeryLongVendorName\\'.repeat(6)}Setting`;
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'test reason '.repeat(20) });
    answer.steps = [
      ...answer.steps,
      {
        text: [
          { text: 'Open the following key, which is long: ' },
          { text: key, code: true },
          { text: ' and then '.repeat(20) },
        ],
        items: [[{ text: '- ' }, { text: key, code: true }], [{ text: `a. ${'then this '.repeat(12)}` }]],
      },
    ];
    answer.registryKeys = [...answer.registryKeys, key];
    const replies: Reply[] = [
      { kind: 'answer', answer },
      ...seeds.flatMap((a) => VIEWS.map((v) => answerOf(a, v))),
      SUGGESTIONS,
      NO_MATCH,
    ];
    // An unbreakable token: a registry key, the only thing on its line but for a list item's marker.
    const unbreakable = new Set([key, ...seeds.flatMap((a) => a.registryKeys)]);
    for (const reply of replies) {
      for (const line of renderPlain(reply).split('\n')) {
        if (line.length > 80) expect(unbreakable.has(line.trim().replace(/^(?:-|[a-z][.)]) /, '')), line).toBe(true);
      }
    }
    for (const line of renderPlain({ kind: 'answer', answer }, { width: 40 }).split('\n')) {
      if (line.length > 40)
        expect(
          line
            .trim()
            .split(' ')
            .some((w) => w.length > 30),
          line,
        ).toBe(true);
    }
  });
});

describe('colour', () => {
  it('has no ANSI codes without colour, even when the KB text carries some', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'x' });
    answer.symptoms = 'evil \x1b[31mred\x1b[0m text \x07';
    for (const reply of [
      { kind: 'answer', answer } as Reply,
      ...seeds.map((a) => answerOf(a, 'full')),
      SUGGESTIONS,
      NO_MATCH,
      TEXT,
    ]) {
      expect(renderPlain(reply)).not.toMatch(ANSI);
      expect(renderPlain(reply)).not.toContain('\x07');
    }
    expect(renderPlain({ kind: 'answer', answer })).toContain('evil [31mred[0m text');
  });

  it('when asked: bold title and headings, dim match line, yellow warning, cyan code, and nothing else changed', () => {
    const reply = answerOf(seed('Q290226'));
    const colored = renderPlain(reply, { color: true });
    expect(stripAnsi(colored)).toBe(renderPlain(reply));
    const lines = colored.split('\n');
    expect(lines[0]).toMatch(/^\x1b\[1mQ290226:\x1b\[0m \x1b\[1mXADM:\x1b\[0m /); // eslint-disable-line no-control-regex
    expect(lines[1]).toBe(
      '\x1b[2mMatched:\x1b[0m \x1b[2mtest\x1b[0m \x1b[2mreason\x1b[0m \x1b[2m(confidence\x1b[0m \x1b[2m0.90)\x1b[0m',
    );
    expect(lines).toContain('\x1b[1mFix:\x1b[0m');
    expect(lines).toContain('\x1b[1mCause:\x1b[0m');
    expect(colored).toContain('\x1b[33mWarning:\x1b[0m Back up the registry');
    expect(colored).toContain('  2. Start Registry Editor (\x1b[36mRegedt32.exe\x1b[0m).');
    expect(colored).toContain('\x1b[36mHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer\x1b[0m');
    expect(colored).toContain('\x1b[1mArticle:\x1b[0m https://support.microsoft.com/kb/290226');
  });
});

describe('other replies', () => {
  it('renders suggestions, no match and text', () => {
    expect(renderPlain(SUGGESTIONS)).toBe(
      [
        'Did you mean one of these?',
        '  1. Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
        '     (code 0xc0020002)',
        '  2. Q235418: XADM: Cannot Apply Service Pack on KM Server (error text "The',
        '     system cannot find the file specified.")',
      ].join('\n'),
    );
    expect(renderPlain(NO_MATCH)).toBe(
      [
        'I could not find an article that matches.',
        '  - Paste the exact error text, including any code such as 0xc0020002.',
        '  - Or name an article you know of: Q290226.',
      ].join('\n'),
    );
    expect(renderPlain(TEXT)).toBe(TEXT.kind === 'text' ? TEXT.text : '');
  });
});

it('the seeds are the five bundled articles', () =>
  expect(seeds.map((s) => s.id).sort()).toEqual([...SEED_IDS].sort()));

describe('a team document', () => {
  it('reads as a runbook: Meaning, Impact, Diagnosis with its commands, Mitigation with code under each step', () => {
    const text = renderPlain(teamReply(RUNBOOK));
    expect(text).toContain(
      [
        'Mitigation:',
        '  1. Find the etcd pods:',
        '       oc get pods -n openshift-etcd -l app=etcd',
        '  2. Defragment each member:',
        '     - the leader last',
        '       - check etcdctl endpoint status first',
        '     - one at a time',
        '       etcdctl defrag --command-timeout=30s',
        `       ${EVIL_CODE}`,
        '  3. Clear the alarm with etcdctl alarm disarm.',
      ].join('\n'),
    );
    expect(text.split('\n').slice(0, 3)).toEqual([
      'etcdDatabaseQuotaLowSpace',
      'Matched: alert name etcdDatabaseQuotaLowSpace (confidence 0.90)',
      'Source: runbooks',
    ]);
    expect(text).toContain(
      'Diagnosis:\n  Open a shell in the etcdctl container:\n\n    $ oc rsh -c etcdctl -n openshift-etcd etcd-0',
    );
    expect(text.split('\n').filter((l) => /^[A-Z][a-z]+:$/.test(l))).toEqual([
      'Meaning:',
      'Impact:',
      'Diagnosis:',
      'Mitigation:',
    ]);
  });

  it('shows the id of a document without a link, its own URL otherwise, never a made-up one', () => {
    expect(renderPlain(teamReply(RUNBOOK)).split('\n').at(-1)).toBe(
      'Article: openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md',
    );
    expect(renderPlain(teamReply(SUPPORT_ARTICLE)).split('\n').at(-1)).toBe(
      'Article: https://learn.microsoft.com/troubleshoot/exchange/cannot-move-mailbox',
    );
  });

  it('never wraps a code line, and paints code cyan only with colour', () => {
    const long = { ...RUNBOOK, steps: [`Run:\n\`\`\`bash\noc get pods ${'-o wide '.repeat(20)}\n\`\`\``] };
    const text = renderPlain(teamReply(long, 'steps'), { width: 40 });
    expect(text).toContain(`       oc get pods ${'-o wide '.repeat(20)}`.trimEnd());
    expect(text).not.toMatch(ANSI);
    expect(renderPlain(teamReply(RUNBOOK), { color: true })).toContain(
      '\x1b[36m       oc get pods -n openshift-etcd -l app=etcd\x1b[0m',
    );
  });

  it('shows a page with no known headings by its summary and the start of its sections', () => {
    const text = renderPlain(teamReply(NO_KNOWN_HEADINGS));
    expect(text).toContain('Summary:\n  The toolbox pod runs ceph commands against the storage cluster.');
    expect(text).toContain(
      'Starting The Toolbox:\n  Patch the OCSInitialization resource:\n\n    oc patch OCSInitialization ocsinit -n openshift-storage --type json',
    );
    expect(text).not.toContain('No fix');
  });
});

/** The fix Ana shared in the incident thread, as an answer shows it. */
const TEAM_FIX: TeamFix = {
  id: 'fix-12',
  title: "KMS service won't start after SP3",
  text: 'Fixed it by restarting the KM service and re-running update.exe:\n\n```powershell\nRestart-Service kms\n.\\update.exe /quiet\n```',
  author: 'U123',
  authorName: 'Ana Lopez',
  date: '2026-12-05',
  permalink: 'https://acme.slack.com/archives/C123/p1733390100000200',
  actions: [
    { id: 'helpful', label: 'Helped', value: 'fix-12' },
    { id: 'not_it', label: 'Not it', value: 'fix-12' },
  ],
};

describe('team fixes (issue #24)', () => {
  it('an answer leads with the fix the team saved, its author, date and thread, then the article as always', () => {
    const article = answerOf(seed('Q193567'));
    const text = renderPlain({ ...article, teamFix: TEAM_FIX });
    expect(text.split('\n').slice(0, 8)).toEqual([
      "Your team fixed this before: KMS service won't start after SP3 (fix-12)",
      '  — Ana Lopez, 2026-12-05',
      '  Fixed it by restarting the KM service and re-running update.exe:',
      '',
      '    Restart-Service kms',
      '    .\\update.exe /quiet',
      '  Thread: https://acme.slack.com/archives/C123/p1733390100000200',
      '',
    ]);
    expect(text.endsWith(renderPlain(article))).toBe(true);
    // With an intro, the intro comes first; without a name, the author's id; without a link, none.
    const bare = renderPlain({
      ...article,
      intro: 'The other one:',
      teamFix: { ...TEAM_FIX, authorName: null, permalink: null },
    });
    expect(bare.split('\n').slice(0, 5)).toEqual([
      'The other one:',
      '',
      "Your team fixed this before: KMS service won't start after SP3 (fix-12)",
      '  — U123, 2026-12-05',
      '  Fixed it by restarting the KM service and re-running update.exe:',
    ]);
  });

  it('a fix alone, when no article matches', () => {
    expect(renderPlain({ kind: 'fix', fix: TEAM_FIX }).split('\n')).toEqual([
      "Your team fixed this before: KMS service won't start after SP3 (fix-12)",
      '  — Ana Lopez, 2026-12-05',
      '  Fixed it by restarting the KM service and re-running update.exe:',
      '',
      '    Restart-Service kms',
      '    .\\update.exe /quiet',
      '  Thread: https://acme.slack.com/archives/C123/p1733390100000200',
    ]);
  });

  it('saved: one line, and how to remove it (the console has no Undo button)', () => {
    const reply: Reply = {
      kind: 'saved',
      fixId: 'fix-12',
      title: TEAM_FIX.title,
      text: "Saved as a team fix: KMS service won't start after SP3 (fix-12)",
    };
    expect(renderPlain(reply)).toBe(
      "Saved as a team fix: KMS service won't start after SP3 (fix-12)\n(to remove it: npx kbbot fixes delete fix-12)",
    );
  });

  it('ack: its text; offer to save: the question and what to type', () => {
    expect(renderPlain({ kind: 'ack', emoji: 'white_check_mark', text: 'Thanks, noted that fix-12 helped.' })).toBe(
      'Thanks, noted that fix-12 helped.',
    );
    expect(
      renderPlain({ kind: 'offer_save', text: "Save Ana Lopez's fix for next time?", messageId: '17', author: 'U123' }),
    ).toBe("Save Ana Lopez's fix for next time?\n(to keep it, type: save fix)");
    // The bot's lines may name someone in Slack's markup: the console reader sees a plain @name.
    expect(
      renderPlain({ kind: 'offer_save', text: "Save <@U123>'s fix for next time?", messageId: '17', author: 'U123' }),
    ).toBe("Save @U123's fix for next time?\n(to keep it, type: save fix)");
    expect(renderPlain({ kind: 'ack', emoji: 'white_check_mark', text: 'Thanks <@U1|ana>, noted.' })).toBe(
      'Thanks @ana, noted.',
    );
  });

  it('history: one past thread a line, newest first as given, with its date, title, outcome and where it is', () => {
    const at = (day: number): number => Date.UTC(2026, 11, day, 12);
    const reply: Reply = {
      kind: 'history',
      intro: '3 earlier threads with this error:',
      items: [
        {
          kind: 'fix',
          title: TEAM_FIX.title,
          outcome: `fixed: ${TEAM_FIX.title}`,
          at: at(5),
          conversation: 'C123',
          thread: '1733390000.123456',
          permalink: TEAM_FIX.permalink,
          fixId: 'fix-12',
        },
        {
          kind: 'thread',
          title: 'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
          outcome: 'Q290226 helped',
          at: at(1),
          conversation: 'C456',
          thread: '1733000000.000100',
          permalink: null,
        },
        {
          kind: 'thread',
          title: 'unanswered',
          outcome: 'unanswered',
          at: Date.UTC(2026, 10, 28),
          conversation: 'D789',
          thread: 'D789',
          permalink: null,
        },
      ],
    };
    expect(renderPlain(reply)).toBe(
      [
        '3 earlier threads with this error:',
        "  2026-12-05  fixed: KMS service won't start after SP3 (fix-12)",
        '              https://acme.slack.com/archives/C123/p1733390100000200',
        '  2026-12-01  Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error',
        '              0xc0020002 — Q290226 helped',
        '              in C456, thread 1733000000.000100',
        '  2026-11-28  unanswered',
        '              in D789',
      ].join('\n'),
    );
    expect(renderPlain({ kind: 'history', intro: '', items: [] })).toBe('No earlier thread with this error.');
    expect(renderPlain({ kind: 'history', intro: 'Nobody has seen this before.', items: [] })).toBe(
      'Nobody has seen this before.',
    );
  });

  it('user and KB text cannot colour or move the terminal, nor break the layout', () => {
    const evil = 'evil \x1b[31mred\x1b[0m\x07 \r\x1b[2K';
    const replies: Reply[] = [
      {
        ...answerOf(seed('Q193567')),
        teamFix: {
          ...TEAM_FIX,
          title: evil,
          text: `${evil}\n\n\`\`\`\n${evil}\n\`\`\``,
          authorName: evil,
          permalink: evil,
        },
      },
      { kind: 'fix', fix: { ...TEAM_FIX, id: evil, author: evil, authorName: null } },
      { kind: 'saved', fixId: evil, title: evil, text: evil },
      { kind: 'ack', emoji: 'x', text: evil },
      { kind: 'offer_save', text: evil, messageId: '1', author: evil },
      {
        kind: 'history',
        intro: evil,
        items: [
          { kind: 'thread', title: evil, outcome: evil, at: 0, conversation: evil, thread: evil, permalink: evil },
          { kind: 'fix', title: evil, outcome: evil, at: NaN, conversation: 'C1', thread: 't', permalink: null },
        ],
      },
    ];
    for (const reply of replies) {
      const text = renderPlain(reply);
      expect(text, reply.kind).not.toMatch(ANSI);
      expect(text, reply.kind).not.toMatch(/[\x07\r]/); // eslint-disable-line no-control-regex
      expect(text, reply.kind).toContain('evil [31mred[0m');
    }
  });

  it('paints the fix header bold and its code cyan only when asked', () => {
    const reply: Reply = { kind: 'fix', fix: TEAM_FIX };
    const colored = renderPlain(reply, { color: true });
    expect(stripAnsi(colored)).toBe(renderPlain(reply));
    expect(colored.startsWith('\x1b[1mYour team fixed this before:\x1b[0m')).toBe(true);
    expect(colored).toContain('\x1b[36m    Restart-Service kms\x1b[0m');
  });
});
