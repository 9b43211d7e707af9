/**
 * Is a quoted block source code rather than a message the user sees? KB articles quote code
 * after colons that read like message intros ("... fails with the following error:" then the
 * handler's code), and both forms would take it as a message.
 */

/** Each is a mark of code; a block with two of them, and no message heading, is code. */
const CODE_MARKS = [
  // A C++ comment (not a URL's "//").
  /(?:^|[^:/])\/\/\s/g,
  // Basic statements ("End Sub," in a message that names them does not count).
  /\b(?:End\s+(?:Sub|If|Function|With|Select)\b(?!,)|Private\s+Sub|Public\s+Sub|Dim\s+\w+\s+As\b|Exit\s+Sub\b|On\s+Error\s+GoTo\b)/gi,
  // A C call statement: "rs.Open();".
  /\b\w+\([^()]*\);(?=\s|$)/g,
  // Assembly: "pop si", "mov eax, DWORD PTR ...".
  /\b(?:mov|push|pop|lea|cmp|jmp)\s+(?:e?[abcd]x|e?[sd]i|[cdefgs]s|e?[bs]p|[abcd][hl]|DWORD|WORD|BYTE)\b/g,
  /\b(?:break|return\s+\w+|int\s+\w+|void)\s*[;(]/g,
  /\bafx_msg\b/g,
];

/** A block that opens like a message or a log ("error C2065: ...", "Event ID: 1026", a Dr. Watson dump) is kept whatever follows. */
const MESSAGE_HEAD =
  /^[A-Za-z ]{0,30}\b(?:error|warning|event\s+id)\b[^:]{0,20}:|^.{0,200}\b(?:exception|access\s+violation|state\s+dump)\b/i;

export function looksLikeCode(text: string): boolean {
  if (MESSAGE_HEAD.test(text)) return false;
  let marks = 0;
  for (const mark of CODE_MARKS) {
    marks += text.match(mark)?.length ?? 0;
    if (marks >= 2) return true;
  }
  return false;
}
