// The three forms on the corpus: a random sample of original-form articles parses to the same article
// in the collapsed and markdown forms made from it, and the collapsed form reads most of the held-out
// articles' quoted error messages exactly as the original does (where a quote ends is the linear
// quote-end model's guess there: models/quote-ends.json).
// Needs the corpus (KBBOT_CORPUS_DIR, default /tmp/corpus); skipped with a message without it.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCollapsedForm, toMarkdownForm } from '../../src/kb/forms.js';
import { parseArticle } from '../../src/kb/parse/index.js';
import { checkForms, decode, variant } from '../helpers/forms-check.js';

const CORPUS = process.env.KBBOT_CORPUS_DIR || '/tmp/corpus';
const present = existsSync(CORPUS);
if (!present)
  console.warn(
    `forms-agreement skipped: no corpus at ${CORPUS} (set KBBOT_CORPUS_DIR, or unpack ../shared/corpus/kbarchive-corpus.tar.gz into /tmp)`,
  );

describe.skipIf(!present)(`the three forms of the articles in ${CORPUS}`, () => {
  it('a random sample of original-form articles gives the same article in every form', () => {
    const originals = readdirSync(CORPUS)
      .sort()
      .filter(
        (f) =>
          readFileSync(join(CORPUS, f)).subarray(0, 2000).toString('latin1').split('\n').length > 3 &&
          !f.endsWith('.md'),
      )
      .filter((f) => readFileSync(join(CORPUS, f), 'latin1').startsWith('DOCUMENT:'));
    fc.assert(
      fc.property(fc.constantFrom(...originals), variant, (file, v) => {
        checkForms(decode(readFileSync(join(CORPUS, file))), file, v);
      }),
      { seed: 7, numRuns: 400 },
    );
  }, 120_000);

  it('the collapsed form reads most held-out quoted messages identically', () => {
    // Held-out split: scripts/train-quote-model.mjs trains on files i % 7 != 0. The first 2,500 of its
    // original-form articles by default; KBBOT_AGREEMENT_ARTICLES=all measures on all 4,135.
    const limit = Number(process.env.KBBOT_AGREEMENT_ARTICLES ?? 2500) || Infinity;
    const files = readdirSync(CORPUS)
      .sort()
      .filter((_, i) => i % 7 === 0);
    let total = 0;
    let same = 0;
    let markdownSame = 0;
    let sameStart = 0;
    let articles = 0;
    for (const f of files) {
      const bytes = readFileSync(join(CORPUS, f));
      if (!bytes.subarray(0, 9).toString('latin1').startsWith('DOCUMENT:') || !bytes.includes(10)) continue;
      const text = decode(bytes);
      if (text.split('\n').length < 3) continue;
      const base = parseArticle(text, f);
      const collapsed = new Set(parseArticle(toCollapsedForm(text), f).errorMessages);
      const markdown = new Set(parseArticle(toMarkdownForm(text), f).errorMessages);
      total += base.errorMessages.length;
      same += base.errorMessages.filter((m) => collapsed.has(m)).length;
      markdownSame += base.errorMessages.filter((m) => markdown.has(m)).length;
      // Where the exact text differs, mostly the end does: is a message found that starts with the same six words?
      const starts = [...collapsed].map((c) => c.toLowerCase());
      sameStart += base.errorMessages.filter((m) =>
        starts.some((c) => c.startsWith(m.toLowerCase().split(' ').slice(0, 6).join(' '))),
      ).length;
      if (++articles >= limit) break;
    }
    // The markdown form keeps the lines, so it reads every message alike.
    expect(markdownSame).toBe(total);
    // Floors about half a point under the measured level, against regressions. Parser v11 (the linear model
    // alone) reads 766 of 856 messages alike (89.5%) on the first 2,500 articles, 1,424 of 1,619 (88.0%) on all 4,135.
    expect(same / total).toBeGreaterThan(limit === 2500 ? 0.89 : 0.875);
    expect(sameStart / total).toBeGreaterThan(0.97);
  }, 300_000);
});
