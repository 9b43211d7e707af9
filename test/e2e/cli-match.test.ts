// `kbbot ask`, `rank` and `eval` on the bundled KB (the five seeds), run as a user would run them.
import { runKbbot } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SEEDS_DIR, tempDir } from '../helpers/paths.js';

const tmp = tempDir();
afterAll(tmp.cleanup);

const kbbot = (args: string[]) => runKbbot(args, join(tmp.dir, 'data'));

function queries(name: string, rows: object[]): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

describe('kbbot ask / rank / eval', () => {
  it('ask --json answers a pasted error with the article, its score and why', () => {
    const r = kbbot(['ask', '--kb', SEEDS_DIR, '--json', 'ID no: 0xc0020002']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      intent: string;
      confidence: number;
      results: { id: string; title: string; score: number; reason: string }[];
    };
    expect(Object.keys(out)).toEqual(['intent', 'confidence', 'results']);
    expect(out.intent).toBe('error_paste');
    expect(out.results[0]).toMatchObject({
      id: 'Q290226',
      title: 'XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
    });
    expect(out.results[0]?.reason).toContain('0xc0020002');
    expect(out.confidence).toBeGreaterThan(0);
  });

  it('ask shows an article asked for by number, and says it is a lookup', () => {
    const out = JSON.parse(kbbot(['ask', '--kb', SEEDS_DIR, '--json', 'show me kb 174743']).stdout) as {
      intent: string;
      confidence: number;
      results: { id: string }[];
    };
    expect(out).toMatchObject({ intent: 'lookup', confidence: 1 });
    expect(out.results.map((h) => h.id)).toEqual(['Q174743']);
  });

  it('ask prints a readable answer without --json', () => {
    const r = kbbot([
      'ask',
      '--kb',
      SEEDS_DIR,
      'Unable to create Encryption-Cfg object in the site you are running Setup',
    ]);
    expect(r.stdout).toMatch(/^intent: error_paste/m);
    expect(r.stdout).toMatch(/^ 1\. Q174743 /m);
    expect(r.stdout).toMatch(/why: error text "Unable to create Encryption-Cfg object/);
  });

  it('rank prints one line per query with id, intent, confidence, results and ms', () => {
    const file = queries('q.jsonl', [
      { id: 'a', query: 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002' },
      { id: 'b', query: 'kms database conversion fails when upgrading to exchange 5.5' },
    ]);
    const r = kbbot(['rank', '--kb', SEEDS_DIR, '--queries', file, '--k', '3']);
    expect(r.code).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l))).toEqual([
      ['id', 'intent', 'confidence', 'results', 'ms'],
      ['id', 'intent', 'confidence', 'results', 'ms'],
    ]);
    expect(lines[0]).toMatchObject({ id: 'a', intent: 'error_paste' });
    expect((lines[0]?.results as string[])[0]).toBe('Q290226');
    expect((lines[1]?.results as string[])[0]).toBe('Q193567');
    expect((lines[1]?.results as string[]).length).toBeLessThanOrEqual(3);
    expect(typeof lines[0]?.ms).toBe('number');
  });

  it('eval reports success@k by kind and style, and intent accuracy with a confusion table', () => {
    const file = queries('e.jsonl', [
      { id: '1', kind: 'error_paste', style: 'verbatim', query: 'ID no: 0xc0020002', expected: ['Q290226'] },
      {
        id: '2',
        kind: 'question',
        style: 'why',
        query: 'why does the kms database conversion fail during the 5.5 upgrade?',
        expected: ['Q193567'],
      },
      { id: '3', kind: 'question', style: 'short', query: 'zebra xylophone', expected: ['Q196171'] },
    ]);
    const out = JSON.parse(kbbot(['eval', '--kb', SEEDS_DIR, '--queries', file, '--json']).stdout) as {
      retrieval: Record<string, unknown> & { byStyle: Record<string, { successAt1: number }> };
    };
    expect(out.retrieval).toMatchObject({ n: 3, successAt1: 0.667 });
    expect(out.retrieval.byStyle.verbatim?.successAt1).toBe(1);
    expect(out.retrieval.byStyle.short?.successAt1).toBe(0);

    const intents = queries('i.jsonl', [
      { id: '1', text: 'ID no: 0xc0020002', intent: 'error_paste' },
      { id: '2', text: 'hi kbbot', intent: 'greeting' },
      { id: '3', text: 'lunch?', intent: 'chatter' },
    ]);
    const text = kbbot(['eval', '--kb', SEEDS_DIR, '--queries', intents]).stdout;
    expect(text).toMatch(/^intents: 3 messages {2}accuracy 1\.000/m);
    expect(text).toMatch(/^ {2}error_paste +1 +0/m);
  });

  it('says what is wrong with a bad queries file', () => {
    const bad = join(tmp.dir, 'bad.jsonl');
    writeFileSync(bad, '{"id": 1, "query": "ok"}\nnot json\n');
    const r = kbbot(['rank', '--kb', SEEDS_DIR, '--queries', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: not JSON`);
    expect(kbbot(['rank', '--kb', SEEDS_DIR]).stderr).toContain('--queries FILE.jsonl is required');
  });
});
