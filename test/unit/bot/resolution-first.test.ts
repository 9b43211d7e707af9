/**
 * Answers lead with what fixes it (issue #25): the article's resolution in its own words before its
 * numbered steps, registry keys listed once, and a near tie flagged under the Matched line, in the
 * console, Slack and Teams alike. Answers without those features read as before.
 */
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { renderPlain } from '../../../src/adapters/console/plain.js';
import { renderSlack, type SlackBlock } from '../../../src/adapters/slack/blocks.js';
import { renderAdaptiveCard } from '../../../src/adapters/teams/card.js';
import { ANSWER_DEFAULTS, buildAnswer } from '../../../src/bot/build-answer.js';
import { Bot } from '../../../src/bot/bot.js';
import type { ArticleAnswer, Reply } from '../../../src/bot/reply.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { makeArticle } from '../../helpers/articles.js';
import { seedKb } from '../../helpers/seed-kb.js';

const kb = seedKb();
const ranker = Ranker.build(kb);
const newChat = (): FakeAdapter => new FakeAdapter(new Bot(kb, { ranker }));

function answerOf(reply: Reply | null): ArticleAnswer {
  if (reply?.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  return reply.answer;
}

/** Q290226's main fix, in the article's words; the steps that follow are its manual fallback. */
const Q290226_LEAD =
  'To resolve this issue, remove the KMS component and apply it again. If you cannot remove the KMS component ' +
  'when you run Setup.exe, you must remove it manually:';
const KEYS = [
  'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer',
  'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server',
];

const count = (text: string, part: string): number => text.split(part).length - 1;
const mrkdwnOf = (b: SlackBlock): string => {
  const t = (b.text ?? (b.elements as SlackBlock[] | undefined)?.[0]) as { text?: unknown } | undefined;
  return typeof t?.text === 'string' ? t.text : '';
};

describe('the resolution in its own words, then the steps', () => {
  it('Q290226 (ID no: 0xc0020002): the main fix first, then the manual steps, in the console', async () => {
    const reply = await newChat().say('ID no: 0xc0020002');
    expect(answerOf(reply).id).toBe('Q290226');
    const text = renderPlain(reply as Reply, { width: 200 });
    expect(text).toContain(`Fix:\n  ${Q290226_LEAD}\n  1. Stop KMS.\n  2. Start Registry Editor (Regedt32.exe).`);
    // Said once: the lead is not repeated, and no step is said in it.
    expect(count(text, 'remove the KMS component and apply it again')).toBe(1);
    expect(count(text, 'Stop KMS')).toBe(1);
  });

  it('Q290226 in Slack and Teams: the same words, before step 1', async () => {
    const reply = (await newChat().say('ID no: 0xc0020002')) as Reply;
    const fix = renderSlack(reply)
      .blocks.map(mrkdwnOf)
      .find((t) => t.startsWith('*Fix*'));
    expect(fix?.split('\n').slice(0, 3)).toEqual(['*Fix*', Q290226_LEAD, '1. Stop KMS.']);
    const body = renderAdaptiveCard(reply).body;
    const at = body.findIndex((b) => b.text === 'Fix');
    expect(body[at + 1]?.text).toBe(Q290226_LEAD);
    expect(body[at + 2]?.type).toBe('RichTextBlock');
  });

  it('asked for the steps, the resolution still leads them', async () => {
    const a = answerOf(await newChat().say('kb 290226 steps'));
    expect(a.view).toBe('steps');
    expect(renderPlain({ kind: 'answer', answer: a }, { width: 200 })).toContain(
      `Fix:\n  ${Q290226_LEAD}\n  1. Stop KMS.`,
    );
  });

  it('leaves out sentences that only announce the steps, and text a step already says', () => {
    const leads = Object.fromEntries(
      kb.articles().map((a) => [a.id, buildAnswer(a, { confidence: 0.9, why: 'test' }).fixText ?? null]),
    );
    expect(leads).toEqual({
      Q196171: 'To work around this problem, to delete the MSExchangeKMS service registry entry using Regedt32.',
      Q235418: 'Remove the KM server password from the ImagePath registry value.',
      Q174743: null,
      // No steps: the prose fix as before.
      Q193567: expect.stringMatching(/^To resolve this problem, obtain the latest service pack/),
      Q290226: Q290226_LEAD,
    });
    const article = makeArticle({
      id: 'Q100010',
      sections: {
        resolution:
          'To resolve this problem, follow these steps:\n\nStart Registry Editor and delete the Cache value.\n\n' +
          '1. Start Registry Editor and delete the Cache value.\n2. Restart the computer.',
      },
      steps: ['Start Registry Editor and delete the Cache value.', 'Restart the computer.'],
    });
    expect(buildAnswer(article, { confidence: 0.9, why: 'test' }).fixText).toBeUndefined();
  });

  it('keeps a long resolution short in the summary (whole sentences), whole when the steps are asked for', () => {
    const sentence = (n: number): string =>
      `Sentence ${n} of the resolution says what to change on the server and why it matters here.`;
    const prose = Array.from({ length: 8 }, (_, i) => sentence(i + 1)).join(' ');
    const article = makeArticle({
      id: 'Q100011',
      sections: { resolution: `${prose}\n\n1. Stop the service.\n2. Start the service.` },
      steps: ['Stop the service.', 'Start the service.'],
    });
    const summary = buildAnswer(article, { confidence: 0.9, why: 'test' }).fixText ?? '';
    expect(summary.length).toBeLessThanOrEqual(ANSWER_DEFAULTS.leadChars + 4);
    expect(summary).toMatch(/^Sentence 1 of .* matters here\. \.\.\.$/);
    expect(buildAnswer(article, { confidence: 0.9, why: 'test', view: 'steps' }).fixText).toBe(prose);
  });

  it("finds where the list starts when the prose says the first step's words too", () => {
    const article = makeArticle({
      id: 'Q100014',
      sections: { resolution: 'Stop the service, then clean its cache:\n\n1. Stop the service.\n2. Delete the cache.' },
      steps: ['Stop the service.', 'Delete the cache.'],
    });
    expect(buildAnswer(article, { confidence: 0.9, why: 'test' }).fixText).toBe(
      'Stop the service, then clean its cache:',
    );
  });

  it('shows the resolution when the steps come from another section', () => {
    const article = makeArticle({
      id: 'Q100012',
      sections: {
        resolution: 'To resolve this problem, obtain the latest service pack.',
        moreInformation: '1. Open the file.\n2. Save the file.',
      },
      steps: ['Open the file.', 'Save the file.'],
    });
    const text = renderPlain({ kind: 'answer', answer: buildAnswer(article, { confidence: 0.9, why: 'test' }) });
    expect(text).toContain('Fix:\n  To resolve this problem, obtain the latest service pack.\n  1. Open the file.');
  });
});

describe('registry keys listed once', () => {
  it('Q290226: every key is in the steps, so there is no separate key list', async () => {
    const reply = (await newChat().say('ID no: 0xc0020002')) as Reply;
    const text = renderPlain(reply, { width: 200 });
    expect(text).not.toContain('Registry keys:');
    for (const key of KEYS) expect(count(text, key)).toBe(1);
    expect(
      renderSlack(reply)
        .blocks.map(mrkdwnOf)
        .some((t) => t.startsWith('*Registry keys*')),
    ).toBe(false);
    expect(renderAdaptiveCard(reply).body.some((b) => b.text === 'Registry keys')).toBe(false);
  });

  it('lists only the keys the steps do not name (a longer key does not name a shorter one)', () => {
    const article = makeArticle({
      id: 'Q100013',
      sections: {
        resolution: '1. Delete HKEY_LOCAL_MACHINE\\SOFTWARE\\A.\n2. Delete HKEY_LOCAL_MACHINE\\SOFTWARE\\BC.',
      },
      steps: ['Delete HKEY_LOCAL_MACHINE\\SOFTWARE\\A.', 'Delete HKEY_LOCAL_MACHINE\\SOFTWARE\\BC.'],
      registryKeys: ['HKEY_LOCAL_MACHINE\\SOFTWARE\\A', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\B'],
    });
    const text = renderPlain({ kind: 'answer', answer: buildAnswer(article, { confidence: 0.9, why: 'test' }) });
    expect(text).toContain('Registry keys:\n  HKEY_LOCAL_MACHINE\\SOFTWARE\\B\n');
    expect(count(text, 'HKEY_LOCAL_MACHINE\\SOFTWARE\\A')).toBe(1);
  });
});

describe('a close call', () => {
  const base = (): Extract<Reply, { kind: 'answer' }> => ({
    kind: 'answer',
    answer: buildAnswer(kb.get('Q235418')!, { confidence: 0.62, why: 'error text "The system cannot find the file"' }),
  });
  const close = (title: string): Extract<Reply, { kind: 'answer' }> => {
    const reply = base();
    reply.answer.closeCall = { id: 'Q290226', title };
    return reply;
  };
  const TITLE = 'XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002';
  const LINE = `Close call: Q290226 ${TITLE} also matches — say "the other one"`;

  it('console: a line right after the Matched line; otherwise the answer is unchanged', () => {
    const lines = renderPlain(close(TITLE), { width: 200 }).split('\n');
    expect(lines[1]).toMatch(/^Matched: /);
    expect(lines[2]).toBe(LINE);
    expect(lines.filter((_, i) => i !== 2).join('\n')).toBe(renderPlain(base(), { width: 200 }));
  });

  it('Slack: a context line after the Matched context, escaped like other KB text', () => {
    const blocks = renderSlack(close(TITLE)).blocks;
    const meta = blocks.findIndex((b) => mrkdwnOf(b).startsWith('Matched: '));
    expect(blocks[meta + 1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: LINE, verbatim: true }] });
    expect(blocks.filter((_, i) => i !== meta + 1)).toEqual(renderSlack(base()).blocks);
    const hostile = mrkdwnOf(renderSlack(close('<!channel> *now*')).blocks[meta + 1]!);
    expect(hostile).toContain('&lt;!channel&gt;');
    expect(hostile).not.toMatch(/<!channel>|\*now\*/);
  });

  it('Teams: a TextBlock after the Matched line, escaped like other KB text', () => {
    const body = renderAdaptiveCard(close(TITLE)).body;
    const meta = body.findIndex((b) => String(b.text).startsWith('Matched: '));
    expect(body[meta + 1]).toMatchObject({ type: 'TextBlock', text: LINE });
    expect(body.filter((_, i) => i !== meta + 1)).toEqual(renderAdaptiveCard(base()).body);
    expect(String(renderAdaptiveCard(close('**now** [x](http://evil)')).body[meta + 1]?.text)).not.toMatch(
      /\*\*now\*\*|\]\(http/,
    );
  });

  it('a title that repeats the id says it once', () => {
    expect(renderPlain(close(`Q290226: ${TITLE}`), { width: 200 }).split('\n')[2]).toBe(LINE);
  });
});

describe('answers without those features', () => {
  it('an article without steps or keys reads as before: its prose fix, no lead, no close call', () => {
    const text = renderPlain({
      kind: 'answer',
      answer: buildAnswer(kb.get('Q193567')!, { confidence: 0.9, why: 't' }),
    });
    expect(text).toContain('Fix:\n  To resolve this problem, obtain the latest service pack for Exchange Server');
    expect(text).toContain('Files:\n  Kmsupgrd.dll 5.5.2418.0');
    expect(text).not.toContain('Close call');
  });

  it('the full view keeps every section and the key list', () => {
    const text = renderPlain(
      { kind: 'answer', answer: buildAnswer(kb.get('Q290226')!, { confidence: 0.9, why: 't', view: 'full' }) },
      { width: 200 },
    );
    expect(text).toContain('Registry keys:');
    expect(count(text, 'To resolve this issue, remove the KMS component')).toBe(1);
  });
});
