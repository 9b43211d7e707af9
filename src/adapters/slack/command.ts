/**
 * The `/kb` slash command. Acknowledged at once; the answer follows through the command's
 * response_url as an ephemeral message (only the caller sees it) carrying the answer's buttons,
 * *Share in channel* among them (see interactions.ts).
 *
 * - `/kb <error or question>` and `/kb Q290226`: the bot's reply (via 'command').
 * - `/kb` and `/kb help`: the command's usage and the bot's help.
 * - `/kb listen on|off`: listening in this channel (saved; see listening.ts).
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

export function registerCommand(app: App, ctx: SlackContext): void {
  app.command(COMMAND, async ({ command, ack, respond }) => {
    await ack();
    const text = command.text.trim();
    const word = (/^\S*/.exec(text)?.[0] ?? '').toLowerCase() || 'help';
    try {
      const listen = /^listen(?:\s+(\S+))?$/i.exec(text);
      if (listen) {
        const on = listen[1]?.toLowerCase();
        let says: string;
        if (on !== 'on' && on !== 'off') says = SLACK_TEXTS.listenUsage;
        else if (command.channel_id.startsWith('D')) says = SLACK_TEXTS.listenWhere;
        else {
          try {
            await ctx.listening.set(command.channel_id, on === 'on', command.user_id);
            says = on === 'on' ? SLACK_TEXTS.listenOn : SLACK_TEXTS.listenOff;
            ctx.log.info(`slack: listening ${on} in ${command.channel_id} (set by ${command.user_id})`);
          } catch (err) {
            ctx.log.warn(`slack: could not save listening for ${command.channel_id}: ${describeError(err)}`);
            says = SLACK_TEXTS.listenFailed;
          }
        }
        await respond(ephemeral(renderSlack({ kind: 'text', text: says })));
      } else if (text === '' || /^help$/i.test(text)) {
        await respond(
          ephemeral(renderSlack({ kind: 'text', text: `${SLACK_TEXTS.commandHelp}\n\n${BOT_TEXTS.help}` })),
        );
      } else {
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
      ctx.log.warn(`slack: ${COMMAND} ${word} failed: ${describeError(err)}`);
      ctx.report({ kind: 'command', what: word, outcome: 'failed', error: describeError(err) });
      await respond(ephemeral(renderSlack({ kind: 'text', text: SLACK_TEXTS.failed }))).catch(() => undefined);
    }
  });
}
