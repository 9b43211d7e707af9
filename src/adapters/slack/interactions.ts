/**
 * Interactivity: the "Find a fix" message shortcut (callback_id `find_fix`), the "Save as fix"
 * message shortcut (`save_fix`, issue #24) and the buttons under answers (`kb_helpful`,
 * `kb_not_it`, `kb_other_matches`, `kb_full_article`, `kb_share`, `kb_pick_<n>`; `kb_undo_fix`
 * under "Saved as a team fix", `kb_save_fix` under "Save @ana's fix for next time?"; Helped and
 * Not it under a team fix carry its `fix-12` id). Slack wants an ack within 3 s: the shortcuts are
 * acknowledged first, then answered; a button click is recorded first (feedback is a synchronous
 * write of about a millisecond), then acknowledged, then answered, so an acknowledged click is
 * never lost.
 *
 * "Save as fix" saves the message it was used on (`bot.saveFix`: its text, its author, who saved
 * it, its thread) and posts the one-line confirmation in that thread, or, where the bot cannot
 * post (not a member of the channel), shows it only to whoever saved it. A message an app or a bot
 * posted is not a person's fix: the shortcut says so, to the one who used it, and saves nothing.
 *
 * Where button answers go:
 * - under a public answer (in a thread): in that thread; *Helped* (and any acknowledgement, such as
 *   *Not it* on a team fix) thanks the clicker ephemerally;
 *   *Share in channel* re-posts the answer in the thread and to the channel (`reply_broadcast`).
 * - under an ephemeral `/kb` answer: the ephemeral message is replaced; *Share in channel* posts the answer
 *   publicly (in the thread the ephemeral message is in, if any) and removes the ephemeral one.
 * - *Undo* and *Save as fix*: when they worked (the fix removed; the fix saved), the message with
 *   the button is replaced by the outcome ("Removed …"; "Saved as a team fix: … [Undo]"), so the
 *   button cannot be pressed twice; when they did not (not the saver, too late, storage down), the
 *   reason goes only to whoever clicked and the button stays for the others.
 */
import type { App, BlockAction, ButtonAction, MessageShortcut, RespondArguments, types } from '@slack/bolt';
import type { BotAction } from '../../bot/bot.js';
import type { IncomingMessage, MessageContext } from '../../bot/message.js';
import type { Reply } from '../../bot/reply.js';
import { renderSlack, type SlackMessage } from './blocks.js';
import { commandThread, ephemeral } from './command.js';
import { describeError, SLACK_TEXTS, type SlackContext } from './context.js';
import { personMessageText } from './message-text.js';
import { postInChannel, postInThread } from './post.js';
import { sendReply, told } from './send.js';
import { threadContext } from './thread-context.js';

export const SHORTCUT_CALLBACK_ID = 'find_fix';
/** The "Save as fix" message shortcut (slack/manifest.yml). */
export const SAVE_FIX_CALLBACK_ID = 'save_fix';
/** kb_<action>, with renderSlack's `_2` suffix for repeated ids; kb_pick_<n>. */
export const BUTTON_ACTION = /^kb_(helpful|not_it|other_matches|full_article|share|pick|undo_fix|save_fix)(?:_\d+)*$/;

/** What a shortcut tells of the message it was used on. */
type ShortcutMessage = MessageShortcut['message'] & {
  bot_id?: string;
  app_id?: string;
  subtype?: string;
  attachments?: unknown;
  blocks?: unknown;
};

/** A button whose success replaces the message it is under (the outcome said once, the button gone). */
const REPLACES: Partial<Record<BotAction['action'], Reply['kind']>> = { undo_fix: 'ack', save_fix: 'saved' };

/** The message a button is under (public or ephemeral), replaced through the click's response_url. */
const replacement = (m: SlackMessage): RespondArguments => ({
  replace_original: true,
  text: m.text,
  blocks: m.blocks as unknown as (types.KnownBlock | types.Block)[],
});

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
        const message: IncomingMessage = {
          text: shortcut.message.text ?? '',
          user: shortcut.user.id,
          conversation: channel,
          thread,
          via: 'shortcut',
          context: threadContext(client, channel, thread),
        };
        const reply = await ctx.bot.respond(message);
        if (reply) {
          try {
            await sendReply(ctx, client, { channel, thread }, message, reply);
          } catch (err) {
            // Not a member of the channel: the person who asked still gets the answer.
            if (!isPlatformError(err, 'not_in_channel', 'channel_not_found')) throw err;
            await respond(ephemeral(renderSlack(reply)));
          }
        }
        ctx.report({ kind: 'shortcut', what: SHORTCUT_CALLBACK_ID, outcome: reply ? 'replied' : 'silent' });
      } catch (err) {
        ctx.report({ kind: 'shortcut', what: SHORTCUT_CALLBACK_ID, outcome: 'failed', error: describeError(err) });
      }
    },
  );

  app.shortcut(
    { callback_id: SAVE_FIX_CALLBACK_ID, type: 'message_action' },
    async ({ shortcut, ack, client, respond }) => {
      await ack();
      try {
        const m = shortcut.message as ShortcutMessage;
        if (m.bot_id !== undefined || m.app_id !== undefined || m.subtype === 'bot_message' || !m.user) {
          await respond({ response_type: 'ephemeral', text: SLACK_TEXTS.saveNotPerson });
          ctx.report({ kind: 'shortcut', what: SAVE_FIX_CALLBACK_ID, outcome: 'ignored' });
          return;
        }
        const channel = shortcut.channel.id;
        const thread = m.thread_ts ?? m.ts;
        const context = threadContext(client, channel, thread);
        const text = personMessageText(m);
        const reply = await ctx.bot.saveFix({
          text,
          author: m.user,
          savedBy: shortcut.user.id,
          conversation: channel,
          thread,
          messageId: m.ts,
          via: 'shortcut',
          context,
        });
        const message: IncomingMessage = {
          text,
          user: shortcut.user.id,
          conversation: channel,
          thread,
          via: 'shortcut',
          context,
        };
        try {
          await sendReply(ctx, client, { channel, thread }, message, reply);
        } catch (err) {
          // Not a member of the channel: the person who saved it still hears how it went.
          if (!isPlatformError(err, 'not_in_channel', 'channel_not_found')) throw err;
          await respond(ephemeral(renderSlack(reply)));
        }
        ctx.report({ kind: 'shortcut', what: SAVE_FIX_CALLBACK_ID, outcome: 'replied' });
      } catch (err) {
        ctx.report({ kind: 'shortcut', what: SAVE_FIX_CALLBACK_ID, outcome: 'failed', error: describeError(err) });
        await respond({ response_type: 'ephemeral', text: SLACK_TEXTS.saveFailed }).catch(() => undefined);
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
      // act records the click (Helped / Not it feedback, the thread's state, a fix saved or
      // removed) synchronously: stored before the ack, so a click Slack confirmed is never lost.
      // Saving a fix from its button may need to read the thread (the message's text).
      const request: BotAction & { context?: MessageContext } = {
        action: name,
        value: action.value ?? '',
        user,
        conversation: channel,
        thread: botThread,
        ...(!isEphemeral && threadTs ? { context: threadContext(client, channel, threadTs) } : {}),
      };
      const reply = await ctx.bot.act(request);
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
      } else if (REPLACES[name] !== undefined) {
        // Worked: the outcome replaces the message the button is under. Refused: only the clicker hears why.
        if (reply.kind === REPLACES[name]) await respond(replacement(rendered));
        else await respond(ephemeral(rendered));
      } else if (name === 'helpful' || reply.kind === 'ack') {
        // Thanks for a click (Helped; Not it on a team fix) is for the clicker: the thread hears nothing.
        await respond(ephemeral(rendered));
      } else if (isEphemeral) {
        await respond(ephemeral(rendered, true));
      } else {
        // The next article (Not it), the full article ...: the bot's turn in the thread, as an answer is.
        const thread = threadTs ?? '';
        const ts = await postInThread(client, channel, thread, rendered);
        const message: IncomingMessage = { text: '', user, conversation: channel, thread: botThread, via: 'command' };
        if (ts) await told(ctx, { channel, thread }, message, reply, ts);
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
