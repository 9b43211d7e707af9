/**
 * Feedback that improves answers, as users meet it: "not it" and "that worked" in one thread change
 * what the bot answers a colleague who asks much the same thing, the answer says why, the effect
 * is bounded, and other questions are not touched.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeAdapter } from '../../../src/adapters/fake.js';
import { Bot } from '../../../src/bot/bot.js';
import { FeedbackLearning, LEARNING_DEFAULTS, prefixOf } from '../../../src/bot/learning.js';
import type { ArticleAnswer, Reply } from '../../../src/bot/reply.js';
import { KnowledgeBase } from '../../../src/kb/knowledge-base.js';
import { Ranker } from '../../../src/kb/rank/ranker.js';
import { signatureOf, similarity } from '../../../src/memory/signature.js';
import { asyncFromSync, type AsyncFeedbackLog } from '../../../src/memory/async-types.js';
import { openStorage } from '../../../src/memory/sqlite/open.js';
import type { FeedbackRecord } from '../../../src/memory/types.js';
import { makeArticle } from '../../helpers/articles.js';
import { tempDir } from '../../helpers/paths.js';

/** Three articles a question about the Information Store not starting could mean, and an unrelated one. */
const kb = new KnowledgeBase([
  makeArticle({
    id: 'Q100001',
    title: 'XGEN: Information Store Does Not Start After Restore',
    sections: {
      symptoms:
        'The Information Store service does not start after you restore the private information store from backup.',
      cause: 'The restore did not finish.',
      resolution: 'Run isinteg -patch and start the service.',
    },
  }),
  makeArticle({
    id: 'Q100002',
    title: 'XADM: Information Store Service Does Not Start After Moving Log Files',
    sections: {
      symptoms:
        'The Information Store service does not start after you move the transaction log files with Performance Optimizer.',
      cause: 'The log file path in the registry is wrong.',
      resolution: 'Correct the log path and start the service.',
    },
  }),
  makeArticle({
    id: 'Q100003',
    title: 'XADM: Information Store Service Stops Responding on Start',
    sections: {
      symptoms: 'The Information Store service stops responding when it starts on a server with a full disk.',
      cause: 'The disk is full.',
      resolution: 'Free disk space and start the service.',
    },
  }),
  makeArticle({
    id: 'Q100004',
    title: 'XCLN: Outlook Cannot Open Default Folders With Roaming Profile',
    sections: {
      symptoms:
        'Outlook reports that it cannot open your default e-mail folders when you log on with a roaming profile.',
      cause: 'The profile points to a removed server.',
      resolution: 'Recreate the profile.',
    },
  }),
  // Other topics, so that words have the weights they would have in a real KB.
  ...[
    'printer spooler',
    'modem dialing',
    'cluster failover',
    'dns zone transfer',
    'wins replication',
    'dhcp scope',
    'iis metabase',
    'sql backup',
    'proxy cache',
    'sms inventory',
    'frontpage extensions',
    'ras callback',
    'tape drive',
    'scsi adapter',
    'network card binding',
    'fax routing',
    'smtp relay',
    'nntp feed',
    'ldap search',
    'certificate server',
  ].map((topic, i) =>
    makeArticle({
      id: `Q2000${String(i).padStart(2, '0')}`,
      title: `HOWTO: Configure the ${topic} service`,
      sections: { symptoms: `The ${topic} does not work as expected on the server.` },
    }),
  ),
]);
const ranker = Ranker.build(kb);

class MemoryFeedbackLog implements AsyncFeedbackLog {
  readonly rows: FeedbackRecord[] = [];
  /** Times the log was read. */
  lists = 0;
  add(f: FeedbackRecord): Promise<void> {
    this.rows.push(f);
    return Promise.resolve();
  }
  list(): Promise<FeedbackRecord[]> {
    this.lists++;
    return Promise.resolve([...this.rows]);
  }
}

function answerOf(reply: Reply | null): ArticleAnswer {
  if (reply?.kind !== 'answer') throw new Error(`expected an answer, got ${JSON.stringify(reply)?.slice(0, 300)}`);
  return reply.answer;
}

/** The article ids a reply offers, first first (an answer, or "did you mean"). */
function offered(reply: Reply | null): string[] {
  if (reply?.kind === 'answer') return [reply.answer.id];
  if (reply?.kind === 'suggestions') return reply.candidates.map((c) => c.id);
  return [];
}

const QUESTION = 'why does the information store service not start?';
const SIMILAR = 'information store service will not start, any idea why';

function chatWith(log: AsyncFeedbackLog, user = 'U_ONE'): FakeAdapter {
  return new FakeAdapter(new Bot(kb, { ranker, learning: new FeedbackLearning(log) }), { user });
}

describe('feedback that improves answers', () => {
  it('"not it" then "that worked" makes the article that helped the first answer for a similar question', async () => {
    const log = new MemoryFeedbackLog();
    const before = offered(await chatWith(new MemoryFeedbackLog()).say(SIMILAR))[0];
    const alice = chatWith(log, 'U_ALICE');
    const first = offered(await alice.say(QUESTION, { thread: 'T1' }))[0];
    expect(first).toBeDefined();
    const next = answerOf(await alice.say('not it', { thread: 'T1' }));
    expect(next.id).not.toBe(first);
    expect((await alice.say('that worked, thanks', { thread: 'T1' }))?.kind).toBe('ack');
    expect(log.rows.map((r) => [r.articleId, r.helpful])).toEqual([
      [first, false],
      [next.id, true],
    ]);

    // A colleague asks much the same thing in another thread.
    const bob = chatWith(log, 'U_BOB');
    const reply = await bob.say(SIMILAR, { thread: 'T2' });
    expect(offered(reply)[0]).toBe(next.id);
    expect(offered(reply)[0]).not.toBe(before);
    const why =
      reply?.kind === 'answer' ? reply.answer.why : reply?.kind === 'suggestions' ? reply.candidates[0]?.why : '';
    expect(why).toMatch(/helped someone with a similar question/);
  });

  it('leaves unrelated questions alone', async () => {
    const log = new MemoryFeedbackLog();
    const chat = chatWith(log);
    await chat.say(QUESTION, { thread: 'T1' });
    await chat.say('wrong one', { thread: 'T1' });
    const outlook = 'Outlook cannot open default e-mail folders with a roaming profile';
    expect(offered(await chatWith(new MemoryFeedbackLog()).say(outlook))).toEqual(
      offered(await chatWith(log).say(outlook)),
    );
  });

  it('is bounded: many "not it" votes cannot bury the article that quotes the message', async () => {
    const log = new MemoryFeedbackLog();
    const exact =
      'The Information Store service does not start after you move the transaction log files with Performance Optimizer';
    for (let i = 0; i < 20; i++) {
      const chat = chatWith(log, `U${i}`);
      const shown = answerOf(await chat.say(exact, { thread: `T${i}` }));
      expect(shown.id).toBe('Q100002');
      await chat.press('not_it', 'Q100002', `T${i}`, { user: `U${i}` });
    }
    const learning = new FeedbackLearning(log);
    await learning.refresh(0);
    const votes = learning.votes(signatureOf(ranker.termWeights(exact))).get('Q100002');
    expect(votes?.notIt).toBe(20);
    expect(learning.factor(votes)).toBe(1 - LEARNING_DEFAULTS.step * LEARNING_DEFAULTS.maxVotes);
    expect(offered(await chatWith(log).say(exact))[0]).toBe('Q100002');
  });

  it('counts one person once per article, however often they click', async () => {
    const log = new MemoryFeedbackLog();
    const chat = chatWith(log);
    const id = offered(await chat.say(QUESTION, { thread: 'T1' }))[0] as string;
    for (let i = 0; i < 5; i++) await chat.press('helpful', id, 'T1');
    const learning = new FeedbackLearning(log);
    await learning.refresh(0);
    const votes = learning.votes(signatureOf(ranker.termWeights(SIMILAR))).get(id);
    expect(votes?.helped).toBe(1);
    expect(log.rows).toHaveLength(5);
  });

  it('keeps no message text when told not to, and still learns from the signature', async () => {
    const log = new MemoryFeedbackLog();
    const bot = new Bot(kb, { ranker, learning: new FeedbackLearning(log), storeMessages: false });
    const chat = new FakeAdapter(bot);
    await chat.say(QUESTION, { thread: 'T1' });
    await chat.say('not it', { thread: 'T1' });
    expect(log.rows[0]?.query).toBeNull();
    expect(log.rows[0]?.signature.length).toBeGreaterThan(0);
    expect(JSON.stringify(log.rows)).not.toMatch(/information/i);
  });
});

/**
 * A bot over the SQLite storage in `dir` with its own connection and feedback cache, as a restarted
 * bot or another replica has; `log` also gives it the interaction log.
 */
function botOn(dir: string, user: string, log = false) {
  const storage = asyncFromSync(openStorage(dir));
  const learning = new FeedbackLearning(storage.feedback);
  const bot = new Bot(kb, {
    ranker,
    threads: storage.threads,
    learning,
    ...(log ? { interactions: storage.interactions } : {}),
    dataVersion: () => storage.dataVersion(),
  });
  return { storage, learning, bot, chat: new FakeAdapter(bot, { user }) };
}

describe('after a restart (SQLite storage in DATA_DIR)', () => {
  it('keeps feedback, the ranking it changed, and the thread it was given in', async () => {
    const { dir, cleanup } = tempDir('kbbot-learn-');
    try {
      const startBot = () => botOn(dir, 'U_ALICE', true);
      const first = startBot();
      const shown = offered(await first.chat.say(QUESTION, { thread: 'T1' }))[0];
      const next = answerOf(await first.chat.say('not it', { thread: 'T1' }));
      await first.chat.say('that worked', { thread: 'T1' });
      await first.storage.close();

      const second = startBot();
      const reply = await second.chat.say(SIMILAR, { thread: 'T2', user: 'U_BOB' });
      expect(offered(reply)[0]).toBe(next.id);
      expect(offered(reply)[0]).not.toBe(shown);
      // The old thread still knows what it showed: "just the steps" gives the article that helped.
      expect(answerOf(await second.chat.say('just the steps', { thread: 'T1' })).id).toBe(next.id);
      expect((await second.storage.interactions.list()).map((i) => i.outcome).length).toBeGreaterThanOrEqual(2);
      await second.storage.close();
    } finally {
      cleanup();
    }
  });

  it('forgets the feedback of a user removed by another process, from the next message on', async () => {
    const { dir, cleanup } = tempDir('kbbot-learn-');
    try {
      const { storage, learning, bot, chat: gone } = botOn(dir, 'U_GONE');
      const id = offered(await gone.say(QUESTION, { thread: 'T1' }))[0] as string;
      await gone.press('helpful', id, 'T1');
      const bob = new FakeAdapter(bot, { user: 'U_BOB' });
      const why = (reply: Reply | null): string =>
        reply?.kind === 'answer'
          ? reply.answer.why
          : reply?.kind === 'suggestions'
            ? (reply.candidates[0]?.why ?? '')
            : '';
      expect(why(await bob.say(SIMILAR, { thread: 'T2' }))).toMatch(/helped someone/);
      const other = openStorage(dir); // `kbbot forget --user U_GONE`
      other.forgetUser('U_GONE');
      other.close();
      expect(why(await bob.say(SIMILAR, { thread: 'T3' }))).not.toMatch(/helped someone/);
      expect(learning.size).toBe(0);
      await storage.close();
    } finally {
      cleanup();
    }
  });

  it('counts feedback given through another process (another replica) from the next message on', async () => {
    const { dir, cleanup } = tempDir('kbbot-learn-');
    try {
      const a = botOn(dir, 'U_ALICE');
      const b = botOn(dir, 'U_BOB');
      await b.bot.refresh();
      expect(b.learning.size).toBe(0);
      const first = offered(await a.chat.say(QUESTION, { thread: 'T1' }))[0];
      const next = answerOf(await a.chat.say('not it', { thread: 'T1' }));
      await a.chat.say('that worked', { thread: 'T1' });
      expect(next.id).not.toBe(first);
      // Nothing told replica B; its next message reads the data version and sees the feedback.
      const reply = await b.chat.say(SIMILAR, { thread: 'T2' });
      expect(offered(reply)[0]).toBe(next.id);
      expect(b.learning.size).toBe(2);
      await a.storage.close();
      await b.storage.close();
    } finally {
      cleanup();
    }
  });
});

describe('FeedbackLearning.refresh', () => {
  const record = (at: number): FeedbackRecord => ({
    at,
    user: 'U1',
    conversation: 'C1',
    thread: 'T1',
    articleId: 'Q100001',
    helpful: true,
    query: null,
    signature: signatureOf(ranker.termWeights(QUESTION)),
  });

  it('reads the log once per version, however many messages ask at once', async () => {
    const log = new MemoryFeedbackLog();
    await log.add(record(1));
    const learning = new FeedbackLearning(log);
    expect(learning.size).toBe(0);
    await Promise.all([learning.refresh(7), learning.refresh(7), learning.refresh(7)]);
    expect([learning.size, log.lists]).toEqual([1, 1]);
    await learning.refresh(7);
    expect(log.lists).toBe(1);
    await log.add(record(2));
    await learning.refresh(8);
    expect([learning.size, log.lists]).toEqual([2, 2]);
  });

  it('keeps feedback recorded while a reload was reading, and does not count it twice', async () => {
    const rows: FeedbackRecord[] = [];
    let release: (() => void) | undefined;
    /** A log whose reads finish only when told (a slow database), holding what was written before the read began. */
    const slow: AsyncFeedbackLog = {
      add: (f) => {
        rows.push(f);
        return Promise.resolve();
      },
      list: () => {
        const snapshot = [...rows];
        return new Promise((resolve) => (release = () => resolve(snapshot)));
      },
    };
    const learning = new FeedbackLearning(slow);
    const reading = learning.refresh(1);
    await learning.record(record(5));
    release?.();
    await reading;
    expect(learning.size).toBe(1);
    // Read again, the log has it once: still one.
    const again = learning.refresh(2);
    release?.();
    await again;
    expect(learning.size).toBe(1);
    expect(learning.votes(record(0).signature).get('Q100001')?.helped).toBe(1);
  });

  it('keeps what it held when the log cannot be read, and tries again next time', async () => {
    const log = new MemoryFeedbackLog();
    await log.add(record(1));
    const learning = new FeedbackLearning(log);
    await learning.refresh(1);
    const list = log.list.bind(log);
    log.list = () => Promise.reject(new Error('connection reset'));
    await expect(learning.refresh(2)).rejects.toThrow('connection reset');
    expect(learning.size).toBe(1);
    log.list = list;
    await log.add(record(2));
    await learning.refresh(2);
    expect(learning.size).toBe(2);
  });
});

describe('signatures', () => {
  it('find rephrasings similar and other questions not', () => {
    const sig = (m: string) => signatureOf(ranker.termWeights(m));
    expect(similarity(sig(QUESTION), sig(SIMILAR))).toBeGreaterThanOrEqual(LEARNING_DEFAULTS.minSimilarity);
    expect(similarity(sig(QUESTION), sig('Outlook cannot open default folders'))).toBeLessThan(0.2);
    expect(similarity(sig(QUESTION), sig(QUESTION))).toBeCloseTo(1, 5);
    expect(similarity([], sig(QUESTION))).toBe(0);
  });

  it('file feedback under few terms without missing any similar message (property)', () => {
    const signature = fc
      .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.double({ min: 0.01, max: 10, noNaN: true })), {
        selector: (p) => p[0],
        minLength: 1,
        maxLength: 12,
      })
      .map((s) => s.sort((a, b) => a[0] - b[0]));
    fc.assert(
      fc.property(signature, signature, fc.double({ min: 0.1, max: 0.95, noNaN: true }), (a, b, t) => {
        const filed = new Set(prefixOf(b, t).map(([h]) => h));
        if (similarity(a, b) >= t) expect(a.some(([h]) => filed.has(h))).toBe(true);
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
