/**
 * The transport-neutral bot: a message in, a reply (or, for overheard chatter, silence) out.
 * The console, Slack and Teams adapters only move messages and render replies; everything the bot
 * decides is here: who gets an answer, "did you mean", no match, lookups, help, feedback and
 * follow-ups in a thread.
 */
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { findKbIds, withoutKbIds } from '../kb/kb-id.js';
import type { Ranker } from '../kb/rank/ranker.js';
import { isPassive, isThumbsUp, type FeedbackKind } from '../intents/index.js';
import { terms } from '../kb/rank/tokens.js';
import { undoChatMarkup } from '../text/chat-markup.js';
import type { FixIndex } from '../fixes/index.js';
import type { FixStore, FixVia, InteractionLog } from '../memory/types.js';
import { buildAnswer } from './build-answer.js';
import { lookupView, readFollowUp } from './follow-up.js';
import type { FeedbackLearning } from './learning.js';
import { CONFIDENCE_THRESHOLDS, Matcher, type MatchHit, type MatchResult } from './match.js';
import { isAddressed, looksBinary, threadKey, type IncomingMessage, type MessageContext } from './message.js';
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
  /** The article id the button carries. */
  value: string;
  user: string;
  conversation: string;
  thread: string;
}

export class Bot {
  private matcher: Matcher;
  /** More than one KB folder: each answer names the one it comes from. */
  private manySources: boolean;
  private readonly threads: ThreadStore;
  private readonly records: Records;

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
   * feedback that follows it straight after ("that worked") credits that answer.
   */
  posted(message: IncomingMessage, reply: Reply, postedId: string): void {
    void message;
    void reply;
    void postedId;
    // TODO(#24 N): record answerId / lastSpeaker
  }

  /**
   * Does the bot follow this thread (it answered or was asked there)? Adapters hand such a
   * thread's messages to `respond` even without a mention, in any channel: follow-ups, fix
   * reports and feedback need no mention under the bot's answer.
   */
  knowsThread(conversation: string, thread: string): boolean {
    return this.threads.get(threadKey({ conversation, thread })) !== undefined;
  }

  /** Save a message as a team fix (shortcut, message action): "Saved as a team fix: …", or why not. */
  async saveFix(request: SaveFixRequest): Promise<Reply> {
    void request;
    throw new Error('TODO(#24 N): saveFix');
  }

  /** Make the first messages fast (see Matcher.warmUp). */
  warmUp(): void {
    this.matcher.warmUp();
  }

  /** The reply to a message, or null for silence (overheard messages that are not for the bot). */
  async respond(message: IncomingMessage): Promise<Reply | null> {
    const addressed = isAddressed(message);
    const raw =
      message.text.length > BOT_DEFAULTS.maxChars ? message.text.slice(0, BOT_DEFAULTS.maxChars) : message.text;
    if (looksBinary(raw)) return addressed ? { kind: 'text', text: BOT_TEXTS.binary } : null;
    const text = undoChatMarkup(raw).text;
    if (text === '') return addressed ? { kind: 'text', text: BOT_TEXTS.help } : null;
    const key = threadKey(message);
    const state = this.threads.get(key);

    // In a thread the bot answered, a follow-up needs no mention ("just the steps" under the answer).
    // "What about SP2?" overheard is people asking each other about something said before: never
    // answered unprompted, in a thread of the bot's or not.
    // A message that names an article ("show me the steps for Q290226") is a lookup, not about this thread's article.
    const follow = findKbIds(text).length ? undefined : readFollowUp(text);
    if (follow && !addressed && (follow.kind === 'refine' || !state)) return null;
    // "just the steps" or "why?" where nothing was answered yet: say so rather than search for it.
    if (follow && !state && follow.kind !== 'refine') return { kind: 'text', text: BOT_TEXTS.nothingYet };
    if (state) {
      if (follow?.kind === 'full' || follow?.kind === 'steps')
        return this.show(state, state.shown, follow.kind, message);
      if (follow?.kind === 'next') return this.next(key, state, message);
      if (follow?.kind === 'others') return this.others(state);
      if (follow?.kind === 'why') return this.explain(state);
      if (follow?.kind === 'refine') return this.refine(state.query, follow.words, message);
      // 👍 under an answer rates it (elsewhere it is someone acknowledging a colleague: chatter).
      if (isThumbsUp(text)) return this.feedback('positive', key, state, message);
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
        return this.feedback(m.intent.feedback ?? 'positive', key, state, message);
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

  /** A button press: helped / not it / other matches / full article / share / pick a candidate. */
  async act(action: BotAction): Promise<Reply> {
    const message: IncomingMessage = {
      text: '',
      user: action.user,
      conversation: action.conversation,
      thread: action.thread,
      via: 'command',
    };
    const key = threadKey(message);
    const state = this.threads.get(key) ?? {
      query: '',
      candidates: [action.value],
      shown: 0,
      rejected: [],
      updatedAt: Date.now(),
    };
    const at = Math.max(0, state.candidates.indexOf(action.value));
    switch (action.action) {
      case 'helpful':
        this.giveFeedback(message, state, action.value, true);
        return { kind: 'text', text: BOT_TEXTS.thanks(action.value) };
      case 'not_it':
        this.giveFeedback(message, state, action.value, false);
        return this.next(key, { ...state, shown: at }, message);
      case 'other_matches':
        return this.others(state);
      case 'full_article':
        return this.show(state, at, 'full', message);
      case 'share':
        return this.show(state, at, 'summary', message);
      case 'undo_fix':
      case 'save_fix':
        throw new Error('TODO(#24 N): ' + action.action);
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
    if (!top || m.confidence < CONFIDENCE_THRESHOLDS.suggest) {
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
      this.records.log(m, query, message, 'answered', top.article.id);
      return this.answerWith(m.hits, query, 0, message, m.confidence);
    }
    if (!addressed) return null;
    return this.suggest(m, m.hits, query, message, BOT_TEXTS.didYouMean);
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
  ): Reply {
    const hit = hits[index] as MatchHit;
    this.remember(message, query, hits, index);
    this.records.emit({ type: 'answered', message, articleId: hit.article.id, confidence });
    return {
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

  private feedback(kind: FeedbackKind, key: string, state: ThreadState | undefined, message: IncomingMessage): Reply {
    const current = state?.candidates[state.shown];
    if (!state || !current)
      return { kind: 'text', text: kind === 'positive' ? BOT_TEXTS.welcome : BOT_TEXTS.nothingYet };
    if (kind === 'more') return this.others(state);
    this.giveFeedback(message, state, current, kind === 'positive');
    return kind === 'positive' ? { kind: 'text', text: BOT_TEXTS.thanks(current) } : this.next(key, state, message);
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
    if (m.rank === undefined) return { kind: 'text', text: BOT_TEXTS.whyUnknown(id) };
    if (m.via === 'lookup') return { kind: 'text', text: BOT_TEXTS.whyLookup(id) };
    return { kind: 'text', text: BOT_TEXTS.why(id, m.why, m.rank, m.confidence, CONFIDENCE_THRESHOLDS) };
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
    const id = state.candidates[index];
    const article = id ? this.kb.get(id) : undefined;
    if (!article) return { kind: 'text', text: BOT_TEXTS.gone };
    this.threads.set(threadKey(message), { ...state, shown: index, updatedAt: Date.now() });
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

  private remember(message: IncomingMessage, query: string, hits: MatchHit[], shown: number): void {
    const key = threadKey(message);
    const old = this.threads.get(key);
    this.threads.set(key, {
      query,
      candidates: hits.map((h) => h.article.id),
      shown,
      rejected: old?.rejected ?? [],
      updatedAt: Date.now(),
      user: message.user,
    });
  }

  /** Feedback on an article shown for the thread's message: kept (durably) before the bot thanks anyone. */
  private giveFeedback(message: IncomingMessage, state: ThreadState, articleId: string, helpful: boolean): void {
    this.records.feedback({
      message,
      query: state.query,
      signature: state.query ? this.matcher.signature(state.query) : [],
      articleId,
      helpful,
    });
  }
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
