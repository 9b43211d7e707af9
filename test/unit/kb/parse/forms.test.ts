// Property test: an article reads the same in its three forms. The collapsed and markdown forms are
// generated here from original-form articles (the seeds), with random line endings, encodings and
// {% raw %} tags; then unit tests of the error messages each form gives. The same property on a sample of
// the corpus, and the agreement of the forms' error messages over held-out corpus articles, are in
// test/corpus/forms-agreement.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCollapsedForm, toMarkdownForm } from '../../../../src/kb/forms.js';
import { parseArticle } from '../../../../src/kb/parse/index.js';
import { extractErrorMessages } from '../../../../src/kb/parse/errors.js';
import { quoteLength } from '../../../../src/kb/parse/quote-boundary.js';
import { checkForms, variant } from '../../../helpers/forms-check.js';

const SEEDS = join(import.meta.dirname, '../../../../seeds');

describe('the three forms give the same article', () => {
  for (const name of ['001_ecdc0bc6ee1f4d8d.txt', '002_80a59ddf575f0dde.txt']) {
    it(`seed ${name}, whatever the line endings, encoding and raw tags`, () => {
      const original = readFileSync(join(SEEDS, name), 'utf8');
      fc.assert(
        fc.property(variant, (v) => checkForms(original, name, v)),
        { seed: 1, numRuns: 40 },
      );
    });
  }

  it('a page title written with HTML character references reads as the original title', () => {
    const seed = readFileSync(join(SEEDS, '001_ecdc0bc6ee1f4d8d.txt'), 'utf8');
    const title = 'XADM: Error 1068 "RIP for NWLINK" & [Setup] C:\\EXCHSRVR\\*_old $';
    const original = seed.replace(/^TITLE\s*:.*$/m, `TITLE   :${title}`);
    const page = toMarkdownForm(original);
    expect(page).toContain(
      'Error 1068 &quot;RIP for NWLINK&quot; &amp; &#91;Setup&#93; C:&#92;EXCHSRVR&#92;&#42;&#95;old &#36;',
    );
    expect(parseArticle(page, 'page.md').title).toBe(title);
    expect(parseArticle(original, 'original.txt').title).toBe(title);
  });
});

/** The error messages of a section in the original form and in the collapsed form made from it. */
const both = (text: string): string[][] => [
  extractErrorMessages(text, 'text'),
  extractErrorMessages(toCollapsedForm(text), 'collapsed'),
];
/** Both forms of `lines` read exactly `expected`. */
const expectBothForms = (lines: string[], expected: string[]): void => {
  for (const found of both(lines.join('\n'))) expect(found).toEqual(expected);
};

describe('a quoted message is the message alone, in both forms', () => {
  it('a list item that introduces its message gives the message, not the item', () => {
    const text = [
      'If you unpack the presentation on another computer and run the slide show, the following symptoms',
      'may occur:',
      '',
      ' - As each slide appears, a dialog box with a title similar to the following',
      '   appears:',
      '',
      '   Locate Media Clip ppt292.tmp',
      '',
      '   -and-',
      '',
      ' - When you click Cancel, you receive an error message similar to the following:',
      '',
      '   Ppt292.tmp',
      '',
      '   This file cannot be found. Make sure the correct path and filename are given.',
      '',
      'If you run the same presentation in PowerPoint 97, it plays without error.',
    ].join('\n');
    const [original, collapsed] = both(text);
    expect(original).toContain(
      'Ppt292.tmp This file cannot be found. Make sure the correct path and filename are given.',
    );
    expect(collapsed).toContain(
      'Ppt292.tmp This file cannot be found. Make sure the correct path and filename are given.',
    );
    for (const found of [original, collapsed]) expect(found?.join(' | ')).not.toMatch(/When you click Cancel|-and-$/);
  });

  it('a note of when the message appears is not part of it', () => {
    const text = [
      'When you run the macro, you receive the following error message:',
      '',
      "   Run-time error '13': Type Mismatch (If you are using Microsoft Excel 97)",
    ].join('\n');
    expect(extractErrorMessages(text, 'text')).toEqual(["Run-time error '13': Type Mismatch"]);
    // ... nor is the article's own "Cause:" after it.
    expectBothForms(
      [
        'EXE2BIN displays the following error message:',
        '',
        '   File not found Cause: The file does not exist or the incorrect path was given.',
      ],
      ['File not found'],
    );
  });

  it('a message in quotation marks loses them; quotation marks that are part of the message stay', () => {
    const intro = 'You receive the following error message:';
    expect(extractErrorMessages([intro, '', '   "Cannot open the file."'].join('\n'), 'text')).toEqual([
      'Cannot open the file.',
    ]);
    expect(extractErrorMessages([intro, '', '   Cannot find "C:\\OFFICE\\PROOF.XLA"'].join('\n'), 'text')).toEqual([
      'Cannot find "C:\\OFFICE\\PROOF.XLA"',
    ]);
  });

  it('a dialog resource script, a CONFIG.SYS line or a quote of a readme file after an intro is not a message', () => {
    const dialog = [
      'The following dialog template gives the error:',
      '',
      '   IDD_DIALOG1 DIALOG DISCARDABLE 0, 0, 183, 92',
      '   BEGIN',
      '       DEFPUSHBUTTON "OK",IDOK,126,7,50,14',
      '   END',
    ].join('\n');
    expect(extractErrorMessages(dialog, 'text')).toEqual([]);
    const config = [
      'SMARTDrive displays the following message when CONFIG.SYS contains:',
      '',
      '   DEVICE=C:\\SSTOR.SYS /VIRTUAL',
    ].join('\n');
    expect(extractErrorMessages(config, 'text')).toEqual([]);
    const readme = [
      'The NETWORKS.WRI file states the following:',
      '',
      '   TBMI2 enables you to safely run applications that use IPX and SPX functions.',
    ].join('\n');
    expect(extractErrorMessages(readme, 'text')).toEqual([]);
  });

  it("a list of symptoms, situations or troubleshooting steps, a window message's parameters, a message map or a resource kit's text is not a message", () => {
    const symptoms = [
      'This message indicates that one of the following problems exists:',
      '',
      '   - The application is incompatible with your version of MS-DOS.',
      '   - The application cannot run because it reads the version as incompatible.',
    ];
    const steps = [
      'If you continue to receive an Insufficient Memory error message, try some of the following troubleshooting steps:',
      '',
      '   - Free up more hard disk space.',
      '   - Make sure you do not have any unnecessary programs running.',
    ];
    const situations = [
      'The following two situations can cause the system errors to occur:',
      '',
      '   - If the router is installed after FoxPro, an alert box is presented.',
    ];
    const parameters = [
      'The parameters passed with the negative WM_DDE_ACK message are as follows:',
      '',
      '   hwnd    Specifies the handle of the DDE window.',
    ];
    const map = [
      '3. Add a message map entry for the function in the .CPP file, as follows:',
      '',
      '   BEGIN_MESSAGE_MAP(CMyStat, CStatusBar)',
      '   ON_MESSAGE(WM_SETTEXT, OnSetText)',
      '   END_MESSAGE_MAP()',
    ];
    const kit = [
      'The Windows NT 3.5 Resource Kit box states the following:',
      '',
      '   The CD-ROM includes a set of utilities, accessories, and value-added software.',
    ];
    for (const lines of [symptoms, steps, situations, parameters, map, kit]) expectBothForms(lines, []);
  });

  it('a list of error messages, or of symptoms and error messages, still gives its messages', () => {
    expectBothForms(
      [
        'The following are examples of possible error messages:',
        '',
        '   MSDEV caused a stack fault in module MSPDB50.DLL at 015f:1030493b.',
      ],
      ['MSDEV caused a stack fault in module MSPDB50.DLL at 015f:1030493b.'],
    );
    expectBothForms(
      [
        'When you cancel printing, you may experience the following symptoms or error messages:',
        '',
        '   Printer Driver Busy',
      ],
      ['Printer Driver Busy'],
    );
    expectBothForms(
      [
        'If you handle a WM_LBUTTONDOWN message in the control, the following Assertion Error occurs:',
        '',
        '   Debug Assertion Failed!',
      ],
      ['Debug Assertion Failed!'],
    );
    expectBothForms(
      [
        'You may receive error 1788. This error message maps to the following error message:',
        '',
        '   The trust relationship between the primary domain and the trusted domain failed.',
      ],
      ['The trust relationship between the primary domain and the trusted domain failed.'],
    );
  });

  it('the registry warning in its Windows NT wording is boilerplate in every form, not a message', () => {
    const seed = readFileSync(join(SEEDS, '001_ecdc0bc6ee1f4d8d.txt'), 'utf8');
    const original = seed
      .replace(/WARNING: If you use Registry Editor[^]*?at your own risk\.\n\n/, '')
      .replace(
        '1. Start Registry Editor (Regedt32.exe).',
        [
          '1. Add the following parameter to the Windows NT registry:',
          '',
          '   ENABLEPMTUBHDETECT=1',
          '',
          '   WARNING: Using the Windows NT Registry Editor incorrectly can cause serious,',
          '   system-wide problems that may require you to reinstall Windows NT. Microsoft',
          '   cannot guarantee that any problems resulting from the use of Registry Editor',
          '   can be solved. Use this tool at your own risk.',
        ].join('\n'),
      );
    for (const text of [original, toCollapsedForm(original), toMarkdownForm(original)]) {
      const a = parseArticle(text, 'a.txt');
      expect(a.registryWarning).toBe(true);
      expect(a.errorMessages.join(' | ')).not.toMatch(/Registry Editor/);
      expect(a.sections.workaround).not.toMatch(/Registry Editor incorrectly/);
    }
  });

  it('a "WARNING:" paragraph of advice to the reader is not a quoted message, in either form', () => {
    expectBothForms(
      [
        'WARNING: Before you use the MMFCLEAN utility to clean the database, make an',
        'additional backup copy of your Microsoft Mail postoffice. If an error occurs',
        'during a fix, you can restore the backup.',
      ],
      [],
    );
  });

  it('source code after an error intro is not a message; a compiler message that names code, or a call stack, still is', () => {
    const handler = [
      'If you modify the code in step 4 as follows, the error does not occur:',
      '',
      '   Private Sub Command1_Click()',
      '      On Error GoTo ErrHand',
      '      Set clsTest = New Class1',
      '      Exit Sub',
      '   End Sub',
      '',
      'When you compile, you receive the following error message:',
      '',
      '   Compile error: Only comments may appear after End Sub, End Function, or End Property',
      '',
      'The event log shows the following error:',
      '',
      '   Event ID:1026 Source:MSExchangeIS Description: An error occurred with the following call stack:',
      '   EcTferOutMessage();0080070057 EcCreateOMTferOut();0080070057',
    ].join('\n');
    const [original = [], collapsed = []] = both(handler);
    for (const found of [original, collapsed]) {
      expect(found.join(' | ')).not.toMatch(/Private Sub|Err\.Raise/);
      expect(found.some((m) => m.startsWith('Compile error: Only comments may appear'))).toBe(true);
    }
    expect(original).toEqual([
      'Compile error: Only comments may appear after End Sub, End Function, or End Property',
      'Event ID:1026 Source:MSExchangeIS Description: An error occurred with the following call stack: EcTferOutMessage();0080070057 EcCreateOMTferOut();0080070057',
    ]);
  });
});

describe('lists of messages and intros in collapsed text', () => {
  it('"msg -or- - msg": each message without its bullet, in both forms', () => {
    const text = [
      'You receive one of the following error messages when you print:',
      '',
      ' - Port is currently in use or is not supported by Windows.',
      '',
      '   -or-',
      '',
      ' - System Error. The operating system cannot open the specified port.',
    ].join('\n');
    for (const found of both(text)) {
      expect(found).toEqual([
        'Port is currently in use or is not supported by Windows.',
        'System Error. The operating system cannot open the specified port.',
      ]);
    }
  });

  it('"-or-" at the margin between two indented messages: both are messages, in both forms', () => {
    for (const or of ['-or-', '- or -']) {
      expectBothForms(
        [
          'When you open the file, you receive one of the following error messages:',
          '',
          '   Insufficient Resources',
          '',
          or,
          '',
          '   Invalid Handle',
        ],
        ['Insufficient Resources', 'Invalid Handle'],
      );
    }
  });

  it("inside a list item, a message at the item's own indentation after its intro is read in both forms", () => {
    expectBothForms(
      [
        '2. Run Setup from the first disk.',
        '',
        '   During the setup process, the following error message appears:',
        '',
        '   Setup cannot find or cannot update your system files on drive A:.',
        '',
        '3. Restart the computer.',
      ],
      ['Setup cannot find or cannot update your system files on drive A:.'],
    );
  });

  it("after a message at a list item's own indentation, the item's text is not part of it; more of the message (a title's text, a question, \"-and-\", a label) is", () => {
    const item = (after: string[]): string =>
      [
        '1. Start the wizard from the Tools menu. When the wizard finishes, you receive the',
        '   following message:',
        '',
        '   Your settings were saved. The changes take effect after you restart.',
        '',
        ...after,
        '',
        '2. Restart the computer.',
      ].join('\n');
    expect(
      extractErrorMessages(item(['   Choose the OK button, but do not restart the computer yet.']), 'text'),
    ).toEqual(['Your settings were saved. The changes take effect after you restart.']);
    expect(extractErrorMessages(item(['   Would you like to restart the computer now?']), 'text')).toEqual([
      'Your settings were saved. The changes take effect after you restart. Would you like to restart the computer now?',
    ]);
    expectBothForms(
      [
        '1. Print the message. The following error message appears:',
        '',
        '   A general network error has occurred. Try again.',
        '',
        '   When you select OK, the print dialog box appears again.',
      ],
      ['A general network error has occurred. Try again.'],
    );
    expectBothForms(
      [
        '2. Open the workbook. You receive the following message:',
        '',
        '   Invalid Link',
        '',
        '   The workbook cannot find the linked file on the network drive.',
        '',
        '   Do you want to update the links now?',
        '',
        '3. Click No.',
      ],
      [
        'Invalid Link The workbook cannot find the linked file on the network drive. Do you want to update the links now?',
      ],
    );
    expectBothForms(
      [
        '3. Look in the event log. The following error messages are logged:',
        '',
        '   Event ID: 1121',
        '   Source: MSExchangeIS',
        '   Description:',
        '   The database could not be opened.',
        '',
        '   -and-',
        '',
        '   Event ID: 5000',
        '   Source: MSExchangeIS',
        '   Description:',
        '   Unable to initialize the information store service.',
        '',
        '4. Restart the service.',
      ],
      [
        'Event ID: 1121 Source: MSExchangeIS Description: The database could not be opened.',
        'Event ID: 5000 Source: MSExchangeIS Description: Unable to initialize the information store service.',
      ],
    );
    expect(
      extractErrorMessages(
        item(['   Title: Settings Saved. Text: Restart to apply the changes to every user.']),
        'text',
      )[0],
    ).toMatch(/Text: Restart to apply/);
  });

  it("a message in quotation marks runs to the closing mark (the article's words after it are not part of it), and a quoted sentence ends before the next intro, in both forms", () => {
    expectBothForms(
      [
        'The debugger skips breakpoints with the following error message:',
        '',
        '   "The query could not be debugged due to a problem coordinating events with',
        '   the server. Check the server and client log to find the exact cause, fix the',
        '   problem and try again."',
        '',
        'The Event Viewer log on the server shows the following error message:',
        '',
        '   CreateDispatch failed (Class not registered).',
      ],
      [
        'The query could not be debugged due to a problem coordinating events with the server. Check the server and client log to find the exact cause, fix the problem and try again.',
        'CreateDispatch failed (Class not registered).',
      ],
    );
    // The article's own words after the closing mark are not part of the message.
    expectBothForms(
      [
        '2. You will get a message:',
        '',
        '   "This version already has a label. Do you want to overwrite with new label? (Y/N)."',
        '   Type y to confirm the label change.',
      ],
      ['This version already has a label. Do you want to overwrite with new label? (Y/N).'],
    );
    // A dialog's title and text, each line in quotation marks, are one message.
    expectBothForms(
      [
        'When Setup /F is run, the following message is displayed:',
        '',
        '   "Setup Error 997"',
        '   "Object 90"',
        '   "Your Setup files may be damaged. Try restarting the Setup program."',
        '',
        'This happens because the /F switch is not supported.',
      ],
      ['"Setup Error 997" "Object 90" "Your Setup files may be damaged. Try restarting the Setup program."'],
    );
  });

  it("in a list of questions and answers, the message ends before the reader's question (in both forms) and the answer", () => {
    const faq = (message: string[], after: string[]): string[] => [
      '1. Q. When I run the program on a machine with less memory I get the error:',
      '',
      ...message.map((l) => `   ${l}`),
      '',
      ...after.map((l) => `   ${l}`),
      '',
      '2. Q. Why is the file smaller than I expect?',
    ];
    // The reader's question ends the message in collapsed text too.
    expectBothForms(
      faq(
        ['This program cannot be run in DOS mode.'],
        ['What did I do wrong?', '', 'A. You need to run the BINDMSF.EXE utility on the executable file.'],
      ),
      ['This program cannot be run in DOS mode.'],
    );
    const [answered] = both(
      faq(
        ['DOSXMSF : fatal error DX1020: unhandled exception: Page fault'],
        ['A. This is an MS-DOS-extender error that indicates an array subscript out of range.'],
      ).join('\n'),
    );
    expect(answered).toEqual(['DOSXMSF : fatal error DX1020: unhandled exception: Page fault']);
  });

  it('an intro that ends its sentence without a colon still introduces the indented message, in both forms', () => {
    expectBothForms(
      [
        'If you open the workbook, you may receive the following error message',
        '',
        '   Cannot Find "<path>\\PROOF.XLA". Check the path.',
        '',
        'Under Microsoft MASM 6.0 the following error will be generated.',
        '',
        '   error A2026: constant expected',
        '',
        'The following errors will be logged in the Event Viewer.',
      ],
      ['Cannot Find "<path>\\PROOF.XLA". Check the path.', 'error A2026: constant expected'],
    );
  });

  it("a bulleted list of messages at the intro's margin (as KB pages write it) gives each message, in both forms", () => {
    expectBothForms(
      [
        'When you save a document, Word may stop responding or you may receive',
        'one of the following error messages:',
        '',
        '- There is not enough memory or disk space to complete the operation.',
        '',
        '  -or-',
        '',
        '- This program has performed an illegal operation and will be shut down.',
        '',
        '  When you click Details, the following message is displayed:',
        '',
        '  WINWORD caused an invalid page fault in module WINWORD.EXE',
      ],
      [
        'There is not enough memory or disk space to complete the operation.',
        'This program has performed an illegal operation and will be shut down.',
        'WINWORD caused an invalid page fault in module WINWORD.EXE',
      ],
    );
  });

  it('a dash inside a message is part of it ("Error 1069 - ..."), in both forms; only a quote that opens with a bullet is a list', () => {
    expectBothForms(
      [
        'When you start the service, you receive the following error message:',
        '',
        '   Error 1069 - The service did not start due to a logon failure.',
      ],
      ['Error 1069 - The service did not start due to a logon failure.'],
    );
  });

  it('each item of a bulleted list is one message, up to the next bullet', () => {
    const items = [
      'Cannot open the catalog file. If you moved the file, run Setup again.',
      'MSG0263 This is not a registered device.',
      'Video not available.',
    ];
    expectBothForms(
      [
        'When you start the tutorial, you may receive one of the following error messages:',
        '',
        ...items.flatMap((m) => [` - ${m}`, '']),
      ],
      items,
    );
  });

  it('an intro after a URL or command line with no full stop still introduces the message', () => {
    expectBothForms(
      [
        'You receive an error message when you type the URL in the following format:',
        '',
        '   "http://<server FQDN>/exchange" (without the quotation marks)',
        '',
        'The error message is as follows:',
        '',
        '   HTTP 404 Not Found',
      ],
      ['HTTP 404 Not Found'],
    );
    // ... and when the paragraph after the command goes on in lower case.
    expectBothForms(
      [
        'When I attempt an UNFORMAT command on a low density disk by typing',
        '',
        '   " unformat <drive_letter>:" (without the quotation marks)',
        '',
        'then I get the error message:',
        '',
        '   Bad sector being bypassed.',
        '',
        'This message is displayed continuously and the system seems to hang.',
      ],
      ['Bad sector being bypassed.'],
    );
  });
});

describe('where a quote ends in collapsed text', () => {
  it('an intro run on after a message ("... in DLL Or while linking, the following error is generated:") still starts the next message', () => {
    expectBothForms(
      [
        'When you run the program, the following error occurs:',
        '',
        '   LOADER : fatal error X1410: cannot load program : entry point not found in DLL',
        '',
        'Or while running the debugger, the following error is generated:',
        '',
        '   DEBUGX : fatal error X1410: cannot load program : entry point not found in DLL',
      ],
      [
        'LOADER : fatal error X1410: cannot load program : entry point not found in DLL',
        'DEBUGX : fatal error X1410: cannot load program : entry point not found in DLL',
      ],
    );
    // ... also when the message ends in a mark of its own and the intro names the tool.
    expectBothForms(
      [
        'The assembler gives the following error:',
        '',
        '   error A2008: syntax error : ,',
        '',
        'Versions 5.1 and 5.1a of the assembler generate the following warning:',
        '',
        '   warning A4001: Extra characters on line',
      ],
      ['error A2008: syntax error : ,', 'warning A4001: Extra characters on line'],
    );
  });

  it('a title-case label before each message ("Windows 95 Error Message:") is not part of the messages, in both forms', () => {
    expectBothForms(
      [
        'While you install the encyclopedia, you receive one of the following error messages.',
        '',
        'Windows 95 Error Message:',
        '',
        '   Setup tried to create an invalid path using D:\\ and Atlas\\Holder.dll',
        '',
        'Windows 3.x Error Message:',
        '',
        '   Could not open the file D:\\ATLAS\\HOLDER.DLL',
      ],
      [
        'Setup tried to create an invalid path using D:\\ and Atlas\\Holder.dll',
        'Could not open the file D:\\ATLAS\\HOLDER.DLL',
      ],
    );
  });

  it('"The following error occurred:" and "... terminated with the following error:" inside an event message are part of it', () => {
    expectBothForms(
      [
        'The following event is logged in the system log:',
        '',
        '   Event ID: 5723 The session setup from the computer DEMOBDC failed to authenticate. The following error occurred: Access is denied.',
        '',
        'This happens when the machine account password is out of date on the domain controller.',
      ],
      [
        'Event ID: 5723 The session setup from the computer DEMOBDC failed to authenticate. The following error occurred: Access is denied.',
      ],
    );
    expectBothForms(
      [
        'The following event is logged:',
        '',
        '   Event ID: 7023 Description: The Demo Agent service terminated with the following error: The service has not been started.',
      ],
      [
        'Event ID: 7023 Description: The Demo Agent service terminated with the following error: The service has not been started.',
      ],
    );
  });

  it('"<msg> followed by: <msg>" gives both messages, in both forms', () => {
    expectBothForms(
      [
        'When you quit the program, you receive the following error message:',
        '',
        "   Can't quit at this time",
        '',
        'followed by:',
        '',
        '   This program has performed an illegal operation and will be shut down.',
      ],
      ["Can't quit at this time", 'This program has performed an illegal operation and will be shut down.'],
    );
  });

  it('"-and-" between two messages gives both, in both forms', () => {
    expectBothForms(
      [
        'When the upgrade stops, you receive the following error messages:',
        '',
        '   Setup could not stop the directory service. ID no: c1032c00',
        '',
        '   -and-',
        '',
        '   ERROR: The upgrade did not complete. Restart the services and run Setup again.',
      ],
      [
        'Setup could not stop the directory service. ID no: c1032c00',
        'ERROR: The upgrade did not complete. Restart the services and run Setup again.',
      ],
    );
  });

  it('a quote does not end inside a parenthesis or quotation marks that close within it', () => {
    // A model that would end the quote inside the quotation marks (before "Type") and the parenthesis (before "Mismatch)").
    const model = { bias: -6, weights: { 'nw=type': 12, 'nw=mismatch': 12, 'nw=enable': 8 } };
    const tokens = 'Fonts: "Open Type fonts are turned off." Enable them in Control Panel.'.split(' ');
    expect(tokens.slice(0, quoteLength(tokens, tokens.length, model)).join(' ')).toBe(
      'Fonts: "Open Type fonts are turned off."',
    );
    const paren = 'AN ERROR (Setup Type Mismatch) Has Occurred. Enable macros.'.split(' ');
    expect(paren.slice(0, quoteLength(paren, paren.length, model)).join(' ')).toBe(
      'AN ERROR (Setup Type Mismatch) Has Occurred.',
    );
  });

  it("a dialog's one-word title is not the whole message", () => {
    const text = [
      'When you insert a disk that already holds files, Backup displays the following message:',
      '',
      '   Alert',
      '   You have inserted a disk which contains existing directories and files. Do',
      '   you want to Overwrite this disk, Add to it, or Retry using another disk?',
      '',
      'Choose Overwrite to erase the disk.',
    ].join('\n');
    expect(extractErrorMessages(toCollapsedForm(text), 'collapsed')[0]).toMatch(/^Alert You have inserted a disk/);
  });

  it('a section heading without its underline ends a quote', () => {
    expectBothForms(
      [
        'When you open the help file, you might receive the following error message:',
        '',
        '   This file is not a valid help file.',
        '',
        'CAUSE',
        'The help files require the 32-bit help viewer to be installed on the system.',
      ],
      ['This file is not a valid help file.'],
    );
  });

  it('an article note on a placeholder ("where <x> is ..."), a dangling "Cause:" or "(This error occurs ...)" is not part of the message', () => {
    expectBothForms(
      [
        'The following error message appears:',
        '',
        '   Cannot load driver file xxxx (where xxxx refers to the driver file name)',
      ],
      ['Cannot load driver file xxxx'],
    );
    expectBothForms(
      [
        'When you log on, you receive the following error message:',
        '',
        '   Cannot reconnect <x>: to \\\\<server>\\<share> (Error 84) where <x> is the network drive letter.',
      ],
      ['Cannot reconnect <x>: to \\\\<server>\\<share> (Error 84)'],
    );
    expectBothForms(
      ['The following message appears:', '', '   AutoUpdate could not download a newer version. Cause:'],
      ['AutoUpdate could not download a newer version.'],
    );
    expectBothForms(
      [
        'When you run the program, you receive the following error message:',
        '',
        '   Cannot Run Program. (This error occurs when running version 3.11.)',
      ],
      ['Cannot Run Program.'],
    );
  });
});

describe('the footer of older articles', () => {
  const article = [
    'DOCUMENT:Q812345  09-OCT-1999  [win3x]',
    'TITLE   :Expand Utility Fails with the -R Switch',
    'PRODUCT :Microsoft Windows',
    'PROD/VER:WINDOWS:3.1',
    'OPER/SYS:',
    'KEYWORDS:',
    '',
    '======================================================================',
    '-------------------------------------------------------------------------------',
    'The information in this article applies to:',
    '',
    ' - Microsoft Windows versions 3.1, 3.11',
    '-------------------------------------------------------------------------------',
    '',
    'SYMPTOMS',
    '========',
    '',
    'When you use the -r switch on a file that has no compressed extension, the',
    'following error message is displayed:',
    '',
    "   ERROR - Can't open input file: -r",
    '',
    'KBCategory: kbusage kberrmsg',
    'KBSubcategory: win31',
    '',
    'Additional query words: 3.10 expand',
    '',
    '======================================================================',
    '',
    'THE INFORMATION PROVIDED IN THE MICROSOFT KNOWLEDGE BASE IS PROVIDED "AS IS" WITHOUT WARRANTY OF ANY KIND.',
    '',
    'Copyright Microsoft Corporation 1999.',
  ].join('\n');

  it('"KBCategory:" and "KBSubcategory:" are keywords, not part of the last section or of a message, in every form', () => {
    for (const text of [article, toCollapsedForm(article), toMarkdownForm(article)]) {
      const a = parseArticle(text, 'old.txt');
      expect(a.keywords).toEqual(['kbusage', 'kberrmsg', 'win31']);
      expect(a.sections.symptoms).not.toMatch(/KBCategory|KBSubcategory/);
      expect(a.errorMessages).toEqual(["ERROR - Can't open input file: -r"]);
    }
  });

  it('keyword lines written before the last section leave that section whole', () => {
    const early = article.replace(
      "   ERROR - Can't open input file: -r\n\nKBCategory: kbusage kberrmsg\nKBSubcategory: win31\n",
      "   ERROR - Can't open input file: -r\n\nKBCategory: kbusage kberrmsg\nKBSubcategory: win31\n\nMORE INFORMATION\n================\n\nRename the file by hand after expanding it.\n",
    );
    for (const text of [early, toCollapsedForm(early)]) {
      const a = parseArticle(text, 'old.txt');
      expect(a.sections.moreInformation).toBe('Rename the file by hand after expanding it.');
      expect(a.keywords).toEqual(['kbusage', 'kberrmsg', 'win31']);
    }
  });

  it('a header closed by a rule of dashes instead of "=====" keeps the article\'s sections and keywords', () => {
    const dashed = article.replace(
      'KEYWORDS:\n\n======================================================================\n',
      'KEYWORDS:kbtool kbprb\n\n',
    );
    const a = parseArticle(dashed, 'old.txt');
    expect(a.keywords).toEqual(['kbtool', 'kbprb', 'kbusage', 'kberrmsg', 'win31']);
    expect(a.appliesTo).toEqual(['Microsoft Windows versions 3.1, 3.11']);
    expect(a.sections.symptoms).toMatch(/^When you use the -r switch/);
  });
});
