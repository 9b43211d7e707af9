/**
 * The search messaging extension (command `searchKb`, parameter `query`): the articles that
 * answer the query as result cards the user can insert into a message (the first led by the
 * team's fix when one answers it too; the fix alone when only a fix does). Each result is the
 * answer's Adaptive Card with a thumbnail-card preview (id and title, why it matched).
 *
 * Only the Bot API is used: the query is asked in a throw-away thread (`via: 'command'`, so the
 * bot always answers), and each candidate is then "picked" in that thread to get its answer.
 */
import { CardFactory, type MessagingExtensionAttachment, type MessagingExtensionResponse } from 'botbuilder';
import type { Bot } from '../../bot/bot.js';
import type { ArticleAnswer, Reply, TeamFix } from '../../bot/reply.js';
import { renderAdaptiveCard } from './card.js';
import { SEARCH_PARAMETER } from './commands.js';

export { SEARCH_COMMAND, SEARCH_PARAMETER } from './commands.js';
/** Result cards a search returns at most (Teams shows a short list). */
export const SEARCH_DEFAULTS = { results: 5 } as const;

export type SearchBot = Pick<Bot, 'respond' | 'act'>;

export interface SearchQuery {
  commandId?: string;
  parameters?: { name?: string; value?: unknown }[];
  queryOptions?: { skip?: number; count?: number };
}

/** The text searched for: the `query` parameter (Teams sends `initialRun` for an empty box). */
export function queryText(query: SearchQuery): string {
  const p = query.parameters?.find((x) => x.name === SEARCH_PARAMETER);
  return typeof p?.value === 'string' ? p.value.trim() : '';
}

function resultOf(answer: ArticleAnswer, reply: Reply): MessagingExtensionAttachment {
  const preview = CardFactory.thumbnailCard(`${answer.id}: ${answer.title}`, answer.why || answer.product || '');
  return { ...CardFactory.adaptiveCard(renderAdaptiveCard(reply)), preview };
}

function fixResult(fix: TeamFix, reply: Reply): MessagingExtensionAttachment {
  const preview = CardFactory.thumbnailCard(`${fix.id}: ${fix.title}`, fix.authorName ?? fix.author);
  return { ...CardFactory.adaptiveCard(renderAdaptiveCard(reply)), preview };
}

const answerOf = (reply: Reply | null): ArticleAnswer | undefined =>
  reply?.kind === 'answer' ? reply.answer : undefined;

/** Result cards of the articles answering `text`, best first, at most `max`. */
async function search(
  bot: SearchBot,
  text: string,
  user: string,
  max: number,
): Promise<MessagingExtensionAttachment[]> {
  const place = {
    user,
    conversation: 'teams-search',
    thread: `search-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  };
  const first = await bot.respond({ ...place, text, via: 'command' });
  // Only a fix the team saved answers it: that fix is the result.
  if (first?.kind === 'fix') return [fixResult(first.fix, first)];
  const ids: string[] = [];
  const out: MessagingExtensionAttachment[] = [];
  const top = answerOf(first);
  if (top && first) {
    ids.push(top.id);
    out.push(resultOf(top, first));
    const others = await bot.act({ ...place, action: 'other_matches', value: top.id });
    if (others.kind === 'suggestions') ids.push(...others.candidates.map((c) => c.id));
  } else if (first?.kind === 'suggestions') {
    ids.push(...first.candidates.map((c) => c.id));
  }
  for (const id of ids.slice(out.length, max)) {
    const picked = await bot.act({ ...place, action: 'pick', value: id });
    const answer = answerOf(picked);
    if (answer) out.push(resultOf(answer, picked));
  }
  return out;
}

export async function searchResponse(
  bot: SearchBot,
  query: SearchQuery,
  user: string,
): Promise<MessagingExtensionResponse> {
  const text = queryText(query);
  const max = Math.max(1, Math.min(query.queryOptions?.count ?? SEARCH_DEFAULTS.results, SEARCH_DEFAULTS.results));
  const attachments = text ? await search(bot, text, user, max) : [];
  return { composeExtension: { type: 'result', attachmentLayout: 'list', attachments } };
}
