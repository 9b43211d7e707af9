/**
 * Alerts in Teams, end to end: the real CloudAdapter on loopback, nock standing in for the Bot
 * Connector, and the real bot on a KB of the five seeds plus three runbooks (test/fixtures/alerts,
 * read by the real parser). A mention with a pasted alert gets the runbook card; a message made
 * only of an alert card (Alertmanager's or Grafana's Teams receiver, a forwarded card) gets the
 * runbook too; a resolved alert card and a card the KB has nothing for get no reply.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cardText, htmlText } from '../../../../src/adapters/teams/card-text.js';
import { createTeamsServer, type TeamsServer } from '../../../../src/adapters/teams/server.js';
import { Bot } from '../../../../src/bot/bot.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { keptLogger } from '../../../helpers/log.js';
import { seedAndRunbookKb } from '../../../helpers/seed-kb.js';
import {
  FakeConnector,
  personalMessage,
  post,
  type Json,
  channelMention as channelMentionIn,
  cardOf,
} from './fixtures.js';

const CHANNEL = '19:alerts@thread.tacv2';

/** A message in CHANNEL that @mentions the bot. */
const channelMention = (text: string, extra: Json = {}): Json => channelMentionIn(CHANNEL, text, extra);

/** What Alertmanager's Teams receiver (a workflow posting an Adaptive Card) sends for etcdNoLeader. */
function alertCard(status: 'FIRING:1' | 'RESOLVED'): Json {
  return {
    contentType: 'application/vnd.microsoft.card.adaptive',
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        { type: 'TextBlock', text: `[${status}] etcdNoLeader`, weight: 'Bolder', size: 'Medium', wrap: true },
        {
          type: 'TextBlock',
          wrap: true,
          text: [
            'Labels:',
            ' - alertname = etcdNoLeader',
            ' - instance = 10.0.0.12:2379',
            ' - job = etcd',
            ' - severity = critical',
            'Annotations:',
            ' - description = etcd cluster "etcd": member 10.0.0.12:2379 has no leader.',
            ' - summary = etcd cluster has no leader.',
          ].join('\n'),
        },
      ],
      actions: [{ type: 'Action.OpenUrl', title: 'View in Alertmanager', url: 'https://alertmanager.example.net/' }],
    },
  };
}

/** A pasted Grafana notification, as a person copies it out of another channel. */
const PASTED_ALERT = [
  '[FIRING:1]  (KubePodCrashLooping payments warning)',
  '**Firing**',
  '',
  'Value: A=4',
  'Labels:',
  ' - alertname = KubePodCrashLooping',
  ' - namespace = payments',
  ' - pod = api-7d9c6b5f4-x2x8q',
  ' - severity = warning',
  'Annotations:',
  ' - description = Pod payments/api-7d9c6b5f4-x2x8q (api) is in waiting state (reason: "CrashLoopBackOff").',
  ' - summary = Pod is crash looping.',
  'Source: https://grafana.example.net/alerting/grafana/abc123/view',
].join('\n');

const connector = new FakeConnector();
const { calls } = connector;
let server: TeamsServer;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^127\.0\.0\.1(:\d+)?$/);
  const kb = seedAndRunbookKb();
  server = createTeamsServer({
    bot: new Bot(kb, { ranker: Ranker.build(kb) }),
    port: 0,
    logger: keptLogger('warn').logger,
    retry: { baseMs: 1, sleep: async () => undefined },
  });
  await server.start();
});

afterAll(async () => {
  await server?.stop(0);
  nock.enableNetConnect();
});

beforeEach(() => {
  connector.reset();
  connector.install();
});

afterEach(() => {
  nock.cleanAll();
});

describe('alerts in Teams', () => {
  it('a mention with a pasted alert gets the runbook card in the same reply chain', async () => {
    const activity = channelMention(PASTED_ALERT);
    expect((await post(server.url, activity)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body.replyToId).toBe(activity.id);
    const card = cardOf(calls[0]);
    expect(card).toContain('KubePodCrashLooping');
    expect(card).toContain('workloads/KubePodCrashLooping.md');
    expect(card).toMatch(/oc logs -n \$NAMESPACE \$POD --previous/);
  });

  it('a mention with a pasted resolved alert gets no reply', async () => {
    const resolved = PASTED_ALERT.replace('[FIRING:1]', '[RESOLVED]').replace('**Firing**', '**Resolved**');
    expect((await post(server.url, channelMention(resolved))).status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('a message that is only an alert card gets the runbook, in a chat with the bot and mentioned in a channel', async () => {
    const dm = personalMessage('', { text: undefined, attachments: [alertCard('FIRING:1')] });
    expect((await post(server.url, dm)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(cardOf(calls[0])).toContain('etcd/etcdNoLeader.md');

    calls.length = 0;
    const mentioned = channelMention('', { text: '<at>kbbot</at>', attachments: [alertCard('FIRING:1')] });
    expect((await post(server.url, mentioned)).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.body.replyToId).toBe(mentioned.id);
    expect(cardOf(calls[0])).toMatch(/no elected leader/);
  });

  it('a resolved alert card, and a card the KB has nothing for, get no reply', async () => {
    const resolved = personalMessage('', { text: undefined, attachments: [alertCard('RESOLVED')] });
    expect((await post(server.url, resolved)).status).toBe(200);
    const deploy = personalMessage('', {
      text: undefined,
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: 'Deploy finished' }] },
        },
      ],
    });
    expect((await post(server.url, deploy)).status).toBe(200);
    expect(calls).toEqual([]);
  });

  it('an alert card in a channel without a mention is not for the bot', async () => {
    const activity = channelMention('', { text: '', entities: [], attachments: [alertCard('FIRING:1')] });
    expect((await post(server.url, activity)).status).toBe(200);
    expect(calls).toEqual([]);
  });
});

describe("a Teams message's card text", () => {
  it('reads Adaptive Cards in order: text blocks, rich text, facts, containers, columns and tables; not actions or images', () => {
    const text = cardText({
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            fallbackText: 'never read: the card has text',
            body: [
              { type: 'TextBlock', text: '[FIRING:2] KubeJobFailed' },
              { type: 'Image', url: 'https://example.net/x.png', altText: 'graph' },
              { type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: 'Job ' }, 'batch/nightly failed.'] },
              {
                type: 'Container',
                items: [
                  {
                    type: 'FactSet',
                    facts: [
                      { title: 'alertname', value: 'KubeJobFailed' },
                      { title: 'severity', value: 'warning' },
                    ],
                  },
                ],
              },
              {
                type: 'ColumnSet',
                columns: [
                  { type: 'Column', items: [{ type: 'TextBlock', text: 'left' }] },
                  { type: 'Column', items: [{ type: 'TextBlock', text: 'right' }] },
                ],
              },
              {
                type: 'Table',
                rows: [
                  {
                    cells: [
                      { items: [{ type: 'TextBlock', text: 'a' }] },
                      { items: [{ type: 'TextBlock', text: 'b' }] },
                    ],
                  },
                ],
              },
              { type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Silence' }] },
            ],
          },
        },
      ],
    });
    expect(text.split('\n')).toEqual([
      '[FIRING:2] KubeJobFailed',
      'Job batch/nightly failed.',
      'alertname: KubeJobFailed',
      'severity: warning',
      'left',
      'right',
      'a | b',
    ]);
  });

  it('reads MessageCards (Office 365 connector cards), hero cards, HTML and plain text; a fallback only when there is nothing else', () => {
    expect(
      cardText({
        attachments: [
          {
            contentType: 'application/vnd.microsoft.teams.card.o365connector',
            content: {
              '@type': 'MessageCard',
              summary: 'never read: the card has a title',
              title: '[FIRING:1] etcdNoLeader',
              text: 'etcd cluster has no leader.',
              sections: [{ activityTitle: 'etcd', facts: [{ name: 'severity', value: 'critical' }] }],
            },
          },
          { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'Hero', text: 'hero text' } },
          { contentType: 'text/html', content: '<p>one &amp; <b>two</b></p><p>three</p>' },
          { contentType: 'text/plain', content: 'plain words' },
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: { type: 'AdaptiveCard', fallbackText: 'only a fallback' },
          },
        ],
      }).split('\n'),
    ).toEqual([
      '[FIRING:1] etcdNoLeader',
      'etcd cluster has no leader.',
      'etcd',
      'severity: critical',
      'Hero',
      'hero text',
      'one & two',
      'three',
      'plain words',
      'only a fallback',
    ]);
    expect(htmlText('<div>a<br>b</div>')).toBe('a\nb');
  });

  it('is empty without cards, and never throws on odd shapes', () => {
    expect(cardText({})).toBe('');
    expect(
      cardText({
        attachments: [
          { contentType: 'application/vnd.microsoft.card.adaptive', content: 'not a card' },
          { contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', body: 'x' } },
          { contentType: 'image/png', contentUrl: 'https://example.net/x.png' },
        ],
      }),
    ).toBe('');
  });
});
