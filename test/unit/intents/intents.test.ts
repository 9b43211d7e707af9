// Intent classifier: cases a user would recognise per intent, the channel talk the bot must stay
// out of, and hostile input. Accuracy on the shared dev set is test/corpus/intents-dev-set.test.ts;
// the classifier's speed is measured by scripts/bench-matching.mjs (`npm run bench`), not here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/paths.js';
import { INTENTS, IntentClassifier, classifyIntent, isThumbsUp, type Intent } from '../../../src/intents/index.js';

const repoRoot = REPO;

const CASES: Record<Intent, string[]> = {
  alert: [
    '[FIRING:1] KubePodCrashLooping\n*Alert:* Pod is crash looping. - `warning`\n*Details:*\n  • *alertname:* `KubePodCrashLooping`',
    'Triggered: [CRITICAL] etcdNoLeader on prod-us-east - etcd cluster has no leader',
    '[RESOLVED] etcdNoLeader',
  ],
  error_paste: [
    'The Microsoft Exchange Information Store service terminated with service-specific error 4294966278.',
    '<@U0BOT42> ```Overlapped I/O operation is in progress.```',
    'getting this on exch01: Error -1018 JET_errReadVerifyFailure',
    'STOP: 0x0000007B (0xF8C3E640, 0xC0000034, 0x00000000, 0x00000000) INACCESSIBLE_BOOT_DEVICE',
    'Event ID 5719 NETLOGON: No Windows NT Domain Controller is available for domain SALES.',
    'Your logon credentials were not accepted by the server. ID no: c1040115',
    '1999-04-02 03:11:09 EXCH02 MSExchangeMTA Error 9318 An RPC communications error occurred.',
    'EXPLORER caused an invalid page fault in module KERNEL32.DLL at 0137:bff9a5d0.',
    'users are seeing "The system cannot find the file specified." when they open the calendar',
  ],
  question: [
    'why does SP3 fail on the KM server?',
    'how do I move the IS to another drive',
    'outlook keeps asking for password after the upgrade',
    'anyone know why the imc stops delivering to one domain every night?',
    'win95 clients take forever to log on since we added the second bdc, ideas?',
  ],
  lookup: ['Q290226', 'KB290226', 'show me kb 174743', '/kb lookup Q229823', 'can you pull up kb article 240100'],
  help: ['help', '/help', 'what can you do', 'how do I use you', 'what commands does the bot understand?'],
  feedback: ['that worked', 'thanks, fixed', 'wrong one', "didn't help", 'not it', 'other ones?', 'show more'],
  greeting: ['hi', 'morning kbbot', 'hello all', 'hey there 👋'],
  chatter: [
    'the STOP 0x1E on FILE3 was a bad RAM stick, fixed',
    "who's patching the exchange boxes tonight?",
    'lunch?',
    "I'll look at the IMC errors after standup",
    'the 1018s on the private store turned out to be a flaky controller, replaced it',
    'rebooting exch02 in 5, heads up',
    'thanks Maria!',
    'lol',
  ],
};

describe('intent classifier', () => {
  const classifier = new IntentClassifier();

  for (const intent of INTENTS) {
    it(`recognises ${intent}`, () => {
      for (const text of CASES[intent])
        expect({ text, intent: classifier.classify(text).intent }).toEqual({ text, intent });
    });
  }

  it('gives KB ids in canonical form and the kind of feedback', () => {
    expect(classifier.classify('show me kb 174743 and Q229823').ids).toEqual(['Q174743', 'Q229823']);
    expect(classifier.classify('that worked, thanks').feedback).toBe('positive');
    expect(classifier.classify('wrong one').feedback).toBe('negative');
    expect(classifier.classify("didn't help").feedback).toBe('negative');
    expect(classifier.classify('other ones?').feedback).toBe('more');
    for (const [text, kind] of [
      ['ok thanks', 'positive'],
      ['Great, thanks!', 'positive'],
      ['none of these', 'negative'],
      ['the fix in that article is for 5.0, we run 5.5', 'negative'],
      ['worked on the one we run 5.5 on, thanks', 'positive'],
    ] as const) {
      expect([text, classifier.classify(text)]).toMatchObject([text, { intent: 'feedback', feedback: kind }]);
    }
    expect(classifier.classify('ok thanks Maria').intent).toBe('chatter');
    for (const down of ['👎', ':-1:', ':thumbsdown:', '👎 👎', ':-1::skin-tone-4:'])
      expect([down, classifier.classify(down)]).toMatchObject([down, { intent: 'feedback', feedback: 'negative' }]);
    // A bare 👍 is an acknowledgement (chatter); under one of the bot's answers the bot reads it as a rating.
    for (const up of ['👍', ':+1:', ':thumbsup:', '👍🏽 👍', ':+1::skin-tone-2:'])
      expect([up, isThumbsUp(up)]).toEqual([up, true]);
    for (const other of ['👍 will do', '+1', 'thumbs up', '👎'])
      expect([other, isThumbsUp(other)]).toEqual([other, false]);
  });

  it('explains itself and keeps scores in range', () => {
    const r = classifier.classify('Setup failed with error 0xc0020002 on EXCH01');
    expect(r.intent).toBe('error_paste');
    expect(r.reason).toMatch(/hex code 0xc0020002/);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    for (const i of INTENTS) expect(r.scores[i]).toBeGreaterThanOrEqual(0);
    expect(Object.values(r.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('never throws on hostile input', () => {
    const junk = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
    const huge = 'The RPC server is unavailable. 0x800706ba\n'.repeat(2600); // ~100 KB
    const inputs = [
      '',
      '   ',
      '\u0000\u0001\u0002',
      junk,
      huge,
      '```',
      '<@U1>',
      '&amp;&lt;&gt;',
      '?'.repeat(10_000),
      'a'.repeat(100_000),
    ];
    for (const text of inputs) {
      const r = classifier.classify(text);
      expect(INTENTS).toContain(r.intent);
      expect(Number.isFinite(r.confidence)).toBe(true);
    }
    expect(classifier.classify('').intent).toBe('chatter');
    // Non-strings from untyped callers.
    expect(() => classifier.classify(undefined as unknown as string)).not.toThrow();
  });

  // A guard against unbounded work, not a measurement: the classifier reads only the start of a
  // message, so no paste, however long or oddly shaped, can stall the bot. Long runs of spaces or
  // tabs are the slowest shape (a fraction of a second at the cap; many seconds over 100 KB without
  // it); an ordinary message takes about a millisecond. The limit is far above what a loaded CI box
  // needs and below what losing the cap costs.
  it('does bounded work on a 100 KB message of any shape', () => {
    const shapes = [' ', '\t', '?', 'a', '`', '\n', '0x', '<@U1> ', 'The RPC server is unavailable. 0x800706ba\n'];
    for (const unit of shapes) {
      const text = unit.repeat(Math.ceil(100_000 / unit.length));
      const started = performance.now();
      classifier.classify(text);
      expect(performance.now() - started, `${JSON.stringify(unit)} repeated to ${text.length} characters`).toBeLessThan(
        3000,
      );
    }
  });

  it('classifyIntent uses a shared default instance', () => {
    expect(classifyIntent('Q290226').intent).toBe('lookup');
  });

  it('loading natural through src/text/natural prints nothing to stdout (bare natural does)', () => {
    // Run the built module (npm test builds first) in a fresh node, as the bot would load it.
    const dir = mkdtempSync(join(tmpdir(), 'kbbot-quiet-'));
    try {
      const built = pathToFileURL(join(repoRoot, 'dist/src/text/natural.js')).href;
      writeFileSync(
        join(dir, 'quiet.mjs'),
        `import natural from '${built}';\nif (typeof natural.BayesClassifier !== 'function') process.exit(2);\n`,
      );
      writeFileSync(
        join(dir, 'bare.mjs'),
        `import natural from '${pathToFileURL(join(repoRoot, 'node_modules/natural/lib/natural/index.js')).href}';\nif (typeof natural.BayesClassifier !== 'function') process.exit(2);\n`,
      );
      const env = { ...process.env };
      delete env.DOTENV_CONFIG_QUIET;
      expect(execFileSync(process.execPath, ['quiet.mjs'], { cwd: dir, env, encoding: 'utf8' })).toBe('');
      // The control shows the test can see the banner at all (skip if dotenv ever stops printing).
      const bare = execFileSync(process.execPath, ['bare.mjs'], { cwd: dir, env, encoding: 'utf8' });
      if (bare === '') console.warn('bare natural printed nothing either; the quiet test proves less');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
