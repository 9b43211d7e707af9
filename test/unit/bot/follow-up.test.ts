/** Follow-ups in a thread (src/bot/follow-up.ts): read from short messages only, at once from long ones. */
import { describe, expect, it } from 'vitest';
import { readFollowUp, seenQuestionIn } from '../../../src/bot/follow-up.js';
import { cpuMs } from '../../helpers/cpu-time.js';

describe('readFollowUp', () => {
  it('takes off the full stops and exclamation marks a follow-up ends with', () => {
    expect(readFollowUp('just the steps!!!')).toEqual({ kind: 'steps' });
    expect(readFollowUp(`show me the full article${'.'.repeat(150)}`)).toEqual({ kind: 'full' });
  });

  // A guard against super-linear work, not a measurement: `/[.!]+$/` ran on the whole message before
  // its length was looked at, and a run of 20,000 full stops not ending it took about a second.
  it('answers at once for a long message, whatever it ends with', () => {
    for (const text of [`${'.'.repeat(20_000)}x`, `${'!'.repeat(20_000)} x`, `why${' '.repeat(20_000)}?x`]) {
      expect(cpuMs(() => readFollowUp(text))).toBeLessThan(100);
      expect(readFollowUp(text)).toBeUndefined();
    }
  });
});

/**
 * "Has anyone seen this before?" (issue #24, design 3.5): asked in many voices, it lists past
 * threads with the same error. Statements, questions about something else and questions about
 * now are not it.
 */
describe('readFollowUp: has anyone seen this before?', () => {
  const SEEN = [
    // plain
    'has anyone seen this before?',
    'Has anyone seen this error before?',
    'has anybody seen this before',
    'anyone seen this before?',
    'anyone else seen this?',
    'Anyone else hit this?',
    'has anyone ever seen this?',
    'has anyone here run into this before?',
    'anyone run into this before?',
    'anyone ran into this b4?',
    'has anyone come across this error before?',
    'anyone encountered this exact error before?',
    'has someone had this issue before?',
    'any of you guys seen this one before?',
    'has anyone ever fixed this?',
    'has anyone fixed this before?',
    'did anyone solve this before?',
    // we / you
    'did we hit this before?',
    'Did we hit this before',
    'have we seen this before?',
    'have we had this before?',
    'did we have this error before',
    "didn't we see this before?",
    'havent we hit this before?',
    'have you seen this before?',
    'did we ever fix this?',
    'have we ever seen this',
    'we had this before?',
    "we've seen this before?",
    // bare, terse, typos
    'seen this before?',
    'seen this before',
    'seen this b4?',
    'hit this before?',
    'ever seen this?',
    'seen this befor?',
    'anyone seen this befroe',
    'SEEN THIS BEFORE??',
    // happened
    'has this happened before?',
    'did this happen before?',
    'has this come up before?',
    'has this error ever come up?',
    'has this been reported?',
    'has this been seen before?',
    // known issue
    'is this a known issue?',
    'Is this a known bug?',
    'is this known?',
    'is this a known issue with SP3?',
    'isnt this a known problem',
    'known issue?',
    'any known issues with this?',
    // bells, history
    'does this ring a bell?',
    'ring any bells?',
    'rings a bell?',
    'any history on this?',
    'any previous incidents like this?',
    'do we have any prior tickets on this?',
    // leads, tails, quotes, emoji, markup left over
    'hey team, has anyone seen this before?',
    '@kbbot did we hit this before?',
    'quick q: anyone seen this before?',
    'has anyone seen this before, folks?',
    'has anyone seen this before? 🤔',
    'anyone seen this before :thinking_face:',
    'did we hit this before?!',
    'have we seen this before.',
    'didn’t we see this before?',
  ];

  const NOT_SEEN = [
    // statements
    'I have seen this article before',
    "I've seen this before",
    'i have seen this error before',
    'we had this before',
    "we've seen this before, it's the cert",
    'never seen this before',
    "haven't seen this before",
    'nobody has seen this before',
    'this is a known issue',
    'known issue, see Q193567',
    'known issue',
    'that rings a bell',
    'seen this before, restart fixed it',
    // something else
    'has anyone seen the runbook?',
    'has anyone seen Bob today?',
    'did you see my message?',
    'have you seen this article before?',
    'did we hit this before the upgrade?',
    'did this happen before the restart?',
    'have we restarted it before?',
    'is this article still valid for SP4?',
    'what is a known issue?',
    // now, not the past
    'is anyone else seeing this?',
    'anyone else getting this?',
    'has anyone fixed this yet?',
    'has anyone fixed this?',
    'did it happen again?',
    'did we hit this?',
    // the existing follow-ups
    'the other one',
    'just the steps',
    'why this one?',
    'what about SP2?',
  ];

  it.each(SEEN)('%s', (text) => {
    expect(readFollowUp(text)).toEqual({ kind: 'seen' });
  });

  it.each(NOT_SEEN)('not: %s', (text) => {
    expect(readFollowUp(text)?.kind).not.toBe('seen');
  });

  it('keeps the other follow-ups as they were', () => {
    expect(readFollowUp('the other one')).toEqual({ kind: 'next' });
    expect(readFollowUp('just the steps')).toEqual({ kind: 'steps' });
    expect(readFollowUp('what about SP2?')).toEqual({ kind: 'refine', words: 'SP2' });
    expect(readFollowUp('is this article still valid for SP4?')).toEqual({ kind: 'refine', words: 'SP4' });
  });

  it('is not read from a long message, even one that ends with the question', () => {
    const paste = `Error 0x8007000D: The data is invalid. Service KMS failed to start on EXCH01 at 09:12 after SP3.`;
    expect(readFollowUp(`${paste} has anyone seen this before?`)).toBeUndefined();
    expect(readFollowUp(`has anyone seen this before? ${paste}`)).toBeUndefined();
  });

  it('answers at once for any short message (no backtracking blow-up)', () => {
    for (const text of [
      `${'hey, '.repeat(19)}x`,
      `anyone ${'else '.repeat(18)}`,
      `is this a known issue with ${'a'.repeat(60)}`,
      `${'@a '.repeat(33)}`,
    ]) {
      expect(cpuMs(() => readFollowUp(text))).toBeLessThan(50);
    }
  });
});

describe('seenQuestionIn: the question on its own line beside a pasted error', () => {
  const ERROR = 'Error 0x8007000D: The data is invalid.\nService KMS failed to start.';

  it('gives back the error when the question comes first or last', () => {
    expect(seenQuestionIn(`has anyone seen this before?\n${ERROR}`)).toEqual({ rest: ERROR });
    expect(seenQuestionIn(`${ERROR}\n\ndid we hit this before?`)).toEqual({ rest: ERROR });
    expect(seenQuestionIn(`hey team, seen this before?\n\`\`\`\n${ERROR}\n\`\`\``)).toEqual({
      rest: `\`\`\`\n${ERROR}\n\`\`\``,
    });
  });

  it('is undefined for a paste without the question, the question alone, or the question mid-paste', () => {
    expect(seenQuestionIn(ERROR)).toBeUndefined();
    expect(seenQuestionIn('has anyone seen this before?')).toBeUndefined();
    expect(seenQuestionIn('has anyone seen this before?\n\n')).toBeUndefined();
    expect(
      seenQuestionIn(`Error 0x8007000D\nhas anyone seen this before?\nService KMS failed to start.`),
    ).toBeUndefined();
    expect(seenQuestionIn(`I've seen this before\n${ERROR}`)).toBeUndefined();
  });

  it('reads only the first and last lines of a long paste', () => {
    const paste = `${'at Kms.Start()\n'.repeat(50_000)}anyone seen this before?`;
    expect(cpuMs(() => seenQuestionIn(paste))).toBeLessThan(100);
    expect(seenQuestionIn(paste)?.rest.startsWith('at Kms.Start()')).toBe(true);
  });
});
