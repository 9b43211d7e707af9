/**
 * Interactivity: the "Find a fix" message shortcut (callback_id `find_fix`) and the buttons under
 * answers (`kb_helpful`, `kb_not_it`, `kb_other_matches`, `kb_full_article`, `kb_share`,
 * `kb_pick_<n>`). Slack wants an ack within 3 s: the shortcut is acknowledged first, then
 * answered; a button click is recorded first (feedback is a synchronous write of about a
 * millisecond), then acknowledged, then answered, so an acknowledged click is never lost.
 *
 * Where button answers go:
 * - under a public answer (in a thread): in that thread; *Helped* thanks the clicker ephemerally;
 *   *Share in channel* re-posts the answer in the thread and to the channel (`reply_broadcast`).
 * - under an ephemeral `/kb` answer: the ephemeral message is replaced; *Share in channel* posts the answer
 *   publicly (in the thread the ephemeral message is in, if any) and removes the ephemeral one.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { BotAction } from '../../bot/bot.js';
import { renderSlack } from './blocks.js';
import { commandThread, ephemeral } from './command.js';
import { describeError, SLACK_TEXTS, type SlackContext } from './context.js';
import { postInChannel, postInThread } from './post.js';

export const SHORTCUT_CALLBACK_ID = 'find_fix';
/** kb_<action>, with renderSlack's `_2` suffix for repeated ids; kb_pick_<n>. */
export const BUTTON_ACTION = /^kb_(helpful|not_it|other_matches|full_article|share|pick)(?:_\d+)*$/;

interface Container {
  type?: string;
  message_ts?: string;
  channel_id?: string;
  thread_ts?: string;
  is_ephemeral?: boolean;
}

const isPlatformError = (err: unknown, ...codes: string[]): boolean =>
  codes.includes(String((err as { data?: { error?: unknown } }).data?.error));

export function registerInteractions(app: App, ctx: SlackContext): void {
  app.shortcut(
    { callback_id: SHORTCUT_CALLBACK_ID, type: 'message_action' },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      try {
        const thread = shortcut.message.thread_ts ?? shortcut.message.ts;
        const channel = shortcut.channel.id;
        const reply = await ctx.bot.respond({
          text: shortcut.message.text ?? '',
          user: shortcut.user.id,
          conversation: channel,
          thread,
          via: 'shortcut',
        });
        if (reply) {
          const rendered = renderSlack(reply);
          try {
            await postInThread(client, channel, thread, rendered);
          } catch (err) {
            // Not a member of the channel: the person who asked still gets the answer.
            if (!isPlatformError(err, 'not_in_channel', 'channel_not_found')) throw err;
            await respond(ephemeral(rendered));
          }
        }
        ctx.report({ kind: 'shortcut', what: SHORTCUT_CALLBACK_ID, outcome: reply ? 'replied' : 'silent' });
      } catch (err) {
        ctx.report({ kind: 'shortcut', what: SHORTCUT_CALLBACK_ID, outcome: 'failed', error: describeError(err) });
      }
    },
  );

  app.action<BlockAction<ButtonAction>>(BUTTON_ACTION, async ({ action, body, ack, client, respond }) => {
    const what = action.action_id;
    let acked = false;
    const ackOnce = async (): Promise<void> => {
      if (acked) return;
      acked = true;
      await ack();
    };
    let stored = false;
    try {
      const name = BUTTON_ACTION.exec(what)?.[1] as BotAction['action'];
      const container = (body.container ?? {}) as Container;
      const channel = body.channel?.id ?? container.channel_id ?? '';
      const user = body.user.id;
      const isEphemeral = container.is_ephemeral === true;
      const message = body.message as { ts?: string; thread_ts?: string } | undefined;
      const threadTs =
        message?.thread_ts ?? container.thread_ts ?? (isEphemeral ? undefined : (message?.ts ?? container.message_ts));
      const botThread = isEphemeral ? commandThread(user) : (threadTs ?? '');
      // act records the click (Helped / Not it feedback, the thread's state) synchronously: stored
      // before the ack, so a click Slack confirmed is never lost to a crash.
      const reply = await ctx.bot.act({
        action: name,
        value: action.value ?? '',
        user,
        conversation: channel,
        thread: botThread,
      });
      stored = true;
      await ackOnce();
      const rendered = renderSlack(reply);

      if (name === 'share') {
        if (!isEphemeral) await postInThread(client, channel, threadTs ?? '', rendered, true);
        else {
          if (threadTs) await postInThread(client, channel, threadTs, rendered);
          else await postInChannel(client, channel, rendered);
          await respond({ delete_original: true });
        }
      } else if (name === 'helpful') {
        await respond(ephemeral(rendered));
      } else if (isEphemeral) {
        await respond(ephemeral(rendered, true));
      } else {
        await postInThread(client, channel, threadTs ?? '', rendered);
      }
      ctx.report({ kind: 'action', what, outcome: 'replied' });
    } catch (err) {
      await ackOnce().catch(() => undefined);
      ctx.report({ kind: 'action', what, outcome: 'failed', error: describeError(err) });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: stored ? SLACK_TEXTS.failed : SLACK_TEXTS.clickFailed,
      }).catch(() => undefined);
    }
  });
}
