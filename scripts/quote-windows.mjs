// The quoted messages of original-form KB articles, as the collapsed reader sees them: for each quote
// whose intro the collapsed reader also finds, its token window in collapsed text, the window's limit and
// context, and the end the article's indentation shows. What the quote-end model is trained on
// (scripts/train-quote-model.mjs). Needs `npm run build` first.
import { readFileSync, readdirSync } from 'node:fs';
import { decodeArticleBytes } from '../dist/src/kb/parse/decode.js';
import { readEnvelope } from '../dist/src/kb/parse/envelope.js';
import { cutLayout } from '../dist/src/kb/parse/layout.js';
import { stripRegistryBoilerplate } from '../dist/src/kb/parse/boilerplate.js';
import { introColons, quoteWindow, quotesWithIntros } from '../dist/src/kb/parse/errors.js';
import { quoteContext } from '../dist/src/kb/parse/quote-boundary.js';

const collapse = (s) => s.replace(/\s+/g, ' ').trim();

/**
 * Yields { index, tokens, limit, ctx, gold, item } for every quote of the files under `dir` (sorted by name)
 * whose index `keep(index)` accepts. `gold` is the quote's length in tokens. `item` is what a bulleted list's
 * last item gives the model, read from that item's first word as the collapsed reader does (errors.ts
 * `nextBullet`): { tokens, limit, ctx, gold }, the whole quote's when it is not a list.
 */
export function* quoteWindows(dir, keep) {
  for (const [index, f] of readdirSync(dir).sort().entries()) {
    if (!keep(index)) continue;
    // A file that fails part-way keeps the windows found before the failure.
    const found = [];
    try {
      const env = readEnvelope(decodeArticleBytes(readFileSync(`${dir}/${f}`)));
      if (env.form === 'collapsed') continue;
      for (const s of cutLayout(env.body, env.form).sections) {
        const text = stripRegistryBoilerplate(s.text);
        const flat = collapse(text);
        const intros = introColons(flat);
        for (const q of quotesWithIntros(text)) {
          // The intro's colon, or the last character of an intro without one.
          const colon = collapse(text.slice(0, q.colonEnd)).length - 1;
          const intro = intros.find((x) => x.colon === colon);
          if (!intro) continue;
          const start = colon + 2;
          if (flat.slice(start, start + q.quote.length) !== q.quote) continue;
          const { tokens, limit, introStart } = quoteWindow(flat, start, intros);
          const ctx = quoteContext(flat.slice(intro.sentenceStart, colon), introStart);
          const gold = q.quote.split(' ').length;
          const last = tokens[0] === '-' ? tokens.slice(0, gold).lastIndexOf('-') : -1;
          const skip = last > 0 && last + 1 < gold ? last + 1 : 0;
          const item = {
            tokens: tokens.slice(skip),
            limit: limit - skip,
            ctx: skip ? { ...ctx, nextIntro: ctx.nextIntro >= skip ? ctx.nextIntro - skip : -1 } : ctx,
            gold: gold - skip,
          };
          found.push({ index, tokens, limit, ctx, gold, item });
        }
      }
    } catch {
      // As far as it got.
    }
    yield* found;
  }
}
