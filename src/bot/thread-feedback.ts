/**
 * Feedback in a thread the bot follows: "that worked", "nope", 👍 and reactions, credited to what
 * they reply to (feedback-target.ts): the bot's answer, the fix it led with, a saved fix, or a
 * person's unsaved fix (the credit kept until it is saved, and an offer to save it). A :pushpin:
 * saves the message it is on.
 */
import type { FeedbackKind } from '../intents/index.js';
import type { PendingCredit } from '../memory/types.js';
import type { BotContext } from './context.js';
import { TEAM_FIX_DEFAULTS } from './defaults.js';
import { feedbackTarget, namesAnswer, type FeedbackTarget, type FeedbackThread } from './feedback-target.js';
import { isAddressed, threadKey, type IncomingMessage } from './message.js';
import type { Reply } from './reply.js';
import type { TeamFixes } from './team-fixes.js';
import { BOT_TEXTS } from './texts.js';
import type { ThreadFollowUps } from './thread-follow-ups.js';
import type { ThreadTurns } from './thread-turns.js';
import type { ThreadState } from './threads.js';

/** Reactions that say the message helped (Slack names, without colons). */
const POSITIVE_REACTIONS = new Set(['+1', 'thumbsup', 'white_check_mark', 'heavy_check_mark', 'tada']);
/** Reactions that say it did not. */
const NEGATIVE_REACTIONS = new Set(['-1', 'thumbsdown']);
/** The reaction that saves a person's message as a team fix. */
const SAVE_REACTION = 'pushpin';

export class ThreadFeedback {
  constructor(
    private readonly ctx: BotContext,
    private readonly turns: ThreadTurns,
    private readonly fixes: TeamFixes,
    private readonly followUps: ThreadFollowUps,
  ) {}

  /**
   * Feedback in words or 👍: credited to what it replies to (feedback-target.ts), judged on the
   * thread as it was before this message (`prior`). The bot's answer (or the fix it led with) gets
   * the vote and an ✅; a saved fix gets the vote; a person's unsaved fix is offered for saving
   * (the credit applied once saved); anything else was a colleague being thanked: silence, unless
   * said to the bot.
   */
  async feedback(
    kind: FeedbackKind,
    key: string,
    prior: ThreadState | undefined,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Promise<Reply | null> {
    const positive = kind === 'positive';
    if (!prior || !state) return { kind: 'text', text: positive ? BOT_TEXTS.welcome : BOT_TEXTS.nothingYet };
    if (kind === 'more') return this.followUps.others(state);
    const target = this.targetOf(prior, message);
    if (target.kind === 'fix') return this.fixFeedback(target, key, state, message, positive);
    const current = target.kind === 'answer' ? (target.articleId ?? state.candidates[state.shown]) : undefined;
    if (target.kind === 'none') {
      if (!isAddressed(message)) return null;
      // Said to the bot: "wrong one" is about its answer; thanks are welcome, and credit nothing.
      if (positive) return { kind: 'text', text: BOT_TEXTS.welcome };
    }
    const id = current ?? state.candidates[state.shown];
    if (!id) return positive ? { kind: 'text', text: BOT_TEXTS.welcome } : { kind: 'text', text: BOT_TEXTS.nothingYet };
    await giveFeedback(this.ctx, message, state, id, positive);
    return positive
      ? { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.thanks(id) }
      : this.followUps.next(key, state, message);
  }

  /** Feedback on a fix: a vote when it is saved (or led the answer), else a credit kept until it is, and an offer to save it. */
  private async fixFeedback(
    target: Extract<FeedbackTarget, { kind: 'fix' }>,
    key: string,
    state: ThreadState,
    message: IncomingMessage,
    positive: boolean,
  ): Promise<Reply | null> {
    if (target.fixId) {
      await giveFeedback(this.ctx, message, state, target.fixId, positive);
      if (!positive) await this.fixes.dropLead(key, state, target.fixId);
      return {
        kind: 'ack',
        emoji: 'white_check_mark',
        text: positive ? BOT_TEXTS.thanks(target.fixId) : BOT_TEXTS.notIt(target.fixId),
      };
    }
    if (!target.messageId) return null;
    const credit: PendingCredit = {
      messageId: target.messageId,
      user: message.user,
      helpful: positive,
      at: Date.now(),
    };
    const credits = [
      ...(state.pendingCredits ?? []).filter((c) => !(c.messageId === credit.messageId && c.user === credit.user)),
      credit,
    ].slice(-TEAM_FIX_DEFAULTS.credits);
    await this.ctx.threads.set(key, { ...state, pendingCredits: credits, updatedAt: Date.now() });
    if (!positive || !this.ctx.options.fixes) return null;
    return {
      kind: 'offer_save',
      text: BOT_TEXTS.offerSave(this.turns.whose(key, state, target.user ?? message.user, message.user)),
      messageId: target.messageId,
      author: target.user ?? message.user,
    };
  }

  /**
   * What feedback credits (see feedback-target.ts). Where the transport never said which message
   * was the answer (the console, or an adapter that does not call `posted`), feedback after the
   * bot's turn credits its answer, as before issue #24.
   */
  private targetOf(prior: ThreadState, message: IncomingMessage): FeedbackTarget {
    const view: FeedbackThread = {
      answerId: prior.answerId,
      articleId: prior.candidates[prior.shown],
      led: prior.led,
      lastSpeaker: prior.lastSpeaker,
      lastMessageId: prior.lastMessageId,
      lastFix: prior.lastFix,
      fixes: prior.fixes,
    };
    const target = feedbackTarget(view, {
      id: message.id,
      text: message.text,
      ...(message.reaction ? { reaction: { itemId: message.reaction.itemId } } : {}),
    });
    if (target.kind !== 'none' || prior.answerId !== undefined || message.reaction) return target;
    if (prior.lastSpeaker === 'person' && !namesAnswer(message.text)) return target;
    if (prior.led) return { kind: 'fix', fixId: prior.led, via: 'answer' };
    const articleId = prior.candidates[prior.shown];
    return articleId ? { kind: 'answer', messageId: '', articleId } : target;
  }

  /**
   * A reaction in a thread the bot follows: :pushpin: on a person's message saves it as a fix;
   * 👍 ✅ 🎉 and 👎 are feedback on what they are on (the answer, a fix), never a reply (the
   * reaction is its own acknowledgement). Elsewhere, and on other messages, nothing.
   */
  async reacted(message: IncomingMessage): Promise<Reply | null> {
    const reaction = message.reaction;
    if (!reaction) return null;
    const key = threadKey(message);
    const state = await this.ctx.threads.get(key);
    if (!state) return null;
    const name = reaction.name.replace(/^:|:$/g, '').replace(/::skin-tone-\d$/, '');
    if (name === SAVE_REACTION) {
      const bots = [state.answerId, state.lastSpeaker === 'bot' ? state.lastMessageId : undefined];
      if (bots.includes(reaction.itemId)) return null;
      const found = await this.turns.messageOf(key, state, message, reaction.itemId);
      if (!found || found.bot) return null;
      return this.fixes.save(
        {
          text: found.text,
          author: found.user,
          authorName: null,
          savedBy: message.user,
          conversation: message.conversation,
          thread: message.thread,
          messageRef: reaction.itemId,
          via: 'reaction',
          context: message.context,
        },
        key,
      );
    }
    const positive = POSITIVE_REACTIONS.has(name);
    if (!positive && !NEGATIVE_REACTIONS.has(name)) return null;
    const target = this.targetOf(state, message);
    if (target.kind === 'answer' && target.articleId)
      await giveFeedback(this.ctx, message, state, target.articleId, positive);
    else if (target.kind === 'fix') await this.fixFeedback(target, key, state, message, positive);
    return null;
  }
}

/** Feedback on an article (or a team fix) shown for the thread's message: kept (durably) before the bot thanks anyone. */
export async function giveFeedback(
  ctx: BotContext,
  message: IncomingMessage,
  state: ThreadState,
  articleId: string,
  helpful: boolean,
): Promise<void> {
  await ctx.records.feedback({
    message,
    query: state.query,
    signature: state.query ? ctx.matcher.signature(state.query) : [],
    articleId,
    helpful,
  });
}
