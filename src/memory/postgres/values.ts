/**
 * Strings as Postgres can keep them. Its text type cannot hold NUL (U+0000), which the bot uses as
 * a separator in thread keys (`conversation\0thread`) and which JSON.stringify writes as the escape
 * `\u0000` (kept as is). Keys are escaped one to one, so two keys never become the same row;
 * free text (messages, titles) has NUL replaced by U+FFFD, as a message with NUL bytes is never
 * answered anyway (bot/message.ts looksBinary).
 */

/** A key (thread, delivery) as stored: `\` doubled and NUL written `\0`, so distinct keys stay distinct. */
export function storedKey(key: string): string {
  return key.includes('\u0000') || key.includes('\\') ? key.replaceAll('\\', '\\\\').replaceAll('\u0000', '\\0') : key;
}

/** Free text as stored: NUL becomes U+FFFD. */
export function storedText(text: string): string;
export function storedText(text: string | null): string | null;
export function storedText(text: string | null): string | null {
  return text === null || !text.includes('\u0000') ? text : text.replaceAll('\u0000', '\uFFFD');
}
