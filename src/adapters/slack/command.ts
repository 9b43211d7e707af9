/**
 * The `/kb` slash command. Acknowledged at once (`/kb listen on|off` once the setting is saved);
 * the answer follows through the command's response_url as an ephemeral message (only the
 * caller sees it) carrying the answer's buttons, *Share in channel* among them (see
 * interactions.ts).
 *
 * - `/kb <error or question>` and `/kb Q290226`: the bot's reply (via 'command').
 * - `/kb` and `/kb help`: the command's usage and the bot's help.
 * - `/kb listen on|off`: listening in this channel (saved; see listening.ts).
 * - `/kb peek on|off` (also `/kb listen peek on|off`): peek mode in this channel (issue #25: a 👀 on
 *   overheard messages the bot is not sure about; the asker's own 👀 gets the answer).
 *
 * The bot remembers one `/kb` conversation per user and channel (thread `cmd:<user>`), so the
 * buttons under an ephemeral answer (Not it, Other matches ...) continue it.
 */
import type { App, RespondArguments, types } from '@slack/bolt';
import { BOT_TEXTS } from '../../bot/texts.js';
import { renderSlack, type SlackMessage } from './blocks.js';
import { describeError, SLACK_TEXTS, type SlackContext } from './context.js';

export const COMMAND = '/kb';

/** The bot's thread for a user's `/kb` answers (and the buttons under them) in a channel. */
export const commandThread = (user: string): string => `cmd:${user}`;

type Blocks = (types.KnownBlock | types.Block)[];
export const ephemeral = (m: SlackMessage, replace = false): RespondArguments => ({
  response_type: 'ephemeral',
  replace_original: replace,
  text: m.text,
  blocks: m.blocks as unknown as Blocks,
});

/** What `/kb peek` says (the rest of the command's words are SLACK_TEXTS). */
export const PEEK_TEXTS = {
  help: '• `/kb peek on` / `/kb peek off`: where I listen, a :eyes: on a message I am not sure about instead of silence; add :eyes: to your own message to get my answer',
  on: 'Peek mode is on in this channel: when I am not sure about a message, I add :eyes: to it instead of answering. Whoever wrote it can add :eyes: too, and I answer in its thread. `/kb peek off` stops it.',
  notListening: 'I am not listening in this channel yet, so there is nothing to peek at: `/kb listen on` starts it.',
  off: 'Peek mode is off in this channel: messages I am not sure about get no reply.',
  usage: 'Use `/kb peek on` or `/kb peek off`.',
} as const;

/** Save `/kb peek on|off` for the command's channel; what to say back. */
async function setPeek(ctx: SlackContext, channel: string, user: string, choice?: string): Promise<string> {
  const on = choice?.toLowerCase();
  if (on !== 'on' && on !== 'off') return PEEK_TEXTS.usage;
  if (channel.startsWith('D')) return SLACK_TEXTS.listenWhere;
  try {
    await ctx.listening.setPeek(channel, on === 'on', user);
    ctx.log.info(`slack: peek mode ${on} in ${channel} (set by ${user})`);
    if (on === 'off') return PEEK_TEXTS.off;
    return (await ctx.listening.isListening(channel)) ? PEEK_TEXTS.on : `${PEEK_TEXTS.on}\n${PEEK_TEXTS.notListening}`;
  } catch (err) {
    ctx.log.warn(`slack: could not save peek mode for ${channel}: ${describeError(err)}`);
    return SLACK_TEXTS.listenFailed;
  }
}

/** Save `/kb listen on|off` for the command's channel; what to say back. */
async function setListening(ctx: SlackContext, channel: string, user: string, choice?: string): Promise<string> {
  const on = choice?.toLowerCase();
  if (on !== 'on' && on !== 'off') return SLACK_TEXTS.listenUsage;
  if (channel.startsWith('D')) return SLACK_TEXTS.listenWhere;
  try {
    await ctx.listening.set(channel, on === 'on', user);
    ctx.log.info(`slack: listening ${on} in ${channel} (set by ${user})`);
    return on === 'on' ? SLACK_TEXTS.listenOn : SLACK_TEXTS.listenOff;
  } catch (err) {
    ctx.log.warn(`slack: could not save listening for ${channel}: ${describeError(err)}`);
    return SLACK_TEXTS.listenFailed;
  }
}

export function registerCommand(app: App, ctx: SlackContext): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
    const text = command.text.trim();
    const word = (/^\S*/.exec(text)?.[0] ?? '').toLowerCase() || 'help';
    let acked = false;
    const ackOnce = async (): Promise<void> => {
      if (acked) return;
      acked = true;
      await ack();
    };
    try {
      const peek = /^(?:listen\s+)?peek(?:\s+(\S+))?$/i.exec(text);
      const listen = /^listen(?:\s+(\S+))?$/i.exec(text);
      if (peek) {
        // Saved before the ack, like listening.
        const says = await setPeek(ctx, command.channel_id, command.user_id, peek[1]);
        await ackOnce();
        await respond(ephemeral(renderSlack({ kind: 'text', text: says })));
      } else if (listen) {
        // Saved before the ack, so a setting Slack confirmed is never lost to a crash.
        const says = await setListening(ctx, command.channel_id, command.user_id, listen[1]);
        await ackOnce();
        await respond(ephemeral(renderSlack({ kind: 'text', text: says })));
      } else if (text === '' || /^help$/i.test(text)) {
        await ackOnce();
        await respond(
          ephemeral(
            renderSlack({ kind: 'text', text: `${SLACK_TEXTS.commandHelp}\n${PEEK_TEXTS.help}\n\n${BOT_TEXTS.help}` }),
          ),
        );
      } else {
        await ackOnce();
        const reply = await ctx.bot.respond({
          text,
          user: command.user_id,
          conversation: command.channel_id,
          thread: commandThread(command.user_id),
          via: 'command',
        });
        await respond(ephemeral(renderSlack(reply ?? { kind: 'text', text: BOT_TEXTS.help })));
      }
      ctx.report({ kind: 'command', what: word, outcome: 'replied' });
    } catch (err) {
      await ackOnce().catch(() => undefined);
      ctx.report({ kind: 'command', what: word, outcome: 'failed', error: describeError(err) });
      await respond(ephemeral(renderSlack({ kind: 'text', text: SLACK_TEXTS.failed }))).catch(() => undefined);
    }
  });
}
