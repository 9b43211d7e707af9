/** String-coded errors of the KB subsystem, one small class each (bolt-js style). */

export type KbErrorCode =
  'kb_empty' | 'kb_binary' | 'kb_too_large' | 'kb_not_article' | 'kb_truncated' | 'kb_unreadable' | 'kb_index_invalid';

export class KbError extends Error {
  constructor(
    readonly code: KbErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'KbError';
  }
}

/** A file that is not a readable KB article; `message` is the reason shown to people. */
export class ArticleParseError extends KbError {
  override name = 'ArticleParseError';
}

/** An index file that cannot be used (corrupt, wrong version); callers re-ingest. */
export class IndexFormatError extends KbError {
  override name = 'IndexFormatError';
  constructor(message: string) {
    super('kb_index_invalid', message);
  }
}
