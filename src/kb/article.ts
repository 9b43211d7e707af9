/**
 * The parsed form of one knowledge-base article. Field names are a contract:
 * `kbbot parse --json` prints exactly these (see README "Article fields").
 */

/** Which of the three on-disk forms an article was read from. */
export type ArticleForm = 'text' | 'collapsed' | 'markdown';

/** A file named in the article's file-attribute table ("File Name  Version"). */
export interface FileVersion {
  name: string;
  version: string;
}

/**
 * Section texts without their headings. Well-known sections use these keys; any other
 * underlined heading is kept under a camelCase key made from its text.
 */
export interface Sections {
  summary?: string;
  symptoms?: string;
  cause?: string;
  resolution?: string;
  workaround?: string;
  status?: string;
  moreInformation?: string;
  references?: string;
  [other: string]: string | undefined;
}

export interface Article {
  /** Where the article was read from. */
  path: string;
  /** "Q290226": from the article's content, never from the file name. */
  id: string;
  /** As written, prefix ("XADM: ") kept. */
  title: string;
  /** "Microsoft Exchange" */
  product: string | null;
  /** "exchange": from "[exchange]" or the permalink/product. */
  category: string | null;
  /** ["5.5"]: from PROD/VER, the applies-to list and "Version(s)". */
  versions: string[];
  /** ISO date "2001-08-23" */
  date: string | null;
  keywords: string[];
  /** "kbbug", "kbprb", "kbinfo", ... */
  issueType: string | null;
  /** "kbfix", "kbnofix", ... or null */
  solutionType: string | null;
  /** ["Microsoft Exchange Server, version 5.5"] */
  appliesTo: string[];
  sections: Sections;
  /** Error and message texts the article quotes as something the user sees, whitespace collapsed. */
  errorMessages: string[];
  /** The numbered procedure of the fix, one string per top-level step. */
  steps: string[];
  /** Full HKEY_... paths, each once. */
  registryKeys: string[];
  files: FileVersion[];
  /** Q-numbers the article refers to, not its own. */
  related: string[];
  /** True when the article carries the registry-editing warning. */
  registryWarning: boolean;
  /** The form the file was in. */
  form: ArticleForm;
}
