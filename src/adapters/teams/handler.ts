/**
 * The Teams activity handler: moves Teams messages to the transport-neutral Bot and its replies
 * back as Adaptive Cards.
 *
 * - Personal chat: every message is for the bot (`via: 'dm'`).
 * - Group chats and channels: only messages that @mention the bot (`via: 'mention'`); the mention
 *   is removed first. The reply goes into the same conversation id, i.e. the same reply chain.
 * - A message with no text but cards (an alert from Alertmanager's or Grafana's Teams receiver,
 *   a forwarded card) is read by its cards' text (card-text.ts) and gets only an article: a
 *   resolved alert or a notice the KB has no sure answer for gets no reply.
 * - Card buttons (`Action.Submit` with `data.kbAction`) arrive as messages with a `value`: the
 *   press goes to `bot.act`; the answer replaces the card in place (`updateActivity` on the
 *   card's id, `replyToId`) for "not it", "other matches", "full article" and picks, and is sent
 *   as a new message for "helpful" and "share" (or when the update fails).
 * - The search messaging extension (`searchKb`): see search.ts.
 * - The "Save as fix" message action (`saveFix`, save-fix.ts): the message is saved as a team
 *   fix and the one-line confirmation, with its Undo button, is posted into the message's reply
 *   chain (its chat outside channels) by the bot itself, so everyone in the thread sees it and
 *   it needs no click to send; the invoke is answered with an empty response, which closes the
 *   action's dialog. Why not the other answers Teams allows: a card inserted into the compose box
 *   is sent only if the person sends it, and a bot-message preview needs a second click. When
 *   nothing was saved ("already saved as fix-3", storage down, a bot's message) or the bot cannot
 *   post there (not added to the chat), the dialog shows the words to the person saving instead.
 * - Each message carries its id and the sender's name (IncomingMessage.id, .userName), and a
 *   deep link to a message of its conversation on request (context.permalink); once a reply is
 *   posted the bot is told its activity id (`bot.posted`), so "that worked" straight after an
 *   answer credits that answer. Card buttons are followed the same way.
 * - Every call to the connector goes through `withRetry` (429/503).
 */
import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type ConversationReference,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
} from 'botbuilder';
import type { Bot, BotAction } from '../../bot/bot.js';
import type { IncomingMessage, MessageContext } from '../../bot/message.js';
import type { Reply } from '../../bot/reply.js';
import { clip, mentionsAsText, stripControl } from '../../bot/render/escape.js';
import { renderAdaptiveCard } from './card.js';
import { cardText } from './card-text.js';
import type { Logger } from '../../log.js';
import { conversationKind, incomingOf, mentionsBot, placeOf, userOf } from './conversation.js';
import { teamsMessageLink } from './links.js';
import { withRetry, type RetryOptions } from './retry.js';
import { SAVE_FIX_COMMAND, SAVE_FIX_DEFAULTS, SAVE_FIX_TEXTS, saveFixRequestOf } from './save-fix.js';
import { searchResponse } from './search.js';
import { oneLine } from './auth.js';

/**
 * What the handler needs of the bot. `posted` and `saveFix` may be left out (a stand-in bot in a
 * test): then nothing is told of posted replies and the message action says saving is not available.
 */
export type TeamsBot = Pick<Bot, 'respond' | 'act'> & Partial<Pick<Bot, 'posted' | 'saveFix'>>;

const ACTIONS: readonly BotAction['action'][] = [
  'helpful',
  'not_it',
  'other_matches',
  'full_article',
  'share',
  'pick',
  'undo_fix',
  'save_fix',
];
/**
 * What a message made of cards only gets: an article or a team fix that answers it, never "did
 * you mean", "no match" or a word of help. Such a message is a notification; one the KB has no
 * sure answer for (a resolved alert, a deployment notice sharing a word with some article) is let
 * pass in silence.
 */
const CARD_REPLIES: ReadonlySet<Reply['kind']> = new Set(['answer', 'fix']);
/**
 * Presses whose answer replaces the card pressed; the others add a message. Undo replaces "Saved as
 * a team fix" with what became of it; Save as fix replaces the offer with the confirmation.
 */
const IN_PLACE: ReadonlySet<BotAction['action']> = new Set([
  'not_it',
  'other_matches',
  'full_article',
  'pick',
  'undo_fix',
  'save_fix',
]);

/** Fix ids ("fix-12") as a Helped / Not it button carries them. */
const FIX_ID = /^fix-\d+$/;

/**
 * Whether a press's reply replaces the card pressed. "Not it" on a team fix leaves the card (it
 * also holds the article, with buttons of its own) unless the bot answers with a whole new answer.
 */
function inPlace(press: { action: BotAction['action']; value: string }, reply: Reply): boolean {
  if (!IN_PLACE.has(press.action)) return false;
  return !(press.action === 'not_it' && FIX_ID.test(press.value) && reply.kind !== 'answer');
}

/** A reply as one line of plain words (what a message action's dialog can show). */
export function replyWords(reply: Reply): string {
  switch (reply.kind) {
    case 'text':
    case 'ack':
    case 'saved':
    case 'offer_save':
    case 'no_match':
      return reply.text;
    case 'history':
    case 'suggestions':
      return reply.intro;
    case 'fix':
      return reply.fix.title;
    case 'answer':
      return reply.answer.title;
  }
}

/** Characters of a message shown in a message action's dialog (a line or two; the rest is cut with "…"). */
export const DIALOG_MAX_CHARS = 500;

/** A message action's answer that shows `words` (plain text; Slack-style `<@U…>` made "@U…") to the person in the action's dialog. */
const dialogMessage = (words: string): MessagingExtensionActionResponse => ({
  task: {
    type: 'message',
    value: clip(stripControl(mentionsAsText(words)), DIALOG_MAX_CHARS),
  } as MessagingExtensionActionResponse['task'],
});

/** The press a card button sent, if the activity is one. */
export function pressOf(activity: Partial<Activity>): { action: BotAction['action']; value: string } | undefined {
  const v = activity.value as { kbAction?: unknown; id?: unknown } | undefined;
  if (typeof v !== 'object' || v === null) return undefined;
  const action = ACTIONS.find((a) => a === v.kbAction);
  return action && typeof v.id === 'string' ? { action, value: v.id } : undefined;
}

/** A reply as a Teams message carrying one Adaptive Card. */
export function cardMessage(reply: Reply): Partial<Activity> {
  const card = renderAdaptiveCard(reply);
  return MessageFactory.attachment(CardFactory.adaptiveCard(card), undefined, card.fallbackText);
}

export class KbTeamsHandler extends TeamsActivityHandler {
  constructor(
    private readonly bot: TeamsBot,
    private readonly log: Logger,
    private readonly retry: RetryOptions = {},
  ) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
  }

  protected override async handleTeamsMessagingExtensionQuery(
    context: TurnContext,
    query: MessagingExtensionQuery,
  ): Promise<MessagingExtensionResponse> {
    return searchResponse(this.bot, query, userOf(context.activity));
  }

  /** The "Save as fix" message action: save, then post the confirmation in the thread (see the module comment). */
  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    if (action.commandId !== SAVE_FIX_COMMAND) return dialogMessage(SAVE_FIX_TEXTS.unknownCommand);
    const made = saveFixRequestOf(context.activity, action);
    if ('refusal' in made) return dialogMessage(made.refusal);
    if (!this.bot.saveFix) return dialogMessage(SAVE_FIX_TEXTS.unavailable);
    let reply: Reply;
    try {
      reply = await this.bot.saveFix(made.request);
    } catch (err) {
      this.log.error(`teams: saving a fix failed: ${oneLine((err as Error).message)}`);
      return dialogMessage(SAVE_FIX_TEXTS.failed);
    }
    if (reply.kind !== 'saved') return dialogMessage(replyWords(reply));
    try {
      await this.postInto(context, made.postTo, cardMessage(reply), {
        retries: SAVE_FIX_DEFAULTS.postRetries,
        maxMs: SAVE_FIX_DEFAULTS.postWaitMs,
      });
    } catch (err) {
      this.log.warn(
        `teams: saved ${reply.fixId} but could not post the confirmation: ${oneLine((err as Error).message)}`,
      );
      return dialogMessage(SAVE_FIX_TEXTS.notPosted(reply.text));
    }
    return {};
  }

  private async message(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const press = pressOf(activity);
    if (press) return this.press(context, press);
    const kind = conversationKind(activity);
    if (kind !== 'personal' && !mentionsBot(activity)) return; // channel talk not for the bot
    const typed = (kind === 'personal' ? activity.text : TurnContext.removeRecipientMention(activity)) ?? '';
    // A message with no text of its own may carry its words in cards: an alert posted by Alertmanager or Grafana, a forwarded card.
    const cards = typed.trim() === '' ? cardText(activity) : '';
    const fromCards = cards !== '';
    const text = fromCards ? cards : typed;
    // Cards only: a notification another app posted (IncomingMessage.fromApp), held to alerts and errors.
    const message: IncomingMessage = {
      ...incomingOf(activity, text, kind === 'personal' ? 'dm' : 'mention'),
      fromApp: fromCards,
      ...this.aboutMessage(activity),
    };
    const reply = await this.bot.respond(message);
    if (reply && (!fromCards || CARD_REPLIES.has(reply.kind))) {
      const id = await this.send(context, cardMessage(reply));
      await this.posted(message, reply, id);
    }
  }

  /** The message's id, its sender's name, and a link to any message of its conversation. */
  private aboutMessage(activity: Partial<Activity>): Pick<IncomingMessage, 'id' | 'userName' | 'context'> {
    const { conversation, thread } = placeOf(activity);
    const tenantId = activity.conversation?.tenantId;
    const context: MessageContext = {
      permalink: (messageId) => Promise.resolve(teamsMessageLink({ conversation, messageId, thread, tenantId })),
    };
    const name = activity.from?.name?.trim();
    return { ...(activity.id ? { id: activity.id } : {}), ...(name ? { userName: name } : {}), context };
  }

  /**
   * Tell the bot its reply was posted as activity `id` (nothing when the connector gave no id);
   * resolves once the bot has it, so the thread's next message sees the answer. Never rejects.
   */
  private async posted(message: IncomingMessage, reply: Reply, id: string | undefined): Promise<void> {
    if (!id || !this.bot.posted) return;
    try {
      await this.bot.posted(message, reply, id);
    } catch (err) {
      // The reply is out; losing track of it costs only the "that worked" target.
      this.log.warn(`teams: could not note the posted reply ${oneLine(id)}: ${oneLine((err as Error).message)}`);
    }
  }

  private async press(context: TurnContext, press: { action: BotAction['action']; value: string }): Promise<void> {
    const activity = context.activity;
    const place = placeOf(activity);
    const user = userOf(activity);
    const reply = await this.bot.act({ ...press, user, ...place });
    const message = cardMessage(reply);
    const pressed: IncomingMessage = { text: '', user, ...place, via: 'command', ...this.aboutMessage(activity) };
    if (inPlace(press, reply) && activity.replyToId) {
      try {
        const card = activity.replyToId;
        await withRetry(() => context.updateActivity({ ...message, id: card }), this.onRetry());
        await this.posted(pressed, reply, card);
        return;
      } catch (err) {
        this.log.warn(`teams: could not update the card (${(err as Error).message}); sending a new one`);
      }
    }
    await this.posted(pressed, reply, await this.send(context, message));
  }

  /** Send into the turn's conversation (the reply chain of the message); the posted activity's id. */
  private async send(context: TurnContext, message: Partial<Activity>): Promise<string | undefined> {
    const sent = await withRetry(() => context.sendActivity(message), this.onRetry());
    return sent?.id;
  }

  /**
   * Send into conversation `conversationId` (a reply chain `…;messageid=<root>` or a chat) from an
   * invoke's turn, whose own conversation id may lack the reply chain; the posted activity's id.
   */
  private async postInto(
    context: TurnContext,
    conversationId: string,
    message: Partial<Activity>,
    retry: Pick<RetryOptions, 'retries' | 'maxMs'> = {},
  ): Promise<string | undefined> {
    const reference = TurnContext.getConversationReference(context.activity);
    const target: Partial<ConversationReference> = {
      ...reference,
      conversation: { ...reference.conversation, id: conversationId } as ConversationReference['conversation'],
    };
    delete target.activityId;
    const [sent] = await withRetry(
      () => {
        const activity = TurnContext.applyConversationReference({ type: 'message', ...message }, target);
        delete activity.replyToId;
        return context.adapter.sendActivities(context, [activity]);
      },
      { ...this.onRetry(), ...retry },
    );
    return sent?.id;
  }

  private onRetry(): RetryOptions {
    return {
      ...this.retry,
      onRetry: (attempt, status, ms) =>
        this.log.info(`teams: connector said ${status}; attempt ${attempt + 1} in ${Math.round(ms)} ms`),
    };
  }
}
