/**
 * A chat message made ready for ranking: chat markup undone (Slack escaping, mentions, code
 * fences), log-line prefixes (timestamps, host names, severities) taken off each line, KB ids
 * and codes picked out. The text is capped so a 100 KB paste costs no more than a page.
 */
import { undoChatMarkup } from '../../text/chat-markup.js';
import { RANKER_DEFAULTS } from './options.js';
import { isCodeToken, textTokens } from './tokens.js';

/** Only this much of a message is read. */
export const MAX_QUERY_CHARS = 4000;

export interface CleanQuery {
  /** The message as a person reads it, prefixes removed. */
  text: string;
  /** Error codes and identifiers in it: 0xc0020002, c1041724, 1018, kmserver.exe, lnk2001. */
  codes: string[];
  fenced: boolean;
}

const TIMESTAMP = [
  /^\[?\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\]?\s*/,
  /^\[?\d{1,2}\/\d{1,2}\/\d{2,4},?\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?\]?\s*/i,
  /^\[?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\]?\s*/,
  /^[A-Z][a-z]{2}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}\s*/,
];
/**
 * A host name after a timestamp: EXSRV38, mail-01, srv.corp.local. The look-aheads ask for a digit
 * so that one `*` reads the name (two around `\d` take turns at a long name: quadratic).
 */
const HOST =
  /^(?:[A-Z](?=[A-Z0-9_-]*\d)[A-Z0-9_-]*|[a-z](?=[a-z0-9-]*\d)[a-z0-9-]*|[\w-]+\.[\w.-]+\.(?:local|com|net|org|corp|lan))(?::)?\s+/;
const SEVERITY =
  /^(?:\[(?:error|err|warn|warning|info|fatal|crit|critical)\]|(?:error|warn|warning|fatal|crit)\s*:)\s*/i;

/** Strip "2026-11-17 16:56:14 EXSRV38 [ERROR]" from the start of a line. */
export function stripLogPrefix(line: string): string {
  let out = line;
  let stamped = false;
  for (const re of TIMESTAMP) {
    const m = re.exec(out);
    if (m) {
      out = out.slice(m[0].length);
      stamped = true;
      break;
    }
  }
  if (stamped) out = out.replace(HOST, '');
  return out.replace(SEVERITY, '');
}

/** The message ready for ranking; only its first `maxCodes` distinct codes are kept (RANKER_DEFAULTS.maxCodes). */
export function cleanQuery(raw: string, maxCodes = RANKER_DEFAULTS.maxCodes): CleanQuery {
  const chat = undoChatMarkup(raw.length > MAX_QUERY_CHARS * 2 ? raw.slice(0, MAX_QUERY_CHARS * 2) : raw);
  const text = chat.text
    .slice(0, MAX_QUERY_CHARS)
    .split('\n')
    .map((l) => stripLogPrefix(l.trim()))
    .join('\n')
    .trim();
  const codes = [...new Set(textTokens(text).filter(isCodeToken))].slice(0, maxCodes);
  return { text, codes, fenced: chat.fenced };
}

/** An IPv4 address, with its port when it has one ("10.128.9.87:6443"). */
const ADDRESS = /\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g;

/**
 * A Kubernetes pod of a Deployment, with its namespace when written before it
 * ("payments/checkout-7d9f8b6c5d-x2k4q"): a name, then the pod-template hash (6-10 letters and
 * digits, at least one digit), then the pod's own 5-character suffix.
 */
const POD_NAME =
  /(?<![\w./-])(?:[a-z0-9][a-z0-9-]*\/)?[a-z0-9][a-z0-9-]*-(?=[a-z]*\d)[a-z0-9]{6,10}-[a-z0-9]{5}(?![\w-])/g;

/**
 * The message without IP addresses and their ports, and without pod names: an alert's instance
 * label ("member 10.128.9.87:6443 has no leader", "Prometheus payments/redis-75b11204bd-z7w62
 * failed to send ...") names the machine, not the problem. A port ("6443", "9100") would otherwise
 * count as an error code that some runbooks happen to mention, and a pod's name ("redis") as a
 * component the runbook is about.
 */
export function withoutAddresses(message: string): string {
  return message.replace(ADDRESS, ' ').replace(POD_NAME, ' ');
}
