/**
 * What "that worked", "thanks", "nope" or a 👍 in a thread gives credit to (docs/design-team-fixes.md,
 * section 3.3). Pure state logic over a small view of the thread; the caller has already decided
 * the message is feedback and is not a fix report.
 *
 * 1. A reaction on the bot's answer targets the answer; a reaction on a person's fix report targets
 *    that fix; a reaction on anything else targets nothing.
 * 2. Text targets the answer when it comes straight after it (the bot spoke last, and the message
 *    is later than the answer), or when it names the answer ("the article", "the bot's answer").
 *    When the answer led with a team fix, the target is that fix.
 * 3. Text straight after a person's fix report targets that fix.
 * 4. Anything else targets nothing: a colleague was being thanked.
 */

/** A person's message read as a fix report. `id` is set once the fix is saved. */
export interface ThreadFix {
  id?: string;
  messageId: string;
  user: string;
}

/** The parts of a thread's state the decision needs (a view of `ThreadState`, see design 3.3). */
export interface FeedbackThread {
  /** Message id (Slack ts, Teams activity id) of the bot's last answer; absent when it has not answered. */
  answerId?: string;
  /** The article that answer showed (`candidates[shown]`). */
  articleId?: string;
  /** The team fix the answer led with, when it led with one. */
  led?: string;
  /** Who spoke last in the thread, and which message that was. */
  lastSpeaker?: 'bot' | 'person';
  lastMessageId?: string;
  /** The latest person message read as a fix report. */
  lastFix?: ThreadFix;
  /** Other recent person messages read as fix reports (reactions may land on an older one). */
  fixes?: readonly ThreadFix[];
}

/** The feedback message: text, or a reaction on the message `itemId`. */
export interface FeedbackMessage {
  /** Its own message id, when known. */
  id?: string;
  text?: string;
  reaction?: { itemId: string };
  /** `detectSignals(...).answerRef`, when the caller has it; the text is read here too. */
  answerRef?: boolean;
}

export type FeedbackTarget =
  | { kind: 'answer'; messageId: string; articleId?: string }
  | { kind: 'fix'; fixId?: string; messageId?: string; user?: string; via: 'answer' | 'report' }
  | { kind: 'none' };

/** Text naming the bot's answer: "the article", "that link", "your answer", "kbbot's suggestion". */
const NAMES_ANSWER =
  /\b(?:article|kb link|(?:your|the bot'?s|kbbot'?s|bot'?s) (?:answer|suggestion|link|result)|kbbot'?s|the bot'?s)\b/i;

/** Whether `text` names the bot's answer rather than a person's message. */
export function namesAnswer(text: string): boolean {
  return NAMES_ANSWER.test(text.slice(0, 2000).replace(/[\u2018\u2019]/g, "'"));
}

/** Slack ts strings compare as numbers; other ids (Teams) carry no order, so they count as later. */
function isLater(id: string | undefined, than: string): boolean {
  if (id === undefined) return true;
  const a = Number(id);
  const b = Number(than);
  if (Number.isFinite(a) && Number.isFinite(b)) return a > b;
  return id !== than;
}

function answerTarget(thread: FeedbackThread, answerId: string): FeedbackTarget {
  if (thread.led) return { kind: 'fix', fixId: thread.led, messageId: answerId, via: 'answer' };
  return { kind: 'answer', messageId: answerId, ...(thread.articleId ? { articleId: thread.articleId } : {}) };
}

function fixTarget(fix: ThreadFix): FeedbackTarget {
  return { kind: 'fix', ...(fix.id ? { fixId: fix.id } : {}), messageId: fix.messageId, user: fix.user, via: 'report' };
}

/** What the feedback message credits; see the module comment for the rules. */
export function feedbackTarget(thread: FeedbackThread, message: FeedbackMessage): FeedbackTarget {
  const answerId = thread.answerId;
  if (message.reaction) {
    const item = message.reaction.itemId;
    if (answerId !== undefined && item === answerId) return answerTarget(thread, answerId);
    const fix = [thread.lastFix, ...(thread.fixes ?? [])].find((f) => f?.messageId === item);
    return fix ? fixTarget(fix) : { kind: 'none' };
  }
  if (answerId !== undefined) {
    if (message.answerRef || namesAnswer(message.text ?? '')) return answerTarget(thread, answerId);
    const straightAfter =
      thread.lastSpeaker === 'bot' &&
      (thread.lastMessageId === undefined || thread.lastMessageId === answerId) &&
      isLater(message.id, answerId);
    if (straightAfter) return answerTarget(thread, answerId);
  }
  const fix = thread.lastFix;
  if (fix && thread.lastSpeaker === 'person' && fix.messageId === thread.lastMessageId) return fixTarget(fix);
  return { kind: 'none' };
}
