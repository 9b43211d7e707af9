/**
 * The bot's behaviour as users meet it, driven through the in-memory adapter on the bundled KB
 * (the five seed articles): answers, silence, "did you mean", lookups, follow-ups in a thread,
 * feedback and hostile input.
 */
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { buildAnswer, markCode, REGISTRY_WARNING } from '../../../src/bot/build-answer.js';
import { Bot, type BotEvent } from '../../../src/bot/bot.js';
import { looksBinary } from '../../../src/bot/message.js';
import { readFollowUp } from '../../../src/bot/follow-up.js';
import type { ArticleAnswer, Reply } from '../../../src/bot/reply.js';
import { renderPlain } from '../../../src/adapters/console/plain.js';
import { BOT_TEXTS } from '../../../src/bot/texts.js';
import { KnowledgeBase } from '../../../src/kb/knowledge-base.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { makeArticle } from '../../helpers/articles.js';
import { SEED_PASTE, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);

function newChat(onEvent?: (e: BotEvent) => void, thread?: string): FakeAdapter {
  return new FakeAdapter(new Bot(kb, { ranker, onEvent }), { thread });
}

function answerOf(reply: Reply | null): ArticleAnswer {
  if (reply?.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  return reply.answer;
}

const PASTE = SEED_PASTE;

/** Thanks in a thread are an acknowledgement (a ✅ reaction in Slack, the text elsewhere), issue #24. */
const ack = (text: string): Reply => ({ kind: 'ack', emoji: 'white_check_mark', text });

describe('answers', () => {
  it('answers a pasted error with the article, its numbered steps, registry keys and why', async () => {
    const a = answerOf(await newChat().say(PASTE));
    expect(a.id).toBe('Q290226');
    expect(a.title).toBe('XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002');
    expect(a.steps.length).toBeGreaterThanOrEqual(3);
    expect(
      a.steps[2]?.items
        .flat()
        .filter((s) => s.code)
        .map((s) => s.text),
    ).toContain('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer');
    expect(a.warnings).toEqual([REGISTRY_WARNING]);
    expect(a.why).toContain('0xc0020002');
    expect(a.url).toBe('https://support.microsoft.com/kb/290226');
    expect(a.actions.map((x) => x.id)).toEqual(['helpful', 'not_it', 'other_matches', 'full_article', 'share']);
  });

  it('answers the question in its own help text ("KM server" is the Key Management server)', async () => {
    const a = answerOf(await newChat().say('why does SP3 fail on the KM server?'));
    expect(a.id).toBe('Q290226');
    expect(a.why).toContain('km = key management');
  });

  it('does not answer outright what the bundled KB does not cover, though one word of it matches', async () => {
    // Below the "did you mean" floor: the closest article, said to be a long shot (issue #25), never an answer.
    const far = await newChat().say('how do I move the mailbox store to another drive');
    expect(far?.kind === 'suggestions' && far.intro).toBe(BOT_TEXTS.closest);
    expect((await newChat().say('printer spooler crashes on nt'))?.kind).not.toBe('answer');
  });

  it('answers an error it overhears in a channel, and stays silent on chatter', async () => {
    const chat = newChat();
    expect((await chat.say(PASTE, { via: 'overheard' }))?.kind).toBe('answer');
    expect(await chat.say("who's patching the exchange boxes tonight?", { via: 'overheard' })).toBeNull();
    expect(await chat.say('the STOP 0x1E on FILE3 was a bad RAM stick, fixed', { via: 'overheard' })).toBeNull();
    expect(await chat.say('lunch?', { via: 'overheard' })).toBeNull();
  });

  it('small talk said to the bot gets a word on what it does, not an article', async () => {
    for (const text of ['see you tomorrow', 'lunch anyone?'])
      expect(await newChat().say(text)).toEqual({ kind: 'text', text: BOT_TEXTS.smallTalk });
    expect(await newChat().say('see you tomorrow', { via: 'overheard' })).toBeNull();
  });

  it('always replies when addressed: no match says what it searched and what would help', async () => {
    const reply = await newChat().say('zebra xylophone quartz');
    expect(reply).toEqual({
      kind: 'no_match',
      text: 'I could not find an article that matches in the knowledge base (5 articles).',
      hints: BOT_TEXTS.noMatchHints,
    });
  });

  it('shows an article asked for by number, and says which ids it does not have', async () => {
    expect(answerOf(await newChat().say('show me kb 174743')).id).toBe('Q174743');
    const both = await newChat().say('Q174743 and Q999999');
    expect(answerOf(both).id).toBe('Q174743');
    expect(both?.kind === 'answer' && both.intro).toBe('Q999999 is not in this knowledge base (5 articles).');
    for (const text of ['Q999999', 'kb 999998 and Q999999']) {
      const missing = text.includes('999998') ? 'Q999998, Q999999 are' : 'Q999999 is';
      expect(await newChat().say(text)).toEqual({
        kind: 'text',
        text: `${missing} not in this knowledge base (5 articles).`,
      });
    }
  });

  it('shows the part of an article a lookup asks for, even in a thread about another article', async () => {
    expect(answerOf(await newChat().say('kb 290226 steps')).view).toBe('steps');
    expect(answerOf(await newChat().say('Q290226 full article')).view).toBe('full');
    const chat = newChat();
    expect(answerOf(await chat.say(PASTE)).id).toBe('Q290226');
    const other = answerOf(await chat.say('show me the steps for Q174743'));
    expect([other.id, other.view]).toEqual(['Q174743', 'steps']);
    expect(other.noFix).toBe('This behavior is by design; the article gives no fix.');
  });

  it('"show me the article about ..." searches for one rather than taking it as thanks', async () => {
    const reply = await newChat().say('show me the article about removing the key management service');
    expect(reply?.kind === 'answer' || reply?.kind === 'suggestions').toBe(true);
    expect(JSON.stringify(reply)).toContain('Q290226');
  });

  it('answers help and greetings when addressed only', async () => {
    expect(await newChat().say('help')).toEqual({ kind: 'text', text: BOT_TEXTS.help });
    expect(await newChat().say('hi kbbot')).toEqual({ kind: 'text', text: BOT_TEXTS.greeting });
    expect(await newChat().say('morning all', { via: 'overheard' })).toBeNull();
  });

  it('says plainly when an article has no fix, and never invents steps', () => {
    const byDesign = makeArticle({
      id: 'Q100001',
      title: 'Mail Sent Twice',
      sections: { symptoms: 'Mail is sent twice.', status: 'This behavior is by design.' },
    });
    const a = buildAnswer(byDesign, { confidence: 0.9, why: 'test' });
    expect(a.steps).toEqual([]);
    expect(a.fixText).toBeUndefined();
    expect(a.noFix).toBe('This behavior is by design; the article gives no fix.');
    const sp = makeArticle({
      id: 'Q100002',
      sections: { resolution: 'To resolve this problem, obtain the latest service pack for Windows NT 4.0.' },
    });
    expect(buildAnswer(sp, { confidence: 0.9, why: 'test' })).toMatchObject({
      steps: [],
      noFix: undefined,
      fixText: 'To resolve this problem, obtain the latest service pack for Windows NT 4.0.',
    });
  });

  it('shows a sub-heading of the fix as a label, not as a run of dashes', () => {
    const article = makeArticle({
      id: 'Q185577',
      sections: {
        resolution:
          'Use either of the following solutions.\n\nRemove Pub.edb\n--------------\n\nRemove the Pub.edb file.',
      },
    });
    expect(buildAnswer(article, { confidence: 0.9, why: 'test' }).fixText).toBe(
      'Use either of the following solutions. Remove Pub.edb: Remove the Pub.edb file.',
    );
  });

  it('offers "did you mean" when two articles fit about equally', async () => {
    const error = 'The directory service could not read the configuration from the server.';
    const twins = new KnowledgeBase([
      makeArticle({
        id: 'Q200001',
        title: 'Directory Service Error on Startup',
        errorMessages: [error],
        sections: { symptoms: `At startup: ${error}` },
      }),
      makeArticle({
        id: 'Q200002',
        title: 'Directory Service Error After Restore',
        errorMessages: [error],
        sections: { symptoms: `After a restore: ${error}` },
      }),
      ...Array.from({ length: 10 }, (_, i) =>
        makeArticle({
          id: `Q30000${i}`,
          title: `Printer problem ${i}`,
          sections: { symptoms: `The printer jams on page ${i}.` },
        }),
      ),
    ]);
    const reply = await new FakeAdapter(new Bot(twins, { ranker: Ranker.build(twins) })).say(error);
    expect(reply?.kind).toBe('suggestions');
    if (reply?.kind !== 'suggestions') return;
    expect(reply.intro).toBe(BOT_TEXTS.didYouMean);
    expect(reply.candidates.map((c) => c.id).sort()).toEqual(['Q200001', 'Q200002']);
    expect(reply.candidates.length).toBeLessThanOrEqual(3);
    expect(reply.candidates.every((c) => c.why.length > 0)).toBe(true);
  });
});

describe('a message whose words do not match but whose error code does', () => {
  const code = '0xc0020002';
  const kb3 = new KnowledgeBase([
    makeArticle({
      id: 'Q200011',
      title: `Setup Stops with Error ${code}`,
      errorMessages: [`The system cannot find the file specified. ID no: ${code}`],
      sections: { symptoms: `Setup stops: ID no: ${code}` },
    }),
    makeArticle({
      id: 'Q200012',
      title: `Administrator Program Does Not Start with Error ${code}`,
      errorMessages: [`ID no: ${code}`],
      sections: { symptoms: `The program stops: ID no: ${code}` },
    }),
    ...Array.from({ length: 10 }, (_, i) =>
      makeArticle({
        id: `Q30001${i}`,
        title: `Printer problem ${i}`,
        sections: { symptoms: `The printer jams on page ${i}.` },
      }),
    ),
  ]);
  const chat = (): FakeAdapter => new FakeAdapter(new Bot(kb3, { ranker: Ranker.build(kb3) }));

  it('lists the articles that mention the code instead of saying nothing matches', async () => {
    const reply = await chat().say(`Es tritt ein Fehler auf: ${code}`);
    expect(reply?.kind).toBe('suggestions');
    if (reply?.kind !== 'suggestions') return;
    expect(reply.intro).toBe(BOT_TEXTS.mentioning([code]));
    expect(reply.candidates.map((c) => c.id).sort()).toEqual(['Q200011', 'Q200012']);
  });

  it('stays silent on it in a channel, and says nothing matches when the code is in no article', async () => {
    expect(await chat().say(`Es tritt ein Fehler auf: ${code}`, { via: 'overheard' })).toBeNull();
    expect((await chat().say('Es tritt ein Fehler auf: 0xc0029999'))?.kind).toBe('no_match');
  });
});

describe('a thread remembers its match', () => {
  it('"wrong one" gives the next candidate in that thread, and records it', async () => {
    const events: BotEvent[] = [];
    const chat = newChat((e) => events.push(e), 'T-wrong');
    const first = answerOf(await chat.say('cannot apply the service pack, the system cannot find the file specified'));
    const second = await chat.say('wrong one');
    expect(answerOf(second).id).not.toBe(first.id);
    expect(second?.kind === 'answer' && second.intro).toBe(BOT_TEXTS.nextOne);
    expect(events).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: first.id, helpful: false }));
    // a different thread is not affected
    expect(await chat.say('wrong one', { thread: 'T-other' })).toEqual({ kind: 'text', text: BOT_TEXTS.nothingYet });
    for (const text of ['why?', 'just the steps', 'show the full article', 'the other one']) {
      expect(await chat.say(text, { thread: 'T-fresh' })).toEqual({ kind: 'text', text: BOT_TEXTS.nothingYet });
    }
  });

  it('"just the steps" and "show the full article" use the thread\'s article', async () => {
    const chat = newChat(undefined, 'T-steps');
    answerOf(await chat.say(PASTE));
    const steps = answerOf(await chat.say('just the steps'));
    expect(steps).toMatchObject({ id: 'Q290226', view: 'steps' });
    const full = answerOf(await chat.say('show the full article'));
    expect(full.view).toBe('full');
    expect(full.sections?.map((s) => s.heading)).toEqual(expect.arrayContaining(['Symptoms', 'Cause']));
  });

  it('follow-ups under an answer need no mention; elsewhere overheard ones stay unanswered', async () => {
    const chat = newChat(undefined, 'T-overheard');
    answerOf(await chat.say(PASTE, { via: 'overheard' }));
    expect(answerOf(await chat.say('just the steps', { via: 'overheard' }))).toMatchObject({
      id: 'Q290226',
      view: 'steps',
    });
    expect(await chat.say('why?', { via: 'overheard' })).toMatchObject({
      kind: 'text',
      text: expect.stringMatching(/^Q290226 matched on: /) as string,
    });
    expect(await chat.say('what about SP2?', { via: 'overheard' })).toBeNull(); // people ask each other that
    expect(await chat.say('just the steps', { via: 'overheard', thread: 'T-elsewhere' })).toBeNull();
  });

  it('"what about SP1?" searches again with the thread\'s question', async () => {
    const chat = newChat(undefined, 'T-refine');
    answerOf(await chat.say('kms fails during the exchange 5.5 upgrade'));
    const refined = await chat.say('what about SP1?');
    expect(['answer', 'suggestions']).toContain(refined?.kind);
    const ids =
      refined?.kind === 'answer'
        ? [refined.answer.id]
        : refined?.kind === 'suggestions'
          ? refined.candidates.map((c) => c.id)
          : [];
    expect(ids).toContain('Q196171'); // "Incorrect Attempt to Update KMS during 5.5 SP1 Update"
  });

  it('"why?" says what the message matched in the article shown, and how sure the bot is', async () => {
    const chat = newChat(undefined, 'T-why');
    answerOf(await chat.say(PASTE));
    const why = await chat.say('why this one?');
    expect(why?.kind).toBe('text');
    const text = why?.kind === 'text' ? why.text : '';
    expect(text).toMatch(/^Q290226 matched on: error text "The System cannot find the file specified/);
    expect(text).toContain('code 0xc0020002');
    expect(text).toMatch(/Confidence 0\.9\d: I answer outright from 0\.50/);
    // a further candidate says which one it was, and claims no confidence
    const other = answerOf(await chat.say('the other one'));
    expect(other.why).toMatch(/^candidate 2, /);
    expect(other.confidence).toBeUndefined();
    expect(renderPlain({ kind: 'answer', answer: other })).not.toContain('confidence');
    expect(await chat.say('why?')).toEqual({
      kind: 'text',
      text: expect.stringMatching(
        new RegExp(`^${other.id} matched on: .*\nIt was candidate 2 for your message[.]$`),
      ) as string,
    });
    // an article asked for by number
    answerOf(await chat.say('Q174743'));
    expect(await chat.say('why')).toEqual({ kind: 'text', text: BOT_TEXTS.whyLookup('Q174743') });
  });

  it('buttons: "not it" moves on, "helped" is thanked and recorded, "full article" shows it all', async () => {
    const events: BotEvent[] = [];
    const chat = newChat((e) => events.push(e), 'T-buttons');
    const first = answerOf(await chat.say(PASTE));
    expect(answerOf(await chat.press('not_it', first.id, 'T-buttons')).id).not.toBe(first.id);
    expect(await chat.press('helpful', 'Q235418', 'T-buttons')).toEqual({
      kind: 'text',
      text: BOT_TEXTS.thanks('Q235418'),
    });
    expect(events.filter((e) => e.type === 'feedback').map((e) => e.type === 'feedback' && e.helpful)).toEqual([
      false,
      true,
    ]);
    expect(answerOf(await chat.press('full_article', first.id, 'T-buttons')).view).toBe('full');
  });
});

describe('transport quirks and feedback in words', () => {
  it('reads a Teams mention and a Slack code fence as the bare error', async () => {
    expect(answerOf(await newChat().say(`<at>KB Bot</at> ${PASTE}`)).id).toBe('Q290226');
    expect(answerOf(await newChat().say(`<@U0BOT42> \`\`\`${PASTE}\`\`\``)).id).toBe('Q290226');
  });

  it('"that worked" is thanked and recorded against the thread\'s article; "the other one" moves on', async () => {
    const events: BotEvent[] = [];
    const chat = newChat((e) => events.push(e), 'T-words');
    const first = answerOf(await chat.say(PASTE));
    expect(await chat.say('that worked, thanks!')).toEqual(ack(BOT_TEXTS.thanks(first.id)));
    expect(events).toContainEqual(expect.objectContaining({ type: 'feedback', articleId: first.id, helpful: true }));
    expect(answerOf(await chat.say('the other one')).id).not.toBe(first.id);
  });
});

describe('short reactions in a thread', () => {
  /** A thread with an answer to a paste that has several candidates, and the bot's events. */
  async function answered(thread: string) {
    const events: BotEvent[] = [];
    const chat = newChat((e) => events.push(e), thread);
    const first = answerOf(await chat.say('cannot apply the service pack, the system cannot find the file specified'));
    return { chat, first, feedback: () => events.filter((e) => e.type === 'feedback') };
  }

  it('"ok thanks" is thanked; "none of these" and "that one is for 5.0, we run 5.5" move on', async () => {
    const { chat, first, feedback } = await answered('T-reactions');
    const second = answerOf(await chat.say('none of these'));
    expect(second.id).not.toBe(first.id);
    const third = await chat.say('the fix in that article is for 5.0, we run 5.5');
    expect(third?.kind).not.toBe('text');
    expect(feedback()).toEqual([
      expect.objectContaining({ articleId: first.id, helpful: false }),
      expect.objectContaining({ articleId: second.id, helpful: false }),
    ]);
    const chat2 = newChat(() => {}, 'T-ok');
    const answer = answerOf(await chat2.say(PASTE));
    expect(await chat2.say('ok thanks')).toEqual(ack(BOT_TEXTS.thanks(answer.id)));
  });

  it('👎 moves on and is recorded as not it; 👍 (or Slack\'s ":+1:") is thanked and recorded as helped', async () => {
    const { chat, first, feedback } = await answered('T-thumbs');
    const second = answerOf(await chat.say('👎'));
    expect(second.id).not.toBe(first.id);
    expect(await chat.say(':+1::skin-tone-3:')).toEqual(ack(BOT_TEXTS.thanks(second.id)));
    expect(feedback()).toEqual([
      expect.objectContaining({ articleId: first.id, helpful: false }),
      expect.objectContaining({ articleId: second.id, helpful: true }),
    ]);
  });
});

describe('hostile input', () => {
  it('keeps broadcast mentions and markup from the message out of the search, and answers', async () => {
    const reply = await newChat().say(`<!channel> <@U123> &lt;b&gt; ${PASTE}`);
    expect(answerOf(reply).id).toBe('Q290226');
  });

  it('answers a 100 KB paste without stalling and politely refuses binary', async () => {
    // The time limit is a guard against a hang, not a measurement: the bot reads only the start of
    // a message, so a 100 KB paste is answered in a fraction of a second; work over all of it
    // could stall a channel. Generous, so a loaded CI box cannot trip it.
    const started = performance.now();
    expect(answerOf(await newChat().say(`${PASTE}\n`.repeat(1300))).id).toBe('Q290226');
    expect(performance.now() - started).toBeLessThan(5000);
    const binary = String.fromCharCode(...Array.from({ length: 3000 }, (_, i) => (i * 31) % 32));
    expect(looksBinary(binary)).toBe(true);
    expect(await newChat().say(binary)).toEqual({ kind: 'text', text: BOT_TEXTS.binary });
    expect(await newChat().say(binary, { via: 'overheard' })).toBeNull();
  });

  it('a failing event listener does not break the answer', async () => {
    const chat = newChat(() => {
      throw new Error('listener down');
    });
    expect(answerOf(await chat.say(PASTE)).id).toBe('Q290226');
  });
});

describe('parts', () => {
  it('reads follow-ups, and only short ones', () => {
    expect(readFollowUp('just the steps')).toEqual({ kind: 'steps' });
    expect(readFollowUp('Show me the full article.')).toEqual({ kind: 'full' });
    expect(readFollowUp('the other one')).toEqual({ kind: 'next' });
    expect(readFollowUp('any other matches?')).toEqual({ kind: 'others' });
    expect(readFollowUp('what about SP2?')).toEqual({ kind: 'refine', words: 'SP2' });
    for (const text of [
      'is this article still valid for SP4?',
      'does that apply to Exchange 5.0?',
      'will it work on NT 4.0',
      'Is this one the same for SP4?',
    ]) {
      expect([text, readFollowUp(text)?.kind]).toEqual([text, 'refine']);
    }
    expect(readFollowUp('is this article still valid for SP4?')).toEqual({ kind: 'refine', words: 'SP4' });
    expect(readFollowUp('does the IS stop when the disk is full?')).toBeUndefined();
    expect(readFollowUp('Why that one?')).toEqual({ kind: 'why' });
    expect(readFollowUp('how did you pick it')).toEqual({ kind: 'why' });
    expect(readFollowUp('why does SP3 fail on the KM server?')).toBeUndefined();
  });

  it('marks registry keys, paths and file names as code', () => {
    expect(
      markCode('Copy C:\\Exchsrvr\\bin\\kmserver.exe, then run Setup.exe.')
        .filter((s) => s.code)
        .map((s) => s.text),
    ).toEqual(['C:\\Exchsrvr\\bin\\kmserver.exe', 'Setup.exe']);
    expect(
      markCode(
        'Delete HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server and restart.',
      )[1],
    ).toEqual({ text: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server', code: true });
  });
});
