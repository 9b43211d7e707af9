/**
 * What thread feedback credits (src/bot/feedback-target.ts): the bot's answer only when the message
 * comes straight after it or is a reaction on it, a person's fix when it follows that fix, else
 * nothing. Floor on the dev rows of test/fixtures/thread-messages.jsonl, then hand cases.
 */
import { describe, expect, it } from 'vitest';
import { THREAD_MESSAGES, type ThreadMessageRow } from '../../helpers/thread-messages.js';
import { feedbackTarget, type FeedbackThread } from '../../../src/bot/feedback-target.js';

const rows = THREAD_MESSAGES;

/** Target accuracy floor on the dev feedback rows (the design's figure). */
const ACCURACY_FLOOR = 0.95;

/** Slack ts of the bot's answer, a person's message after it, and the feedback message. */
const ANSWER_TS = '1733390000.000100';
const PERSON_TS = '1733390000.000200';
const ROW_TS = '1733390000.000300';

/** The thread before the row's message, from its `after` label (as scripts/bench-thread-rules.mjs builds it). */
function threadFor(after: ThreadMessageRow['after']): FeedbackThread {
  if (after === 'nothing') return {};
  const answered = { answerId: ANSWER_TS, articleId: 'Q193567' };
  if (after === 'answer') return { ...answered, lastSpeaker: 'bot', lastMessageId: ANSWER_TS };
  const person: FeedbackThread = { ...answered, lastSpeaker: 'person', lastMessageId: PERSON_TS };
  return after === 'person_fix' ? { ...person, lastFix: { messageId: PERSON_TS, user: 'U1' } } : person;
}

describe('feedbackTarget on the dev rows', () => {
  it(`gets the target right for ≥ ${ACCURACY_FLOOR} of the feedback rows`, () => {
    const dev = rows.filter((r) => r.split === 'dev' && r.feedback !== 'none');
    expect(dev.length).toBeGreaterThanOrEqual(30);
    const right = dev.filter((r) => {
      const thread = threadFor(r.after);
      const message = r.reaction ? { reaction: { itemId: thread.lastMessageId ?? 'x' } } : { id: ROW_TS, text: r.text };
      return feedbackTarget(thread, message).kind === r.target;
    });
    expect(right.length / dev.length).toBeGreaterThanOrEqual(ACCURACY_FLOOR);
  });
});

describe('feedbackTarget by hand', () => {
  it('credits the answer, with its article, when "that worked" comes straight after it', () => {
    expect(feedbackTarget(threadFor('answer'), { id: ROW_TS, text: 'that worked' })).toEqual({
      kind: 'answer',
      messageId: ANSWER_TS,
      articleId: 'Q193567',
    });
  });

  it('credits the person\'s fix, not the article, when "that worked" follows the fix (the issue\'s story)', () => {
    expect(feedbackTarget(threadFor('person_fix'), { id: ROW_TS, text: 'that worked' })).toEqual({
      kind: 'fix',
      messageId: PERSON_TS,
      user: 'U1',
      via: 'report',
    });
  });

  it('carries the saved fix id when the fix was saved', () => {
    const thread = { ...threadFor('person_fix'), lastFix: { id: 'fix-3', messageId: PERSON_TS, user: 'U1' } };
    expect(feedbackTarget(thread, { text: 'thanks' })).toMatchObject({ kind: 'fix', fixId: 'fix-3' });
  });

  it('credits nothing when a colleague is thanked after other talk, or there is no answer', () => {
    expect(feedbackTarget(threadFor('person_other'), { id: ROW_TS, text: 'thanks ana' })).toEqual({ kind: 'none' });
    expect(feedbackTarget({}, { text: 'that worked' })).toEqual({ kind: 'none' });
    expect(feedbackTarget({}, { text: 'wrong article' })).toEqual({ kind: 'none' });
  });

  it('credits the answer when the text names it, even after other messages', () => {
    expect(feedbackTarget(threadFor('person_fix'), { text: "the bot's answer was wrong" })).toMatchObject({
      kind: 'answer',
    });
    expect(feedbackTarget(threadFor('person_other'), { text: 'ok', answerRef: true })).toMatchObject({
      kind: 'answer',
    });
  });

  it('credits the fix the answer led with, not the article under it', () => {
    const thread = { ...threadFor('answer'), led: 'fix-7' };
    expect(feedbackTarget(thread, { text: '👍' })).toEqual({
      kind: 'fix',
      fixId: 'fix-7',
      messageId: ANSWER_TS,
      via: 'answer',
    });
    expect(feedbackTarget(thread, { reaction: { itemId: ANSWER_TS } })).toMatchObject({ fixId: 'fix-7' });
  });

  it('follows a reaction to the message it is on, wherever it sits in the thread', () => {
    const older = { messageId: '1733390000.000050', user: 'U2' };
    const thread = { ...threadFor('person_other'), fixes: [older] };
    expect(feedbackTarget(thread, { reaction: { itemId: ANSWER_TS } })).toMatchObject({ kind: 'answer' });
    expect(feedbackTarget(thread, { reaction: { itemId: older.messageId } })).toMatchObject({
      kind: 'fix',
      user: 'U2',
    });
    expect(feedbackTarget(thread, { reaction: { itemId: PERSON_TS } })).toEqual({ kind: 'none' });
  });

  it('does not credit the answer for a message older than it (a late-delivered event)', () => {
    expect(feedbackTarget(threadFor('answer'), { id: '1733390000.000090', text: 'thanks' })).toEqual({ kind: 'none' });
  });

  it('takes Teams activity ids, which carry no order, as later than the answer', () => {
    const thread: FeedbackThread = { answerId: 'act-1', lastSpeaker: 'bot', lastMessageId: 'act-1' };
    expect(feedbackTarget(thread, { id: 'act-2', text: 'thanks' })).toMatchObject({ kind: 'answer' });
  });
});
