// A fix step's listed items, shown one to a line in answers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stepParts } from '../../../src/bot/step-parts.js';

describe('stepParts', () => {
  it('splits a step that lists registry keys after a colon into its lead and the keys', () => {
    expect(
      stepParts(
        'Remove the following registry keys: - HKEY_LOCAL_MACHINE\\SYSTEM\\A - HKEY_LOCAL_MACHINE\\SOFTWARE\\B',
      ),
    ).toEqual({
      lead: 'Remove the following registry keys:',
      items: ['- HKEY_LOCAL_MACHINE\\SYSTEM\\A', '- HKEY_LOCAL_MACHINE\\SOFTWARE\\B'],
    });
  });

  it('splits lettered sub-steps in order, and leaves a lone "a." or a dash inside prose alone', () => {
    expect(
      stepParts('Disable QH as a keyboard monitor: a. Press ALT+Q (to invoke QH). b. Press O. c. Press T.').items,
    ).toEqual(['a. Press ALT+Q (to invoke QH).', 'b. Press O.', 'c. Press T.']);
    expect(stepParts('Type the following: a. Then press ENTER.').items).toEqual([]);
    expect(stepParts('Click Start - then click Run.').items).toEqual([]);
    expect(stepParts('Stop KMS.')).toEqual({ lead: 'Stop KMS.', items: [] });
  });

  it('loses no word of a step: lead and items give back its text', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9\\_.]{1,12}$/);
    const item = fc.array(word, { minLength: 1, maxLength: 5 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 6 }),
        fc.array(item, { minLength: 0, maxLength: 5 }),
        fc.boolean(),
        (lead, items, letters) => {
          const marked = items.map((x, i) => (letters ? `${String.fromCharCode(97 + i)}. ${x}` : `- ${x}`));
          const step = [`${lead.join(' ')}:`, ...marked].join(' ');
          const parts = stepParts(step);
          expect([parts.lead, ...parts.items].join(' ')).toBe(step);
          expect(parts.items.length === 0 || parts.items.length === items.length).toBe(true);
        },
      ),
      { seed: 3, numRuns: 300 },
    );
  });
});
