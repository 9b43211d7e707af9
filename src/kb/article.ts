/**
 * The parsed form of one knowledge-base article. Field names are a contract:
 * `kbbot parse --json` prints exactly these (see README "Article fields").
 */

/**
 * Which form an article was read from: the Microsoft archive's three ('text', 'collapsed', and
 * 'markdown', its Jekyll pages), or a team's own documents: 'gfm' (CommonMark + GFM, with or without
 * front matter), 'html' (an export from a wiki, Confluence or SharePoint) and 'plain' (a text file).
 */
export type ArticleForm = 'text' | 'collapsed' | 'markdown' | 'gfm' | 'html' | 'plain';

/** The archive's forms: everything else is a team document. */
export const ARCHIVE_FORMS: readonly ArticleForm[] = ['text', 'collapsed', 'markdown'];

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
  /** What the problem costs (a runbook's "Impact"). */
  impact?: string;
  /** How to find out what is wrong (a runbook's "Diagnosis", "Troubleshooting"). */
  diagnosis?: string;
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
  /**
   * The archive's "Q290226" (from the content, never the file name); for a team document its
   * front matter's `id`, else its path relative to the KB folder, exactly as on disk
   * ("openshift/alerts/etcdNoLeader.md", always with '/').
   */
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
  /** The name of the KB folder the article was read from ("runbooks" in KB_DIR=runbooks=/srv/runbooks); null when parsed alone. */
  source: string | null;
  /** The article's own link: front matter `url`, `canonical_url`, `permalink` or `source`, else the folder's URL template; null: none. */
  url: string | null;
  /** Names of the alerts the article is the runbook of ("etcdNoLeader"): front matter `alert(s)`/`alertname`, or a file stem or title that is one identifier. */
  alertNames: string[];
}
