/**
 * Matching features a user would recognise, on a small hand-built KB: pasted errors found however
 * they are pasted, codes as exact tokens, products and versions, abbreviations mined from the KB,
 * typos, field weights, exact quotes, a saved index, and hostile input.
 */
import fc from 'fast-check';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { Matcher } from '../../../../src/bot/match.js';
import type { Article } from '../../../../src/kb/article.js';
import { KnowledgeBase } from '../../../../src/kb/knowledge-base.js';
import { cleanQuery, stripLogPrefix } from '../../../../src/kb/rank/clean-query.js';
import { Ranker } from '../../../../src/kb/rank/ranker.js';
import { abbreviationsIn, expansionOf, mineAbbreviations } from '../../../../src/kb/rank/synonyms.js';
import { isCodeToken, terms } from '../../../../src/kb/rank/tokens.js';
import { makeArticle } from '../../../helpers/articles.js';

const exchange = { product: 'Microsoft Exchange', category: 'exchange' };
const nt = { product: 'Microsoft Windows NT', category: 'winnt' };

const ARTICLES: Article[] = [
  makeArticle({
    id: 'Q290226',
    ...exchange,
    title: 'XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
    versions: ['5.5'],
    appliesTo: ['Microsoft Exchange Server, version 5.5'],
    errorMessages: ['The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002'],
    sections: {
      symptoms:
        'When you apply Service Pack 3, setup stops with: The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
      cause: 'The Key Management Server (KMS) component was removed incorrectly, and Kmserver.exe is missing.',
    },
  }),
  makeArticle({
    id: 'Q111111',
    ...exchange,
    title: 'XADM: Information Store Does Not Start After Restore',
    versions: ['5.0'],
    appliesTo: ['Microsoft Exchange Server, version 5.0'],
    errorMessages: ['Event ID 9409: the information store database is inconsistent. Error -1018 was returned.'],
    sections: {
      symptoms:
        'The Information Store (IS) service does not start. Event ID 9409: the information store database is inconsistent. Error -1018 was returned.',
    },
  }),
  makeArticle({
    id: 'Q222222',
    ...nt,
    title: 'STOP 0x0000001E in Kmode Exception Not Handled on Multiprocessor Servers',
    versions: ['4.0'],
    appliesTo: ['Microsoft Windows NT Server version 4.0'],
    errorMessages: ['STOP 0x0000001E KMODE_EXCEPTION_NOT_HANDLED'],
    sections: {
      symptoms:
        'The server stops with STOP 0x0000001E KMODE_EXCEPTION_NOT_HANDLED when the network card is under load.',
    },
  }),
  makeArticle({
    id: 'Q333333',
    ...exchange,
    title: 'XCON: Internet Mail Connector Rejects Messages Larger Than 2 MB',
    errorMessages: ['552 Message size exceeds fixed maximum message size'],
    sections: {
      symptoms:
        'The Internet Mail Connector (IMC) returns a non-delivery report: 552 Message size exceeds fixed maximum message size.',
      cause: 'The Internet Mail Connector (IMC) limits message size by default.',
    },
  }),
  makeArticle({
    id: 'Q444444',
    category: 'visualc',
    product: 'Microsoft C Compiler',
    title: 'LNK2001 Unresolved External Symbol When Linking MFC Applications',
    errorMessages: ['error LNK2001: unresolved external symbol _main'],
    sections: { symptoms: 'Linking fails with error LNK2001: unresolved external symbol _main.' },
  }),
  makeArticle({
    id: 'Q555555',
    ...nt,
    title: 'Directory Replication Fails Between Domains',
    sections: {
      symptoms:
        'The Directory Replicator service cannot copy files from the export server; replication between domains stops.',
      moreInformation: 'Logon scripts are kept in the import folder. See also: replication of scripts.',
    },
  }),
  makeArticle({
    id: 'Q666666',
    ...nt,
    title: 'Logon Scripts Are Not Copied by Replication',
    sections: {
      moreInformation:
        'Directory replication copies logon scripts between domains. replication replication replication.',
    },
  }),
  makeArticle({
    id: 'Q555556',
    ...nt,
    title: 'WINS Replication Is Slow Over WAN Links',
    sections: { symptoms: 'WINS replication partners take hours to converge.' },
  }),
  // Two articles quoting the same words; only one in the user's exact case and punctuation.
  makeArticle({
    id: 'Q777771',
    title: 'General Runtime Errors in Applications',
    sections: { symptoms: 'Messages such as: runtime error 13 type mismatch, or other errors.' },
  }),
  makeArticle({
    id: 'Q777772',
    title: 'Type Mismatch in Macro',
    errorMessages: ['Runtime Error 13: Type Mismatch'],
    sections: { symptoms: 'Running the macro gives: Runtime Error 13: Type Mismatch' },
  }),
  makeArticle({
    id: 'Q888888',
    ...exchange,
    title: 'XADM: Key Management Server Service Will Not Start',
    sections: {
      symptoms: 'The Key Management Server (KMS) service does not start after the password is changed.',
      cause: 'The Key Management Server (KMS) password is stored incorrectly.',
    },
  }),
  ...Array.from({ length: 30 }, (_, i) =>
    makeArticle({
      id: `Q9000${String(i).padStart(2, '0')}`,
      title: `Printing Problem Number ${i} With Laser Printers`,
      sections: { symptoms: `The printer prints garbage on page ${i} after the server is restarted.` },
    }),
  ),
];

const kb = new KnowledgeBase(ARTICLES);
const ranker = Ranker.build(kb);
const top = (message: string): string | undefined => ranker.rank(message).hits[0]?.article.id;

describe('pasted error text', () => {
  const error = 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002';

  it('finds the article quoting it, however it is pasted', () => {
    expect(top(error)).toBe('Q290226');
    expect(top('The System cannot find the file specified: Microsoft\nWindows NT ID no:\n0xc0020002')).toBe('Q290226'); // wrapped
    expect(top('The System cannot find the file specified: Microsoft Windows')).toBe('Q290226'); // truncated
    expect(top(`hey all, getting this on EXSRV01 after SP3, any idea?? ${error}`)).toBe('Q290226'); // chatter
    expect(top(`2026-11-17 16:56:14 EXSRV38 [ERROR] ${error}`)).toBe('Q290226'); // log prefix
    expect(top(`<@U0BOT42> \`\`\`${error}\`\`\``)).toBe('Q290226'); // Slack fence and mention
    expect(top('552 Message size exceeds fixed maximum message size &amp; more')).toBe('Q333333'); // Slack escaping
  });

  it('tolerates variable parts such as server names and numbers', () => {
    expect(
      top('Event ID 9409: the information store database on MAILSRV7 is inconsistent. Error -1018 was returned.'),
    ).toBe('Q111111');
  });

  it('says which quoted error matched, and how much of the paste', () => {
    const reason = ranker.rank(error).hits[0]?.reason;
    expect(reason?.errorText?.quote).toBe(error);
    expect(reason?.errorText?.coverage).toBe(1);
    expect(reason?.summary).toContain('error text "The System cannot find the file specified');
  });

  it('prefers the article quoting the paste character for character', () => {
    expect(top('Runtime Error 13: Type Mismatch')).toBe('Q777772');
  });
});

describe('codes and identifiers', () => {
  it('reads codes as whole tokens', () => {
    for (const code of ['0xc0020002', '1018', 'c1041724', '9409', '0x0000001e', 'lnk2001', 'kmserver.exe'])
      expect(isCodeToken(code), code).toBe(true);
    for (const word of ['server', 'the', '2026', 'sp3']) expect(isCodeToken(word), word).toBe(false);
    expect(cleanQuery('STOP 0x0000001E on FILE3, and LNK2001 from kmserver.exe').codes).toEqual([
      '0x0000001e',
      'lnk2001',
      'kmserver.exe',
    ]);
  });

  it('finds articles by a code alone', () => {
    expect(top('0xc0020002')).toBe('Q290226');
    expect(top('-1018')).toBe('Q111111');
    expect(top('event 9409')).toBe('Q111111');
    expect(top('STOP 0x0000001E')).toBe('Q222222');
    expect(top('LNK2001')).toBe('Q444444');
    expect(top('kmserver.exe missing')).toBe('Q290226');
  });

  it('reads a short hex code as its full 32 bits, as articles write STOP codes', () => {
    expect(terms('STOP 0x1E')).toEqual(terms('STOP 0x0000001E'));
    expect(terms('stop 0x0a')).toEqual(terms('stop 0xA'));
    expect(terms('0xc0020002')).toEqual(['0xc0020002']);
    expect(top('nt4 bluescreen stop 0x1e on the multiprocessor server')).toBe('Q222222');
  });

  it('puts the article with the pasted code above others quoting the same text with another code', () => {
    const terminated = (code: string) =>
      `The Microsoft Exchange Information Store service terminated with service-specific error ${code}`;
    const storeKb = new KnowledgeBase([
      makeArticle({
        id: 'Q246272',
        ...exchange,
        title: 'XADM: Error 4294966767 Appears, Store Stops When Disk Space Low',
        errorMessages: [terminated('4294966767')],
        sections: { symptoms: `The information store stops when the disk is full: ${terminated('4294966767')}` },
      }),
      makeArticle({
        id: 'Q184209',
        ...exchange,
        title: 'XADM: Error Msg: JET_errPageNotInitialized When Starting Store',
        errorMessages: [terminated('4294966277')],
        sections: { symptoms: `Starting the store fails: ${terminated('4294966277')}` },
      }),
      makeArticle({
        id: 'Q190440',
        ...exchange,
        title: 'XADM: Service Specific Error 4294966746 Starting Store',
        sections: {
          symptoms:
            'When you start the Microsoft Exchange Server information store, the service may stop with a service-specific error 4294966746.',
        },
      }),
      ...ARTICLES,
    ]);
    const hits = Ranker.build(storeKb)
      .rank(terminated('4294966746'))
      .hits.map((h) => h.article.id);
    expect(hits[0]).toBe('Q190440');
    // The same text with a code no article has, or with one of theirs, ranks as before.
    expect(Ranker.build(storeKb).rank(terminated('4294966767')).hits[0]?.article.id).toBe('Q246272');
  });
});

describe('products, versions, abbreviations and typos', () => {
  it('spells out service packs and Windows versions the same way on both sides', () => {
    expect(terms('SP3')).toEqual(terms('Service Pack 3'));
    expect(terms("can't")).toEqual(terms('cannot'));
    expect(terms('win95')).toEqual(terms('Windows 95'));
  });

  it('mines abbreviations from the articles that define them', () => {
    expect(expansionOf('The Key Management Server', 'KMS')).toBe('key management server');
    expect(expansionOf('the Internet Mail Connector', 'IMC')).toBe('internet mail connector');
    expect(expansionOf('something unrelated', 'KMS')).toBeUndefined();
    const mined = mineAbbreviations(ARTICLES.map((a) => Object.values(a.sections).join(' ')));
    expect(mined.get('kms')).toBe('key management server');
    expect(mined.get('imc')).toBe('internet mail connector');
  });

  it('matches an abbreviation to the long form, and says so', () => {
    const r = ranker.rank('kms wont start after password change');
    expect(r.hits[0]?.article.id).toBe('Q888888');
    expect(r.hits[0]?.reason.expansions).toContainEqual(['kms', 'key management server']);
    expect(top('IMC rejects big messages')).toBe('Q333333');
  });

  it('says why in the words the message used, not their stems', () => {
    const r = ranker.rank('directory replciation failing between domains');
    const summary = r.hits[0]?.reason.summary ?? '';
    expect(summary).toMatch(/words: .*\bfailing\b/);
    expect(summary).toContain('domains');
    expect(summary).not.toMatch(/\b(?:fail|domain|replic)\b/); // stems, and the typo's correction, are not listed as words
    expect(summary).toContain('read "replciation" as "replication"');
  });

  it('finds an article that only spells out the abbreviation the message uses', () => {
    const defs = [1, 2].map((i) =>
      makeArticle({
        id: `Q10000${i}`,
        title: `Queue Viewer Number ${i}`,
        sections: { symptoms: 'The Internet Mail Service (IMS) queue viewer shows the queues.' },
      }),
    );
    const ims = makeArticle({
      id: 'Q214407',
      title:
        'XADM: Internet Mail Service Stops with an Access Violation When It Processes Outbound Messages for Remote Domains',
      sections: {
        symptoms:
          'The Internet Mail Service terminates with an access violation while it processes outbound messages for remote domains over slow links.',
      },
    });
    const store = makeArticle({
      id: 'Q272113',
      // Shorter, with the same words in another order: without the abbreviation it would win.
      title: 'Service Stops with an Access Violation on Internet Mail',
      sections: { symptoms: 'A mail service stops with an access violation.' },
    });
    expect(
      abbreviationsIn(new Map([['ims', 'internet mail service']]))(
        'the Internet Mail Service stops; restart the internet mail service',
      ),
    ).toEqual(['ims', 'ims']);
    const others = Array.from({ length: 10 }, (_, i) =>
      makeArticle({
        id: `Q20000${i}`,
        title: `Printer Driver ${i} Prints Garbage`,
        sections: { symptoms: `Page ${i} prints garbage.` },
      }),
    );
    const small = Ranker.build(new KnowledgeBase([...defs, ims, store, ...others]));
    expect(small.rank('IMS stops with an access violation').hits[0]?.article.id).toBe('Q214407');
  });

  it('weighs the product and version the message names', () => {
    const r = ranker.rank('exchange 5.5 sp3 setup cannot find the file');
    expect(r.hits[0]?.article.id).toBe('Q290226');
    expect(r.hits[0]?.reason.products).toEqual(expect.arrayContaining(['exchange', '5.5']));
  });

  it('reads a typo as the word the KB uses', () => {
    const r = ranker.rank('directory replciation fails between domains');
    expect(r.hits[0]?.article.id).toBe('Q555555');
    expect(r.hits[0]?.reason.corrections).toContainEqual(['replciation', 'replication']);
  });

  it('counts title and symptoms above MORE INFORMATION prose', () => {
    expect(top('directory replication between domains')).toBe('Q555555');
  });
});

describe('questions', () => {
  it('keeps the article with the rare words among the candidates when common word runs match many others', () => {
    // Articles sharing the question's everyday wording ("nothing is printed on"), but not its subject.
    const printing = Array.from({ length: 5 }, (_, i) =>
      makeArticle({
        id: `Q70000${i}`,
        title: `Report ${i} Prints Blank Pages`,
        sections: { symptoms: `When you print report ${i}, nothing is printed on the page.` },
      }),
    );
    const mustek = makeArticle({
      id: 'Q136740',
      title: 'Mustek Scanning Program Does Not Print in Windows 95',
      sections: { symptoms: 'The Mustek hand scanner program prints nothing.' },
    });
    const small = Ranker.build(new KnowledgeBase([...printing, mustek]), { candidates: 3 });
    expect(small.rank('mustek hand scanner: nothing is printed on the page').hits[0]?.article.id).toBe('Q136740');
  });
});

describe('confidence', () => {
  it('is high for an exact paste and low when many articles fit equally', () => {
    const sure = ranker.rank(
      'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
    ).confidence;
    const unsure = ranker.rank('laser printer prints garbage').confidence;
    expect(sure).toBeGreaterThan(0.9);
    expect(unsure).toBeLessThan(0.5);
    expect(ranker.rank('zebra xylophone quartz').hits).toEqual([]);
    expect(ranker.rank('zebra xylophone quartz').confidence).toBe(0);
  });

  it('is low when the first article matches one word of a message the KB mostly does not speak of', () => {
    // Every word known, the KMS article far ahead: an answer.
    expect(ranker.rank('kms wont start after password change').confidence).toBeGreaterThanOrEqual(0.5);
    // One known word ("start") among words no article uses: far ahead of the rest, and still no answer.
    const sliver = ranker.rank('zebra xylophone quartz toner start');
    expect(sliver.hits[0]).toBeDefined();
    expect(sliver.confidence).toBeLessThan(0.15);
  });
});

describe('the saved index', () => {
  it('ranks the same after toJSON, v8 serialisation and loadJSON', () => {
    const loaded = Ranker.loadJSON(kb, v8.deserialize(v8.serialize(ranker.toJSON())));
    for (const q of ['0xc0020002', 'kms wont start', 'directory replciation', 'Runtime Error 13: Type Mismatch']) {
      expect(loaded.rank(q)).toEqual(ranker.rank(q));
    }
  });

  it('rejects something that is not a search index', () => {
    expect(() => Ranker.loadJSON(kb, { nope: true })).toThrow(/no search index/);
  });
});

describe('lookup by number', () => {
  const matcher = new Matcher(kb, ranker);

  it('shows the article asked for, without searching', () => {
    const m = matcher.match('show me kb 290226');
    expect(m.intent.intent).toBe('lookup');
    expect(m.via).toBe('lookup');
    expect(m.hits.map((h) => h.article.id)).toEqual(['Q290226']);
    expect(m.confidence).toBe(1);
  });

  it('says which ids it does not have', () => {
    expect(matcher.match('Q123456').missing).toEqual(['Q123456']);
  });
});

describe('hostile input', () => {
  it('strips log prefixes without eating the message', () => {
    expect(stripLogPrefix('2026-11-17 16:56:14 EXSRV38 The service did not start')).toBe('The service did not start');
    expect(stripLogPrefix('11/17/2026 4:56:14 PM mail-01 ERROR: disk full')).toBe('disk full');
    expect(stripLogPrefix('The service did not start')).toBe('The service did not start');
  });

  // The time limit is a guard against a hang, not a measurement: the ranker reads only the start of
  // a query, so a 100 KB paste or binary junk costs milliseconds; a search over the whole of it, or
  // a regex backtracking on it, would not. Generous, so a loaded CI box cannot trip it.
  it('answers a 100 KB paste and finds nothing in binary junk, without stalling', () => {
    const huge = 'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002 '.repeat(1300);
    const started = performance.now();
    expect(top(huge)).toBe('Q290226');
    const junk = ranker.rank(String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65536)));
    expect(junk.hits).toEqual([]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('never throws, keeps scores in order and confidence in 0-1 (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = ranker.rank(s);
        for (let i = 1; i < r.hits.length; i++) expect(r.hits[i - 1]!.score).toBeGreaterThanOrEqual(r.hits[i]!.score);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300, seed: 11 },
    );
  });
});
