import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../src/package-info.js';
import { QUOTE_MODEL_FILE, asQuoteModel, loadQuoteModel, quoteModel } from '../../../../src/kb/parse/quote-weights.js';
import { quoteLength } from '../../../../src/kb/parse/quote-boundary.js';
import { tempDir } from '../../../helpers/paths.js';

describe('the quote-end model file (models/quote-ends.json)', () => {
  const tmp = tempDir('kbbot-quote-model-');
  afterAll(tmp.cleanup);

  it('is read once from the package root and holds the trained weights', () => {
    const model = quoteModel();
    expect(quoteModel()).toBe(model);
    expect(Number.isFinite(model.bias)).toBe(true);
    expect(Object.keys(model.weights).length).toBeGreaterThan(10_000);
    expect(loadQuoteModel(join(packageRoot(), QUOTE_MODEL_FILE))).toEqual(model);
  });

  it('is what quoteLength uses when given no model', () => {
    const tokens = 'Cannot find the file. Check the path and try again. To fix this, reinstall the program.'.split(' ');
    expect(quoteLength(tokens)).toBe(quoteLength(tokens, tokens.length, quoteModel()));
  });

  it.each([
    ['not an object', [1, 2], /not a JSON object/],
    ['no bias', { weights: { a: 1 } }, /"bias" is not a number/],
    ['no weights', { bias: 0 }, /"weights" is not an object/],
    ['empty weights', { bias: 0, weights: {} }, /"weights" is empty/],
    [
      'a weight that is not a number',
      { bias: 0, weights: { 'pe=stop': '1' } },
      /the weight of "pe=stop" is not a number/,
    ],
  ])('a file with %s is refused with an error naming it', (_, data, why) => {
    expect(() => asQuoteModel(data, '/x/models/quote-ends.json')).toThrow(
      /\/x\/models\/quote-ends\.json is not a quote-end model/,
    );
    expect(() => asQuoteModel(data, '/x/models/quote-ends.json')).toThrow(why);
  });

  it('a missing file or one that is not JSON is refused with an error naming it', () => {
    const missing = join(tmp.dir, 'missing.json');
    expect(() => loadQuoteModel(missing)).toThrow(`cannot read the quote-end model ${missing}`);
    const broken = join(tmp.dir, 'broken.json');
    writeFileSync(broken, '{"bias": -2.5, "weights": {');
    expect(() => loadQuoteModel(broken)).toThrow(`${broken} is not valid JSON`);
    const good = join(tmp.dir, 'good.json');
    writeFileSync(good, JSON.stringify({ generatedBy: 'a test', bias: -1.5, weights: { 'pe=stop': 2 } }));
    expect(loadQuoteModel(good)).toEqual({ bias: -1.5, weights: { 'pe=stop': 2 } });
  });
});
