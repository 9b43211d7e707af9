/**
 * Help fitted to the question (issue #25): a message said to the bot that is about the bot ("do I
 * have to mention you every time", "please stop answering in #general", "what kinds of things can
 * you find") gets help on what it asked, never an article that shares one common word with it.
 *
 * `readHelpTopic` reads the topic from the words by rules: each topic needs its own vocabulary
 * (listening, mentions, DMs, saving fixes, the KBs, how to ask, what the bot is) in a form that points at the bot
 * (an imperative to it, "you", "kbbot", a channel), so a product question that shares a word ("IIS
 * stops responding", "how do I turn off the KM service", "the private store will not start") is
 * left to the ranker. A message that looks like an error (a code, many lines, many words) is never
 * read as about the bot.
 */
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { BOT_TEXTS } from './texts.js';

/** What a message about the bot asks about. */
/** `about`: what the bot is and does at all ("who are you", "what can you do"): the general help. */
export type HelpTopic = 'listening' | 'mentions' | 'dm' | 'fixes' | 'kbs' | 'asking' | 'about';

/** Longest message (in words) read as a question about the bot; longer ones are searched. */
export const HELP_MAX_WORDS = 30;

/** Longest message (in characters) read as a question about the bot. */
export const HELP_MAX_CHARS = 300;

/** The bot itself: "you", "kbbot", "the bot". */
const BOT_REF = /\b(?:you|your|yours|yourself|u|ya|kb ?bot|(?:the|this|our) bot|bot)\b/i;

/** A channel: "#general", "this channel", "here". */
const CHANNEL_REF =
  /(?:^|\s)#[\w-]+|\b(?:this|that|the|a|our|every|each|some) channels?\b|\bchannels\b|\b(?:in )?here\b/i;

/** What makes a message an error rather than talk: a hex or numbered code, an Event ID, a stack frame. */
const ERRORISH =
  /\b0x[0-9a-f]{4,}\b|\bevent ?id\b|\berror:? ?-?\d{3,}\b|\bat [\w.$]+\(|\bexception\b|\b[A-Z]{2,}\d{3,}\b/i;

/** Politeness and address before an imperative: "hey kbbot, please ...". */
const LEAD = String.raw`^(?:(?:hey|hi|hello|ok|okay|so|um|pls|plz|please|kindly|can you|could you|would you|will you|can u|could u|you|u|kb ?bot|bot|@\S+)[\s,!:.-]+)*`;

/** Stop + what the bot does in a channel: "stop answering", "quit replying". */
const STOP_DOING = String.raw`(?:stop|quit|cease|no more|enough(?: of)?|don'?t keep|do not keep)\s+(?:\w+\s+)?(?:answering|replying|responding|listening|posting|talking|chiming in|jumping in|butting in|spamming|commenting|interrupting|auto[- ]?answering|auto[- ]?replying|answers|replies)\b`;

const LISTENING_RULES: RegExp[] = [
  // "please stop answering in #general", "stop replying here", "can you stop responding"
  new RegExp(`${LEAD}${STOP_DOING}`, 'i'),
  // "how do I make you stop posting", "tell the bot to quit replying"
  new RegExp(`\\b(?:make|get|have|tell|ask)\\s+(?:you|u|kb ?bot|the bot|this bot)\\s+(?:to\\s+)?${STOP_DOING}`, 'i'),
  // "stop you", "mute kbbot", "how do I turn you off", "disable the bot here"
  /\b(?:stop|mute|unmute|silence|disable|enable|pause|quiet|shush)\s+(?:you|u|kb ?bot|the bot|this bot|yourself)\b/i,
  /\b(?:turn|switch|shut|toggle)\s+(?:you|u|kb ?bot|the bot|this bot|yourself)\s+(?:off|on|up|down)\b/i,
  // "turn off listening", "switch off the auto answers", "disable auto-replies"
  /\b(?:turn|switch|shut|toggle)\s+(?:off|on)\s+(?:the\s+|your\s+)?(?:listening|auto[- ]?(?:answers?|replies|replying|answering)|answers|replies|kb ?bot|the bot|yourself)\b/i,
  /\b(?:disable|enable|pause|mute|unmute)\s+(?:the\s+|your\s+)?(?:listening|auto[- ]?(?:answers?|replies|replying|answering))\b/i,
  // "/kb listen off", "are you listening in #ops?", "how do I make you listen here"
  /\/kb\s+listen\b/i,
  // Peek mode (issue #25): "/kb peek on", "how does peek mode work", "why did you put 👀 on my message"
  /\/kb\s+peek\b|\bpeek(?:ing)?\s+mode\b/i,
  /\bwhy\s+(?:did|do|does|are|is)\s+(?:you|u|kb ?bot|the bot|this bot)\s+(?:\w+\s+)?(?:add|put|react|leav)\w*\b.*(?:👀|:eyes:|\beyes\b)/iu,
  // "why did you answer here", "why is kbbot replying in #general"
  /\bwhy\s+(?:did|do|does|are|is|were|was)\s+(?:you|u|kb ?bot|the bot|this bot)\s+(?:\w+\s+)?(?:answer|repl|respond|post|jump|chim|talk|say)/i,
  // "shut up", "be quiet", "go away"
  new RegExp(`${LEAD}(?:shut up|be quiet|quiet down|keep quiet|go away|hush|stop it|stop that|stop spamming)\\b`, 'i'),
  /\byou(?:'re| are)\s+(?:so\s+|too\s+|very\s+|really\s+)?(?:noisy|spammy|annoying|loud|chatty)\b/i,
];

/** "listen" with a setting or a place: "listen in #ops", "start listening", "listening on/off" (not "listening on port 25"). */
const LISTEN_WORD = /\blisten(?:s|ing)?\b/i;
const LISTEN_SETTING = /\b(?:on|off|start|stop|turn|enable|disable|where|which|what channels?)\b/i;
const NETWORK = /\b(?:port|tcp|udp|socket|ip|address|interface|smtp|http|ldap|rpc)\b|:\d{2,5}\b/i;

const MENTION_RULES: RegExp[] = [
  // "do I have to mention you", "tag kbbot", "@ you", "ping the bot"
  /\b(?:mention|@-?mention|tag|ping|@)(?:ing)?\s*(?:you|u|kb ?bot|the bot|this bot)\b/i,
  // "do I need to mention every time"
  /\bmention\w*\b.*\b(?:every|each)\s+(?:time|message|question)\b|\b(?:every|each)\s+(?:time|message|question)\b.*\bmention/i,
  // "answer without a mention", "without being mentioned", "without the @"
  /\bwithout\s+(?:a\s+|an\s+|any\s+|the\s+|being\s+)?(?:@|mention|tag|ping)/i,
  /\b(?:need|have|got)\s+to\s+(?:@|mention|tag|ping)\s*(?:you|u|kb ?bot|the bot|every|each|always)/i,
];

const DM_WORDS =
  /\b(?:dms?|dm'?ing|direct(?:ly)?\s+messages?|message\s+(?:you|u|kbbot|the bot)\s+directly|private(?:ly)?\s+(?:message|chat)|privately|in\s+private|one-on-one|1:1|1-on-1|personal\s+chat|chat\s+with\s+(?:you|kbbot|the bot)\s+(?:directly|privately|alone))\b/i;
/** "can I use DMs?": about DMs with the bot though it is not named. */
const DM_ALONE =
  /^(?:can|could|may|should)\s+(?:i|we)\s+(?:use\s+|send\s+)?(?:dms?|direct messages?)(?:\s+(?:instead|too|here))?\s*[?.!]*$/i;

/** Saving, keeping, sharing a fix (with the team or the bot). */
const FIX_VERB =
  /\b(?:save|saving|keep|store|record|remember|share|add|teach|log|note|submit|contribute|put)\s+(?:down\s+)?(?:a|an|the|our|my|this|that|these|your|team|own|new)?\s*(?:own\s+)?(?:team\s+)?(?:fix|fixes|solution|solutions|workaround|workarounds|resolution)\b/i;
const FIX_FOR = /\bteam\b|\bnext time\b|\blater\b|\bothers\b|\beveryone\b|\bfuture\b|\bkb\b|\bknowledge\b/i;
const FIX_OWN =
  /\bteam fix(?:es)?\b|\bsave[ds]? (?:as )?fix(?:es)?\b|\bsaved fix(?:es)?\b|\b(?:undo|remove|delete|edit)\s+(?:a\s+|the\s+|my\s+|our\s+|that\s+)?saved\s+fix\b|\bteach\s+(?:you|kbbot|the bot)\b/i;

/** The KBs searched: "which KBs do you have loaded", "what kinds of things can you find", "how many articles". */
const KB_NOUN =
  /\b(?:kbs?|knowledge ?bases?|articles|docs|documents|documentation|runbooks|sources|topics|products|content|index)\b/i;
const KB_ASK = /\b(?:what|which|how many|where)\b/i;
const KB_ABOUT_BOT =
  /\b(?:loaded|indexed|available|searched|search(?:ing)?|know|cover(?:s|ed)?|have|got|use|using|in there)\b/i;
const KB_RULES: RegExp[] = [
  // "what kinds of things can you find", "what errors can you fix", "what problems can kbbot help with"
  /\bwhat\s+(?:kinds?\s+of\s+|sorts?\s+of\s+|types?\s+of\s+)?(?:things|stuff|problems|errors|issues|questions|info|information|topics|products)\s+(?:can|do|does|will|could)\s+(?:you|u|kb ?bot|the bot|this bot)\s+(?:\w+\s+)?(?:find|answer|know|help|cover|handle|search|look up|fix|solve|support)\b/i,
  // "what do you know", "what do you cover", "what's in your kb"
  /\bwhat\s+(?:do|does|can)\s+(?:you|u|kb ?bot|the bot)\s+(?:know|cover|search|find|contain|have)\s*(?:about\s*)?[?.!]*$/i,
  /\bwhat(?:'s| is)\s+in\s+(?:your|the bot'?s?|kbbot'?s?)\s+(?:kb|knowledge ?base|index|database|head)\b/i,
  /\bwhere\s+do\s+(?:your|kbbot'?s?|the bot'?s?)\s+(?:answers|articles)\s+come\s+from\b/i,
];
/** "... about the KM server": a search, not a question about the KBs. */
const KB_CONTENT_AFTER =
  /\b(?:about|on|for|regarding|covering|mentioning|related to|with|that (?:cover|mention|fix|explain)s?)\s+(?!(?:it|that|this|them|me|us|you|here|there)\b)[\w"'-]{2,}/i;

const ASKING_RULES: RegExp[] = [
  // "how should I ask you about a problem", "how do I use kbbot", "how to talk to the bot"
  /\bhow\s+(?:should|do|can|would|could|must|to|shall)\s+(?:i\s+|we\s+|people\s+|one\s+)?(?:best\s+)?(?:ask|use|talk to|query|search|phrase (?:things|questions|it) for|address|work with|get (?:help|answers?) from|get the most out of)\s+(?:you|u|kb ?bot|the bot|this bot|this thing)\b/i,
  // "how do you work", "how does this bot work"
  /\bhow\s+(?:do|does)\s+(?:you|u|kb ?bot|the bot|this bot|this thing)\s+work\b/i,
  // "what should I paste", "what do I send you", "what can I ask"
  /\bwhat\s+(?:should|can|do|shall|must)\s+(?:i|we)\s+(?:paste|send|type|give|tell|ask|say|include|post)\b/i,
  /\bwhat\s+(?:do|does)\s+(?:you|kb ?bot|the bot)\s+need\b/i,
  // "can you read screenshots", "do you understand questions", "can I paste a log"
  /\b(?:can|do|does|will)\s+(?:you|u|kb ?bot|the bot)\s+(?:read|understand|take|handle|parse|accept|see)\s+(?:\w+\s+)?(?:screenshots?|images?|pictures?|logs?|stack ?traces?|pastes?|questions?|errors?|messages?|attachments?|files?|english|german|french|spanish|other languages?)\b/i,
  /\bcan\s+(?:i|we)\s+(?:just\s+)?(?:paste|send|post|upload|attach)\s+(?:a\s+|an\s+|the\s+|my\s+|whole\s+)*(?:errors?|logs?|screenshots?|stack ?traces?|event ?log|files?|images?|questions?)\b/i,
];

/** What the bot is at all: "who are you", "what is kbbot", "what can you do", "what are you for". */
const ABOUT_RULES: RegExp[] = [
  /^(?:\W*(?:hey|hi|hello|so|ok|okay|um)\W+)?(?:what|who)\s+(?:are|r)\s+(?:you|u)(?:\s+for)?\s*[?.!]*$/i,
  /\bwhat\s+(?:is|'s)\s+(?:kb ?bot|this bot)\b/i,
  /\bwhat\s+(?:can|do|could)\s+(?:you|u|kb ?bot|the bot)\s+(?:do|help (?:me )?with)\s*[?.!]*$/i,
];

/**
 * The topic of a message about the bot, or undefined when it is not one (or may be a problem to
 * search for). `text` is the message with its chat markup undone. Rules in order: listening,
 * mentions, DMs, fixes, KBs, asking, about (the first that matches wins).
 */
export function readHelpTopic(text: string): HelpTopic | undefined {
  const t = text.trim().replace(/\s+/g, ' ');
  if (t === '' || t.length > HELP_MAX_CHARS || t.split(' ').length > HELP_MAX_WORDS) return undefined;
  if (text.trim().split('\n').length > 2 || ERRORISH.test(t)) return undefined;
  if (LISTENING_RULES.some((r) => r.test(t))) return 'listening';
  if (LISTEN_WORD.test(t) && !NETWORK.test(t) && (BOT_REF.test(t) || CHANNEL_REF.test(t) || LISTEN_SETTING.test(t)))
    return 'listening';
  if (MENTION_RULES.some((r) => r.test(t))) return 'mentions';
  if ((DM_WORDS.test(t) && BOT_REF.test(t)) || DM_ALONE.test(t)) return 'dm';
  if (FIX_OWN.test(t) || (FIX_VERB.test(t) && (BOT_REF.test(t) || FIX_FOR.test(t)))) return 'fixes';
  if (!KB_CONTENT_AFTER.test(t)) {
    if (KB_RULES.some((r) => r.test(t))) return 'kbs';
    if (KB_ASK.test(t) && KB_NOUN.test(t) && KB_ABOUT_BOT.test(t) && (BOT_REF.test(t) || /\bloaded|indexed\b/i.test(t)))
      return 'kbs';
  }
  if (ASKING_RULES.some((r) => r.test(t))) return 'asking';
  if (ABOUT_RULES.some((r) => r.test(t))) return 'about';
  return undefined;
}

/** One KB folder the bot searches: its name (null: the articles were read without one) and size. */
export interface KbShare {
  name: string | null;
  articles: number;
}

const shares = new WeakMap<KnowledgeBase, KbShare[]>();

/** The KB folders in `kb` (by `article.source`), largest first, then by name; counted once per KB. */
export function kbShares(kb: KnowledgeBase): KbShare[] {
  const known = shares.get(kb);
  if (known) return known;
  const counts = new Map<string | null, number>();
  for (const a of kb) counts.set(a.source, (counts.get(a.source) ?? 0) + 1);
  const list = [...counts]
    .map(([name, articles]) => ({ name, articles }))
    .sort((a, b) => b.articles - a.articles || (a.name ?? '').localeCompare(b.name ?? ''));
  shares.set(kb, list);
  return list;
}

/** The help for `topic`; `fixes` says whether saving team fixes is set up for this bot. */
export function helpText(topic: HelpTopic, kb: KnowledgeBase, options: { fixes: boolean }): string {
  if (topic === 'kbs') return BOT_TEXTS.helpTopic.kbs(kbShares(kb));
  if (topic === 'fixes' && !options.fixes) return BOT_TEXTS.fixesOff;
  if (topic === 'about') return BOT_TEXTS.help;
  return BOT_TEXTS.helpTopic[topic];
}
