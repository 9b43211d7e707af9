/**
 * What the bot says, as data: the transport-neutral reply model every renderer (plain text,
 * Slack Block Kit, Teams Adaptive Card) draws from. Text that came from the KB or from users is
 * carried as it is; renderers escape it for their medium.
 */
import type { FileVersion } from '../kb/article.js';

/** A run of text; `code` marks registry keys, paths, file names and commands. */
export interface Span {
  text: string;
  code?: boolean;
}

/** A line of text with code marked. */
export type Rich = Span[];

/** One numbered step of a fix, and the items it lists ("- HKEY_...", "a. Press ALT+Q."), each shown on its own line. */
export interface AnswerStep {
  text: Rich;
  items: Rich[];
}

export type ActionId = 'share' | 'helpful' | 'not_it' | 'other_matches' | 'full_article';

/** A button under an answer; `value` is what the bot needs when it is pressed (the article id). */
export interface AnswerAction {
  id: ActionId;
  label: string;
  value: string;
}

/** How much of the article an answer shows. */
export type AnswerView = 'summary' | 'steps' | 'full';

export interface RelatedArticle {
  id: string;
  /** Present when the article is in the KB. */
  title?: string;
}

export interface ArticleAnswer {
  id: string;
  title: string;
  /** Where the article can be read in full. */
  url: string;
  /** 0-1; 1 for an article asked for by number; absent for a further candidate ("the other one"). */
  confidence?: number;
  /** Why it matched, one line ("error text "…" (100% of the text); code 0xc0020002"). */
  why: string;
  product: string | null;
  appliesTo: string[];
  date: string | null;
  /** Shortened in the summary view. */
  symptoms?: string;
  cause?: string;
  /** The fix as numbered steps, code marked. Empty when the article has none. */
  steps: AnswerStep[];
  /** The resolution or workaround in prose, when there are no numbered steps. */
  fixText?: string;
  /** Said plainly when the article has no fix ("This behavior is by design."). Never invented steps. */
  noFix?: string;
  /** Warnings to show before the steps (registry editing). */
  warnings: string[];
  status?: string;
  registryKeys: string[];
  files: FileVersion[];
  related: RelatedArticle[];
  actions: AnswerAction[];
  view: AnswerView;
  /** The full view: every section with its heading. */
  sections?: { heading: string; text: string }[];
}

export interface Candidate {
  id: string;
  title: string;
  why: string;
  confidence: number;
}

export type Reply =
  | { kind: 'answer'; answer: ArticleAnswer; intro?: string }
  | { kind: 'suggestions'; intro: string; candidates: Candidate[] }
  | { kind: 'no_match'; text: string; hints: string[] }
  | { kind: 'text'; text: string };
