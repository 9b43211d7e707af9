// Golden tests: every Article field of the five bundled seed articles (all three forms).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Article } from '../../../../src/kb/article.js';
import { parseArticle } from '../../../../src/kb/parse/index.js';

const SEEDS = join(import.meta.dirname, '../../../../seeds');
const seed = (name: string): Article => parseArticle(readFileSync(join(SEEDS, name)), name);
const flat = (s: string | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();
const KMS_KEY = 'HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeKMS';

/** Fields every seed shares: no boilerplate inside any section. */
function expectNoBoilerplate(a: Article): void {
  for (const text of Object.values(a.sections)) {
    expect(text).not.toMatch(
      /Registry Editor incorrectly|at your own risk|Additional query words|THE INFORMATION PROVIDED|Copyright Microsoft|Technology\s+:|Keywords\s+:|Q256986 Description/i,
    );
  }
  for (const e of a.errorMessages) expect(e).not.toMatch(/Registry Editor incorrectly|Additional query words/);
}

describe('seed 000: collapsed form, Q196171', () => {
  const a = seed('000_4ed3148573fc0217.txt');
  it('reads the header', () => {
    expect(a).toMatchObject({
      path: '000_4ed3148573fc0217.txt',
      id: 'Q196171',
      title: 'XADM: Incorrect Attempt to Update KMS during 5.5 SP1 Update',
      product: 'Microsoft Exchange',
      category: 'exchange',
      versions: ['5.5 SP1'],
      date: '2002-06-11',
      keywords: ['exc55sp1'],
      issueType: 'kbbug',
      solutionType: 'kbnofix',
      appliesTo: ['Microsoft Exchange Server, version 5.5 SP1'],
      form: 'collapsed',
    });
  });
  it('cuts the sections, leaving the registry boilerplate out', () => {
    expect(Object.keys(a.sections)).toEqual(['symptoms', 'workaround', 'status']);
    expect(a.sections.symptoms).toMatch(
      /^If a previous install of Exchange Server versions 4\.0 or 5\.0 .* attempt to upgrade the KM Server\.$/,
    );
    expect(a.sections.workaround).toMatch(/^To work around this problem, .* 4\. Quit Registry Editor\.$/);
    expect(a.sections.status).toBe(
      'Microsoft has confirmed this to be a problem in the Setup component of Exchange Server version 5.5 Service Pack 1.',
    );
    expect(a.registryWarning).toBe(true);
    expectNoBoilerplate(a);
  });
  it('finds the steps, the key they name, and no error quote', () => {
    expect(a.steps).toEqual([
      'Start Registry Editor (Regedt32.exe).',
      `Locate the the following key in the registry: ${KMS_KEY}`,
      'Delete this key.',
      'Quit Registry Editor.',
    ]);
    expect(a.registryKeys).toEqual([KMS_KEY]);
    expect(a.errorMessages).toEqual([]);
    expect(a.files).toEqual([]);
    expect(a.related).toEqual([]); // Q256986 only appears in the registry boilerplate
  });
});

describe('seed 001: original text form, Q235418', () => {
  const a = seed('001_ecdc0bc6ee1f4d8d.txt');
  it('reads the header', () => {
    expect(a).toMatchObject({
      id: 'Q235418',
      title: 'XADM: Cannot Apply Service Pack on KM Server',
      product: 'Microsoft Exchange',
      category: 'exchange',
      versions: ['5.5'],
      date: '2002-06-11',
      keywords: ['exc55'],
      issueType: 'kbprb',
      solutionType: 'kbnofix',
      appliesTo: ['Microsoft Exchange Server, version 5.5'],
      registryWarning: true,
      form: 'text',
    });
  });
  it('keeps paragraphs and indentation of quotes in the sections', () => {
    expect(Object.keys(a.sections)).toEqual(['symptoms', 'cause', 'workaround']);
    expect(a.sections.symptoms).toContain(
      'is installed on the computer:\n\n   The system cannot find the file specified.',
    );
    expect(a.sections.cause).toContain(`registry key:\n\n   ${KMS_KEY}`);
    expect(a.sections.workaround).toMatch(
      /^Remove the KM server password from the ImagePath registry value\. To do so, use\nthe following steps\.\n\n1\. Start Registry Editor/,
    );
    expectNoBoilerplate(a);
  });
  it('finds the error, the steps with their sub-text, and the key', () => {
    expect(a.errorMessages).toEqual(['The system cannot find the file specified.']);
    expect(a.steps).toEqual([
      'Start Registry Editor (Regedt32.exe).',
      `Locate the ImagePath value under the following key in the registry: ${KMS_KEY}`,
      'On the Edit menu, click String, remove the KM server password, and then click OK. When you are finished modifying the value, it should contain the full path to Kmserver.exe file only. By default, the value is set to C:\\Exchsrvr\\Bin\\Kmserver.exe.',
      'Quit Registry Editor.',
    ]);
    expect(a.registryKeys).toEqual([KMS_KEY]);
    expect(a.files).toEqual([]);
    expect(a.related).toEqual([]);
  });
});

describe('seed 002: original text form, Q174743 (by design, no fix)', () => {
  const a = seed('002_80a59ddf575f0dde.txt');
  it('reads every field', () => {
    expect(a).toMatchObject({
      id: 'Q174743',
      title: 'XADM: Cannot Install 4.0/5.0 KMS After Installing 5.5 Server',
      product: 'Microsoft Exchange',
      category: 'exchange',
      versions: ['5.5'],
      date: '1999-03-08',
      keywords: ['kbusage'],
      issueType: null,
      solutionType: null,
      appliesTo: ['Microsoft Exchange Server, version 5.5'],
      registryWarning: false,
      steps: [],
      registryKeys: [],
      files: [],
      related: [],
      form: 'text',
    });
    expect(Object.keys(a.sections)).toEqual(['symptoms', 'moreInformation']);
    expect(a.sections.moreInformation).toMatch(/^This is by design\./);
    expect(a.errorMessages).toEqual([
      'Unable to create Encryption-Cfg object in the site you are running Setup. Verify the Microsoft Exchange Directory is running then try again.',
    ]);
    expectNoBoilerplate(a);
  });
});

describe('seed 003: collapsed form, Q193567 (fixed in a service pack)', () => {
  const a = seed('003_f23bba6eda1b820c.txt');
  it('reads every field', () => {
    expect(a).toMatchObject({
      id: 'Q193567',
      title: 'XADM: KMS Database Conversion Fails During Exchange 5.5 Upgrade',
      product: 'Microsoft Exchange',
      category: 'exchange',
      versions: ['5.5'],
      date: '1999-04-21',
      keywords: ['exc55sp2fix'],
      issueType: 'kbbug',
      solutionType: 'kbfix',
      appliesTo: ['Microsoft Exchange Server, version 5.5'],
      registryWarning: false,
      steps: [],
      registryKeys: [],
      files: [{ name: 'Kmsupgrd.dll', version: '5.5.2418.0' }],
      related: ['Q191014'],
      form: 'collapsed',
    });
    expect(Object.keys(a.sections)).toEqual(['symptoms', 'cause', 'resolution', 'status', 'moreInformation']);
    expect(a.sections.status).toBe(
      'Microsoft has confirmed this to be a problem in Microsoft Exchange Server version 5.5. This problem was first corrected in Exchange Server 5.5 Service Pack 2.',
    );
    expect(a.errorMessages).toEqual([
      'An unexpected, unknown error has occurred. MAPI or an unspecified service provider. ID no: 00000000-0000-00000000',
    ]);
    expectNoBoilerplate(a);
  });
});

describe('seed 004: Jekyll markdown form, Q290226', () => {
  const a = seed('004_6b0cbcec631ac3f8.txt');
  it('reads the front matter and the tab-indented header', () => {
    expect(a).toMatchObject({
      id: 'Q290226',
      title: 'XADM: Cannot Apply Exchange Server 5.5 SP3 with Error 0xc0020002',
      product: 'Microsoft Exchange',
      category: 'exchange', // from the product: the permalink carries none
      versions: ['5.5'],
      date: '2001-08-23',
      keywords: [],
      issueType: 'kbprb',
      solutionType: null,
      appliesTo: ['Microsoft Exchange Server, version 5.5'],
      registryWarning: false,
      files: [],
      related: [],
      form: 'markdown',
    });
  });
  it('removes the tab indent but keeps the quotes indented', () => {
    expect(Object.keys(a.sections)).toEqual(['symptoms', 'cause', 'resolution']);
    expect(a.sections.symptoms).toContain(
      'The error message is:\n\n  The System cannot find the file specified:\n  Microsoft Windows NT\n  ID no: 0xc0020002',
    );
    expect(a.sections.symptoms).not.toMatch(/^\t/m);
    expect(flat(a.sections.cause)).toBe(
      'This issue can occur if you removed the Key Management Service (KMS) component incorrectly.',
    );
  });
  it('finds the error quotes, the steps with their sub-items, and every key once', () => {
    expect(a.errorMessages).toContain(
      'The System cannot find the file specified: Microsoft Windows NT ID no: 0xc0020002',
    );
    expect(a.errorMessages).toContain(
      'Setup will reinstall Microsoft Exchange Server files for your current Setup Configuration. Existing databases will be preserved, but the Microsoft Exchange services will be stopped during the reinstall.',
    );
    const keys = [
      KMS_KEY,
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\KMServer',
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Exchange\\Setup\\Key Management Server',
    ];
    expect(a.steps).toEqual([
      'Stop KMS.',
      'Start Registry Editor (Regedt32.exe).',
      `Remove the following registry keys: - ${keys.join(' - ')}`,
    ]);
    expect(a.registryKeys).toEqual(keys);
    expectNoBoilerplate(a);
  });
});

describe('the id comes from the content, never the file name', () => {
  it('reads the same article under any name', () => {
    const bytes = readFileSync(join(SEEDS, '002_80a59ddf575f0dde.txt'));
    expect(parseArticle(bytes, 'Q999999.md').id).toBe('Q174743');
    expect(parseArticle(bytes, 'README').id).toBe('Q174743');
  });
});
