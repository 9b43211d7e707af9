/**
 * Alerts posted into Slack by other apps, end to end: the real Bolt App over real HTTP with
 * requests signed like Slack's, nock standing in for the Web API, and the real bot on a KB of
 * the five seeds plus three runbooks (test/fixtures/alerts, read by the real parser). An
 * Alertmanager notification in a channel the bot listens in gets its runbook in the alert's
 * thread; a resolved one, the bot's own message and another app's chit-chat get nothing.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackApp } from '../../../../src/adapters/slack/app.js';
import type { Handled } from '../../../../src/adapters/slack/context.js';
import { MemoryDeliveredEvents } from '../../../../src/adapters/slack/delivered-events.js';
import { MemoryListeningStore } from '../../../../src/adapters/slack/listening.js';
import { appMessageText, personMessageText } from '../../../../src/adapters/slack/message-text.js';
import { Bot } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { createLogger } from '../../../../src/log.js';
import { SEED_PASTE, seedAndRunbookKb } from '../../../helpers/seed-kb.js';
import { envelope, mention, nextTs, sendJson, type Body } from '../../../helpers/slack.js';
import { FakeSlack, LOOPBACK_APP, Outcomes, startApp } from './harness.js';

const ETCD = 'etcd/etcdNoLeader.md';

/** Another app's bot (Alertmanager's incoming webhook). */
const ALERTMANAGER = { bot_id: 'BALERTS', username: 'Alertmanager' };

/** Alertmanager's Slack receiver (slack_configs, default title and a common text template) for etcdNoLeader. */
function alertmanagerAttachment(status: 'FIRING:1' | 'RESOLVED'): Body {
  const title = `[${status}] etcdNoLeader`;
  return {
    id: 1,
    color: status === 'RESOLVED' ? '2eb886' : 'a30200',
    title,
    title_link: 'https://alertmanager.example.net/#/alerts?receiver=slack-ops',
    fallback: `${title} | https://alertmanager.example.net/#/alerts?receiver=slack-ops`,
    text: [
      '*Alert:* etcd cluster has no leader - `critical`',
      '*Description:* etcd cluster &quot;etcd&quot;: member 10.0.0.12:2379 has no leader.',
      '*Details:*',
      '  • *alertname:* `etcdNoLeader`',
      '  • *instance:* `10.0.0.12:2379`',
      '  • *job:* `etcd`',
      '  • *severity:* `critical`',
    ].join('\n'),
    mrkdwn_in: ['fallback', 'pretext', 'text'],
  };
}

/** A message another app posted into `channel` (an incoming webhook's `bot_message`). */
const appMessage = (fields: Body, channel = 'C_ALERTS', ts = nextTs()): Body =>
  envelope({ type: 'message', subtype: 'bot_message', channel_type: 'channel', text: '', channel, ts, ...fields });

const fake = new FakeSlack();
const outcomes = new Outcomes();
const posted = (): Body[] => fake.posted();
const nextHandled = (match?: (h: Handled) => boolean): Promise<Handled> => outcomes.next(match, 5000);
/** The header block of a posted answer ("etcd/etcdNoLeader.md: etcdNoLeader"). */
const headerOf = (b: Body | undefined): string => {
  const blocks = (b?.blocks ?? []) as { type: string; text?: { text?: string } }[];
  return blocks.find((x) => x.type === 'header')?.text?.text ?? '';
};

let slack: SlackApp;
let endpoint: string;

beforeAll(async () => {
  fake.install();
  const kb = seedAndRunbookKb();
  slack = createSlackApp({
    ...LOOPBACK_APP,
    bot: new Bot(kb, { ranker: Ranker.build(kb) }),
    listening: new MemoryListeningStore(['C_ALERTS']),
    dedupe: new MemoryDeliveredEvents(),
    logger: createLogger((process.env.SLACK_TEST_LOG as 'debug') ?? 'error'),
    onHandled: outcomes.onHandled,
  });
  endpoint = await startApp(slack);
});

afterAll(async () => {
  await slack?.stop();
  fake.uninstall();
});

beforeEach(() => {
  fake.reset();
  outcomes.clear();
});

/** Send `event` and wait for the adapter's report on it. */
async function deliver(event: Body): Promise<Handled> {
  const done = nextHandled();
  const res = await sendJson(endpoint, event);
  expect(res.status).toBe(200);
  return done;
}

describe('an alert another app posts in a channel the bot listens in', () => {
  it("gets the runbook in the alert's thread: meaning, impact, diagnosis and the mitigation's commands", async () => {
    const ts = nextTs();
    expect(
      await deliver(appMessage({ ...ALERTMANAGER, attachments: [alertmanagerAttachment('FIRING:1')] }, 'C_ALERTS', ts)),
    ).toMatchObject({
      what: 'message',
      outcome: 'replied',
    });
    const [post, ...more] = posted();
    expect(more).toEqual([]);
    expect(post).toMatchObject({ channel: 'C_ALERTS', thread_ts: ts });
    expect(headerOf(post)).toContain('etcdNoLeader');
    const shown = JSON.stringify(post);
    expect(shown).toContain(ETCD);
    expect(shown).toMatch(/no elected leader/); // meaning
    expect(shown).toMatch(/accepts no writes/); // impact
    expect(shown).toMatch(/oc get pods -n openshift-etcd -l app=etcd -o wide/); // diagnosis
    expect(shown).toMatch(/oc delete pod -n openshift-etcd etcd-master-0/);
  });

  it('is read from blocks too (an app that posts Block Kit, chat.postMessage with a bot token)', async () => {
    const ts = nextTs();
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: '[FIRING:1] KubePodCrashLooping' } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*Description:* Pod payments/api-7d9 (api) is in waiting state (reason: &quot;CrashLoopBackOff&quot;).',
        },
        fields: [
          { type: 'mrkdwn', text: '*alertname:* KubePodCrashLooping' },
          { type: 'mrkdwn', text: '*severity:* warning' },
        ],
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'cluster prod-eu-1' }] },
    ];
    const event = envelope({
      type: 'message',
      channel_type: 'channel',
      channel: 'C_ALERTS',
      ts,
      bot_id: 'BGRAFANA',
      user: 'UGRAFANA',
      app_id: 'AGRAFANA',
      text: '[FIRING:1] KubePodCrashLooping',
      blocks,
    });
    expect(await deliver(event)).toMatchObject({ outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'C_ALERTS', thread_ts: ts })]);
    expect(headerOf(posted()[0])).toContain('KubePodCrashLooping');
  });

  it('sent twice (two Alertmanager replicas, a re-sent webhook) gets one answer', async () => {
    const attachment = alertmanagerAttachment('FIRING:1');
    // A label of its own: not the notification the first test had answered.
    const text = `${attachment.text as string}\n  • *replica:* \`b\``;
    const twice = { ...ALERTMANAGER, attachments: [{ ...attachment, text }] };
    expect(await deliver(appMessage(twice))).toMatchObject({ outcome: 'replied' });
    expect(await deliver(appMessage(twice))).toMatchObject({ outcome: 'ignored' });
    expect(posted()).toHaveLength(1);
  });

  it('[RESOLVED] gets nothing', async () => {
    const handled = await deliver(appMessage({ ...ALERTMANAGER, attachments: [alertmanagerAttachment('RESOLVED')] }));
    expect(handled).toMatchObject({ what: 'message', outcome: 'silent' });
    expect(fake.calls).toEqual([]);
  });

  it("the bot's own message gets nothing, told by its bot id, its user id or its app id", async () => {
    const alert = alertmanagerAttachment('FIRING:1');
    const own: Body[] = [
      envelope({
        type: 'message',
        channel_type: 'channel',
        channel: 'C_ALERTS',
        ts: nextTs(),
        bot_id: 'BBOT',
        user: 'UBOT',
        text: '',
        attachments: [alert],
      }),
      appMessage({ bot_id: 'BBOT', attachments: [alert] }),
      envelope({
        type: 'message',
        channel_type: 'channel',
        channel: 'C_ALERTS',
        ts: nextTs(),
        bot_id: 'BNEW',
        app_id: 'A1',
        text: '',
        attachments: [alert],
      }),
    ];
    for (const e of own) {
      expect(await deliver(e)).toMatchObject({ outcome: 'ignored' });
    }
    expect(fake.calls).toEqual([]);
  });

  it('another app\'s chit-chat ("Deploy finished") gets nothing, not even "no match"', async () => {
    for (const text of [
      'Deploy finished',
      ':white_check_mark: Deploy of payments-api v2.14.1 to prod finished in 3m12s',
    ]) {
      expect(await deliver(appMessage({ bot_id: 'BDEPLOY', username: 'deploybot', text }))).toMatchObject({
        outcome: 'silent',
      });
    }
    expect(fake.calls).toEqual([]);
  });

  it("another app's question gets nothing: from apps the bot answers alerts and pasted errors only", async () => {
    const text = 'What does etcdNoLeader mean?';
    expect(await deliver(appMessage({ bot_id: 'BSURVEY', username: 'standup-bot', text }))).toMatchObject({
      outcome: 'silent',
    });
    expect(fake.calls).toEqual([]);
  });

  it("an app's reply in a thread, an app in a DM and an app in a channel the bot does not listen in get nothing", async () => {
    const alert = alertmanagerAttachment('FIRING:1');
    const root = nextTs();
    const ignored: Body[] = [
      appMessage({ ...ALERTMANAGER, attachments: [alert], thread_ts: root }),
      envelope({
        type: 'message',
        subtype: 'bot_message',
        channel_type: 'im',
        channel: 'D1',
        ts: nextTs(),
        ...ALERTMANAGER,
        attachments: [alert],
      }),
      appMessage({ ...ALERTMANAGER, attachments: [alert] }, 'C_QUIET'),
      appMessage({ ...ALERTMANAGER, subtype: 'message_changed', attachments: [alert] }),
    ];
    for (const e of ignored) {
      expect(await deliver(e)).toMatchObject({ outcome: 'ignored' });
    }
    expect(fake.calls).toEqual([]);
  });

  it("an app that mentions the bot is answered like a person; a person's paste in the channel still is", async () => {
    const ts = nextTs();
    const event = envelope({
      type: 'app_mention',
      channel: 'C_OPS',
      ts,
      bot_id: 'BALERTS',
      text: '<@UBOT> please look at this',
      attachments: [alertmanagerAttachment('FIRING:1')],
    });
    expect(await deliver(event)).toMatchObject({ what: 'app_mention', outcome: 'replied' });
    expect(posted()).toEqual([expect.objectContaining({ channel: 'C_OPS', thread_ts: ts })]);
    expect(headerOf(posted()[0])).toContain('etcdNoLeader');

    fake.reset();
    expect(await deliver(mention(SEED_PASTE, 'C_OPS'))).toMatchObject({ outcome: 'replied' });
    expect(headerOf(posted()[0])).toContain('Q290226');
  });
});

describe("an app message's text", () => {
  it("is the message's text, then each attachment's pretext, title, text and fields, then its blocks, repeats dropped", () => {
    const text = appMessageText({
      text: '[FIRING:1] etcdNoLeader',
      attachments: [
        {
          pretext: 'Production',
          title: '[FIRING:1] etcdNoLeader',
          text: '*Description:* no leader',
          fields: [{ title: 'severity', value: 'critical' }, { value: 'no title' }, { title: 'empty' }],
          fallback: 'never read: the attachment has text',
        },
        { fallback: 'only a fallback' },
      ],
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Header words' } },
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'see ' },
                { type: 'link', url: 'https://runbooks.example.net/etcd', text: 'the runbook' },
                { type: 'user', user_id: 'U1' },
              ],
            },
            { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'etcdserver: no leader' }] },
            {
              type: 'rich_text_list',
              elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] }],
            },
          ],
        },
        { type: 'image', image_url: 'https://example.net/x.png', alt_text: 'a graph' },
        { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Silence' } }] },
      ],
    });
    expect(text.split('\n')).toEqual([
      '[FIRING:1] etcdNoLeader',
      'Production',
      '*Description:* no leader',
      'severity: critical',
      'no title',
      'only a fallback',
      'Header words',
      'see the runbook<@U1>',
      '```',
      'etcdserver: no leader',
      '```',
      '• one',
    ]);
  });

  it("of a person is what they typed plus the messages they shared, not link previews nor the bot's own answers", () => {
    const shared = {
      is_share: true,
      is_msg_unfurl: true,
      bot_id: 'BALERTS',
      text: '[FIRING:1] etcdNoLeader',
      fallback: '[no preview available]',
      message_blocks: [
        { message: { blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Description:* no leader' } }] } },
      ],
    };
    const preview = { title: 'etcd docs', text: 'A distributed key-value store', from_url: 'https://etcd.io' };
    expect(personMessageText({ text: '<@UBOT> what now?', attachments: [preview, shared] }).split('\n')).toEqual([
      '<@UBOT> what now?',
      '[FIRING:1] etcdNoLeader',
      '*Description:* no leader',
    ]);
    expect(personMessageText({ text: 'see https://etcd.io', attachments: [preview] })).toBe('see https://etcd.io');
    const ownAnswer = { ...shared, bot_id: 'BBOT' };
    expect(personMessageText({ text: 'fyi', attachments: [ownAnswer] }, { botId: 'BBOT' })).toBe('fyi');
  });

  it('is empty for a message of no text, and never throws on odd shapes', () => {
    expect(appMessageText({})).toBe('');
    expect(
      appMessageText({
        text: 42,
        attachments: [null, 'x', { fields: 'no', blocks: [{ type: 'section' }] }],
        blocks: { type: 'section' },
      }),
    ).toBe('');
  });
});
