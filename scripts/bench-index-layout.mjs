#!/usr/bin/env node
// Why the index body is v8.serialize and not JSON: writes the articles of an existing index
// (argument, or the default data/kb-index.bin) in three layouts and times writing each and
// loading each in fresh processes (median of 3). Run after `kbbot ingest` on the full corpus:
//   node scripts/bench-index-layout.mjs /path/to/kb-index.bin
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { readIndex } from '../dist/src/kb/index/index-file.js';

const source = process.argv[2] ?? 'data/kb-index.bin';
const dir = mkdtempSync(join(os.tmpdir(), 'kbbot-layout-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

// Plain objects: an index of format 2 gives articles whose text is read on demand (StoredArticle).
const articles = readIndex(source)
  .kb.articles()
  .map((a) => a.toArticle?.() ?? a);
const fields = Object.keys(articles[0] ?? {});
const chunks = (xs) =>
  Array.from({ length: Math.ceil(xs.length / 1000) }, (_, i) => xs.slice(i * 1000, i * 1000 + 1000));

const layouts = {
  'JSON lines, objects (1,000 per line)': () =>
    chunks(articles)
      .map((c) => JSON.stringify(c))
      .join('\n'),
  'JSON lines, arrays in field order': () =>
    chunks(articles.map((a) => fields.map((f) => a[f])))
      .map((c) => JSON.stringify(c))
      .join('\n'),
  'v8.serialize of the objects (chosen)': () => v8.serialize(articles),
};
const loaders = {
  'JSON lines, objects (1,000 per line)': `const b=fs.readFileSync(p);let s=0,n=0;while(s<b.length){let e=b.indexOf(10,s);if(e<0)e=b.length;n+=JSON.parse(b.toString('utf8',s,e)).length;s=e+1}`,
  'JSON lines, arrays in field order': `const F=${JSON.stringify(fields)};const b=fs.readFileSync(p);let s=0,n=0;while(s<b.length){let e=b.indexOf(10,s);if(e<0)e=b.length;for(const r of JSON.parse(b.toString('utf8',s,e))){const o={};F.forEach((f,i)=>o[f]=r[i]);n++}s=e+1}`,
  'v8.serialize of the objects (chosen)': `const n=v8.deserialize(fs.readFileSync(p)).length`,
};

console.log(
  `| layout (${articles.length.toLocaleString('en-US')} articles) | size | write | load (fresh process, median of 3) |`,
);
console.log('|---|---|---|---|');
for (const [name, write] of Object.entries(layouts)) {
  const t0 = performance.now();
  const data = write();
  const writeSeconds = (performance.now() - t0) / 1000;
  const file = join(dir, 'layout');
  writeFileSync(file, data);
  const loads = [];
  for (let i = 0; i < 3; i++) {
    const script = `import fs from 'node:fs';import v8 from 'node:v8';const p=${JSON.stringify(file)};const t=performance.now();${loaders[name]};console.log((performance.now()-t)/1000)`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    loads.push(Number(r.stdout));
  }
  loads.sort((a, b) => a - b);
  console.log(
    `| ${name} | ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB | ${writeSeconds.toFixed(2)} s | ${loads[1].toFixed(2)} s |`,
  );
}
