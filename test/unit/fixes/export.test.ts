/**
 * A team fix exported as Markdown reads back, through kbbot's own reader (`parseArticle`), as the
 * same article: its id, title, date, link, errors and the fix as written. A folder of exported
 * fixes served as a KB answers the error with the fix.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { fixFileName, fixMarkdown } from '../../../src/fixes/export.js';
import type { Article } from '../../../src/kb/article.js';
import { KnowledgeBase } from '../../../src/kb/knowledge-base.js';
import { parseArticle } from '../../../src/kb/parse/index.js';
import { collapse } from '../../../src/kb/parse/text.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import type { FixRecord } from '../../../src/memory/types.js';
import { tempDir } from '../../helpers/paths.js';
import { makeFix, TEAM_FIXES } from './make-fix.js';

function roundTrip(fix: FixRecord): Article {
  return parseArticle(fixMarkdown(fix), fixFileName(fix));
}

/** The front matter of an export, as YAML reads it. */
function frontMatter(markdown: string): Record<string, unknown> {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  return parseYaml(m?.[1] ?? '') as Record<string, unknown>;
}

describe('fixMarkdown → parseArticle', () => {
  it('gives back the id, title, date, link, the error and the fix as written', () => {
    const fix = makeFix();
    const a = roundTrip(fix);
    expect(a.id).toBe('fix-1');
    expect(a.title).toBe("KMS service won't start after SP3");
    expect(a.date).toBe('2026-12-05');
    expect(a.url).toBe(fix.permalink);
    expect(a.form).toBe('gfm');
    expect(a.errorMessages[0]).toBe(fix.errors[0]);
    expect(a.sections.symptoms).toContain('Error 0x8007000D: The data is invalid.');
    expect(a.sections.resolution).toBe(fix.text);
    expect(a.keywords).toContain('0x8007000d');
  });

  it('writes the author, saver and what was offered in the front matter', () => {
    const md = fixMarkdown(makeFix());
    const fm = frontMatter(md);
    expect(fm).toMatchObject({
      id: 'fix-1',
      title: "KMS service won't start after SP3",
      url: 'https://acme.slack.com/archives/C123/p1733390100000200',
      author: 'U123 (Ana Lopez)',
      saved_by: 'U456',
      source: 'kbbot team fix',
      offered: [{ article: 'Q193567', verdict: 'not_it' }],
    });
    expect(md).toContain('\n# KMS service won');
    expect(md).toContain('\n## Symptoms\n');
    expect(md).toContain('\n## Resolution\n\nFixed it by restarting the KM service and re-running update.exe\n');
  });

  it('keeps code fences and numbered steps in the fix, and reads the steps', () => {
    const [, fenced, numbered] = TEAM_FIXES as [FixRecord, FixRecord, FixRecord];
    const a = roundTrip(fenced);
    expect(a.sections.resolution).toContain('kubectl rollout undo deployment/payments -n payments');
    expect(a.errorMessages[0]).toBe(fenced.errors[0]);
    const b = roundTrip(numbered);
    expect(b.steps).toHaveLength(3);
    expect(b.steps[0]).toContain('certbot renew --cert-name registry.internal');
    expect(b.errorMessages[0]).toBe(numbered.errors[0]);
  });

  it('gives back a multi-line error as one message (whitespace collapsed), and several errors in order', () => {
    const errors = [
      'Unhandled exception: System.IO.IOException: The process cannot access the file\n   at System.IO.FileStream.Init(String path)\n   at Kms.Service.Start()',
      'Service KMS failed to start: error 1067, the process terminated unexpectedly',
    ];
    const a = roundTrip(makeFix({ errors }));
    expect(a.errorMessages.slice(0, 2)).toEqual(errors.map(collapse));
  });

  it('falls back to a block quote for an error the reader would take as a command, still read back as the error', () => {
    const errors = ['$ systemctl start kms fails with: Job for kms.service failed because the control process exited'];
    const md = fixMarkdown(makeFix({ errors }));
    expect(md).toContain('> ');
    expect(roundTrip(makeFix({ errors })).errorMessages[0]).toBe(collapse(errors[0]!));
  });

  it('escapes markup in a quoted error and in the title', () => {
    const title = 'Error *C:\\Program Files\\kms* <service> [stopped] `x` & "quoted"';
    const errors = ['# 1. <config> _invalid_: value `*` at [line 3] & more'];
    const a = roundTrip(makeFix({ title, errors }));
    expect(a.title).toBe(title);
    expect(a.errorMessages[0]).toBe(errors[0]);
  });

  it('round-trips quotes, colons and a leading Q-less id in the title', () => {
    for (const title of [`KMS "won't" start: 'again'`, 'title: with a colon', '“Curly” quotes — and a dash']) {
      const a = roundTrip(makeFix({ title }));
      expect(a.title).toBe(title);
    }
  });

  it('reads back a title that starts like an archive id ("Q290226: …") as a team fix', () => {
    const title = 'Q290226: the hotfix breaks KMS';
    const a = roundTrip(makeFix({ title }));
    expect(a.form).toBe('gfm');
    expect(a.title).toBe(title);
    expect(a.id).toBe('fix-1');
  });

  it('writes no Symptoms section for a fix saved with no error, and still reads back', () => {
    const md = fixMarkdown(makeFix({ errors: [], codes: [], offered: [], permalink: null, authorName: null }));
    expect(md).not.toContain('## Symptoms');
    const fm = frontMatter(md);
    expect(fm.author).toBe('U123');
    expect(fm).not.toHaveProperty('url');
    const a = parseArticle(md, 'fix-1.md');
    expect(a.id).toBe('fix-1');
    expect(a.url).toBeNull();
    expect(a.sections.resolution).toContain('re-running update.exe');
  });

  it('keeps a fence inside an error that holds backticks', () => {
    const errors = ['Error: unexpected token ``` in template at line 4 (parse failed)'];
    expect(roundTrip(makeFix({ errors })).errorMessages[0]).toBe(errors[0]);
  });
});

describe('a folder of exported fixes served as a KB', () => {
  const { dir, cleanup } = tempDir('kbbot-fixes-export-');
  afterAll(cleanup);

  it('answers each fix error with that fix', () => {
    const out = join(dir, 'fixes');
    mkdirSync(out);
    for (const fix of TEAM_FIXES) writeFileSync(join(out, fixFileName(fix)), fixMarkdown(fix));
    const articles = readdirSync(out).map((f) =>
      parseArticle(readFileSync(join(out, f)), join(out, f), { root: out, source: 'fixes' }),
    );
    expect(articles.map((a) => a.id).sort()).toEqual(TEAM_FIXES.map((f) => f.id).sort());
    const ranker = Ranker.build(new KnowledgeBase(articles));
    for (const fix of TEAM_FIXES) {
      const ranking = ranker.rank(fix.errors[0]!);
      expect(ranking.hits[0]?.article.id, fix.id).toBe(fix.id);
      expect(ranking.hits[0]?.article.sections.resolution).toBe(fix.text);
    }
    const paste = ranker.rank('Service KMS failed to start. Error 0x8007000D: The data is invalid.');
    expect(paste.hits[0]?.article.id).toBe('fix-1');
    expect(paste.confidence).toBeGreaterThan(0.6);
  });
});
