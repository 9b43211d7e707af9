// The Slack renderer: Block Kit a Slack user reads and clicks, within Slack's limits, with no
// ping, link or formatting coming from KB text.
import { describe, expect, it } from 'vitest';
import { buildAnswer } from '../../../../src/bot/build-answer.js';
import { outline } from '../../../../src/bot/render/outline.js';
import {
  renderSlack,
  SLACK_DEFAULTS,
  type SlackBlock,
  type SlackMessage,
} from '../../../../src/adapters/slack/blocks.js';
import type { TeamFix } from '../../../../src/bot/reply.js';
import { answerOf, hostile, NO_MATCH, seed, seeds, SUGGESTIONS, TEXT, VIEWS } from '../../../helpers/sample-replies.js';
import { hugeRunbook, RUNBOOK, SUPPORT_ARTICLE, teamReply } from '../../bot/render/team-fixtures.js';

const PINGS = /<!channel>|<!here>|<!everyone>|<@|<#|<!subteam|<http/;

/** Every text object in a Slack message, with its kind and the block field it sits in. */
function slackTexts(blocks: SlackBlock[]): { type: string; text: string; where: string; verbatim?: unknown }[] {
  const out: { type: string; text: string; where: string; verbatim?: unknown }[] = [];
  const visit = (node: unknown, where: string): void => {
    if (Array.isArray(node)) node.forEach((n) => visit(n, where));
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string')
        out.push({ type: o.type, text: o.text, where, verbatim: o.verbatim });
      for (const [k, v] of Object.entries(o))
        visit(
          v,
          typeof o.type === 'string' && o.type !== 'mrkdwn' && o.type !== 'plain_text' ? `${o.type}.${k}` : where,
        );
    }
  };
  visit(blocks, 'root');
  return out;
}

/** Slack's limits: 50 blocks, 3,000 characters a text, 150 a header, 75 a button, 2,000 a value, unique action ids. */
function expectSlackWithinLimits(msg: SlackMessage): void {
  expect(msg.blocks.length).toBeLessThanOrEqual(50);
  expect(msg.text.length).toBeLessThanOrEqual(SLACK_DEFAULTS.fallbackChars);
  for (const t of slackTexts(msg.blocks)) {
    expect(t.text.length, t.where).toBeLessThanOrEqual(3000);
    if (t.where.startsWith('header')) expect(t.text.length).toBeLessThanOrEqual(150);
    if (t.where.startsWith('button')) expect(t.text.length).toBeLessThanOrEqual(75);
  }
  const ids: string[] = [];
  for (const b of msg.blocks.filter((x) => x.type === 'actions')) {
    for (const e of b.elements as Record<string, unknown>[]) {
      ids.push(e.action_id as string);
      if (typeof e.value === 'string') expect(e.value.length).toBeLessThanOrEqual(2000);
    }
  }
  expect(new Set(ids).size).toBe(ids.length);
}

const mrkdwnOf = (b: SlackBlock | undefined): string => {
  const t = (b?.text ?? (b?.elements as SlackBlock[] | undefined)?.[0]) as { text?: string } | undefined;
  return t?.text ?? '';
};
const buttonsOf = (msg: SlackMessage): Record<string, unknown>[] =>
  (msg.blocks.find((b) => b.type === 'actions')?.elements ?? []) as Record<string, unknown>[];

describe('an answer', () => {
  it('has the id and title as header and notification text, then why it matched', () => {
    const msg = renderSlack(answerOf(seed('Q290226')));
    expect(msg.text).toBe('Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(msg.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: msg.text, emoji: false } });
    expect(msg.blocks[1]).toMatchObject({ type: 'context' });
    expect(mrkdwnOf(msg.blocks[1])).toBe(
      'Matched: test reason · confidence 0.90 · Microsoft Exchange Server, version 5.5 · 2001-08-23',
    );
  });

  it('numbers the fix steps in order, each listed key on its own line, keys and files as code', () => {
    const msg = renderSlack(answerOf(seed('Q290226')));
    const sections = msg.blocks.map(mrkdwnOf);
    expect(sections).toContain(
      [
        '*Fix*',
        'To resolve this issue, remove the KMS component and apply it again. If you cannot remove the KMS component when you run Setup.exe, you must remove it manually:',
        '1. Stop KMS.',
        '2. Start Registry Editor (`Regedt32.exe`).',
        '3. Remove the following registry keys:',
        '      • `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS`',
        '      • `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer`',
        '      • `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server`',
      ].join('\n'),
    );
    // The steps name every key: listed once, under the steps; the full view keeps the key list.
    expect(sections.some((t) => String(t).startsWith('*Registry keys*'))).toBe(false);
    expect(renderSlack(answerOf(seed('Q290226'), 'full')).blocks.map(mrkdwnOf)).toContain(
      [
        '*Registry keys*',
        '• `HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS`',
        '• `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer`',
        '• `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server`',
      ].join('\n'),
    );
    const q193567 = renderSlack(answerOf(seed('Q193567'))).blocks.map(mrkdwnOf);
    expect(q193567).toContain('*Files*\n• `Kmsupgrd.dll` 5.5.2418.0');
    expect(q193567).toContain('See also: Q191014');
  });

  it('warns about the registry before the fix, and says "No fix:" when there is none', () => {
    const sections = renderSlack(answerOf(seed('Q235418'))).blocks.map(mrkdwnOf);
    const warning = sections.indexOf(
      ':warning: *Warning:* Back up the registry before you edit it: a wrong change can stop Windows from starting.',
    );
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(sections.findIndex((t) => t.startsWith('*Fix*\nRemove the KM server password')));
    expect(renderSlack(answerOf(seed('Q174743'))).blocks.map(mrkdwnOf)).toContain(
      '*No fix:* This behavior is by design; the article gives no fix.',
    );
  });

  it('quotes the error text and keys of the full view line by line', () => {
    const sections = renderSlack(answerOf(seed('Q235418'), 'full')).blocks.map(mrkdwnOf);
    expect(sections.find((t) => t.startsWith('*Cause*'))).toMatch(
      /registry key:\n\n> HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS$/,
    );
  });

  it('has the buttons, with the article id as value, and a link to the article', () => {
    const msg = renderSlack(answerOf(seed('Q290226')));
    expect(buttonsOf(msg).map((e) => [e.action_id, e.value, (e.text as { text: string }).text])).toEqual([
      ['kb_helpful', 'Q290226', 'Helped'],
      ['kb_not_it', 'Q290226', 'Not it'],
      ['kb_other_matches', 'Q290226', 'Other matches'],
      ['kb_full_article', 'Q290226', 'Full article'],
      ['kb_share', 'Q290226', 'Share in channel'],
      ['kb_open', undefined, 'Open Q290226'],
    ]);
    expect(buttonsOf(msg)[0]?.style).toBe('primary');
    expect(buttonsOf(msg).at(-1)?.url).toBe('https://support.microsoft.com/kb/290226');
  });

  it('makes no link button of a URL that is not http(s), and keeps action ids unique', () => {
    const reply = answerOf(seed('Q290226'));
    const answer = {
      ...reply.answer,
      url: 'javascript:alert(1)',
      actions: [...reply.answer.actions, { id: 'share' as const, label: 'Share again', value: 'Q290226' }],
    };
    const ids = buttonsOf(renderSlack({ kind: 'answer', answer })).map((e) => e.action_id);
    expect(ids).toEqual(['kb_helpful', 'kb_not_it', 'kb_other_matches', 'kb_full_article', 'kb_share', 'kb_share_2']);
  });

  // Each seed in each view: within Slack's limits, every part of the outline shown in order, the buttons last.
  for (const a of seeds) {
    for (const view of VIEWS) {
      it(`${a.id} (${view}): within limits, each part in order, the buttons last`, () => {
        const reply = answerOf(a, view);
        const msg = renderSlack(reply);
        expectSlackWithinLimits(msg);
        expect(msg.blocks[0]?.type).toBe('header');
        expect(msg.blocks.slice(-2).map((b) => b.type)).toEqual(['divider', 'actions']);
        expect(buttonsOf(msg).find((e) => e.action_id === 'kb_full_article')?.value).toBe(a.id);
        const starts = { warning: ':warning: *Warning:*', no_fix: '*No fix:*', related: 'See also:' } as const;
        const expected = outline(reply.answer).map((p) => ('heading' in p ? `*${p.heading}*\n` : starts[p.kind]));
        const texts = msg.blocks.slice(2, -2).map(mrkdwnOf);
        expect(texts.map((t) => expected.find((s) => t.startsWith(s)))).toEqual(expected);
        for (const t of slackTexts(msg.blocks)) if (t.type === 'mrkdwn') expect(t.verbatim).toBe(true);
      });
    }
  }

  it('lets no ping, mention, link or formatting out of KB text', () => {
    const msg = renderSlack({ kind: 'answer', answer: hostile(), intro: '<!everyone> @here' });
    const json = JSON.stringify(msg);
    expect(json).not.toMatch(PINGS);
    expect(json).not.toMatch(/@(?:here|channel|everyone)/);
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).toContain('@\u200Bhere');
    for (const t of [
      msg.text,
      ...slackTexts(msg.blocks)
        .filter((x) => x.type === 'mrkdwn')
        .map((x) => x.text),
    ])
      expect(t).not.toMatch(/\*bold\*|_it_|~strike~|`code`/);
    // Code spans are the only backticks, and the one in the path is replaced.
    expect(json).toContain('`C:\\\\ˋxˋ\\\\&lt;!here&gt;.exe`');
    for (const t of slackTexts(msg.blocks)) if (t.type === 'mrkdwn') expect(t.text).not.toMatch(/<(?!\/)/);
    expectSlackWithinLimits(msg);
  });

  it('trims a huge article to 50 blocks and 3,000 characters a text, keeping the full-article button', () => {
    const answer = buildAnswer(seed('Q290226'), { confidence: 0.9, why: 'w', view: 'full' });
    answer.steps = Array.from({ length: 300 }, (_, i) => ({
      text: [{ text: `Step ${i} `.padEnd(500, 'x') }],
      items: [],
    }));
    answer.title = 'T'.repeat(400);
    answer.why = 'because '.repeat(500);
    answer.warnings = ['Back up '.repeat(500)];
    answer.sections = Array.from({ length: 80 }, (_, i) => ({ heading: `Section ${i}`, text: 'word '.repeat(1000) }));
    for (const view of VIEWS) {
      const msg = renderSlack({ kind: 'answer', answer: { ...answer, view } });
      expectSlackWithinLimits(msg);
      expect((msg.blocks[0]?.text as { text: string }).text).toBe(`Q290226: ${'T'.repeat(140)}…`);
      expect(JSON.stringify(msg)).toContain('"kb_full_article"');
      expect(mrkdwnOf(msg.blocks.at(-3))).toBe('_… trimmed: open the article for the rest._');
    }
    const short = Array.from({ length: 80 }, (_, i) => ({ heading: `Section ${i}`, text: `Short text ${i}.` }));
    const many = renderSlack({ kind: 'answer', answer: { ...answer, why: 'w', warnings: [], sections: short } });
    expect(many.blocks).toHaveLength(50);
    expect(mrkdwnOf(many.blocks.at(-3))).toBe('_… trimmed: open the article for the rest._');
    const tiny = renderSlack({ kind: 'answer', answer: { ...answer, view: 'steps' } }, { maxBlocks: 10 });
    expect(tiny.blocks.length).toBeLessThanOrEqual(10);
    expect(tiny.blocks.at(-1)?.type).toBe('actions');
  });
});

describe('other replies', () => {
  it('lists did-you-mean candidates with why, and a pick button each', () => {
    const s = renderSlack(SUGGESTIONS);
    expectSlackWithinLimits(s);
    expect(s.text).toBe('Did you mean one of these?');
    expect(s.blocks.map(mrkdwnOf).slice(0, 3)).toEqual([
      'Did you mean one of these?',
      '1. *Q290226*: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002 — _code 0xc0020002_',
      '2. *Q235418*: XADM: Cannot Apply Service Pack on KM Server — _error text "The system cannot find the file specified."_',
    ]);
    expect(s.blocks).toHaveLength(4);
    expect(s.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: 'kb_pick_1', value: 'Q290226', text: { text: '1. Q290226' } },
        { action_id: 'kb_pick_2', value: 'Q235418', text: { text: '2. Q235418' } },
      ],
    });
  });

  it('renders no match with its hints as bullets, and text in sections', () => {
    const n = renderSlack(NO_MATCH);
    expect(n.text).toBe('I could not find an article that matches.');
    expect(n.blocks.map(mrkdwnOf)).toEqual([
      'I could not find an article that matches.\n• Paste the exact error text, including any code such as 0xc0020002.\n• Or name an article you know of: Q290226.',
    ]);
    const t = renderSlack(TEXT);
    expect(t.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: TEXT.kind === 'text' ? TEXT.text : '', verbatim: true } },
    ]);
    expect(t.text).toBe(
      'I find the knowledge-base article that fixes an error. Try: - paste the error as you see it - name an article: "Q290226"',
    );
  });

  it('splits long text into sections within the limits, with no ping', () => {
    const t = renderSlack({ kind: 'text', text: `${'long line <!here> '.repeat(400)}\nend` });
    expectSlackWithinLimits(t);
    expect(t.blocks.length).toBeGreaterThan(1);
    expect(JSON.stringify(t)).not.toMatch(PINGS);
    expect(mrkdwnOf(t.blocks.at(-1))).toMatch(/\nend$/);
  });
});

describe('a team document', () => {
  const texts = (msg: SlackMessage): string[] => slackTexts(msg.blocks).map((t) => t.text);

  it('shows commands as code blocks, items nested under their step, inline code as code', () => {
    const msg = renderSlack(teamReply(RUNBOOK));
    const fix = msg.blocks.map(mrkdwnOf).find((t) => t.startsWith('*Mitigation*'));
    expect(fix).toBe(
      [
        '*Mitigation*',
        '1. Find the etcd pods:',
        '```\noc get pods -n openshift-etcd -l app=etcd\n```',
        '2. Defragment each member:',
        '      • the leader last',
        '          • check `etcdctl endpoint status` first',
        '      • one at a time',
        '```\netcdctl defrag --command-timeout=30s\n' +
          'echo "&lt;!channel&gt; @\u200Bhere *bold* _it_ &lt;/pre&gt; &lt;at&gt;Boss&lt;/at&gt; `\u200B`\u200B` done"\n```',
        '3. Clear the alarm with `etcdctl alarm disarm`.',
      ].join('\n'),
    );
    const meaning = msg.blocks.map(mrkdwnOf).find((t) => t.startsWith('*Meaning*'));
    expect(meaning).toContain('as measured by `etcd_mvcc_db_total_size_in_bytes`.');
    expect(msg.blocks.map(mrkdwnOf).find((t) => t.startsWith('*Diagnosis*'))).toContain(
      '```\n$ etcdctl endpoint status -w table\n```',
    );
  });

  it('has its title as header, names its source, and shows its id without a link when it has none', () => {
    const msg = renderSlack(teamReply(RUNBOOK));
    expect(msg.text).toBe('etcdDatabaseQuotaLowSpace');
    expect(msg.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'etcdDatabaseQuotaLowSpace', emoji: false },
    });
    expect(mrkdwnOf(msg.blocks[1])).toBe(
      'Matched: alert name etcdDatabaseQuotaLowSpace · confidence 0.90 · from runbooks',
    );
    expect(texts(msg)).toContain('Article: `openshift/alerts/cluster-etcd-operator/etcdDatabaseQuotaLowSpace.md`');
    expect(buttonsOf(msg).map((b) => b.action_id)).not.toContain('kb_open');
    expect(JSON.stringify(msg)).not.toMatch(/https?:/);
  });

  it('links a document with a URL of its own by an "Open article" button', () => {
    const msg = renderSlack(teamReply(SUPPORT_ARTICLE));
    expect(buttonsOf(msg).at(-1)).toMatchObject({
      action_id: 'kb_open',
      url: 'https://learn.microsoft.com/troubleshoot/exchange/cannot-move-mailbox',
      text: { text: 'Open article' },
    });
    expect(texts(msg).some((t) => t.startsWith('Article:'))).toBe(false);
    expect(msg.blocks.map(mrkdwnOf).find((t) => t.startsWith('*Fix*'))).toBe(
      '*Fix*\nRemove the old request:\n\n```\nRemove-MoveRequest -Identity user@contoso.com\n```',
    );
  });

  it('lets nothing in KB text ping or format outside code', () => {
    for (const view of VIEWS) {
      const msg = renderSlack(teamReply(RUNBOOK, view));
      expectSlackWithinLimits(msg);
      expect(JSON.stringify(msg)).not.toMatch(PINGS);
      expect(JSON.stringify(msg)).not.toMatch(/@(?:here|channel|everyone)/);
      // Outside code blocks and spans, KB emphasis is inert.
      for (const t of texts(msg)) expect(t.replace(/```[^]*?```|`[^`\n]*`/g, '')).not.toMatch(/\*Tell\*/);
    }
  });

  it('stays within every limit for a huge runbook, never leaving a code block open, and says it was trimmed', () => {
    for (const view of VIEWS) {
      const msg = renderSlack(teamReply(hugeRunbook(), view));
      expectSlackWithinLimits(msg);
      for (const t of texts(msg)) expect((t.match(/```/g) ?? []).length % 2, t.slice(-80)).toBe(0);
      expect(texts(msg)).toContain(`_${SLACK_DEFAULTS.trimmedNote}_`);
      expect(buttonsOf(msg).map((b) => b.action_id)).toContain('kb_full_article');
    }
    // Tight limits too.
    const tight = renderSlack(teamReply(hugeRunbook()), { maxText: 300, maxTotal: 900 });
    expectSlackWithinLimits(tight);
    for (const t of texts(tight)) expect((t.match(/```/g) ?? []).length % 2).toBe(0);
  });
});

describe('incident-thread replies (issue #24)', () => {
  const fix = (over: Partial<TeamFix> = {}): TeamFix => ({
    id: 'fix-12',
    title: "KMS service won't start after SP3",
    text: 'Fixed it by restarting the KM service:\n```\nRestart-Service kms\n.\\update.exe /quiet\n```\nthen `update.exe` again',
    author: 'U123ABC',
    authorName: null,
    date: '2026-12-05',
    permalink: 'https://acme.slack.com/archives/C123/p1733390000123456',
    actions: [
      { id: 'helpful', label: 'Helped', value: 'fix-12' },
      { id: 'not_it', label: 'Not it', value: 'fix-12' },
    ],
    ...over,
  });

  it('leads an answer with the fix: who, when, a thread link, the fix with its code, its buttons, then the article', () => {
    const msg = renderSlack({ ...answerOf(seed('Q290226')), teamFix: fix() });
    expect(mrkdwnOf(msg.blocks[0])).toBe(
      ":white_check_mark: *Your team fixed this before:* KMS service won't start after SP3 — <@U123ABC>, 5 Dec 2026, <https://acme.slack.com/archives/C123/p1733390000123456|thread>",
    );
    expect(mrkdwnOf(msg.blocks[1])).toBe(
      'Fixed it by restarting the KM service:\n```\nRestart-Service kms\n.\\update.exe /quiet\n```\nthen `update.exe` again',
    );
    expect(msg.blocks[2]).toMatchObject({ type: 'actions' });
    expect((msg.blocks[2]?.elements as Record<string, unknown>[]).map((e) => [e.action_id, e.value])).toEqual([
      ['kb_helpful_2', 'fix-12'],
      ['kb_not_it_2', 'fix-12'],
    ]);
    expect(msg.blocks[3]).toEqual({ type: 'divider' });
    expect(msg.blocks[4]).toMatchObject({ type: 'header' });
    // The article's buttons are as they always were.
    const article = msg.blocks.filter((b) => b.type === 'actions').at(-1)?.elements as Record<string, unknown>[];
    expect(article.map((b) => [b.action_id, b.value])).toEqual(
      expect.arrayContaining([
        ['kb_helpful', 'Q290226'],
        ['kb_not_it', 'Q290226'],
      ]),
    );
    expect(msg.text).toMatch(/^Your team fixed this before: KMS service/);
    expectSlackWithinLimits(msg);
  });

  it('shows a fix alone the same way, without an article; a name where there is no Slack id, no link where none is known', () => {
    const msg = renderSlack({ kind: 'fix', fix: fix({ author: '29:1abc', authorName: 'Ana Lopez', permalink: null }) });
    expect(mrkdwnOf(msg.blocks[0])).toBe(
      ":white_check_mark: *Your team fixed this before:* KMS service won't start after SP3 — Ana Lopez, 5 Dec 2026",
    );
    expect(msg.blocks.some((b) => b.type === 'header' || b.type === 'divider')).toBe(false);
    expectSlackWithinLimits(msg);
  });

  it('lets no ping, link or formatting out of a fix, its title or its author name, and never leaves a code block open', () => {
    const msg = renderSlack({
      kind: 'fix',
      fix: fix({
        title: '<!channel> *urgent* <http://evil|click>',
        text: '@here run this <@U999> ~now~\n```\nrm -rf /tmp/x ``` <!everyone>\n',
        author: '<!here>',
        authorName: '@channel <#C1>',
        permalink: 'javascript:alert(1)',
      }),
    });
    const json = JSON.stringify(msg);
    expect(json).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U999>|<#C1>|<http:\/\/evil|javascript:/);
    expect(json).not.toMatch(/@(?:here|channel|everyone)/);
    for (const t of slackTexts(msg.blocks).filter((x) => x.type === 'mrkdwn'))
      expect((t.text.match(/```/g) ?? []).length % 2).toBe(0);
    expectSlackWithinLimits(msg);
  });

  it('keeps a long fix within the limits, its code block closed', () => {
    const long = fix({ text: `${'step '.repeat(400)}\n\`\`\`\n${'x'.repeat(4000)}\n\`\`\`` });
    const msg = renderSlack({ ...answerOf(seed('Q290226'), 'full'), teamFix: long });
    for (const t of slackTexts(msg.blocks).filter((x) => x.type === 'mrkdwn'))
      expect((t.text.match(/```/g) ?? []).length % 2).toBe(0);
    expectSlackWithinLimits(msg);
  });

  it('confirms a save in one line with an Undo button, and offers to save with a Save as fix button', () => {
    const saved = renderSlack({
      kind: 'saved',
      fixId: 'fix-12',
      title: 'KMS <!here>',
      text: 'Saved as a team fix: KMS <!here> (fix-12)',
    });
    expect(saved.blocks).toHaveLength(2);
    expect(mrkdwnOf(saved.blocks[0])).toBe('Saved as a team fix: KMS &lt;!here&gt; (fix-12)');
    expect(buttonsOf(saved)).toEqual([expect.objectContaining({ action_id: 'kb_undo_fix', value: 'fix-12' })]);

    const offer = renderSlack({
      kind: 'offer_save',
      text: "Save <@U123ABC>'s fix for next time? <!channel>",
      messageId: '1733390000.123456',
      author: 'U123ABC',
    });
    expect(mrkdwnOf(offer.blocks[0])).toBe("Save <@U123ABC>'s fix for next time? &lt;!channel&gt;");
    expect(buttonsOf(offer)).toEqual([
      expect.objectContaining({ action_id: 'kb_save_fix', value: '1733390000.123456' }),
    ]);
    expectSlackWithinLimits(saved);
    expectSlackWithinLimits(offer);
  });

  it('lists past threads: date, title, how it ended, a link (else the channel)', () => {
    const at = Date.UTC(2026, 11, 5, 10);
    const msg = renderSlack({
      kind: 'history',
      intro: 'Past threads with the same error, newest first:',
      items: [
        {
          kind: 'fix',
          title: 'KMS *down*',
          outcome: 'fixed: KMS down',
          at,
          conversation: 'C123',
          thread: '1733390000.123456',
          permalink: 'https://acme.slack.com/archives/C123/p1733390000123456',
          fixId: 'fix-12',
        },
        {
          kind: 'thread',
          title: 'Q290226: XADM <!here>',
          outcome: 'answered, no feedback',
          at,
          conversation: 'C777',
          thread: '1733000000.000100',
          permalink: null,
        },
      ],
    });
    expect(mrkdwnOf(msg.blocks[0])).toBe(
      [
        '*Past threads with the same error, newest first:*',
        '• *5 Dec 2026* — KMS ∗down∗ — _fixed: KMS down_ — <https://acme.slack.com/archives/C123/p1733390000123456|thread>',
        '• *5 Dec 2026* — Q290226: XADM &lt;!here&gt; — _answered, no feedback_ — in <#C777>',
      ].join('\n'),
    );
    expectSlackWithinLimits(msg);
  });

  it('renders an acknowledgement as its text (where it cannot be a reaction)', () => {
    const msg = renderSlack({ kind: 'ack', emoji: 'white_check_mark', text: 'Thanks, noted that fix-12 helped.' });
    expect(mrkdwnOf(msg.blocks[0])).toBe('Thanks, noted that fix-12 helped.');
  });
});
