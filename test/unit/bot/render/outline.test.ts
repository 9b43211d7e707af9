// What an answer shows, in order, for each view: the part list the console, Slack and Teams
// renderers all walk (so each renderer's own tests only check how a part looks).
import { describe, expect, it } from 'vitest';
import { buildAnswer } from '../../../../src/bot/build-answer.js';
import type { ArticleAnswer, AnswerView } from '../../../../src/bot/reply.js';
import {
  appliesToOf,
  noMatchLines,
  outline,
  paragraphsOf,
  relatedLabel,
  type Part,
} from '../../../../src/bot/render/outline.js';
import { seedKb } from '../../../helpers/seed-kb.js';

const kb = seedKb();
function answerOf(id: string, view: AnswerView): ArticleAnswer {
  const article = kb.get(id);
  if (!article) throw new Error(`no seed ${id}`);
  return buildAnswer(article, { confidence: 0.9, why: 'test reason', view });
}
const kinds = (parts: Part[]): string[] => parts.map((p) => ('heading' in p ? `${p.kind}:${p.heading}` : p.kind));

describe('outline', () => {
  it('summary: symptoms, cause, the warning before the fix, status, keys the steps do not name, files, related', () => {
    expect({
      Q196171: kinds(outline(answerOf('Q196171', 'summary'))),
      Q235418: kinds(outline(answerOf('Q235418', 'summary'))),
      Q174743: kinds(outline(answerOf('Q174743', 'summary'))),
      Q193567: kinds(outline(answerOf('Q193567', 'summary'))),
      Q290226: kinds(outline(answerOf('Q290226', 'summary'))),
    }).toEqual({
      Q196171: ['text:Symptoms', 'warning', 'steps:Fix', 'text:Status'],
      Q235418: ['text:Symptoms', 'text:Cause', 'warning', 'steps:Fix'],
      Q174743: ['text:Symptoms', 'no_fix'],
      Q193567: ['text:Symptoms', 'text:Cause', 'text:Fix', 'text:Status', 'list:Files', 'related'],
      Q290226: ['text:Symptoms', 'text:Cause', 'warning', 'steps:Fix'],
    });
  });

  it('steps: only the warning, the fix (or "no fix") and the keys the steps do not name, or files', () => {
    expect({
      Q196171: kinds(outline(answerOf('Q196171', 'steps'))),
      Q174743: kinds(outline(answerOf('Q174743', 'steps'))),
      Q193567: kinds(outline(answerOf('Q193567', 'steps'))),
      Q290226: kinds(outline(answerOf('Q290226', 'steps'))),
    }).toEqual({
      Q196171: ['warning', 'steps:Fix'],
      Q174743: ['no_fix'],
      Q193567: ['text:Fix', 'list:Files'],
      Q290226: ['warning', 'steps:Fix'],
    });
  });

  it('full: the warning first, every section under its own heading, then "no fix", keys, files, related', () => {
    expect({
      Q235418: kinds(outline(answerOf('Q235418', 'full'))),
      Q174743: kinds(outline(answerOf('Q174743', 'full'))),
      Q193567: kinds(outline(answerOf('Q193567', 'full'))),
      Q290226: kinds(outline(answerOf('Q290226', 'full'))),
    }).toEqual({
      Q235418: ['warning', 'text:Symptoms', 'text:Cause', 'text:Workaround', 'list:Registry keys'],
      Q174743: ['text:Symptoms', 'text:More information', 'no_fix'],
      Q193567: [
        'text:Symptoms',
        'text:Cause',
        'text:Resolution',
        'text:Status',
        'text:More information',
        'list:Files',
        'related',
      ],
      Q290226: ['warning', 'text:Symptoms', 'text:Cause', 'text:Resolution', 'list:Registry keys'],
    });
  });

  it('marks registry keys and file names as code in the key and file lists', () => {
    const [keys] = outline(answerOf('Q290226', 'full')).filter((p) => p.kind === 'list');
    expect(keys?.kind === 'list' && keys.items[0]).toEqual([
      { text: 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS', code: true },
    ]);
    const [files] = outline(answerOf('Q193567', 'steps')).filter((p) => p.kind === 'list');
    expect(files?.kind === 'list' && files.items).toEqual([
      [{ text: 'Kmsupgrd.dll', code: true }, { text: ' 5.5.2418.0' }],
    ]);
  });
});

describe('paragraphsOf', () => {
  it('keeps the lines of indented paragraphs (quoted errors, keys) and joins the others', () => {
    expect(
      paragraphsOf(
        'The error is:\nsee below\n\n    Setup failed:\n    ID no: 0xc0020002\n\n  1. Stop KMS.\n     Then wait.',
      ),
    ).toEqual([
      { text: 'The error is: see below', quoted: false },
      { text: 'Setup failed:\nID no: 0xc0020002', quoted: true },
      { text: '1. Stop KMS. Then wait.', quoted: false },
    ]);
  });
});

describe('labels', () => {
  it('names related articles with their titles when known, applies-to over product, no-match hints as bullets', () => {
    expect(relatedLabel({ id: 'Q235418', title: 'XADM:  Cannot Apply\nService Pack' })).toBe(
      'Q235418 (XADM: Cannot Apply Service Pack)',
    );
    expect(relatedLabel({ id: 'Q191014' })).toBe('Q191014');
    const a = answerOf('Q290226', 'summary');
    expect(appliesToOf(a)).toBe('Microsoft Exchange Server, version 5.5');
    expect(appliesToOf({ ...a, appliesTo: [] })).toBe('Microsoft Exchange');
    expect(noMatchLines({ text: 'No match.', hints: ['Paste the\n error.'] })).toEqual([
      'No match.',
      '• Paste the error.',
    ]);
  });
});
