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

/** A block of code as the article has it (a team document's fenced block): shown as code, its lines kept, never read as markup. */
export interface CodeBlock {
  /** The fence's language ("bash", "powershell"), lower case; null when it named none. */
  lang: string | null;
  text: string;
}

/**
 * What follows a team document's step line, in the article's order: a listed item (`depth` 0 is
 * directly under the step; `marker` "-", "1." or "a."), a further paragraph, or a code block.
 */
export type StepDetail =
  | { kind: 'item'; depth: number; marker: string; text: Rich }
  | { kind: 'text'; text: Rich }
  | { kind: 'code'; code: CodeBlock };

/** One numbered step of a fix, and the items it lists ("- HKEY_...", "a. Press ALT+Q."), each shown on its own line. */
export interface AnswerStep {
  text: Rich;
  /** The archive's listed items, marker first ("- ", "a. "). Empty for a team document's step (see `details`). */
  items: Rich[];
  /** A team document's step: its items (nested), further paragraphs and code blocks, in order. */
  details?: StepDetail[];
}

/**
 * Buttons. `helpful` / `not_it` carry an article id or a fix id (`fix-12`); `undo_fix` a fix id;
 * `save_fix` the id of the person's message to save (offered after "that worked" on an unsaved fix).
 */
export type ActionId = 'share' | 'helpful' | 'not_it' | 'other_matches' | 'full_article' | 'undo_fix' | 'save_fix';

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
  /**
   * Where the article can be read in full: the article's own link, else (archive) the KB_URL
   * template filled in; null for a team document without a link (its id, a path, is shown instead).
   */
  url: string | null;
  /**
   * 'doc': a team document (Markdown, HTML, plain text): section texts are in the document format
   * (paragraphs, "- " list lines, ``` fences, `code`; see render/doc-text.ts) and are not collapsed.
   * Absent: an archive article, shown exactly as before.
   */
  format?: 'doc';
  /** The KB source the article comes from ("runbooks"); set only when the KB has more than one. */
  source?: string;
  /** An alert runbook (it has an Impact section): symptoms are labelled "Meaning", the fix "Mitigation". */
  runbook?: boolean;
  /** 0-1; 1 for an article asked for by number; absent for a further candidate ("the other one"). */
  confidence?: number;
  /** Why it matched, one line ("error text "…" (100% of the text); code 0xc0020002"). */
  why: string;
  product: string | null;
  appliesTo: string[];
  date: string | null;
  /** Shortened in the summary view. */
  symptoms?: string;
  /** A team document without a symptoms section: its summary (front-matter description or first paragraph). */
  summary?: string;
  cause?: string;
  /** What the problem costs (a runbook's Impact). */
  impact?: string;
  /** How to find out what is wrong (a runbook's Diagnosis), with its first commands. */
  diagnosis?: string;
  /** 'diagnosis' when the numbered steps are the article's diagnosis (it has no fix steps): shown under "Diagnosis". */
  stepsOf?: 'diagnosis';
  /** A team document whose headings matched no known section: the start of its other sections. */
  otherSections?: { heading: string; text: string }[];
  /**
   * Another article matched almost as well (a near tie): shown as "Close call: <id> <title> also
   * matches (say "the other one")", so the answer does not read as sure. Absent when the lead is clear.
   */
  closeCall?: { id: string; title: string };
  /** The fix as numbered steps, code marked. Empty when the article has none. */
  steps: AnswerStep[];
  /**
   * The resolution or workaround in prose when there are no numbered steps; with steps (an archive
   * article), the resolution's own words shown before them, cut by whole sentences in the summary view.
   */
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

/** A fix the team saved from an incident thread, as an answer shows it ("Your team fixed this before"). */
export interface TeamFix {
  /** "fix-12". */
  id: string;
  title: string;
  /** The fix as written, at most 600 characters (a code block is kept whole or left out); Markdown-ish, escaped by renderers. */
  text: string;
  /** Platform user id of whoever wrote it (Slack renders `<@U…>`). */
  author: string;
  /** Display name at save time; null when unknown (Slack). */
  authorName: string | null;
  /** Saved on, "2026-12-05" (UTC). */
  date: string;
  /** The thread it came from; null when unknown. */
  permalink: string | null;
  /** Buttons: `helpful` / `not_it` with the fix id. */
  actions: AnswerAction[];
}

/** One past thread with the same error, and how it ended ("has anyone seen this before?"). */
export interface HistoryItem {
  /** A saved fix, or a past thread the bot answered (or could not). */
  kind: 'fix' | 'thread';
  /** The fix's title, else what was answered ("Q193567: …"), else "unanswered". */
  title: string;
  /** How it ended: "fixed: <fix title>", "Q193567 helped", "answered, no feedback", "unanswered". */
  outcome: string;
  /** Milliseconds since the epoch. */
  at: number;
  conversation: string;
  thread: string;
  /** A link to the thread, when known (a fix's permalink); renderers may build one from conversation and thread. */
  permalink: string | null;
  /** The fix id, for kind 'fix'. */
  fixId?: string;
}

export type Reply =
  | { kind: 'answer'; answer: ArticleAnswer; intro?: string; teamFix?: TeamFix }
  /** A team fix alone: no article matched, but a fix the team saved does. */
  | { kind: 'fix'; fix: TeamFix; intro?: string }
  /**
   * A short acknowledgement: in a Slack thread the `emoji` reaction on the person's message; the
   * `text` elsewhere (DMs, Teams, the console) and when the reaction fails.
   *
   * `peek` (issue #25, peek mode): the 👀 on an overheard message the bot is not sure about, which
   * its asker can add too to get the answer. Only ever a reaction in Slack (when the reaction fails,
   * nothing is posted); the console and the fake adapter show its text, "(👀)". Teams never gets one
   * (it delivers only messages that mention the bot).
   */
  | { kind: 'ack'; emoji: string; text: string; peek?: true }
  /** "Saved as a team fix: <title> (fix-12)", one line, with an Undo button (`undo_fix`, value `fixId`). */
  | { kind: 'saved'; fixId: string; title: string; text: string }
  /** "Save @ana's fix for next time?" with a Save as fix button (`save_fix`, value `messageId`). */
  | { kind: 'offer_save'; text: string; messageId: string; author: string }
  /** Past threads with the same error, newest first, and how each ended. */
  | { kind: 'history'; intro: string; items: HistoryItem[] }
  | { kind: 'suggestions'; intro: string; candidates: Candidate[] }
  | { kind: 'no_match'; text: string; hints: string[] }
  | { kind: 'text'; text: string };
