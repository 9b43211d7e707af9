/**
 * Undo what chat transports do to message text, before anything reads it: Slack's `&amp;`
 * escaping and `<@U…>`, `<#C…|name>`, `<!here>`, `<url|label>` markup; Teams `<at>…</at>`
 * mentions and HTML entities; Markdown code fences, inline code and `>` quoted lines.
 * A leaf module: no imports, used by intents, ranking and the bot alike.
 */

export interface ChatText {
  /** The text as a person would read it: markup undone, fences and quote marks removed. */
  text: string;
  /** User ids or names mentioned (`<@U123>` gives "U123", `<at>kbbot</at>` gives "kbbot"), in order. */
  mentions: string[];
  /** Broadcast mentions present (`<!channel>`, `<!here>`, `<!everyone>`, `@channel`). */
  broadcasts: string[];
  /** True when some of the text was inside a ``` code fence. */
  fenced: boolean;
  /** True when some line was a `>` quote. */
  quoted: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** `&amp;` → `&` etc.; decimal and hex numeric references too. Unknown entities stay as they are. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z0-9]{2,8});/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower in ENTITIES) return ENTITIES[lower] ?? whole;
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? whole;
    return whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff && (n < 0xd800 || n > 0xdfff)
    ? String.fromCodePoint(n)
    : undefined;
}

/** Slack `<…>` markup, before entities are decoded (a literal "&lt;" in the text is not markup). */
function undoSlackMarkup(text: string, mentions: string[], broadcasts: string[]): string {
  return text.replace(
    /<([@#!]?)([^<>\s|]{1,500})(?:\|([^<>]{0,500}))?>/g,
    (whole, sigil: string, target: string, label?: string) => {
      if (sigil === '@') {
        mentions.push(target);
        return label ? `@${label}` : '';
      }
      if (sigil === '#') return label ? `#${label}` : `#${target}`;
      if (sigil === '!') {
        const name = target.split('^')[0] ?? target;
        if (name === 'channel' || name === 'here' || name === 'everyone') {
          broadcasts.push(name);
          return '';
        }
        return label ?? '';
      }
      if (/^(https?|mailto|ftp|tel):/i.test(target)) return label ?? target.replace(/^mailto:/i, '');
      return whole;
    },
  );
}

/** Teams `<at>Name</at>` mentions and the few HTML tags Teams puts into message text. */
function undoTeamsMarkup(text: string, mentions: string[]): string {
  return text
    .replace(/<at>([^<]{0,200})<\/at>/gi, (_w, name: string) => {
      mentions.push(name.trim());
      return '';
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div)>/gi, '\n')
    .replace(/<\/?(p|div|span|b|i|strong|em|u|s|pre|code)(\s[^<>]{0,200})?>/gi, '');
}

/** Remove ``` fences (keeping their content) and inline `code` marks. */
function undoCode(text: string): { text: string; fenced: boolean } {
  let fenced = false;
  const out = text.replace(/```(?:[a-z0-9+#-]{1,12}\n|\n)?([\s\S]*?)(?:```|$)/gi, (_w, body: string) => {
    fenced = true;
    return `\n${body.replace(/\n$/, '')}\n`;
  });
  return { text: out.replace(/`([^`\n]{1,2000})`/g, '$1'), fenced };
}

/**
 * Spaces and tabs before a line break. The look-behind makes each run start once: `[ \t]+\n` alone
 * is tried again from every space of a run that no line break ends (a run of n spaces costs n²/2
 * steps: 100,000 spaces took 9 s). Every regex here costs time linear in the text.
 */
const TRAILING_BLANKS = /(?<![ \t])[ \t]+\n/g;

/** Undo chat markup. Never throws; any string in gives a string out; time linear in its length. */
export function undoChatMarkup(raw: string): ChatText {
  const mentions: string[] = [];
  const broadcasts: string[] = [];
  let text = raw.replace(/\r\n?/g, '\n');
  text = undoTeamsMarkup(undoSlackMarkup(text, mentions, broadcasts), mentions);
  text = decodeEntities(text);
  const code = undoCode(text);
  let quoted = false;
  text = code.text
    .split('\n')
    .map((line) => {
      const m = /^\s{0,3}(?:>|&gt;)\s?(.*)$/.exec(line);
      if (!m) return line;
      quoted = true;
      return m[1] ?? '';
    })
    .join('\n');
  for (const m of text.matchAll(/(^|\s)@(channel|here|everyone)\b/gi)) broadcasts.push((m[2] ?? '').toLowerCase());
  text = text
    .replace(TRAILING_BLANKS, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return { text, mentions, broadcasts, fenced: code.fenced, quoted };
}
