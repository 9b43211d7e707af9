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
 * - Every call to the connector goes through `withRetry` (429/503).
 */
import {
  CardFactory,
  MessageFactory,
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
} from 'botbuilder';
import type { Bot, BotAction } from '../../bot/bot.js';
import type { Reply } from '../../bot/reply.js';
import { renderAdaptiveCard } from './card.js';
import { cardText } from './card-text.js';
import type { Logger } from '../../log.js';
import { conversationKind, incomingOf, mentionsBot, placeOf, userOf } from './conversation.js';
import { withRetry, type RetryOptions } from './retry.js';
import { searchResponse } from './search.js';

export type TeamsBot = Pick<Bot, 'respond' | 'act'>;

const ACTIONS: readonly BotAction['action'][] = ['helpful', 'not_it', 'other_matches', 'full_article', 'share', 'pick'];
/**
 * What a message made of cards only gets: an article, never "did you mean", "no match" or a word
 * of help. Such a message is a notification; one the KB has no sure answer for (a resolved alert,
 * a deployment notice sharing a word with some article) is let pass in silence.
 */
const CARD_REPLIES: ReadonlySet<Reply['kind']> = new Set(['answer']);
/** Presses whose answer replaces the card pressed; the others add a message. */
const IN_PLACE: ReadonlySet<BotAction['action']> = new Set(['not_it', 'other_matches', 'full_article', 'pick']);

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
    const message = { ...incomingOf(activity, text, kind === 'personal' ? 'dm' : 'mention'), fromApp: fromCards };
    const reply = await this.bot.respond(message);
    if (reply && (!fromCards || CARD_REPLIES.has(reply.kind))) await this.send(context, cardMessage(reply));
  }

  private async press(context: TurnContext, press: { action: BotAction['action']; value: string }): Promise<void> {
    const activity = context.activity;
    const reply = await this.bot.act({ ...press, user: userOf(activity), ...placeOf(activity) });
    const message = cardMessage(reply);
    if (IN_PLACE.has(press.action) && activity.replyToId) {
      try {
        await withRetry(() => context.updateActivity({ ...message, id: activity.replyToId }), this.onRetry());
        return;
      } catch (err) {
        this.log.warn(`teams: could not update the card (${(err as Error).message}); sending a new one`);
      }
    }
    await this.send(context, message);
  }

  private async send(context: TurnContext, message: Partial<Activity>): Promise<void> {
    await withRetry(() => context.sendActivity(message), this.onRetry());
  }

  private onRetry(): RetryOptions {
    return {
      ...this.retry,
      onRetry: (attempt, status, ms) =>
        this.log.info(`teams: connector said ${status}; attempt ${attempt + 1} in ${Math.round(ms)} ms`),
    };
  }
}
