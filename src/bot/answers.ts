/**
 * The bot's answer to a message it matched: an article (led by a team fix saved for the error),
 * a team fix alone, "did you mean", a lookup by id, or no match; and what the thread remembers of
 * it (its question and candidates).
 */
import { withoutKbIds } from '../kb/kb-id.js';
import { isPassive } from '../intents/index.js';
import { terms } from '../kb/rank/tokens.js';
import type { FixHit } from '../fixes/index.js';
import type { FixRecord } from '../memory/types.js';
import { buildAnswer, buildTeamFix } from './build-answer.js';
import type { BotContext } from './context.js';
import { BOT_DEFAULTS, TEAM_FIX_DEFAULTS } from './defaults.js';
import { lookupView } from './follow-up.js';
import { kbShares } from './help.js';
import { CONFIDENCE_THRESHOLDS, type MatchHit, type MatchResult } from './match.js';
import { threadKey, type IncomingMessage } from './message.js';
import { peekReply, type PeekableMessage, type PendingPeeks } from './peek.js';
import type { AnswerView, Reply } from './reply.js';
import type { TeamFixes } from './team-fixes.js';
import { BOT_TEXTS } from './texts.js';

export class Answers {
  constructor(
    private readonly ctx: BotContext,
    private readonly fixes: TeamFixes,
    /** Overheard messages offered a 👀 (peek mode), waiting for their asker's. */
    private readonly peeks: PendingPeeks,
  ) {}

  /** "what about SP2?": the thread's question again, articles that mention the new words first. */
  refine(query: string, words: string, message: IncomingMessage): Promise<Reply | null> {
    const combined = `${query} ${words}`;
    const m = this.ctx.matcher.match(combined, { k: BOT_DEFAULTS.candidates, always: true });
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

  /**
   * The reply to a matched message. Overheard (not `addressed`), the bot speaks only when sure
   * ("Quiet means quiet", issue #25): an alert, a pasted error or a question read so with at least
   * `BOT_DEFAULTS.overheardIntentConfidence`, whose answer is sure (at or above the answer threshold,
   * not a "did you mean"; a near tie is answered and flagged as a close call). A team fix saved for the
   * error still leads as before (it is exact evidence of the error). Anything less gets silence, or 👀
   * where the channel has peek mode on.
   */
  async reply(m: MatchResult, query: string, message: PeekableMessage, addressed: boolean): Promise<Reply | null> {
    const [top, second] = m.hits;
    // Overheard: alerts, pasted errors and questions; from another app (fromApp) alerts and errors only.
    const passive = isPassive(m.intent.intent) && !(message.fromApp && m.intent.intent === 'question');
    // A fix the team saved for this error leads the answer (or answers alone where no article does).
    const lead = addressed || passive ? this.fixes.leadingFix(query, m) : undefined;
    if (!top || m.confidence < CONFIDENCE_THRESHOLDS.suggest) {
      if (lead) return this.fixAlone(m, query, message, lead);
      if (!addressed) return null;
      // The words did not settle it, but a rare code the message pasted does narrow it down.
      const mentioning = m.hits.filter((h) => 'codes' in h.reason && h.reason.codes.some((c) => m.codes.includes(c)));
      if (mentioning.length) return this.suggest(m, mentioning, query, message, BOT_TEXTS.mentioning(m.codes));
      // Below the floor the ranking may still have found something: the best one or two, said to be a long shot
      // (to a person: another app mentioning the bot gets an article or "did you mean" only).
      if (m.hits.length && !message.fromApp)
        return this.suggest(m, m.hits, query, message, BOT_TEXTS.closest, BOT_DEFAULTS.closest);
      await this.ctx.records.log(m, query, message, 'unanswered', null);
      this.ctx.records.emit({ type: 'unanswered', message });
      return { kind: 'no_match', text: BOT_TEXTS.noMatchIn(kbShares(this.ctx.kb)), hints: BOT_TEXTS.noMatchHints };
    }
    const close =
      second !== undefined &&
      second.score >= top.score * BOT_DEFAULTS.closeShare &&
      m.confidence < BOT_DEFAULTS.sureEnough;
    const nearTie = second !== undefined && second.score >= top.score * BOT_DEFAULTS.closeCallShare;
    if (m.confidence >= CONFIDENCE_THRESHOLDS.answer && !close) {
      if (!addressed && !passive) return null;
      // Overheard and not sure it is an error or a question: quiet (a team fix for the error still leads).
      // A near tie above the answer threshold is answered, flagged "Close call": on the dev pastes such
      // answers were right 80 times in 81 (scripts/intents-overheard.mjs), and silence would cost them.
      if (!addressed && !lead && m.intent.confidence < BOT_DEFAULTS.overheardIntentConfidence)
        return this.peek(message);
      await this.ctx.records.log(m, query, message, 'answered', top.article.id, lead?.fix.id);
      const reply = await this.answerWith(m.hits, query, 0, message, m.confidence, 'summary', lead?.fix);
      // Answered as sure, though the second came close: say so ("Close call: … also matches").
      if (reply.kind === 'answer' && nearTie)
        reply.answer.closeCall = { id: second.article.id, title: second.article.title };
      return reply;
    }
    if (lead) return this.fixAlone(m, query, message, lead);
    if (!addressed) return passive ? this.peek(message) : null;
    return this.suggest(m, m.hits, query, message, BOT_TEXTS.didYouMean);
  }

  /**
   * An overheard message the bot might answer but is not sure about (it reads as an error, an alert
   * or a question, and has a candidate at least worth a "did you mean"): silence, or where the
   * channel has peek mode on a 👀, remembered so that the asker's own 👀 gets the answer (peek.ts).
   * Another app's message gets no 👀: no person is there to ask for the answer.
   */
  private peek(message: PeekableMessage): Reply | null {
    if (!message.peek || message.fromApp || !message.id) return null;
    this.peeks.offer(message);
    return peekReply();
  }

  /** A team fix answers where no article does: shown alone; the articles stay the thread's candidates ("the other one"). */
  private async fixAlone(m: MatchResult, query: string, message: IncomingMessage, lead: FixHit): Promise<Reply> {
    await this.remember(message, query, m.hits, -1, lead.fix.id);
    await this.ctx.records.log(m, query, message, 'answered', null, lead.fix.id);
    this.ctx.records.emit({
      type: 'answered',
      message,
      articleId: lead.fix.id,
      confidence: lead.confidence,
      fixId: lead.fix.id,
    });
    return { kind: 'fix', fix: buildTeamFix(lead.fix) };
  }

  /** "Did you mean" with the first few (at most `most`) of `hits`. */
  private async suggest(
    m: MatchResult,
    hits: MatchHit[],
    query: string,
    message: IncomingMessage,
    intro: string,
    most: number = BOT_DEFAULTS.suggestions,
  ): Promise<Reply> {
    await this.remember(message, query, hits, 0);
    const candidates = hits.slice(0, most);
    await this.ctx.records.log(m, query, message, 'suggested', candidates[0]?.article.id ?? null);
    this.ctx.records.emit({ type: 'suggested', message, articleIds: candidates.map((h) => h.article.id) });
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

  private async answerWith(
    hits: MatchHit[],
    query: string,
    index: number,
    message: IncomingMessage,
    confidence: number,
    view: AnswerView = 'summary',
    fix?: FixRecord,
  ): Promise<Reply> {
    const hit = hits[index] as MatchHit;
    await this.remember(message, query, hits, index, fix?.id);
    this.ctx.records.emit({
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
        kb: this.ctx.kb,
        urlTemplate: this.ctx.options.urlTemplate,
        showSource: this.ctx.manySources,
      }),
    };
    if (fix) reply.teamFix = buildTeamFix(fix);
    return reply;
  }

  async lookup(m: MatchResult, message: IncomingMessage): Promise<Reply> {
    if (!m.hits.length) {
      await this.ctx.records.log(m, message.text, message, 'unanswered', null);
      return { kind: 'text', text: BOT_TEXTS.missing(m.missing, this.ctx.kb.size) };
    }
    await this.ctx.records.log(m, message.text, message, 'answered', m.hits[0]?.article.id ?? null);
    const reply = await this.answerWith(
      m.hits,
      m.hits.map((h) => h.article.id).join(' '),
      0,
      message,
      1,
      lookupView(withoutKbIds(message.text)),
    );
    if (m.missing.length && reply.kind === 'answer') reply.intro = BOT_TEXTS.missing(m.missing, this.ctx.kb.size);
    return reply;
  }

  /**
   * The thread's new question and its candidates (`shown` -1: a team fix answered alone). What the
   * thread knows of its people (who spoke last, fix reports, credits) stays; the question it had
   * before is kept among its errors (a fix saved there records them).
   */
  private async remember(
    message: IncomingMessage,
    query: string,
    hits: MatchHit[],
    shown: number,
    led?: string,
  ): Promise<void> {
    const key = threadKey(message);
    const old = await this.ctx.threads.get(key);
    const errors =
      old?.query && old.query !== query && !query.startsWith(old.query)
        ? [...(old.errors ?? []).filter((e) => e !== old.query && e !== query), old.query].slice(
            -TEAM_FIX_DEFAULTS.errors,
          )
        : old?.errors;
    const { led: _led, ...kept } = old ?? {};
    void _led;
    await this.ctx.threads.set(key, {
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
}
