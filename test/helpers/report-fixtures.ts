/** Fabricated log records for the report tests: interactions ("asks"), feedback on them, and team fixes. */
import { signatureOf } from '../../src/memory/signature.js';
import type { FeedbackRecord, FixRecord, Interaction, NewFix, Signature } from '../../src/memory/types.js';

export const DAY = 86_400_000;
/** 2026-03-10 15:00 UTC. */
export const NOW = Date.UTC(2026, 2, 10, 15);

/** A signature from words, heaviest first. */
export function sig(...words: string[]): Signature {
  return signatureOf(new Map(words.map((w, k) => [w, 3 - k * 0.25])));
}

/** The words of three questions that do not resemble each other. */
export const MAILBOX = ['mailbox', 'store', 'move', 'drive'];
export const OUTLOOK = ['outlook', 'default', 'folders', 'open'];
export const KMS = ['0xc0020002', 'kms', 'setup', 'file'];

let threads = 0;

/** An unanswered question of user U1 a day before NOW, in a thread of its own; `words` (default MAILBOX) give its text and signature. */
export function ask(over: Partial<Interaction> & { words?: string[] }): Interaction {
  const { words = MAILBOX, ...rest } = over;
  return {
    at: NOW - DAY,
    user: 'U1',
    conversation: 'C1',
    thread: `t${++threads}`,
    intent: 'question',
    outcome: 'unanswered',
    articleId: null,
    confidence: 0.1,
    text: words.join(' '),
    signature: sig(...words),
    ...rest,
  };
}

/** Feedback a minute after `i`, by its user in its thread, on `articleId` (default the one it was given, else Q1). */
export function feedbackOn(i: Interaction, helpful: boolean, articleId = i.articleId ?? 'Q1'): FeedbackRecord {
  return {
    at: i.at + 60_000,
    user: i.user,
    conversation: i.conversation,
    thread: i.thread,
    articleId,
    helpful,
    query: i.text,
    signature: i.signature,
  };
}

/**
 * A team fix saved in `thread` of C1 (default: a thread of its own) two days before NOW, written
 * by U7 (Ana Lopez) and saved by U8; `over` replaces any field.
 */
export function teamFix(over: Partial<FixRecord> = {}): FixRecord {
  return {
    id: 'fix-1',
    title: "KMS service won't start after SP3",
    text: 'Fixed it by restarting the KM service and re-running update.exe',
    author: 'U7',
    authorName: 'Ana Lopez',
    savedBy: 'U8',
    savedAt: NOW - 2 * DAY,
    conversation: 'C1',
    thread: `t${++threads}`,
    messageId: null,
    permalink: null,
    errors: ['Error 0x8007000D: The data is invalid. Service KMS failed to start.'],
    codes: ['0x8007000d'],
    offered: [],
    via: 'mention',
    ...over,
  };
}

/** `teamFix(over)` without its id, to add to a FixStore (which gives the id). */
export function newTeamFix(over: Partial<NewFix> = {}): NewFix {
  const { id, ...fix } = teamFix(over);
  void id;
  return fix;
}
