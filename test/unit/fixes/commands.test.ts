/** Reading "save fix" commands from a message addressed to the bot (design 3.4). */
import { describe, expect, it } from 'vitest';
import { readSaveFix, type SaveFixCommand } from '../../../src/fixes/commands.js';

describe('readSaveFix', () => {
  const table: [string, SaveFixCommand | undefined][] = [
    // save the latest person message in the thread
    ['save fix', {}],
    ['Save fix.', {}],
    ['<@U0KBBOT> save fix', {}],
    ['<@U0KBBOT|kbbot>   save this fix!', {}],
    ['@kbbot save the fix', {}],
    ['<at>kbbot</at> save fix', {}],
    ['save as fix', {}],
    ['save fix:', {}],
    // the text itself
    [
      'save fix: restart the KM service and re-run update.exe',
      { text: 'restart the KM service and re-run update.exe' },
    ],
    [
      '<@U0KBBOT> save fix:\n```\nRestart-Service kms\n```\nthen re-run update.exe',
      { text: '```\nRestart-Service kms\n```\nthen re-run update.exe' },
    ],
    ['save fix\nbounced kms, ok now', { text: 'bounced kms, ok now' }],
    ['save fix - bounced kms', { text: 'bounced kms' }],
    // with a title
    [`save fix as "KMS service won't start after SP3"`, { title: "KMS service won't start after SP3" }],
    ['save fix as “KMS won’t start”', { title: 'KMS won’t start' }],
    ["save fix as 'KMS won't start'", { title: "KMS won't start" }],
    ['save fix as ‘KMS down’: restart it', { title: 'KMS down', text: 'restart it' }],
    ['save fix as "KMS down": restart kms\nthen update', { title: 'KMS down', text: 'restart kms\nthen update' }],
    ['save fix as KMS service down', { title: 'KMS service down' }],
    ['save fix as KMS down: restart it', { title: 'KMS down', text: 'restart it' }],
    ['save fix as KMS down\nrestart it', { title: 'KMS down', text: 'restart it' }],
    ['save fix as "Error 0x8007000D: data invalid"', { title: 'Error 0x8007000D: data invalid' }],
    // not a save command
    ['how do I save fixes?', undefined],
    ['save fixes', undefined],
    ['we should save fix notes somewhere', undefined],
    ['did you save fix-12?', undefined],
    ['fixed it by restarting kms', undefined],
    ['save fix as', undefined],
    ['save fix as ""', undefined],
    ['save fix as "unclosed title', undefined],
    ['please save fix', undefined],
    ['', undefined],
  ];

  it.each(table)('%j', (message, expected) => {
    expect(readSaveFix(message)).toEqual(expected);
  });
});
