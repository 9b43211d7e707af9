/**
 * The transport-neutral bot: a message in, a reply (or, for overheard chatter, silence) out.
 * The console, Slack and Teams adapters only move messages and render replies; everything the bot
 * decides is here: who gets an answer, "did you mean", no match, lookups, help, feedback and
 * follow-ups in a thread.
 *
 * Incident threads (issue #24, docs/design-team-fixes.md 3.3-3.6): every message of a thread the
 * bot follows is heard, so it knows who spoke last; a person reporting a fix ("fixed it by …") is
 * never answered; "that worked" credits what it replies to (the answer only straight after it,
 * else the person's fix); fixes are saved by "save fix", a shortcut or action, a :pushpin:, or the
 * offer after "that worked", disk first and searchable at once; a saved fix leads the answer to the
 * next paste of its error, in any channel.
 */
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { findKbIds, normaliseFixId, withoutKbIds } from '../kb/kb-id.js';
import type { Ranker } from '../kb/rank/ranker.js';
import { classifyIntent, isPassive, isThumbsUp, readAlert, type FeedbackKind } from '../intents/index.js';
import { isFixReport } from '../intents/fix-report.js';
import { terms } from '../kb/rank/tokens.js';
import { decodeEntities, undoChatMarkup } from '../text/chat-markup.js';
import { readSaveFix, type SaveFixCommand } from '../fixes/commands.js';
import { fixTitle } from '../fixes/fix.js';
import type { FixHit, FixIndex } from '../fixes/index.js';
import { StorageError } from '../memory/sqlite/errors.js';
import type {
  FixOffered,
  FixRecord,
  FixStore,
  FixVia,
  InteractionLog,
  PendingCredit,
  ThreadFixRef,
} from '../memory/types.js';
import { buildAnswer, buildTeamFix } from './build-answer.js';
import { feedbackTarget, namesAnswer, type FeedbackTarget, type FeedbackThread } from './feedback-target.js';
import { lookupView, readFollowUp, seenQuestionIn } from './follow-up.js';
import { findHistory, primeHistory } from './history.js';
import type { FeedbackLearning } from './learning.js';
import { CONFIDENCE_THRESHOLDS, Matcher, type MatchHit, type MatchResult } from './match.js';
import {
  isAddressed,
  looksBinary,
  threadKey,
  type IncomingMessage,
  type MessageContext,
  type ThreadMessage,
} from './message.js';
import { Records, type BotEvent } from './records.js';
import type { ActionId, AnswerView, Reply } from './reply.js';
import { BOT_TEXTS } from './texts.js';
import { MemoryThreadStore, type ThreadState, type ThreadStore } from './threads.js';

export const BOT_DEFAULTS = {
  /** Only this much of a message is read. */
  maxChars: 20_000,
  /** "Did you mean" lists at most this many candidates. */
  suggestions: 3,
  /** Candidates remembered per thread (for "not it" and "other matches"). */
  candidates: 10,
  /** A second hit scoring at least this share of the first counts as a close call. */
  closeShare: 0.97,
  /** ... unless the confidence is at least this. */
  sureEnough: 0.9,
  /** Said to the bot, a message the intent model scores at least this as chatter is small talk ("see you tomorrow"). */
  smallTalk: 0.9,
};

export interface BotOptions {
  ranker: Ranker;
  threads?: ThreadStore;
  /** Feedback that moves rankings (and is kept in its log). Default: none kept, rankings fixed. */
  learning?: FeedbackLearning;
  /** The log of what was asked and answered (what `kbbot report` reads). */
  interactions?: InteractionLog;
  /**
   * The storage's data version (Storage.dataVersion): given, "has anyone seen this before?" keeps
   * the log's signatures in memory between questions and reads only new rows (src/bot/history.ts).
   */
  dataVersion?: () => number;
  /** Keep message text in the log and feedback (STORE_MESSAGES). Default true. */
  storeMessages?: boolean;
  urlTemplate?: string;
  /** Told of what happened (answers, feedback, unanswered questions); never throws into the bot. */
  onEvent?: (event: BotEvent) => void;
  /**
   * The team's saved fixes (issue #24): where saves are kept (committed before the bot confirms)
   * and the index that answers from them. Default: none; saving a fix says it is not available.
   */
  fixes?: { store: FixStore; index: FixIndex };
}

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

export type { BotEvent } from './records.js';

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

/** Team fixes in the bot (issue #24): how long undo is offered, and what a thread remembers for saving. */
export const TEAM_FIX_DEFAULTS = {
  /** A saved fix can be undone (by whoever saved it or wrote it) for this long after it was saved: 24 h. */
  undoMs: 24 * 60 * 60 * 1000,
  /** Person messages of a thread kept in memory for `save fix` where the transport cannot read the thread back. */
  recent: 8,
  /** Fix reports remembered per thread (for reactions on an older one). */
  fixes: 8,
  /** Error pastes remembered per thread besides its query (a saved fix records them). */
  errors: 5,
  /** Feedback on unsaved fixes kept per thread until the fix is saved. */
  credits: 8,
  /** Threads whose recent person messages the bot keeps in memory (least recently used forgotten first). */
  recentThreads: 10_000,
};

/** Reactions that say the message helped (Slack names, without colons). */
const POSITIVE_REACTIONS = new Set(['+1', 'thumbsup', 'white_check_mark', 'heavy_check_mark', 'tada']);
/** Reactions that say it did not. */
const NEGATIVE_REACTIONS = new Set(['-1', 'thumbsdown']);
/** The reaction that saves a person's message as a team fix. */
const SAVE_REACTION = 'pushpin';

/** Ids the bot makes up for messages whose transport gives none (the console): never stored in a fix. */
const LOCAL_ID = 'local:';

/** A person's message of a thread, as the bot keeps it for saving (see ThreadState.recent). */
type RecentMessage = NonNullable<ThreadState['recent']>[number];

/** What a save needs, whichever way it was asked for. */
interface SaveInput {
  text: string;
  author: string;
  authorName: string | null;
  savedBy: string;
  conversation: string;
  thread: string;
  /** The saved message's id as the thread knows it (possibly a made-up local one). */
  messageRef: string | null;
  permalink?: string | null;
  title?: string;
  via: FixVia;
  context?: MessageContext;
}

export class Bot {
  private matcher: Matcher;
  /** More than one KB folder: each answer names the one it comes from. */
  private manySources: boolean;
  private readonly threads: ThreadStore;
  private readonly records: Records;
  /** Recent person messages per thread, in memory only (the thread store may drop them: see ThreadState.recent). */
  private readonly recent = new Map<string, RecentMessage[]>();
  private localIds = 0;
  /** Replies that are a word about the thread's answer ("why this one?"): see `posted`. */
  private readonly aboutAnswer = new WeakSet<Reply>();

  constructor(
    private kb: KnowledgeBase,
    private readonly options: BotOptions,
  ) {
    this.matcher = new Matcher(kb, options.ranker, undefined, options.learning);
    this.manySources = hasManySources(kb);
    this.threads = options.threads ?? new MemoryThreadStore();
    this.records = new Records({ ...options, maxChars: BOT_DEFAULTS.maxChars });
  }

  /** The KB answers come from. */
  get knowledgeBase(): KnowledgeBase {
    return this.kb;
  }

  /**
   * Answer from another KB from the next message on (the KB folder changed). Messages being
   * answered finish on the old one; threads keep their candidates, and an article that is gone
   * says so when asked for.
   */
  useKb(kb: KnowledgeBase, ranker: Ranker): void {
    this.matcher = new Matcher(kb, ranker, undefined, this.options.learning);
    this.kb = kb;
    this.manySources = hasManySources(kb);
  }

  /**
   * The adapter posted `reply` to `message` as message `postedId` (Slack ts, Teams activity id):
   * feedback that follows it straight after ("that worked") credits that answer. Acknowledgements
   * (a reaction in Slack), save confirmations and offers to save are not the bot taking a turn: "that
   * worked" after "Saved as a team fix" still credits the fix.
   */
  posted(message: IncomingMessage, reply: Reply, postedId: string): void {
    if (reply.kind === 'ack' || reply.kind === 'saved' || reply.kind === 'offer_save') return;
    const key = threadKey(message);
    const state = this.threads.get(key);
    if (!state) return;
    // An answer (an article, a fix, "did you mean") is what feedback straight after
    // it credits. A word about it ("why this one?") keeps it so: "that worked" after the bot's
    // explanation is still about its answer. "No other candidates" ends it.
    const answers = reply.kind === 'answer' || reply.kind === 'fix' || reply.kind === 'suggestions';
    const about = this.aboutAnswer.has(reply) && state.answerId !== undefined;
    this.threads.set(key, {
      ...state,
      ...(answers ? { answerId: postedId } : {}),
      lastSpeaker: 'bot',
      lastMessageId: about ? state.answerId : postedId,
      updatedAt: Date.now(),
    });
  }

  /**
   * Does the bot follow this thread (it answered or was asked there)? Adapters hand such a
   * thread's messages to `respond` even without a mention, in any channel: follow-ups, fix
   * reports and feedback need no mention under the bot's answer.
   */
  knowsThread(conversation: string, thread: string): boolean {
    return this.threads.get(threadKey({ conversation, thread })) !== undefined;
  }

  /**
   * Save a message as a team fix (shortcut, message action, :pushpin:): "Saved as a team fix: …",
   * "Already saved as fix-N", or why not (no fix store, storage down, nothing to save).
   */
  async saveFix(request: SaveFixRequest): Promise<Reply> {
    const key = threadKey(request);
    return this.save(
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

  /** Make the first messages fast (see Matcher.warmUp). */
  warmUp(): void {
    this.matcher.warmUp();
    // Read the interaction log once now, so the first "has anyone seen this before?" does not wait for it.
    primeHistory({ interactions: this.options.interactions, dataVersion: this.options.dataVersion });
  }

  /** The reply to a message, or null for silence (overheard messages that are not for the bot). */
  async respond(message: IncomingMessage): Promise<Reply | null> {
    if (message.reaction) return this.reacted(message);
    const reply = await this.replyTo(message);
    // The bot takes a turn: until the adapter says which message it posted (`posted`), feedback
    // straight after it is read as about it.
    if (reply && reply.kind !== 'ack' && reply.kind !== 'saved' && reply.kind !== 'offer_save') {
      const key = threadKey(message);
      const state = this.threads.get(key);
      if (state && state.lastSpeaker !== 'bot')
        this.threads.set(key, { ...state, lastSpeaker: 'bot', lastMessageId: undefined });
    }
    return reply;
  }

  private async replyTo(message: IncomingMessage): Promise<Reply | null> {
    const addressed = isAddressed(message);
    const raw =
      message.text.length > BOT_DEFAULTS.maxChars ? message.text.slice(0, BOT_DEFAULTS.maxChars) : message.text;
    if (looksBinary(raw)) return addressed ? { kind: 'text', text: BOT_TEXTS.binary } : null;
    const text = undoChatMarkup(raw).text;
    if (text === '') return addressed ? { kind: 'text', text: BOT_TEXTS.help } : null;
    const key = threadKey(message);
    /** The thread before this message: what feedback in it replies to. */
    const prior = this.threads.get(key);

    // "@kbbot save fix", "save fix: …", "save fix as "…"": commands, not part of the thread's talk.
    const command = addressed ? readSaveFix(raw) : undefined;
    if (command) return this.saveCommand(command, key, prior, message);

    // A person reporting the fix they applied is never a query nor feedback on the answer.
    // An alert notification pasted by hand ("[RESOLVED] … Resolved") is no person's report.
    const fixReport = !message.fromApp && isFixReport(raw) && !readAlert(raw);
    const state = prior || (fixReport && addressed) ? this.heard(key, prior, message, raw, fixReport) : undefined;
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
      const fix = this.fixById(fixId);
      return fix ? { kind: 'fix', fix: buildTeamFix(fix) } : { kind: 'text', text: BOT_TEXTS.unknownFix(fixId) };
    }

    // In a thread the bot answered, a follow-up needs no mention ("just the steps" under the answer).
    // "What about SP2?" overheard is people asking each other about something said before: never
    // answered unprompted, in a thread of the bot's or not.
    // A message that names an article ("show me the steps for Q290226") is a lookup, not about this thread's article.
    const follow = findKbIds(text).length ? undefined : readFollowUp(text);
    // A pasted error with "has anyone seen this before?" on its own line, said to the bot: that error's past (design 3.5).
    const seenIn = !follow && addressed ? seenQuestionIn(text) : undefined;
    if (seenIn) return this.seen(seenIn.rest, message);
    if (follow && !addressed && (follow.kind === 'refine' || !state)) return null;
    // "has anyone seen this before?": the thread's error in past threads (outside one: nothing to go on yet).
    if (follow?.kind === 'seen' && state) return this.seen(state.query, message);
    // "just the steps" or "why?" where nothing was answered yet: say so rather than search for it.
    if (follow && !state && follow.kind !== 'refine') return { kind: 'text', text: BOT_TEXTS.nothingYet };
    if (state && prior) {
      if (follow?.kind === 'full' || follow?.kind === 'steps')
        return this.show(state, state.shown, follow.kind, message);
      if (follow?.kind === 'next') return this.next(key, state, message);
      if (follow?.kind === 'others') return this.others(state);
      if (follow?.kind === 'why') return this.explain(state);
      if (follow?.kind === 'refine') return this.refine(state.query, follow.words, message);
      // 👍 under an answer rates it (elsewhere it is someone acknowledging a colleague: chatter).
      if (isThumbsUp(text)) return this.feedback('positive', key, prior, state, message);
    }

    // The matcher undoes chat markup itself; handing it `text` would decode entities twice ("&amp;lt;" → "<").
    const m = this.matcher.match(raw, { k: BOT_DEFAULTS.candidates });
    switch (m.intent.intent) {
      case 'help':
        return addressed ? { kind: 'text', text: BOT_TEXTS.help } : null;
      case 'greeting':
        return addressed ? { kind: 'text', text: BOT_TEXTS.greeting } : null;
      case 'feedback':
        if (!addressed && !state) return null;
        return this.feedback(m.intent.feedback ?? 'positive', key, prior, state, message);
      case 'lookup':
        if (m.via === 'lookup') return addressed ? this.lookup(m, message) : null;
        break;
      case 'alert':
        // A resolved notification needs nothing, said to the bot or not: no answer, no "no match".
        if (m.intent.alert?.status === 'resolved') return null;
        break;
      case 'chatter':
        if (!addressed) return null;
        // Small talk said to the bot gets a word on what it does, not an article that happens to share a word.
        if (m.intent.scores.chatter >= BOT_DEFAULTS.smallTalk && m.confidence < BOT_DEFAULTS.sureEnough)
          return { kind: 'text', text: BOT_TEXTS.smallTalk };
        break;
      default:
        break;
    }
    return this.reply(m, raw, message, addressed);
  }

  /** A button press: helped / not it / other matches / full article / share / pick a candidate / undo or save a fix. */
  async act(action: BotAction): Promise<Reply> {
    const message: IncomingMessage = {
      text: '',
      user: action.user,
      conversation: action.conversation,
      thread: action.thread,
      via: 'command',
    };
    const key = threadKey(message);
    const stored = this.threads.get(key);
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
        this.giveFeedback(message, state, fixId ?? action.value, true);
        return fixId
          ? { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.thanks(fixId) }
          : { kind: 'text', text: BOT_TEXTS.thanks(action.value) };
      case 'not_it':
        this.giveFeedback(message, state, fixId ?? action.value, false);
        // A team fix that was not it: noted; the article under it is still there to try.
        if (fixId) {
          if (stored) this.dropLead(key, stored, fixId);
          return { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.notIt(fixId) };
        }
        return this.next(key, { ...state, shown: at }, message);
      case 'other_matches':
        return this.others(state);
      case 'full_article':
        return this.show(state, at, 'full', message);
      case 'share':
        return this.show(state, at, 'summary', message);
      case 'undo_fix':
        return this.undoFix(action, key, stored);
      case 'save_fix': {
        const found = await this.messageOf(key, stored, { ...message, context: action.context }, action.value);
        if (!found || found.bot) return { kind: 'text', text: BOT_TEXTS.messageGone };
        return this.save(
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
        return this.show({ ...state, candidates }, candidates.indexOf(action.value), 'summary', message);
      }
    }
  }

  /** "what about SP2?": the thread's question again, articles that mention the new words first. */
  private refine(query: string, words: string, message: IncomingMessage): Reply | null {
    const combined = `${query} ${words}`;
    const m = this.matcher.match(combined, { k: BOT_DEFAULTS.candidates, always: true });
    const wanted = terms(words);
    const mentions = (h: MatchHit): boolean => {
      const a = h.article;
      const have = new Set(
        terms([a.title, ...a.appliesTo, ...a.versions, a.sections.symptoms ?? '', a.sections.summary ?? ''].join(' ')),
      );
      return wanted.every((t) => have.has(t));
    };
    const hits = [...m.hits.filter(mentions), ...m.hits.filter((h) => !mentions(h))];
    return this.reply({ ...m, hits }, combined, message, true);
  }

  private reply(m: MatchResult, query: string, message: IncomingMessage, addressed: boolean): Reply | null {
    const [top, second] = m.hits;
    // Overheard: alerts, pasted errors and questions; from another app (fromApp) alerts and errors only.
    const passive = isPassive(m.intent.intent) && !(message.fromApp && m.intent.intent === 'question');
    // A fix the team saved for this error leads the answer (or answers alone where no article does).
    const lead = addressed || passive ? this.leadingFix(query, m) : undefined;
    if (!top || m.confidence < CONFIDENCE_THRESHOLDS.suggest) {
      if (lead) return this.fixAlone(m, query, message, lead);
      if (!addressed) return null;
      // The words did not settle it, but a rare code the message pasted does narrow it down.
      const mentioning = m.hits.filter((h) => 'codes' in h.reason && h.reason.codes.some((c) => m.codes.includes(c)));
      if (mentioning.length) return this.suggest(m, mentioning, query, message, BOT_TEXTS.mentioning(m.codes));
      this.records.log(m, query, message, 'unanswered', null);
      this.records.emit({ type: 'unanswered', message });
      return { kind: 'no_match', text: BOT_TEXTS.noMatch, hints: BOT_TEXTS.noMatchHints };
    }
    const close =
      second !== undefined &&
      second.score >= top.score * BOT_DEFAULTS.closeShare &&
      m.confidence < BOT_DEFAULTS.sureEnough;
    if (m.confidence >= CONFIDENCE_THRESHOLDS.answer && !close) {
      if (!addressed && !passive) return null;
      this.records.log(m, query, message, 'answered', top.article.id, lead?.fix.id);
      return this.answerWith(m.hits, query, 0, message, m.confidence, 'summary', lead?.fix);
    }
    if (lead) return this.fixAlone(m, query, message, lead);
    if (!addressed) return null;
    return this.suggest(m, m.hits, query, message, BOT_TEXTS.didYouMean);
  }

  /**
   * The team fix that leads the answer to `query`, if one does: the best fix hit that `FixIndex.leads`
   * lets lead, its confidence times what feedback on similar messages says of it (a fix that keeps
   * being "not it" sinks below the lead). None without a fix store, or when the index fails.
   */
  private leadingFix(query: string, m: MatchResult): FixHit | undefined {
    const index = this.options.fixes?.index;
    if (!index) return undefined;
    let hits: FixHit[];
    try {
      hits = index.search(query);
    } catch (error) {
      if (error instanceof StorageError) return undefined;
      throw error;
    }
    const learning = this.options.learning;
    return hits.find((hit) =>
      index.leads(hit, learning ? learning.factor(learning.votesFor(m.signature, hit.fix.id)) : 1),
    );
  }

  /** A team fix answers where no article does: shown alone; the articles stay the thread's candidates ("the other one"). */
  private fixAlone(m: MatchResult, query: string, message: IncomingMessage, lead: FixHit): Reply {
    this.remember(message, query, m.hits, -1, lead.fix.id);
    this.records.log(m, query, message, 'answered', null, lead.fix.id);
    this.records.emit({
      type: 'answered',
      message,
      articleId: lead.fix.id,
      confidence: lead.confidence,
      fixId: lead.fix.id,
    });
    return { kind: 'fix', fix: buildTeamFix(lead.fix) };
  }

  /** "Did you mean" with the first few of `hits`. */
  private suggest(m: MatchResult, hits: MatchHit[], query: string, message: IncomingMessage, intro: string): Reply {
    this.remember(message, query, hits, 0);
    const candidates = hits.slice(0, BOT_DEFAULTS.suggestions);
    this.records.log(m, query, message, 'suggested', candidates[0]?.article.id ?? null);
    this.records.emit({ type: 'suggested', message, articleIds: candidates.map((h) => h.article.id) });
    return {
      kind: 'suggestions',
      intro,
      candidates: candidates.map((h) => ({
        id: h.article.id,
        title: h.article.title,
        why: h.reason.summary,
        confidence: m.confidence,
      })),
    };
  }

  private answerWith(
    hits: MatchHit[],
    query: string,
    index: number,
    message: IncomingMessage,
    confidence: number,
    view: AnswerView = 'summary',
    fix?: FixRecord,
  ): Reply {
    const hit = hits[index] as MatchHit;
    this.remember(message, query, hits, index, fix?.id);
    this.records.emit({
      type: 'answered',
      message,
      articleId: hit.article.id,
      confidence,
      ...(fix ? { fixId: fix.id } : {}),
    });
    const reply: Reply = {
      kind: 'answer',
      answer: buildAnswer(hit.article, {
        confidence,
        why: hit.reason.summary,
        view,
        kb: this.kb,
        urlTemplate: this.options.urlTemplate,
        showSource: this.manySources,
      }),
    };
    if (fix) reply.teamFix = buildTeamFix(fix);
    return reply;
  }

  private lookup(m: MatchResult, message: IncomingMessage): Reply {
    if (!m.hits.length) {
      this.records.log(m, message.text, message, 'unanswered', null);
      return { kind: 'text', text: BOT_TEXTS.missing(m.missing, this.kb.size) };
    }
    this.records.log(m, message.text, message, 'answered', m.hits[0]?.article.id ?? null);
    const reply = this.answerWith(
      m.hits,
      m.hits.map((h) => h.article.id).join(' '),
      0,
      message,
      1,
      lookupView(withoutKbIds(message.text)),
    );
    if (m.missing.length && reply.kind === 'answer') reply.intro = BOT_TEXTS.missing(m.missing, this.kb.size);
    return reply;
  }

  /**
   * Feedback in words or 👍: credited to what it replies to (feedback-target.ts), judged on the
   * thread as it was before this message (`prior`). The bot's answer (or the fix it led with) gets
   * the vote and an ✅; a saved fix gets the vote; a person's unsaved fix is offered for saving
   * (the credit applied once saved); anything else was a colleague being thanked: silence, unless
   * said to the bot.
   */
  private feedback(
    kind: FeedbackKind,
    key: string,
    prior: ThreadState | undefined,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Reply | null {
    const positive = kind === 'positive';
    if (!prior || !state) return { kind: 'text', text: positive ? BOT_TEXTS.welcome : BOT_TEXTS.nothingYet };
    if (kind === 'more') return this.others(state);
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
    this.giveFeedback(message, state, id, positive);
    return positive
      ? { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.thanks(id) }
      : this.next(key, state, message);
  }

  /** Feedback on a fix: a vote when it is saved (or led the answer), else a credit kept until it is, and an offer to save it. */
  private fixFeedback(
    target: Extract<FeedbackTarget, { kind: 'fix' }>,
    key: string,
    state: ThreadState,
    message: IncomingMessage,
    positive: boolean,
  ): Reply | null {
    if (target.fixId) {
      this.giveFeedback(message, state, target.fixId, positive);
      if (!positive) this.dropLead(key, state, target.fixId);
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
    this.threads.set(key, { ...state, pendingCredits: credits, updatedAt: Date.now() });
    if (!positive || !this.options.fixes) return null;
    return {
      kind: 'offer_save',
      text: BOT_TEXTS.offerSave(this.whose(key, state, target.user ?? message.user, message.user)),
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
  private async reacted(message: IncomingMessage): Promise<Reply | null> {
    const reaction = message.reaction;
    if (!reaction) return null;
    const key = threadKey(message);
    const state = this.threads.get(key);
    if (!state) return null;
    const name = reaction.name.replace(/^:|:$/g, '').replace(/::skin-tone-\d$/, '');
    if (name === SAVE_REACTION) {
      const bots = [state.answerId, state.lastSpeaker === 'bot' ? state.lastMessageId : undefined];
      if (bots.includes(reaction.itemId)) return null;
      const found = await this.messageOf(key, state, message, reaction.itemId);
      if (!found || found.bot) return null;
      return this.save(
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
    if (target.kind === 'answer' && target.articleId) this.giveFeedback(message, state, target.articleId, positive);
    else if (target.kind === 'fix') this.fixFeedback(target, key, state, message, positive);
    return null;
  }

  /** A message of the thread by id: read back through the transport (Slack), else from what the bot kept. */
  private async messageOf(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
    id: string,
  ): Promise<{ user: string; text: string; bot: boolean } | undefined> {
    const read = await this.history(message);
    const found = read?.find((m) => m.id === id);
    if (found) return found;
    const kept = this.recentOf(key, state).find((r) => r.id === id);
    return kept ? { user: kept.user, text: kept.text, bot: false } : undefined;
  }

  /** The thread as the transport reads it back, or undefined when it cannot (or the lookup fails). */
  private async history(message: IncomingMessage): Promise<ThreadMessage[] | undefined> {
    try {
      return message.context?.history ? await message.context.history() : undefined;
    } catch {
      return undefined;
    }
  }

  /** "has anyone seen this before?": past threads with the same error, and how they ended. */
  private seen(query: string, message: IncomingMessage): Reply {
    const learning = this.options.learning;
    const items = findHistory(query, this.matcher.signature(query), message, {
      fixes: this.options.fixes?.index,
      interactions: this.options.interactions,
      feedback: learning ? { add: () => undefined, list: () => learning.list() } : undefined,
      articleTitle: (id) => this.kb.get(id)?.title,
      dataVersion: this.options.dataVersion,
    });
    if (items.length) return { kind: 'history', intro: BOT_TEXTS.historyIntro, items };
    const searched = [
      this.options.fixes ? 'the team fixes' : '',
      this.options.interactions ? 'past threads the bot answered' : 'this conversation only',
    ].filter(Boolean);
    return { kind: 'text', text: BOT_TEXTS.historyNone(searched.join(' and ')) };
  }

  /** The next candidate nobody turned down yet, or say there is none. */
  private next(key: string, state: ThreadState, message: IncomingMessage): Reply {
    const rejected = [...new Set([...state.rejected, state.candidates[state.shown] ?? ''])].filter(Boolean);
    const index = state.candidates.findIndex((id, i) => i !== state.shown && !rejected.includes(id) && i > state.shown);
    const fallback = index >= 0 ? index : state.candidates.findIndex((id) => !rejected.includes(id));
    this.threads.set(key, { ...state, rejected, updatedAt: Date.now() });
    if (fallback < 0) return { kind: 'no_match', text: BOT_TEXTS.outOfCandidates, hints: BOT_TEXTS.noMatchHints };
    const reply = this.show({ ...state, rejected }, fallback, 'summary', message);
    if (reply.kind === 'answer') reply.intro = BOT_TEXTS.nextOne;
    return reply;
  }

  /** "why this one?": what the thread's message matched in the article shown, and how sure the bot is. */
  private explain(state: ThreadState): Reply {
    const id = state.candidates[state.shown];
    if (!id) return { kind: 'text', text: BOT_TEXTS.nothingYet };
    const m = this.matchOf(state, id);
    const reply: Reply =
      m.rank === undefined
        ? { kind: 'text', text: BOT_TEXTS.whyUnknown(id) }
        : m.via === 'lookup'
          ? { kind: 'text', text: BOT_TEXTS.whyLookup(id) }
          : { kind: 'text', text: BOT_TEXTS.why(id, m.why, m.rank, m.confidence, CONFIDENCE_THRESHOLDS) };
    this.aboutAnswer.add(reply);
    return reply;
  }

  private others(state: ThreadState): Reply {
    const ids = state.candidates
      .filter((id, i) => i !== state.shown && !state.rejected.includes(id))
      .slice(0, BOT_DEFAULTS.suggestions);
    const articles = ids.map((id) => this.kb.get(id)).filter((a) => a !== undefined);
    if (articles.length === 0) return { kind: 'text', text: BOT_TEXTS.noOthers };
    return {
      kind: 'suggestions',
      intro: BOT_TEXTS.otherMatches,
      candidates: articles.map((a) => ({ id: a.id, title: a.title, why: 'also matched this thread', confidence: 0 })),
    };
  }

  private show(state: ThreadState, index: number, view: AnswerView, message: IncomingMessage): Reply {
    // A thread answered by a team fix alone: "just the steps" shows the fix again.
    const led = index < 0 && state.led ? this.fixById(state.led) : undefined;
    if (led) return { kind: 'fix', fix: buildTeamFix(led) };
    const id = state.candidates[index];
    const article = id ? this.kb.get(id) : undefined;
    if (!article) return { kind: 'text', text: BOT_TEXTS.gone };
    // The fix an answer led with stays with the first article only.
    const { led: _led, ...rest } = state;
    void _led;
    this.threads.set(threadKey(message), { ...rest, shown: index, updatedAt: Date.now() });
    return {
      kind: 'answer',
      answer: buildAnswer(article, {
        ...this.whyShown(state, article.id),
        view,
        kb: this.kb,
        urlTemplate: this.options.urlTemplate,
        showSource: this.manySources,
      }),
    };
  }

  /**
   * Why an article of a thread matched the thread's message, found by matching it again (a few
   * ms): the first hit keeps its confidence; a further candidate says which one it was instead.
   */
  private matchOf(
    state: ThreadState,
    id: string,
  ): { why: string; confidence?: number; rank?: number; via?: MatchResult['via'] } {
    const m = state.query ? this.matcher.match(state.query, { k: BOT_DEFAULTS.candidates, always: true }) : undefined;
    const at = m?.hits.findIndex((h) => h.article.id === id) ?? -1;
    const hit = m?.hits[at];
    if (!m || !hit) return { why: 'from this thread' };
    return { why: hit.reason.summary, confidence: at === 0 ? m.confidence : undefined, rank: at, via: m.via };
  }

  /** The "Matched:" line and confidence of an article shown again or further down a thread. */
  private whyShown(state: ThreadState, id: string): { why: string; confidence?: number } {
    const m = this.matchOf(state, id);
    return m.rank ? { why: `candidate ${m.rank + 1}, ${m.why}` } : { why: m.why, confidence: m.confidence };
  }

  /**
   * The thread's new question and its candidates (`shown` -1: a team fix answered alone). What the
   * thread knows of its people (who spoke last, fix reports, credits) stays; the question it had
   * before is kept among its errors (a fix saved there records them).
   */
  private remember(message: IncomingMessage, query: string, hits: MatchHit[], shown: number, led?: string): void {
    const key = threadKey(message);
    const old = this.threads.get(key);
    const errors =
      old?.query && old.query !== query && !query.startsWith(old.query)
        ? [...(old.errors ?? []).filter((e) => e !== old.query && e !== query), old.query].slice(
            -TEAM_FIX_DEFAULTS.errors,
          )
        : old?.errors;
    const { led: _led, ...kept } = old ?? {};
    void _led;
    this.threads.set(key, {
      ...kept,
      query,
      candidates: hits.map((h) => h.article.id),
      shown,
      rejected: old?.rejected ?? [],
      updatedAt: Date.now(),
      user: message.user,
      ...(errors?.length ? { errors } : {}),
      ...(led ? { led } : {}),
    });
  }

  /** Feedback on an article (or a team fix) shown for the thread's message: kept (durably) before the bot thanks anyone. */
  private giveFeedback(message: IncomingMessage, state: ThreadState, articleId: string, helpful: boolean): void {
    this.records.feedback({
      message,
      query: state.query,
      signature: state.query ? this.matcher.signature(state.query) : [],
      articleId,
      helpful,
    });
  }

  // ---- Team fixes (issue #24) -------------------------------------------------------------------

  /**
   * A person's message in a thread the bot follows: who spoke last, which message it was, whether
   * it reports a fix, and its text in memory (for `save fix`).
   */
  private heard(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
    raw: string,
    fixReport: boolean,
  ): ThreadState | undefined {
    const id = message.id ?? `${LOCAL_ID}${++this.localIds}`;
    const kept = this.recent.get(key) ?? state?.recent ?? [];
    // Another app's message (an alert) takes a turn in the thread but is never a person's fix.
    const recent = message.fromApp
      ? kept
      : [
          ...kept.filter((r) => r.id !== id),
          {
            id,
            user: message.user,
            text: raw,
            at: Date.now(),
            fixReport,
            ...(message.userName ? { name: message.userName } : {}),
          },
        ].slice(-TEAM_FIX_DEFAULTS.recent);
    this.recent.delete(key);
    this.recent.set(key, recent);
    for (const oldest of this.recent.keys()) {
      if (this.recent.size <= TEAM_FIX_DEFAULTS.recentThreads) break;
      this.recent.delete(oldest);
    }
    if (!state) return undefined;
    const next: ThreadState = { ...state, lastSpeaker: 'person', lastMessageId: id, recent, updatedAt: Date.now() };
    if (fixReport) {
      const ref: ThreadFixRef = { messageId: id, user: message.user };
      next.lastFix = ref;
      next.fixes = [ref, ...(state.fixes ?? []).filter((f) => f.messageId !== id)].slice(0, TEAM_FIX_DEFAULTS.fixes);
    }
    this.threads.set(key, next);
    return next;
  }

  /**
   * Whose fix, as the offer to save it says: "your" to its author; else the author's name where the
   * platform gave one (Teams, whose ids read as "aad-…"); else a mention Slack renders as the name.
   */
  private whose(key: string, state: ThreadState | undefined, author: string, sender: string): string {
    if (author === sender) return 'your';
    const name = [...this.recentOf(key, state)].reverse().find((r) => r.user === author && r.name)?.name;
    return name ? `${name}'s` : `${mention(author)}'s`;
  }

  /** The thread's recent person messages, oldest first (the bot's memory, else what the thread store kept). */
  private recentOf(key: string, state: ThreadState | undefined): RecentMessage[] {
    return this.recent.get(key) ?? state?.recent ?? [];
  }

  /** "@kbbot save fix [as "title"][: text]": the text given, else the thread's latest person message that is a fix. */
  private async saveCommand(
    command: SaveFixCommand,
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Promise<Reply> {
    if (!this.options.fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const base = {
      savedBy: message.user,
      conversation: message.conversation,
      thread: message.thread,
      title: command.title,
      context: message.context,
    };
    if (command.text !== undefined)
      return this.save(
        {
          ...base,
          text: command.text,
          author: message.user,
          authorName: message.userName ?? null,
          messageRef: message.id ?? null,
          via: 'text',
        },
        key,
      );
    const target = await this.fixMessage(key, state, message);
    if (!target) return { kind: 'text', text: BOT_TEXTS.nothingToSave };
    return this.save(
      {
        ...base,
        text: target.text,
        author: target.user,
        authorName: target.user === message.user ? (message.userName ?? null) : null,
        messageRef: target.id,
        via: 'mention',
      },
      key,
    );
  }

  /**
   * The message "save fix" means: the latest person message of the thread that is not a command,
   * thanks, feedback, a follow-up or the pasted error, preferring a fix report. Read back through
   * the transport (Slack) when it can, else from what the bot kept of the thread.
   */
  private async fixMessage(
    key: string,
    state: ThreadState | undefined,
    message: IncomingMessage,
  ): Promise<{ id: string; user: string; text: string } | undefined> {
    const read = await this.history(message);
    // The thread's first message is the error that started it, when it is one (the bot may have kept nothing of it).
    const people = read?.filter((m, i) => !m.bot && !(i === 0 && isErrorPaste(m.text)));
    const messages = people ? people.map((m) => ({ id: m.id, user: m.user, text: m.text })) : this.recentOf(key, state);
    const errors = new Set([state?.query ?? '', ...(state?.errors ?? [])].map((e) => e.trim()));
    const candidates = messages.filter((m) => m.id !== message.id && !errors.has(m.text.trim()) && saveable(m.text));
    return [...candidates].reverse().find((m) => isFixReport(m.text)) ?? candidates.at(-1);
  }

  /**
   * Save a fix: disk first (the store commits before it returns), then the index (searchable when
   * this returns), then the thread (its fix report marked saved, pending credits given as votes),
   * then the one-line confirmation. A message saved before answers "Already saved as fix-N".
   */
  private async save(input: SaveInput, key: string): Promise<Reply> {
    const fixes = this.options.fixes;
    if (!fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const text = fixText(input.text);
    if (!text) return { kind: 'text', text: BOT_TEXTS.emptyFix };
    const messageId = input.messageRef && !input.messageRef.startsWith(LOCAL_ID) ? input.messageRef : null;
    if (messageId) {
      const had = safeRead(() => fixes.store.byMessage(input.conversation, messageId));
      if (had) return { kind: 'text', text: BOT_TEXTS.alreadySaved(had.id) };
    }
    const state = this.threads.get(key);
    const errors = state?.query ? this.errorsOf(state) : await this.rootError(input.context);
    const codes = unique(errors.flatMap((e) => this.matcher.match(e, { k: 1, always: true }).codes));
    const permalink =
      input.permalink ??
      (messageId && input.context?.permalink ? await input.context.permalink(messageId).catch(() => null) : null);
    let fix: FixRecord;
    try {
      fix = fixes.store.add({
        title: fixTitle({ given: input.title, errors, text }),
        text,
        author: input.author,
        authorName: input.authorName,
        savedBy: input.savedBy,
        savedAt: Date.now(),
        conversation: input.conversation,
        thread: input.thread,
        messageId,
        permalink,
        errors,
        codes,
        offered: state ? this.offeredIn(state, input.conversation, input.thread) : [],
        via: input.via,
      });
    } catch (error) {
      if (error instanceof StorageError) return { kind: 'text', text: BOT_TEXTS.storageDown };
      throw error;
    }
    fixes.index.add(fix);
    if (state) this.savedIn(key, state, fix, input);
    this.records.emit({
      type: 'fix_saved',
      conversation: input.conversation,
      thread: input.thread,
      fixId: fix.id,
      via: input.via,
      savedBy: input.savedBy,
    });
    return { kind: 'saved', fixId: fix.id, title: fix.title, text: BOT_TEXTS.saved(fix.title, fix.id) };
  }

  /** The errors pasted in a thread, its question first (a lookup's ids are no error). */
  private errorsOf(state: ThreadState | undefined): string[] {
    if (!state) return [];
    const all = [state.query, ...(state.errors ?? [])].filter((e) => e.trim() && withoutKbIds(e).trim());
    return unique(all.map((e) => undoChatMarkup(e).text.trim()).filter(Boolean));
  }

  /**
   * In a thread the bot kept nothing of (it found no article for the pasted error, so it stayed
   * silent), the error is the thread's first message, read back through the transport, when it is one.
   */
  private async rootError(context: MessageContext | undefined): Promise<string[]> {
    const read = context?.history ? await context.history().catch(() => undefined) : undefined;
    const root = read?.[0];
    if (!root || root.bot || !isErrorPaste(root.text)) return [];
    const text = undoChatMarkup(root.text).text.trim();
    return text ? [text] : [];
  }

  /** The articles the bot offered in a thread (up to the one shown) and what people said of them (no user ids). */
  private offeredIn(state: ThreadState, conversation: string, thread: string): FixOffered[] {
    const said = new Map<string, boolean>();
    for (const r of this.options.learning?.forThread(conversation, thread) ?? []) said.set(r.articleId, r.helpful);
    // Shown -1: a team fix answered alone, no article was offered.
    return state.candidates.slice(0, state.shown + 1).map((articleId) => {
      const helpful = said.get(articleId);
      const verdict =
        helpful === true ? 'helped' : helpful === false || state.rejected.includes(articleId) ? 'not_it' : null;
      return { articleId, verdict };
    });
  }

  /**
   * A fix was saved in this thread: its report is marked saved, feedback given on it before the
   * save counts now, and the next "that worked" credits it (the save is the thread's last word on it).
   */
  private savedIn(key: string, state: ThreadState, fix: FixRecord, input: SaveInput): void {
    const ref = input.messageRef ?? undefined;
    const mark = (f: ThreadFixRef): ThreadFixRef => (f.messageId === ref ? { ...f, id: fix.id } : f);
    const saved: ThreadFixRef = { id: fix.id, messageId: ref ?? fix.id, user: fix.author };
    const fixes = [saved, ...(state.fixes ?? []).map(mark).filter((f) => f.messageId !== saved.messageId)].slice(
      0,
      TEAM_FIX_DEFAULTS.fixes,
    );
    const credits = state.pendingCredits ?? [];
    const due = credits.filter((c) => c.messageId === ref);
    this.threads.set(key, {
      ...state,
      lastFix: saved,
      fixes,
      lastSpeaker: 'person',
      lastMessageId: saved.messageId,
      pendingCredits: credits.filter((c) => c.messageId !== ref),
      updatedAt: Date.now(),
    });
    for (const credit of due) {
      try {
        this.giveFeedback(
          { text: '', user: credit.user, conversation: fix.conversation, thread: fix.thread, via: 'overheard' },
          state,
          fix.id,
          credit.helpful,
        );
      } catch (error) {
        // The fix is saved; a credit the storage refused now is lost, not the save.
        if (!(error instanceof StorageError)) throw error;
      }
    }
  }

  /** Undo a save: only whoever saved the fix or wrote it, within TEAM_FIX_DEFAULTS.undoMs. */
  private undoFix(action: BotAction, key: string, state: ThreadState | undefined): Reply {
    const fixes = this.options.fixes;
    if (!fixes) return { kind: 'text', text: BOT_TEXTS.fixesOff };
    const id = normaliseFixId(action.value) ?? action.value;
    const fix = safeRead(() => fixes.store.get(id));
    if (!fix) return { kind: 'text', text: BOT_TEXTS.alreadyGone(id) };
    if (action.user !== fix.savedBy && action.user !== fix.author)
      return { kind: 'text', text: BOT_TEXTS.undoNotYours(id) };
    if (Date.now() - fix.savedAt > TEAM_FIX_DEFAULTS.undoMs) return { kind: 'text', text: BOT_TEXTS.undoTooLate(id) };
    try {
      fixes.store.delete(id);
    } catch (error) {
      if (error instanceof StorageError) return { kind: 'text', text: BOT_TEXTS.removeDown };
      throw error;
    }
    fixes.index.remove(id);
    if (state) {
      const unmark = (f: ThreadFixRef): ThreadFixRef => (f.id === id ? { messageId: f.messageId, user: f.user } : f);
      this.threads.set(key, {
        ...state,
        ...(state.lastFix ? { lastFix: unmark(state.lastFix) } : {}),
        ...(state.fixes ? { fixes: state.fixes.map(unmark) } : {}),
        ...(state.led === id ? { led: undefined } : {}),
        updatedAt: Date.now(),
      });
    }
    this.records.emit({
      type: 'fix_removed',
      conversation: action.conversation,
      thread: action.thread,
      fixId: id,
      by: action.user,
    });
    return { kind: 'ack', emoji: 'white_check_mark', text: BOT_TEXTS.removed(id) };
  }

  /** The fix `fixId` was "not it" here: feedback after it is about the article shown under it, no longer the fix. */
  private dropLead(key: string, state: ThreadState, fixId: string): void {
    if (state.led !== fixId) return;
    const { led: _led, ...rest } = state;
    void _led;
    this.threads.set(key, { ...rest, updatedAt: Date.now() });
  }

  /** A saved fix by id, or undefined (no fix store, not there, storage unreadable). */
  private fixById(id: string): FixRecord | undefined {
    const fixes = this.options.fixes;
    return fixes ? safeRead(() => fixes.index.get(id) ?? fixes.store.get(id)) : undefined;
  }
}

/** How the bot names a person in its own words: Slack renders `<@U…>` as their name. */
function mention(user: string): string {
  return `<@${user}>`;
}

/**
 * Could this message be a fix? Not a command, thanks or other feedback, a follow-up or a greeting;
 * a fix report always can.
 */
function saveable(text: string): boolean {
  if (!text.trim() || readSaveFix(text)) return false;
  if (isFixReport(text)) return true;
  const plain = undoChatMarkup(text).text;
  if (!plain || isThumbsUp(plain) || readFollowUp(plain)) return false;
  return !['feedback', 'greeting', 'help'].includes(classifyIntent(text).intent);
}

/** A pasted error or alert, not a person's fix report. */
function isErrorPaste(text: string): boolean {
  const intent = classifyIntent(text).intent;
  return (intent === 'error_paste' || intent === 'alert') && !isFixReport(text);
}

/** A fix's text as kept: entities decoded, the bot's mention in front dropped, code fences and lines as written. */
function fixText(raw: string): string {
  return decodeEntities(raw.replace(/^\s*(?:<@[\w.|-]+>|<at>[^<]*<\/at>)[\s,:]*/i, '')).trim();
}

/** A read that fails soft: a storage that cannot be read finds nothing. */
function safeRead<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof StorageError) return undefined;
    throw error;
  }
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

/** Do the KB's articles come from more than one folder? */
function hasManySources(kb: KnowledgeBase): boolean {
  let first: string | null | undefined;
  for (const a of kb) {
    if (first === undefined) first = a.source;
    else if (a.source !== first) return true;
  }
  return false;
}
