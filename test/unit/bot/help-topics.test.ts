/**
 * Help fitted to the question (issue #25): a message said to the bot about the bot gets help on
 * what it asked (how to ask, DMs, mentions, listening, the KBs loaded, saving fixes), never an
 * article matched on one common word; product questions that share a word are still searched.
 */
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot } from '../../../src/bot/bot.js';
import { helpText, readHelpTopic, type HelpTopic } from '../../../src/bot/help.js';
import type { Reply } from '../../../src/bot/reply.js';
import { BOT_TEXTS } from '../../../src/bot/texts.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { SEED_PASTE, seedAndRunbookKb, seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const newChat = (): FakeAdapter => new FakeAdapter(new Bot(kb, { ranker }));

/** Phrasings of each topic, in different voices (terse, chatty, typos, markup). */
const PHRASINGS: Record<HelpTopic, string[]> = {
  listening: [
    'please stop answering in #general',
    'stop replying here pls',
    'can you stop responding to everything in this channel',
    'kbbot, quit jumping in on every message',
    'how do I turn you off in #ops',
    'how do i make you stop posting in our channel',
    'turn off listening in this channel',
    'disable auto answers here',
    'why did you answer in #random?',
    'are you listening in #alerts?',
    'how do I get you to listen in #ops',
    'shut up bot',
    "you're too noisy",
    '/kb listen off doesnt work?',
  ],
  mentions: [
    'do I have to mention you every time',
    'do i need to @ you for each question',
    'can you answer without a mention',
    'do you reply without being tagged?',
    'must I tag the bot',
  ],
  dm: [
    'can I DM you',
    'is it ok to dm kbbot instead',
    'can i message you directly',
    'do you work in private messages?',
  ],
  fixes: [
    'how do I save a fix for the team',
    'can you remember our fix for next time',
    'how do team fixes work',
    'how do i undo a saved fix',
    'can I teach you a fix',
  ],
  kbs: [
    'what kinds of things can you find',
    'which knowledge bases do you have loaded',
    'what kbs are loaded',
    'how many articles do you have',
    'what do you know?',
    'what errors can you help with',
    "what's in your knowledge base",
    'where do your answers come from',
  ],
  asking: [
    'how should I ask you about a problem',
    'how do I use you',
    'how does this bot work',
    'what should I paste',
    'can you read screenshots?',
    'can I paste a whole log',
    'how to talk to kbbot',
  ],
  about: ['who are you', 'what can you do?'],
};

/** Product questions and chatter that share a word with a topic: not about the bot. */
const NEAR_MISSES = [
  'IIS stops responding every morning',
  'the server stopped answering in #general',
  'why does the server stop responding after SP3',
  'Exchange stops listening on port 25',
  'listening on port 25 fails after upgrade',
  'how do I turn off the KM service',
  'please stop the exchange service on srv1',
  'stop the directory service before restoring',
  'the private information store will not start',
  'did you mention the SP3 article earlier',
  'how do I DM someone in outlook web access',
  'how do I share the fix with the vendor',
  'how do I save the message as a template',
  'what articles cover the KM server failing',
  'what can you find about the KM server',
  'how many articles of mail are stuck in the queue',
  'what products are affected by this',
  'how do I ask for a license key',
  'how do I use the KM tool to recover a key',
  'who are you going to call about the outage',
  'why does SP3 fail on the KM server?',
  'thanks, that fixed it',
  SEED_PASTE,
];

describe('reading what a message about the bot asks', () => {
  for (const [topic, phrasings] of Object.entries(PHRASINGS))
    it(`reads ${topic} in several phrasings`, () => {
      expect(phrasings.map((p) => [p, readHelpTopic(p)])).toEqual(phrasings.map((p) => [p, topic]));
    });

  it('leaves product questions, errors and chatter that share a word to the ranker', () => {
    expect(NEAR_MISSES.map((p) => [p, readHelpTopic(p)])).toEqual(NEAR_MISSES.map((p) => [p, undefined]));
  });

  it('never reads a long message or one with an error code as about the bot', () => {
    expect(readHelpTopic(`please stop answering in #general ${'and more words '.repeat(10)}`)).toBeUndefined();
    expect(readHelpTopic('stop replying here, I get 0xc0020002')).toBeUndefined();
  });
});

describe('help fitted to the question, through the adapter', () => {
  const help = (reply: Reply | null): string => {
    if (reply?.kind !== 'text') throw new Error(`expected help text, got ${JSON.stringify(reply)?.slice(0, 300)}`);
    return reply.text;
  };

  it('"please stop answering in #general" gets how to turn listening off, not an article on "stop"', async () => {
    const chat = newChat();
    const reply = await chat.say('please stop answering in #general');
    expect(help(reply)).toBe(BOT_TEXTS.helpTopic.listening);
    expect(help(reply)).toContain('`/kb listen off`');
    expect(JSON.stringify(reply)).not.toContain('Q290226');
    // Said with Slack's channel markup, the same.
    expect(help(await chat.say('please stop answering in <#C024BE91L|general>'))).toBe(BOT_TEXTS.helpTopic.listening);
  });

  it('gets each topic its own help, in any phrasing, with no article', async () => {
    const chat = newChat();
    for (const topic of ['listening', 'mentions', 'dm', 'asking'] as const)
      for (const p of PHRASINGS[topic]) expect([p, help(await chat.say(p))]).toEqual([p, BOT_TEXTS.helpTopic[topic]]);
    for (const p of PHRASINGS.about) expect(help(await chat.say(p))).toBe(BOT_TEXTS.help);
  });

  it('says which KBs are loaded, with their sizes', async () => {
    expect(help(await newChat().say('what kinds of things can you find'))).toContain(
      'I search the knowledge base (5 articles).',
    );
    const both = seedAndRunbookKb();
    const chat = new FakeAdapter(new Bot(both, { ranker: Ranker.build(both) }));
    const text = help(await chat.say('which knowledge bases do you have loaded?'));
    expect(text).toContain('I search 2 knowledge bases, 8 articles in all');
    expect(text).toContain('runbooks (3 articles)');
  });

  it('on saving fixes: how, or that it is not set up for this bot', async () => {
    expect(help(await newChat().say('how do I save a fix for the team'))).toBe(BOT_TEXTS.fixesOff);
    expect(helpText('fixes', kb, { fixes: true })).toBe(BOT_TEXTS.helpTopic.fixes);
    expect(BOT_TEXTS.helpTopic.fixes).toContain('save fix');
  });

  it('overheard in a channel, a message about the bot is not for it: silence', async () => {
    for (const p of ['please stop answering in #general', 'do I have to mention you every time'])
      expect(await newChat().say(p, { via: 'overheard' })).toBeNull();
  });

  it('still answers a product question that shares a word with a topic', async () => {
    const reply = await newChat().say('why does SP3 fail on the KM server?');
    expect(reply?.kind === 'answer' && reply.answer.id).toBe('Q290226');
    expect((await newChat().say('IIS stops responding every morning'))?.kind).not.toBe('text');
  });
});
