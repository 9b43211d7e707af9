/**
 * The transport-neutral bot: a message in, a reply (or, for overheard chatter, silence) out.
 * The console, Slack and Teams adapters only move messages and render replies; everything the bot
 * decides is here: who gets an answer, "did you mean", no match, lookups, help (fitted to what a
 * message about the bot asks: help.ts), feedback and follow-ups in a thread. This file reads a message and hands it on; its parts: answers.ts (the
 * answer to a message matched), thread-follow-ups.ts, thread-feedback.ts (feedback and reactions),
 * thread-turns.ts (who spoke last), team-fixes.ts (saving, undo, a saved fix leading an answer).
 *
 * Incident threads (issue #24, docs/design-team-fixes.md 3.3-3.6): every message of a thread the
 * bot follows is heard, so it knows who spoke last; a person reporting a fix ("fixed it by …") is
 * never answered; "that worked" credits what it replies to (the answer only straight after it,
 * else the person's fix); fixes are saved by "save fix", a shortcut or action, a :pushpin:, or the
 * offer after "that worked", disk first and searchable at once; a saved fix leads the answer to the
 * next paste of its error, in any channel.
 */
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { findKbIds, normaliseFixId } from '../kb/kb-id.js';
import type { Ranker } from '../kb/rank/ranker.js';
import { isThumbsUp, outcomeIn, readAlert } from '../intents/index.js';
import { isFixReport } from '../intents/fix-report.js';
import { undoChatMarkup } from '../text/chat-markup.js';
import { readSaveFix } from '../fixes/commands.js';
import type { FixVia, ThreadState } from '../memory/types.js';
import { Answers } from './answers.js';
import { buildTeamFix } from './build-answer.js';
import type { BotContext, BotOptions } from './context.js';
import { BOT_DEFAULTS } from './defaults.js';
import { readFollowUp, seenQuestionIn } from './follow-up.js';
import { helpText, readHelpTopic } from './help.js';
import { refreshHistory } from './history.js';
import { Matcher, type MatchResult } from './match.js';
import { isAddressed, looksBinary, threadKey, type IncomingMessage, type MessageContext } from './message.js';
import { PendingPeeks, type PeekableMessage } from './peek.js';
import { Records } from './records.js';
import type { ActionId, Reply } from './reply.js';
import { TeamFixes } from './team-fixes.js';
import { BOT_TEXTS } from './texts.js';
import { giveFeedback, ThreadFeedback } from './thread-feedback.js';
import { ThreadFollowUps } from './thread-follow-ups.js';
import { LOCAL_ID, ThreadTurns } from './thread-turns.js';
import { MemoryThreadStore } from './threads.js';

export { BOT_DEFAULTS, TEAM_FIX_DEFAULTS } from './defaults.js';
export type { BotOptions } from './context.js';
export type { BotEvent } from './records.js';

/** A message to keep as a team fix, from a Slack message shortcut, a Teams message action or a :pushpin:. */
export interface SaveFixRequest {
  /** The message's text as sent (chat markup and all). */
  text: string;
  /** Who wrote it, and their display name when the platform gives it. */
  author: string;
  authorName?: string | null;
  /** Who asked to save it. */
  savedBy: string;
  conversation: string;
  /** The thread it is in (the message's own id for a root message). */
  thread: string;
  /** The saved message's id (Slack ts, Teams activity id); null when unknown. */
  messageId: string | null;
  /** A link to it, when the platform gave one (Teams' linkToMessage); else the bot asks the context. */
  permalink?: string | null;
  /** Given by the person saving (Teams' action form); else the thread's first error, else the text's first line. */
  title?: string;
  via: FixVia;
  context?: MessageContext;
}

/** A button press on an earlier reply. */
export interface BotAction {
  action: ActionId | 'pick';
  /** What the button carries: an article id, a fix id (`fix-12`), or for `save_fix` the id of the message to save. */
  value: string;
  user: string;
  conversation: string;
  thread: string;
  /** What the transport can look up about the thread (`save_fix` reads the message back through it when it can). */
  context?: MessageContext;
}

export class Bot {
  /** What the bot's parts share: the KB and its matcher (swapped by `useKb`), the thread store, the records. */
  private readonly ctx: BotContext;
  /** Who spoke last in each thread, and its recent person messages. */
  private readonly turns: ThreadTurns;
  /** Saving, undoing and leading with team fixes. */
  private readonly fixes: TeamFixes;
  /** Follow-ups in a thread: the next candidate, other matches, the article again, why, its history. */
  private readonly followUps: ThreadFollowUps;
  /** Feedback and reactions, credited to what they reply to. */
  private readonly threadFeedback: ThreadFeedback;
  /** The answer to a message matched. */
  private readonly answers: Answers;
  /** Overheard messages offered a 👀 (peek mode), answered when their asker adds one too. */
  private readonly peeks = new PendingPeeks();

  constructor(kb: KnowledgeBase, options: BotOptions) {
    const threads = options.threads ?? new MemoryThreadStore();
    this.ctx = {
      kb,
      matcher: new Matcher(kb, options.ranker, undefined, options.learning),
      manySources: hasManySources(kb),
      threads,
      records: new Records({ ...options, maxChars: BOT_DEFAULTS.maxChars }),
      options,
    };
    this.turns = new ThreadTurns(threads);
    this.fixes = new TeamFixes(this.ctx, this.turns);
    this.followUps = new ThreadFollowUps(this.ctx, this.turns, this.fixes);
    this.threadFeedback = new ThreadFeedback(this.ctx, this.turns, this.fixes, this.followUps);
    this.answers = new Answers(this.ctx, this.fixes, this.peeks);
  }

  /** The KB answers come from. */
  get knowledgeBase(): KnowledgeBase {
    return this.ctx.kb;
  }

  /**
   * Answer from another KB from the next message on (the KB folder changed). Messages being
   * answered finish on the old one; threads keep their candidates, and an article that is gone
   * says so when asked for.
   */
  useKb(kb: KnowledgeBase, ranker: Ranker): void {
    this.ctx.matcher = new Matcher(kb, ranker, undefined, this.ctx.options.learning);
    this.ctx.kb = kb;
    this.ctx.manySources = hasManySources(kb);
  }

  /**
   * The adapter posted `reply` to `message` as message `postedId` (Slack ts, Teams activity id):
   * feedback that follows it straight after ("that worked") credits that answer. Acknowledgements
   * (a reaction in Slack), save confirmations and offers to save are not the bot taking a turn: "that
   * worked" after "Saved as a team fix" still credits the fix.
   */
  async posted(message: IncomingMessage, reply: Reply, postedId: string): Promise<void> {
    await this.turns.posted(message, reply, postedId);
  }

  /**
   * Does the bot follow this thread (it answered or was asked there)? Adapters hand such a
   * thread's messages to `respond` even without a mention, in any channel: follow-ups, fix
   * reports and feedback need no mention under the bot's answer.
   */
  async knowsThread(conversation: string, thread: string): Promise<boolean> {
    return (await this.ctx.threads.get(threadKey({ conversation, thread }))) !== undefined;
  }

  /**
   * Bring what the bot holds in memory (the team fixes' index, the feedback, the log's signatures
   * for "has anyone seen this before?") up to the storage's data version, read once now. Awaited at
   * start-up, so the first answer already has the fixes and feedback and their sizes can be logged;
   * each message does the same for the caches it uses. Never rejects: a storage that cannot be read
   * leaves the caches as they are, and the next message tries again.
   */
  async refresh(): Promise<void> {
    const version = await this.upToDate();
    const interactions = this.ctx.options.interactions;
    if (interactions && version !== undefined) await refreshHistory({ interactions, version });
  }

  /**
   * Save a message as a team fix (shortcut, message action, :pushpin:): "Saved as a team fix: …",
   * "Already saved as fix-N", or why not (no fix store, storage down, nothing to save).
   */
  async saveFix(request: SaveFixRequest): Promise<Reply> {
    await this.upToDate();
    const key = threadKey(request);
    return this.fixes.save(
      {
        text: request.text,
        author: request.author,
        authorName: request.authorName ?? null,
        savedBy: request.savedBy,
        conversation: request.conversation,
        thread: request.thread,
        messageRef: request.messageId,
        permalink: request.permalink,
        title: request.title,
        via: request.via,
        context: request.context,
      },
      key,
    );
  }

  /** Make the first messages fast (see Matcher.warmUp; `refresh` reads what the storage holds). */
  warmUp(): void {
    this.ctx.matcher.warmUp();
  }

  /**
   * Read the data version once (design-postgres.md section 7: once per message) and bring the team
   * fixes' index and the feedback up to it, so a fix saved or feedback given on another replica
   * counts from this message on. Without `options.dataVersion` the caches are read on the first
   * call only (version 0 throughout). Returns the version read (undefined without one, or when it
   * could not be read); never rejects: what the caches hold answers meanwhile.
   */
  private async upToDate(): Promise<number | undefined> {
    const dataVersion = this.ctx.options.dataVersion;
    let version: number;
    try {
      version = dataVersion ? await dataVersion() : UNVERSIONED;
    } catch {
      return undefined;
    }
    if (dataVersion) this.ctx.version = version;
    const { learning, fixes } = this.ctx.options;
    await Promise.all(
      [learning?.refresh(version), fixes?.index.refresh(version)].map((p) => p?.catch(() => undefined)),
    );
    return dataVersion ? version : undefined;
  }

  /**
   * The reply to a message, or null for silence (overheard messages that are not for the bot, or
   * that it is not sure about; with `peek` on, those get a 👀: src/bot/peek.ts).
   */
  async respond(message: PeekableMessage): Promise<Reply | null> {
    await this.upToDate();
    // The asker's 👀 on a message the bot offered one (here, or on another replica or before a
    // restart: then the adapter read the message back): its answer, as if the bot had been mentioned.
    const peeked = this.peeks.take(message);
    if (peeked) {
      const asked: IncomingMessage = {
        ...peeked,
        via: 'mention',
        ...(message.context ? { context: message.context } : {}),
      };
      const reply = await this.replyTo(asked);
      await this.turns.replied(asked, reply);
      return reply;
    }
    if (message.reaction) return this.threadFeedback.reacted(message);
    const reply = await this.replyTo(message);
    // The bot takes a turn: until the adapter says which message it posted (`posted`), feedback
    // straight after it is read as about it.
    await this.turns.replied(message, reply);
    return reply;
  }

  private async replyTo(message: PeekableMessage): Promise<Reply | null> {
    const addressed = isAddressed(message);
    const raw =
      message.text.length > BOT_DEFAULTS.maxChars ? message.text.slice(0, BOT_DEFAULTS.maxChars) : message.text;
    if (looksBinary(raw)) return addressed ? { kind: 'text', text: BOT_TEXTS.binary } : null;
    const text = undoChatMarkup(raw).text;
    if (text === '') return addressed ? { kind: 'text', text: BOT_TEXTS.help } : null;
    const key = threadKey(message);
    /** The thread before this message: what feedback in it replies to. */
    const prior = await this.ctx.threads.get(key);

    // "@kbbot save fix", "save fix: …", "save fix as "…"": commands, not part of the thread's talk.
    const command = addressed ? readSaveFix(raw) : undefined;
    if (command) return this.fixes.saveCommand(command, key, prior, message);

    // A person reporting the fix they applied is never a query nor feedback on the answer.
    // An alert notification pasted by hand ("[RESOLVED] … Resolved") is no person's report.
    const fixReport = !message.fromApp && isFixReport(raw) && !readAlert(raw);
    const state =
      prior || (fixReport && addressed) ? await this.turns.heard(key, prior, message, raw, fixReport) : undefined;
    if (fixReport) {
      if (!addressed) return null;
      const id = state?.lastFix?.messageId ?? message.id;
      return id && !id.startsWith(LOCAL_ID)
        ? { kind: 'offer_save', text: BOT_TEXTS.offerSave('your'), messageId: id, author: message.user }
        : { kind: 'text', text: BOT_TEXTS.sayToSave };
    }

    // "fix-12", "show fix 12": a saved team fix asked for by its id.
    const fixId = addressed ? normaliseFixId(text.replace(/^\s*(?:show|open|get)\s+(?:me\s+)?/i, '')) : null;
    if (fixId) {
      const fix = await this.fixes.fixById(fixId);
      return fix ? { kind: 'fix', fix: buildTeamFix(fix) } : { kind: 'text', text: BOT_TEXTS.unknownFix(fixId) };
    }

    // In a thread the bot answered, a follow-up needs no mention ("just the steps" under the answer).
    // "What about SP2?" overheard is people asking each other about something said before: never
    // answered unprompted, in a thread of the bot's or not.
    // A message that names an article ("show me the steps for Q290226") is a lookup, not about this thread's article.
    const follow = findKbIds(text).length ? undefined : readFollowUp(text);
    // A pasted error with "has anyone seen this before?" on its own line, said to the bot: that error's past (design 3.5).
    const seenIn = !follow && addressed ? seenQuestionIn(text) : undefined;
    if (seenIn) return this.followUps.seen(seenIn.rest, message);
    if (follow && !addressed && (follow.kind === 'refine' || !state)) return null;
    // "has anyone seen this before?": the thread's error in past threads (outside one: nothing to go on yet).
    if (follow?.kind === 'seen' && state) return this.followUps.seen(state.query, message);
    // "just the steps" or "why?" where nothing was answered yet: say so rather than search for it.
    if (follow && !state && follow.kind !== 'refine') return { kind: 'text', text: BOT_TEXTS.nothingYet };
    if (state && prior) {
      if (follow?.kind === 'full' || follow?.kind === 'steps')
        return this.followUps.show(state, state.shown, follow.kind, message);
      if (follow?.kind === 'next') return this.followUps.next(key, state, message);
      if (follow?.kind === 'others') return this.followUps.others(state);
      if (follow?.kind === 'why') return this.followUps.explain(state);
      if (follow?.kind === 'refine') return this.answers.refine(state.query, follow.words, message);
      // 👍 under an answer rates it (elsewhere it is someone acknowledging a colleague: chatter).
      if (isThumbsUp(text)) return this.threadFeedback.feedback('positive', key, prior, state, message);
    }

    // About the bot ("do I have to mention you every time", "please stop answering in #general"): help on
    // what it asked, never an article that shares one common word with it; overheard, it is not for the bot.
    const topic = message.fromApp || findKbIds(text).length ? undefined : readHelpTopic(text);
    if (topic)
      return addressed
        ? { kind: 'text', text: helpText(topic, this.ctx.kb, { fixes: this.ctx.options.fixes !== undefined }) }
        : null;

    // The matcher undoes chat markup itself; handing it `text` would decode entities twice ("&amp;lt;" → "<").
    const m = this.ctx.matcher.match(raw, { k: BOT_DEFAULTS.candidates });
    const reply = await this.replyMatched(m, raw, text, message, addressed, key, prior, state);
    // Overheard and left alone: counted (the metrics' "silent" outcome), never logged as unanswered.
    if (reply === null && !addressed) this.ctx.records.silent(m, message);
    return reply;
  }

  /** The reply to a matched message, by its intent. */
  private async replyMatched(
    m: MatchResult,
    raw: string,
    text: string,
    message: PeekableMessage,
    addressed: boolean,
    key: string,
    prior: ThreadState | undefined,
    state: ThreadState | undefined,
  ): Promise<Reply | null> {
    switch (m.intent.intent) {
      case 'help':
        return addressed ? { kind: 'text', text: BOT_TEXTS.help } : null;
      case 'greeting':
        return addressed ? { kind: 'text', text: BOT_TEXTS.greeting } : null;
      case 'feedback':
        if (!addressed && !state) return null;
        return this.threadFeedback.feedback(m.intent.feedback ?? 'positive', key, prior, state, message);
      case 'lookup':
        if (m.via === 'lookup') return addressed ? this.answers.lookup(m, message) : null;
        break;
      case 'alert':
        // A resolved notification needs nothing, said to the bot or not: no answer, no "no match".
        if (m.intent.alert?.status === 'resolved') return null;
        break;
      case 'chatter': {
        // Under the bot's answer, "thx!! all working again" or "still broken after that" rates it (the
        // classifier sees no thread); feedback's own rules decide whether it is about the answer at all.
        const outcome = state && prior ? outcomeIn(text) : undefined;
        if (outcome && state) {
          const rated = await this.threadFeedback.feedback(outcome, key, prior, state, message);
          if (rated || !addressed) return rated;
        }
        if (!addressed) return null;
        // Small talk said to the bot gets a word on what it does, not an article that happens to share a word.
        if (m.intent.scores.chatter >= BOT_DEFAULTS.smallTalk && m.confidence < BOT_DEFAULTS.sureEnough)
          return { kind: 'text', text: BOT_TEXTS.smallTalk };
        break;
      }
      default:
        break;
    }
    return this.answers.reply(m, raw, message, addressed);
  }

  /** A button press: helped / not it / other matches / full article / share / pick a candidate / undo or save a fix. */
  async act(action: BotAction): Promise<Reply> {
    await this.upToDate();
    const message: IncomingMessage = {
      text: '',
      user: action.user,
      conversation: action.conversation,
      thread: action.thread,
      via: 'command',
    };
    const key = threadKey(message);
    const stored = await this.ctx.threads.get(key);
    const state = stored ?? {
      query: '',
      candidates: [action.value],
      shown: 0,
      rejected: [],
      updatedAt: Date.now(),
    };
    const at = Math.max(0, state.candidates.indexOf(action.value));
    const fixId = normaliseFixId(action.value);
    switch (action.action) {
      case 'helpful':
        await giveFeedback(this.ctx, message, state, fixId ?? action.value, true);
        return fixId
          ? { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.thanks(fixId) }
          : { kind: 'text', text: BOT_TEXTS.thanks(action.value) };
      case 'not_it':
        await giveFeedback(this.ctx, message, state, fixId ?? action.value, false);
        // A team fix that was not it: noted; the article under it is still there to try.
        if (fixId) {
          if (stored) await this.fixes.dropLead(key, stored, fixId);
          return { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.notIt(fixId) };
        }
        return this.followUps.next(key, { ...state, shown: at }, message);
      case 'other_matches':
        return this.followUps.others(state);
      case 'full_article':
        return this.followUps.show(state, at, 'full', message);
      case 'share':
        return this.followUps.show(state, at, 'summary', message);
      case 'undo_fix':
        return this.fixes.undoFix(action, key, stored);
      case 'save_fix': {
        const found = await this.turns.messageOf(key, stored, { ...message, context: action.context }, action.value);
        if (!found || found.bot) return { kind: 'text', text: BOT_TEXTS.messageGone };
        return this.fixes.save(
          {
            text: found.text,
            author: found.user,
            authorName: null,
            savedBy: action.user,
            conversation: action.conversation,
            thread: action.thread,
            messageRef: action.value,
            via: 'mention',
            context: action.context,
          },
          key,
        );
      }
      case 'pick': {
        const candidates = state.candidates.includes(action.value)
          ? state.candidates
          : [action.value, ...state.candidates];
        return this.followUps.show({ ...state, candidates }, candidates.indexOf(action.value), 'summary', message);
      }
    }
  }
}

/** The version the caches are brought up to without `BotOptions.dataVersion`: read once, then never again. */
const UNVERSIONED = 0;

/** Do the KB's articles come from more than one folder? */
function hasManySources(kb: KnowledgeBase): boolean {
  let first: string | null | undefined;
  for (const a of kb) {
    if (first === undefined) first = a.source;
    else if (a.source !== first) return true;
  }
  return false;
}
