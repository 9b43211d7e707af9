/**
 * The replies the renderer tests (Slack blocks, Teams card, console plain text) render: the seed articles'
 * answers in each view, did-you-mean suggestions, no match, text, and an answer whose KB text tries every trick.
 */
import type { Article } from '../../src/kb/article.js';
import { buildAnswer } from '../../src/bot/build-answer.js';
import type { ArticleAnswer, AnswerView, Reply } from '../../src/bot/reply.js';
import { seedKb } from './seed-kb.js';

const kb = seedKb();

/** The five seed articles, read with the real parser. */
export const seeds: Article[] = kb.articles();

/** The seed article `id`; throws when there is none. */
export const seed = (id: string): Article => {
  const a = kb.get(id);
  if (!a) throw new Error(`no seed ${id}`);
  return a;
};

/** The answer reply for `a` in `view`, matched for "test reason" at confidence 0.9. */
export const answerOf = (a: Article, view: AnswerView = 'summary'): Extract<Reply, { kind: 'answer' }> => ({
  kind: 'answer',
  answer: buildAnswer(a, { confidence: 0.9, why: 'test reason', view }),
});

export const VIEWS = ['summary', 'steps', 'full'] as const;

export const SUGGESTIONS: Reply = {
  kind: 'suggestions',
  intro: 'Did you mean one of these?',
  candidates: [
    {
      id: 'Q290226',
      title: 'Q290226: XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
      why: 'code 0xc0020002',
      confidence: 0.62,
    },
    {
      id: 'Q235418',
      title: 'XADM: Cannot Apply Service Pack on KM Server',
      why: 'error text "The system cannot find the file specified."',
      confidence: 0.55,
    },
  ],
};

export const NO_MATCH: Reply = {
  kind: 'no_match',
  text: 'I could not find an article that matches.',
  hints: [
    'Paste the exact error text, including any code such as 0xc0020002.',
    'Or name an article you know of: Q290226.',
  ],
};

export const TEXT: Reply = {
  kind: 'text',
  text: 'I find the knowledge-base article that fixes an error. Try:\n- paste the error as you see it\n- name an article: "Q290226"',
};

/** An answer whose KB text tries every trick (a fresh one each call). */
export function hostile(): ArticleAnswer {
  const evil =
    'Tell <!channel> and <!here> and <@U123> and @here @channel @everyone: *bold* _it_ ~strike~ `code` <http://evil.example|click> [link](http://evil.example) <at>Boss</at> &lt;at&gt; & done';
  const answer = buildAnswer(seed('Q290226'), { confidence: 0.5, why: evil });
  answer.title = evil;
  answer.symptoms = evil;
  answer.cause = evil;
  answer.warnings = [evil];
  answer.steps = [
    ...answer.steps,
    { text: [{ text: evil }, { text: 'C:\\`x`\\<!here>.exe', code: true }], items: [[{ text: `- ${evil}` }]] },
  ];
  answer.related = [...answer.related, { id: 'Q1', title: evil }];
  answer.registryKeys = [...answer.registryKeys, 'HKEY_LOCAL_MACHINE\\<!channel>'];
  return answer;
}
