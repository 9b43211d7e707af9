/** Team documents: Markdown, HTML and plain text. (Placeholder until the document parser lands.) */
import type { Article } from '../../article.js';
import { ArticleParseError } from '../../errors.js';
import type { ParseContext } from '../context.js';

export function parseDocument(_text: string, _path: string, _context: ParseContext): Article {
  throw new ArticleParseError('kb_not_article', 'not a KB article: team documents are not read yet');
}
