/**
 * The transport-neutral bot: one message in, one plain-text answer out. Adapters (console, later
 * Slack/Teams) only move text; everything the bot says is decided here.
 */
import type { Article } from '../kb/article.js';
import { findKbIds, withoutKbIds } from '../kb/kb-id.js';
import type { KnowledgeBase } from '../kb/knowledge-base.js';
import { Ranker } from '../kb/rank/ranker.js';
import { formatAnswer, titleOf } from './format-answer.js';

/** Anything that answers a message; what adapters depend on. */
export interface MessageHandler {
  handle(text: string): Promise<string>;
}

export const HELP_TEXT = [
  'kbbot answers errors with the knowledge-base article that fixes them.',
  '',
  '  - Paste an error message (several lines are fine): you get the best matching article,',
  '    with its symptoms, cause, numbered fix steps, registry keys and related articles.',
  '  - Name an article (Q290226, KB290226 or "kb 290226") to see it.',
  '  - help or /help shows this text.',
].join('\n');

export const NO_MATCH = 'No matching article in the knowledge base. Paste the exact error text, or name an article (Q290226).';

/** Up to RUNNERS_UP other hits scoring at least RUNNER_UP_SHARE of the best go under "See also". */
const RUNNERS_UP = 2;
const RUNNER_UP_SHARE = 0.25;

const HELP = /^\s*\/?(help|\?)\s*$/i;

export class Bot implements MessageHandler {
  private searcher: Ranker | undefined;

  /** `ranker` is the KB's search index (openKb loads it with the KB); built here when not given. */
  constructor(
    private readonly kb: KnowledgeBase,
    ranker?: Ranker,
  ) {
    this.searcher = ranker;
  }

  async handle(text: string): Promise<string> {
    if (HELP.test(text) || text.trim() === '') return HELP_TEXT;

    const ids = findKbIds(text);
    const named = ids.map((id) => this.kb.get(id)).find((a) => a !== undefined);
    if (named) return formatAnswer(named, this.seeAlso(named));

    this.searcher ??= Ranker.build(this.kb);
    const [best, ...rest] = this.searcher.rank(ids.length ? withoutKbIds(text) : text, RUNNERS_UP + 1).hits;
    if (best) {
      const runnersUp = rest.filter((h) => h.score >= best.score * RUNNER_UP_SHARE).slice(0, RUNNERS_UP).map((h) => h.article.id);
      return formatAnswer(best.article, this.seeAlso(best.article, runnersUp));
    }
    if (ids.length) return `${ids.join(', ')} ${ids.length === 1 ? 'is' : 'are'} not in this knowledge base (${this.kb.size} articles).`;
    return NO_MATCH;
  }

  /** "Q235418 (title)" for articles in the KB, the bare id otherwise: runners-up first, then related. */
  private seeAlso(article: Article, runnersUp: string[] = []): string[] {
    const ids = [...new Set([...runnersUp, ...article.related])].filter((id) => id !== article.id);
    return ids.map((id) => {
      const other = this.kb.get(id);
      return other ? `${id} (${titleOf(other)})` : id;
    });
  }
}
