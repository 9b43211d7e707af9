// Intent training files (training/intents/*.jsonl): what a person editing them sees. Good rows come
// back labelled; every bad line is named by file and line with the reason; repeats are dropped and
// contradictions reported; the bundled files read cleanly and do not change what the bot trains on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledTrainingDir, fileTrainingExamples } from '../../../src/intents/training-data.js';
import {
  TRAINABLE_INTENTS,
  TrainingDataError,
  duplicateKey,
  parseTrainingTexts,
  readTrainingFiles,
} from '../../../src/intents/training-files.js';
import { IntentClassifier } from '../../../src/intents/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A temp folder holding the given files. */
function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kbbot-training-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const line = (row: unknown): string => JSON.stringify(row);

/** The first problem's message when one text is read as a one-line file. */
function problemOf(row: string): string | undefined {
  return parseTrainingTexts([{ file: 'x.jsonl', text: row }]).problems[0]?.message;
}

describe('readTrainingFiles', () => {
  it('reads every .jsonl file in the folder, in name order, with labels, feedback kinds and sources', () => {
    const dir = folder({
      'b.jsonl': [
        line({ text: 'that fixed it, thanks', intent: 'feedback', feedback: 'positive', voice: 'plain' }),
        '',
        line({ text: 'show me Q290226', intent: 'lookup', boundary: 'lookup-vs-question' }),
      ].join('\n'),
      'a.jsonl': `${line({ text: 'how do I use you', intent: 'help' })}\r\n`,
      'notes.txt': 'not training data',
    });
    const examples = readTrainingFiles(dir);
    expect(examples).toEqual([
      { text: 'how do I use you', intent: 'help', source: `${join(dir, 'a.jsonl')}:1` },
      {
        text: 'that fixed it, thanks',
        intent: 'feedback',
        feedback: 'positive',
        voice: 'plain',
        source: `${join(dir, 'b.jsonl')}:1`,
      },
      {
        text: 'show me Q290226',
        intent: 'lookup',
        boundary: 'lookup-vs-question',
        source: `${join(dir, 'b.jsonl')}:3`,
      },
    ]);
  });

  it('names every bad line by file and line, all in one error', () => {
    const dir = folder({
      'voices.jsonl': [
        line({ text: 'hi bot', intent: 'greeting' }),
        '{"text": "oops", "intent": "help"',
        line({ text: 'the db is on fire', intent: 'panic' }),
        line({ text: 'wrong one', intent: 'feedback' }),
      ].join('\n'),
    });
    let error: unknown;
    try {
      readTrainingFiles(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TrainingDataError);
    const e = error as TrainingDataError;
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    const file = join(dir, 'voices.jsonl');
    expect(e.message).toContain('3 bad training lines');
    expect(e.message).toContain(`${file}:2: not JSON`);
    expect(e.message).toContain(`${file}:3: "intent" "panic" is not one of error_paste, question, lookup`);
    expect(e.message).toContain(`${file}:4: a feedback row needs "feedback" (positive, negative, more)`);
  });

  it('says why a row is bad, for each rule', () => {
    expect(problemOf('[1, 2]')).toBe('not a JSON object');
    expect(problemOf(line({ text: 42, intent: 'help' }))).toBe('"text" must be a string');
    expect(problemOf(line({ text: '   ', intent: 'help' }))).toBe('"text" is empty');
    expect(problemOf(line({ text: 'x' }))).toMatch(/^"intent" null is not one of/);
    expect(problemOf(line({ text: 'firing', intent: 'alert' }))).toMatch(/^"intent" "alert" is not one of/);
    expect(problemOf(line({ text: 'thanks', intent: 'chatter', feedback: 'positive' }))).toBe(
      '"feedback" on a row whose intent is chatter',
    );
    expect(problemOf(line({ text: 'meh', intent: 'feedback', feedback: 'meh' }))).toBe(
      '"feedback" "meh" is not one of positive, negative, more',
    );
    expect(problemOf(line({ text: 'hi', intent: 'greeting', intnet: 'greeting' }))).toBe('unknown field "intnet"');
    expect(problemOf(line({ text: 'hi', intent: 'greeting', voice: 3 }))).toBe('"voice" must be a string');
  });

  it('drops a message repeated with the same label (case and spacing aside) and counts it', () => {
    const parsed = parseTrainingTexts([
      { file: 'a.jsonl', text: line({ text: 'What can you do?', intent: 'help' }) },
      {
        file: 'b.jsonl',
        text: [line({ text: ' what  can you do? ', intent: 'help' }), line({ text: 'ok', intent: 'chatter' })].join(
          '\n',
        ),
      },
    ]);
    expect(parsed.examples.map((e) => e.source)).toEqual(['a.jsonl:1', 'b.jsonl:2']);
    expect(parsed.duplicates).toBe(1);
    expect(parsed.problems).toEqual([]);
  });

  it('reports a message labelled two ways, pointing at the first', () => {
    const parsed = parseTrainingTexts([
      {
        file: 'a.jsonl',
        text: [
          line({ text: 'show more', intent: 'feedback', feedback: 'more' }),
          line({ text: 'show more', intent: 'feedback', feedback: 'negative' }),
          line({ text: 'SHOW MORE', intent: 'lookup' }),
        ].join('\n'),
      },
    ]);
    expect(parsed.examples).toHaveLength(1);
    expect(parsed.problems.map((p) => p.message)).toEqual([
      'labelled feedback/negative, but the same message is labelled feedback/more at a.jsonl:1',
      'labelled lookup, but the same message is labelled feedback/more at a.jsonl:1',
    ]);
  });

  it('fails with the file system error when the folder is missing', () => {
    expect(() => readTrainingFiles(join(tmpdir(), 'kbbot-no-such-training-folder'))).toThrow(/ENOENT/);
  });

  it('for any mix of rows: keeps one row per distinct message, every kept row valid, bad lines all reported', () => {
    // Property-style: many deterministic random files built from good, repeated, conflicting and broken rows.
    let seed = 25;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const words = ['error', 'Help', 'kb', 'thanks', 'why', '  stop ', 'Q290226', '🔥', 'ok'];
    for (let round = 0; round < 200; round++) {
      const lines: string[] = [];
      let broken = 0;
      for (let i = 0, n = 1 + rand(12); i < n; i++) {
        const text = Array.from({ length: 1 + rand(3) }, () => words[rand(words.length)]).join(' ');
        const intent = TRAINABLE_INTENTS[rand(TRAINABLE_INTENTS.length)] ?? 'chatter';
        const kind = rand(10);
        if (kind === 0) {
          lines.push('{not json');
          broken++;
        } else if (kind === 1) lines.push('');
        else lines.push(line(intent === 'feedback' ? { text, intent, feedback: 'positive' } : { text, intent }));
      }
      const parsed = parseTrainingTexts([{ file: 'p.jsonl', text: lines.join('\n') }]);
      const keys = parsed.examples.map((e) => duplicateKey(e.text));
      expect(new Set(keys).size).toBe(keys.length);
      for (const e of parsed.examples) {
        expect(TRAINABLE_INTENTS).toContain(e.intent);
        expect(e.feedback !== undefined).toBe(e.intent === 'feedback');
      }
      const nonBlank = lines.filter((l) => l.trim() !== '').length;
      expect(parsed.examples.length + parsed.duplicates + parsed.problems.length).toBe(nonBlank);
      expect(parsed.problems.filter((p) => p.message.startsWith('not JSON'))).toHaveLength(broken);
    }
  });
});

describe('the bundled training files', () => {
  it('read cleanly, cover all seven intents, and give every feedback row its kind', () => {
    const examples = fileTrainingExamples();
    expect(bundledTrainingDir()).toMatch(/training[/\\]intents$/);
    expect(examples.length).toBeGreaterThan(900);
    expect(new Set(examples.map((e) => e.intent))).toEqual(new Set(TRAINABLE_INTENTS));
    for (const e of examples.filter((x) => x.intent === 'feedback')) expect(e.feedback).toBeDefined();
  });

  it('are what the default classifier learns from', () => {
    const fromFiles = new IntentClassifier({ examples: fileTrainingExamples() });
    const byDefault = new IntentClassifier();
    for (const text of ['please stop answering in #general', 'what kinds of things can you find', 'that worked'])
      expect(byDefault.classify(text)).toEqual(fromFiles.classify(text));
    // Trained on something else, it answers otherwise: the files are what it learnt.
    const other = new IntentClassifier({ examples: [{ text: 'that worked', intent: 'chatter' }] });
    expect(other.classify('that worked').intent).toBe('chatter');
    expect(byDefault.classify('that worked').intent).toBe('feedback');
  });
});
