/**
 * Follow-ups in a thread the bot answered: the next candidate, the other matches, the article
 * again (in full, just the steps), why it matched, and "has anyone seen this before?".
 */
import { buildAnswer, buildTeamFix } from './build-answer.js';
import type { BotContext } from './context.js';
import { BOT_DEFAULTS } from './defaults.js';
import { findHistory } from './history.js';
import { CONFIDENCE_THRESHOLDS, type MatchResult } from './match.js';
import { threadKey, type IncomingMessage } from './message.js';
import type { AnswerView, Reply } from './reply.js';
import type { TeamFixes } from './team-fixes.js';
import { BOT_TEXTS } from './texts.js';
import type { ThreadTurns } from './thread-turns.js';
import type { ThreadState } from './threads.js';

export class ThreadFollowUps {
  constructor(
    private readonly ctx: BotContext,
    private readonly turns: ThreadTurns,
    private readonly fixes: TeamFixes,
  ) {}

  /** "has anyone seen this before?": past threads with the same error, and how they ended. */
  async seen(query: string, message: IncomingMessage): Promise<Reply> {
    const learning = this.ctx.options.learning;
    const items = await findHistory(query, this.ctx.matcher.signature(query), message, {
      fixes: this.ctx.options.fixes?.index,
      interactions: this.ctx.options.interactions,
      feedback: learning ? { list: () => Promise.resolve(learning.list()) } : undefined,
      articleTitle: (id) => this.ctx.kb.get(id)?.title,
      version: this.ctx.version,
    });
    if (items.length) return { kind: 'history', intro: BOT_TEXTS.historyIntro, items };
    const searched = [
      this.ctx.options.fixes ? 'the team fixes' : '',
      this.ctx.options.interactions ? 'past threads the bot answered' : 'this conversation only',
    ].filter(Boolean);
    return { kind: 'text', text: BOT_TEXTS.historyNone(searched.join(' and ')) };
  }

  /** The next candidate nobody turned down yet, or say there is none. */
  async next(key: string, state: ThreadState, message: IncomingMessage): Promise<Reply> {
    const rejected = [...new Set([...state.rejected, state.candidates[state.shown] ?? ''])].filter(Boolean);
    const index = state.candidates.findIndex((id, i) => i !== state.shown && !rejected.includes(id) && i > state.shown);
    const fallback = index >= 0 ? index : state.candidates.findIndex((id) => !rejected.includes(id));
    await this.ctx.threads.set(key, { ...state, rejected, updatedAt: Date.now() });
    if (fallback < 0) return { kind: 'no_match', text: BOT_TEXTS.outOfCandidates, hints: BOT_TEXTS.noMatchHints };
    const reply = await this.show({ ...state, rejected }, fallback, 'summary', message);
    if (reply.kind === 'answer') reply.intro = BOT_TEXTS.nextOne;
    return reply;
  }

  /** "why this one?": what the thread's message matched in the article shown, and how sure the bot is. */
  explain(state: ThreadState): Reply {
    const id = state.candidates[state.shown];
    if (!id) return { kind: 'text', text: BOT_TEXTS.nothingYet };
    const m = this.matchOf(state, id);
    const reply: Reply =
      m.rank === undefined
        ? { kind: 'text', text: BOT_TEXTS.whyUnknown(id) }
        : m.via === 'lookup'
          ? { kind: 'text', text: BOT_TEXTS.whyLookup(id) }
          : { kind: 'text', text: BOT_TEXTS.why(id, m.why, m.rank, m.confidence, CONFIDENCE_THRESHOLDS) };
    this.turns.aboutAnswer.add(reply);
    return reply;
  }

  others(state: ThreadState): Reply {
    const ids = state.candidates
      .filter((id, i) => i !== state.shown && !state.rejected.includes(id))
      .slice(0, BOT_DEFAULTS.suggestions);
    const articles = ids.map((id) => this.ctx.kb.get(id)).filter((a) => a !== undefined);
    if (articles.length === 0) return { kind: 'text', text: BOT_TEXTS.noOthers };
    return {
      kind: 'suggestions',
      intro: BOT_TEXTS.otherMatches,
      candidates: articles.map((a) => ({ id: a.id, title: a.title, why: 'also matched this thread', confidence: 0 })),
    };
  }

  async show(state: ThreadState, index: number, view: AnswerView, message: IncomingMessage): Promise<Reply> {
    // A thread answered by a team fix alone: "just the steps" shows the fix again.
    const led = index < 0 && state.led ? await this.fixes.fixById(state.led) : undefined;
    if (led) return { kind: 'fix', fix: buildTeamFix(led) };
    const id = state.candidates[index];
    const article = id ? this.ctx.kb.get(id) : undefined;
    if (!article) return { kind: 'text', text: BOT_TEXTS.gone };
    // The fix an answer led with stays with the first article only.
    const { led: _led, ...rest } = state;
    void _led;
    await this.ctx.threads.set(threadKey(message), { ...rest, shown: index, updatedAt: Date.now() });
    return {
      kind: 'answer',
      answer: buildAnswer(article, {
        ...this.whyShown(state, article.id),
        view,
        kb: this.ctx.kb,
        urlTemplate: this.ctx.options.urlTemplate,
        showSource: this.ctx.manySources,
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
    const m = state.query
      ? this.ctx.matcher.match(state.query, { k: BOT_DEFAULTS.candidates, always: true })
      : undefined;
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
}
