#!/usr/bin/env node
// Regenerates src/kb/parse/categories.ts: product name → KB category ("[exchange]"), the most
// frequent category per product among original-form and collapsed articles, for markdown pages
// whose permalink carries no category. Usage: node scripts/mine-categories.mjs [CORPUS_DIR]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? process.env.KBBOT_CORPUS_DIR ?? '/tmp/corpus';
const counts = new Map();
for (const f of readdirSync(dir)) {
  const head = readFileSync(join(dir, f)).subarray(0, 800).toString('latin1').replace(/\s+/g, ' ');
  const m = /^DOCUMENT:\s*Q\d+\s*\S+\s*\[([^\]]*)\]\s*TITLE\s*:.*?\s*PRODUCT\s*:\s*(.*?)\s*PROD\/VER/.exec(head);
  if (!m || !m[2]) continue;
  const byCat = counts.get(m[2]) ?? new Map();
  byCat.set(m[1].trim().toLowerCase(), (byCat.get(m[1].trim().toLowerCase()) ?? 0) + 1);
  counts.set(m[2], byCat);
}
const rows = [...counts.entries()]
  .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  .map(
    ([product, byCat]) =>
      `  ${JSON.stringify(product)}: ${JSON.stringify([...byCat.entries()].sort((a, b) => b[1] - a[1])[0][0])},`,
  );
writeFileSync(
  new URL('../src/kb/parse/categories.ts', import.meta.url),
  `/**\n * Product name → KB category, for the markdown form whose permalink carries no category.\n` +
    ` * Mined from the "[category]" tags of original-form articles (most frequent category per product):\n` +
    ` * \`node scripts/mine-categories.mjs DIR\`.\n */\nexport const PRODUCT_CATEGORY: Readonly<Record<string, string>> = {\n${rows.join('\n')}\n};\n`,
);
console.error(`wrote ${rows.length} products`);
