/**
 * Hand-made signals for intent: the shapes that tell a pasted error from a question from channel
 * talk. Each signal becomes a pseudo-token ("__hex") that the natural classifier weighs like a word,
 * and a short phrase for the result's `reason`. Pure functions over already-unmarked text.
 */

export interface Signals {
  /** Pseudo-tokens, each once, e.g. "__hex", "__qmark". */
  tokens: string[];
  /** Human-readable reasons for the strongest signals, e.g. "hex code 0xc0020002". */
  reasons: string[];
  /** Count of error-shape signals (hex, event id, log prefix, dialog phrase, ...). */
  errorShapes: number;
  /** Error shapes that only appear in pasted text (log lines, fences, event-log fields, stop codes). */
  structural: number;
  /** Asked as a question: "?" or a question opening. */
  questionForm: boolean;
  /** Past-tense resolution or plan talk ("was a bad RAM stick", "fixed", "after standup"). */
  resolution: boolean;
  /** Reads like system text (a formal sentence) or a symptom description, for the passive gates. */
  formal: boolean;
  symptom: boolean;
  /** Names a product, component or technical term ("exchange", "mta", "OWA"). */
  tech: boolean;
  /** Refers to the bot or to its last answer ("this bot", "your commands", "that article"). */
  botRef: boolean;
  answerRef: boolean;
  /** Words in the message (rough, whitespace split). */
  words: number;
}

interface Detector {
  token: string;
  /**
   * What to look for. Time linear in the text: no two quantifiers may take turns at the same run of
   * characters (`\s*:?\s*` does: "error" and 4,000 spaces took 30 s). A shape a regex cannot say
   * in linear time is a function instead; it returns the matched text or null.
   */
  re: RegExp | { exec(text: string): [string] | null };
  /** Reason text; `$0` is replaced by the matched text (shortened). */
  reason?: string;
  kind?: 'error' | 'structural' | 'question' | 'resolution' | 'formal' | 'symptom' | 'tech' | 'other';
}

const DETECTORS: Detector[] = [
  // Error shapes.
  { token: '__hex', re: /\b0x[0-9a-f]{1,16}\b/i, reason: 'hex code $0', kind: 'error' },
  {
    token: '__hexbare',
    re: /\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8}\b|\bSTATUS_[A-Z_]{4,}/i,
    reason: 'status code',
    kind: 'error',
  },
  {
    token: '__compilererr',
    re: /\b(?:error|warning|fatal error)\s+[A-Z]{1,4}\d{3,5}\b|\b(?:error|err)\s*['"#(]\s*-?\d{2,}/i,
    reason: 'error code',
    kind: 'error',
  },
  {
    token: '__titlecase',
    re: /(?:^|[\s"':])(?:[A-Z][a-z]{2,}\s+){1,}(?:[A-Z][a-z]{2,}|[A-Z]{2,})\b(?!\s+[a-z])/,
    kind: 'formal',
  },
  { token: '__placeholder', re: /<[a-z][a-z0-9 _-]{2,40}>/i, kind: 'formal' },
  {
    token: '__stop',
    re: /\b(?:stop|bugcheck|bug check)\s*(?::\s*)?(?:0x)?[0-9a-f]{1,8}\b|\*\*\*\s*stop|\bbsod\b|blue ?screen/i,
    reason: 'STOP code',
    kind: 'error',
  },
  {
    token: '__errnum',
    re: /\b(?:error|err|errno|code|status|result|hr|hresult)\s*(?:(?:code|number|no\.?|#)\s*)?(?:[:=]\s*)?-?\d{2,}\b/i,
    reason: 'error number',
    kind: 'error',
  },
  {
    token: '__idno',
    re: /\bID\s*no\.?\s*:|\bMAPI_E_\w+|\bERROR_\w+|\bE_[A-Z]{3,}\b|\bJET_err\w+/,
    reason: 'error id',
    kind: 'error',
  },
  { token: '__eventid', re: /\bevent\s*(?:id|#)\s*:?\s*\d{1,5}\b/i, reason: 'event id', kind: 'error' },
  {
    token: '__evfields',
    re: /\b(?:source|category|type|user|computer|description)\s*:\s*\S/i,
    reason: 'event-log fields',
    kind: 'structural',
  },
  {
    token: '__logprefix',
    // Blanks before the prefix, not line breaks: `^\s*` under /m would scan every following empty line from each one.
    re: /^[^\S\n\r\u2028\u2029]*\[?(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2}:\d{2}(?::\d{2})?|(?:mon|tue|wed|thu|fri|sat|sun)\w*\s+\w{3}\s+\d)[^\n]{0,40}?(?:\]|\s-\s|\s\S+\s)/im,
    reason: 'log prefix',
    kind: 'structural',
  },
  {
    token: '__loglevel',
    re: /(?:^|\s|\[)(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|INFO)(?:\]|:)/,
    reason: 'log level',
    kind: 'structural',
  },
  {
    token: '__source',
    re: /\b(?:MSExchange\w+|NETLOGON|W3SVC|MSFTPSVC|SMTPSVC|NNTPSVC|EventLog|Srv|Rdr|Dhcp|BROWSER|SMS_\w+|LSASRV|SceCli|Userenv|MrxSmb|NTDS\s?\w*|ESE\d*|EDB|ISAPI|ASP\s?0\d+)\b/,
    reason: 'event source',
    kind: 'error',
  },
  { token: '__camel', re: /\b[A-Z][a-z]+[A-Z][A-Za-z]+\b|\b[A-Z]{2,}[a-z]+[A-Z]\w*\b/, kind: 'other' },
  {
    token: '__path',
    re: /\b[a-z]:\\|\\\\[\w.-]+\\|\b\w+\.(?:dll|exe|sys|vxd|ini|log|edb|stm|inf|drv|386|cpl|ocx)\b|%systemroot%|\bHKEY_\w+|\bHKLM\\/i,
    reason: 'file path',
    kind: 'error',
  },
  {
    token: '__dialog',
    re: /\b(?:cannot|can ?not|could not|unable to|failed to|is not a valid|not enough (?:memory|disk|server storage)|access (?:is )?denied|the system cannot|the specified|not found|is not recogni[sz]ed|an? (?:unexpected |internal |unknown )?error (?:has )?occurred|has performed an illegal operation|invalid page fault|general protection fault|(?:will|must) be (?:shut down|closed|restarted)|please (?:contact|try again|restart|verify|check)|is (?:unavailable|not available|not responding|corrupt(?:ed)?|damaged)|the operation (?:failed|could not)|(?:was|were) not (?:found|loaded|started)|is already in use|exception|failure|fatal|violation|timed out|time-?out|too (?:large|long|busy|many)|has failed|not accessible|incorrect|insufficient|does not (?:exist|appear|support)|(?:is|are) missing|not (?:loaded|installed|supported|valid|initiali[sz]ed|registered|responding)|must be (?:installed|restarted|specified)|unexpectedly|do you want to|are you sure|make sure|will not (?:be|work)|syntax error|please reinstall|has been (?:disabled|deleted|removed)|out of (?:memory|disk space|resources)|illegal|invalid|corrupt)\b/i,
    reason: 'dialog text',
    kind: 'error',
  },
  {
    token: '__colonerr',
    re: /\b(?:error|warning|exception|failure|failed)\s*:/i,
    reason: '"error:" label',
    kind: 'error',
  },
  {
    token: '__formal',
    re: { exec: (text) => (formalSentence(text) ? [''] : null) },
    kind: 'formal',
  },
  // Question form.
  { token: '__qmark', re: /\?\s*(?:$|\n|[)\]"'])|\?\s+\S/, reason: 'question mark', kind: 'question' },
  {
    token: '__qstart',
    re: /^\s*(?:@\S+\s+)?(?:how|why|what|whats|what's|where|when|which|can|could|should|would|does|do|did|is|are|has|have|will|any(?:one|body)?|anybody|is there|whats)\b/i,
    reason: 'question opening',
    kind: 'question',
  },
  {
    token: '__qphrase',
    re: /\b(?:where|how|why|what|which) (?:do|does|did|should|can|would|is|are|was) (?:i|we|you|it|they|this|that|the)\b|\b(?:ideas|thoughts|anyone|tips|expected|normal|intentional|known (?:issue|bug|cause)|by design|bug|fix|workaround|why)\s*\?/i,
    reason: 'question phrase',
    kind: 'question',
  },
  {
    token: '__howdo',
    re: /\bhow (?:do|can|would|should|to)\b|\b(?:any(?:one|body)|does anyone|has anyone|somebody) (?:know|seen|hit|had|got|run into|ever)\b|\bany (?:idea|ideas|clue|way|fix|workaround)\b|\bis there (?:a|any) (?:way|fix|patch|hotfix|workaround)\b|\bwhat causes\b|\bwhy (?:does|do|is|would|won't|cant|can't|doesn't)\b/i,
    reason: 'how-do-I form',
    kind: 'question',
  },
  {
    token: '__symptom',
    re: /\b(?:keeps?|won'?t|wont|will not|doesn'?t|doesnt|does not|can'?t|cant|cannot|can not|unable to|failed to|fails to|isn'?t|fails?|failing|stuck|hangs?|hanging|crash(?:es|ing)?|freez(?:es|ing)|randomly|every time|whenever|after (?:the|applying|installing|upgrad\w+)|stopped working|quit working|stops? (?:responding|working|running|accepting|replicating|syncing)|not responding|never|no longer|gets? (?:corrupt\w*|stuck|slow)|eats?|eating|pegg?(?:s|ing)|spik\w+|slow(?:er)?|blank|missing|bounc\w+|drops?|disconnect\w*|times? out|since (?:the|we|yesterday|monday|last)|(?:fails?|dies|bombs|blocks|returns|gives|shows|logs|complains|vanishes|crawls?|crawling|garbled|blank|bluescreens?|bluescreening|not (?:deleting|working|starting|loading|printing|resolving)))\b/i,
    kind: 'symptom',
  },
  // Chatter: past-tense resolution and plans.
  {
    token: '__resolved',
    re: /\b(?:turned out|was (?:a|an|just|the|caused|due|because)|were (?:just|caused|due)|fixed|sorted|resolved|ended up|figured (?:it )?out|replaced|rolled back|swapped|all good now|back up now|working (?:again|now)|root cause|(?:was|were) (?:from|caused by|due to|because)|(?:disabled|deleted|removed|paused|uninstalled|re-?enabled|restarted|rebooted|reimaged|recreated) (?:it|them|the)|stopped after|went away|cleared (?:up|on their own)|came back clean|post-?mortem|incident review|no (?:issues|problems)|went (?:fine|well|smooth\w*)|looks? (?:good|fine|healthy|normal|(?:way |much )?better)|all good)\b/i,
    reason: 'resolution talk',
    kind: 'resolution',
  },
  {
    token: '__plan',
    re: /\b(?:i'?ll|ill|we'?ll|gonna|going to|will (?:look|check|do|patch)|tonight|tomorrow|after (?:standup|lunch|the meeting)|later today|this weekend|on call|oncall|change window|maintenance window)\b/i,
    reason: 'plan talk',
    kind: 'resolution',
  },
  { token: '__who', re: /^\s*(?:who|who's|whos|whose|anyone (?:up|around|free|going|want))\b/i, kind: 'other' },
  {
    token: '__answerref',
    re: /\b(?:that|the|this|your|first|second|last) (?:kb|article|one|link|answer|fix|workaround|steps?|result|suggestion)\b|\byou (?:linked|sent|gave|posted|suggested)\b|^\s*(?:the )?(?:article|kb|link|answer)\b(?!\s*#?\d)/i,
    kind: 'other',
  },
  {
    token: '__emoji_pos',
    re: /[\u{1F44D}\u{1F64F}\u{1F64C}\u{1F389}\u{1F4AF}\u{2705}\u{1F60A}\u{1F60D}\u{2764}\u{1F44F}]|:(?:\+1|thumbsup|pray|raised_hands|tada|100|white_check_mark|heart|clap):/u,
    kind: 'other',
  },
  {
    token: '__emoji_neg',
    re: /[\u{1F44E}\u{1F61E}\u{1F620}\u{1F621}\u{274C}\u{1F615}]|:(?:-1|thumbsdown|x|disappointed|confused):/u,
    kind: 'other',
  },
  { token: '__emoji_wave', re: /[\u{1F44B}]|:wave:/u, kind: 'other' },
  { token: '__emoji_other', re: /[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]|:[a-z0-9_+-]{2,30}:/u, kind: 'other' },
  { token: '__url', re: /\bhttps?:\/\/\S+/i, kind: 'other' },
  {
    token: '__botref',
    re: /\bkb ?bot\b|\buse (?:you|this bot|the bot|this thing)\b|\b(?:this|the) bot\b|\byou (?:answer|reply|respond|do|know|support|cover|handle|work|search|understand)\b|\byour (?:commands|syntax|articles|answers|docs)\b|\b(?:syntax|commands?|usage|manual|instructions|docs)\b/i,
    kind: 'other',
  },
  {
    token: '__tech',
    re: /\b(?:exchange|outlook|owa|iis|nt4?|win(?:dows)?\s?(?:9[58]|nt|2000)|win9[58]|sms|office|word|excel|access|server|store|mta|imc|ims|dns|dhcp|wins|pdc|bdc|domain|mailbox|eseutil|isinteg|sp\d|service pack|registry|driver|printer|cluster|asp|smtp|pop3|imap|ldap|ras|sql|odbc|mapi|pst|ost|profile|proxy|backup|restore|install\w*|setup|upgrade\w*|migrat\w*|connector|replication|public folders?|priv\.edb|pub\.edb|edb|log files?|disk|ram|memory|cpu|network|nic|tcp\/?ip|netbios|dirsync|mail|e-?mail|recipients?|dl|folders?|calendar|queue|service|account|password|logon|login|boot|reboot)\b/i,
    kind: 'tech',
  },
  {
    token: '__acronym',
    re: /\b(?!(?:ID|KB|OK|FYI|PLS|LOL|IT|ASAP|TIA|AM|PM|UTC|GMT|EOD|DR|HR)\b)[A-Z][A-Z0-9]{1,9}\b/,
    kind: 'tech',
  },
  {
    token: '__people',
    re: /\b(?:lunch|coffee|beer|pizza|meeting|standup|stand-up|vacation|holiday|weekend|boss|manager|ticket|friday|monday|lol|lmao|haha|heh|ugh|brb|afk|wfh)\b/i,
    kind: 'other',
  },
];

const MAX_REASON = 24;

function shorten(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX_REASON ? `${one.slice(0, MAX_REASON - 1)}…` : one;
}

/** Signals of `text` (markup already undone). `fenced` and `mentioned` come from undoChatMarkup. */
export function detectSignals(text: string, fenced: boolean, mentioned: boolean): Signals {
  const tokens: string[] = [];
  const reasons: string[] = [];
  let errorShapes = 0;
  let structural = 0;
  let questionForm = false;
  let resolution = false;
  let formal = false;
  let symptom = false;
  let tech = false;
  let botRef = false;
  let answerRef = false;
  for (const d of DETECTORS) {
    const m = d.re.exec(text);
    if (!m) continue;
    tokens.push(d.token);
    if (d.reason) reasons.push(d.reason.replace('$0', shorten(m[0])));
    if (d.kind === 'error') errorShapes++;
    if (d.kind === 'structural') {
      errorShapes++;
      structural++;
    }
    if (d.kind === 'question') questionForm = true;
    if (d.kind === 'resolution') resolution = true;
    if (d.kind === 'formal') formal = true;
    if (d.kind === 'symptom') symptom = true;
    if (d.kind === 'tech') tech = true;
    if (d.token === '__botref') botRef = true;
    if (d.token === '__answerref') answerRef = true;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  const words = text.split(/\s+/).filter(Boolean).length;
  if (fenced) {
    tokens.push('__fenced');
    reasons.push('code fence');
    errorShapes++;
    structural++;
  }
  if (lines >= 3) {
    tokens.push('__multiline');
    structural++;
  }
  if (mentioned) tokens.push('__mention');
  tokens.push(words <= 3 ? '__len_short' : words <= 12 ? '__len_mid' : words <= 40 ? '__len_long' : '__len_huge');
  if (errorShapes >= 2) tokens.push('__errshapes2');
  if (/[A-Z]/.test(text) && !/[a-z]/.test(text) && words >= 3) tokens.push('__allcaps');
  if (/^[^A-Z]*$/.test(text) && words >= 3) tokens.push('__lowercase');
  return {
    tokens,
    reasons,
    errorShapes,
    structural,
    questionForm,
    resolution,
    formal,
    symptom,
    tech,
    botRef,
    answerRef,
    words,
  };
}

/** Personal words that make a sentence chat rather than system text ("I", "we", "pls"). */
const PERSONAL = /\b(?:I|I'm|I've|me|my|we|our|us|pls|lol)\b/g;
const BLANK = /\s/;
const isUpper = (c: string | undefined): boolean => c !== undefined && c >= 'A' && c <= 'Z';
const isLower = (c: string | undefined): boolean => c !== undefined && c >= 'a' && c <= 'z';

/**
 * A sentence that reads like system text: at the start, after a line break, a colon or a quote, a
 * capitalised word and a blank, then at least 13 more characters on that line starting with a
 * lower-case letter and ending in "." or "!" at the end of the text, of a line or before a quote,
 * with no personal word ("I", "my", "we", "pls", ...) from the second word to the end of its line.
 * What the regex
 * /(?:^|\n|: ?|")[A-Z][a-z]+\s(?![^\n]*\b(?:I|I'm|I've|me|my|we|our|us|pls|lol)\b)[a-z][^\n]{12,}(?:[.!]\s*(?:$|\n|"))/
 * matches, in time linear in the text: the regex scans the rest of the line from every capitalised
 * word (a 4,000-character line of them took 60 ms); this looks up, per line, the last personal word
 * and the last sentence end once.
 */
export function formalSentence(text: string): boolean {
  const n = text.length;
  // The end (index of "\n", or n) of the line each position is on.
  const lineEnd = new Int32Array(n + 1);
  let end = n;
  lineEnd[n] = n;
  for (let i = n - 1; i >= 0; i--) {
    if (text[i] === '\n') end = i;
    lineEnd[i] = end;
  }
  const lastPersonal = new Map<number, number>();
  for (const m of text.matchAll(PERSONAL)) lastPersonal.set(lineEnd[m.index] ?? n, m.index);
  // A sentence end: "." or "!" followed by blanks up to the end of the text, a line break or a quote.
  const lastEnd = new Map<number, number>();
  for (let e = 0; e < n; e++) {
    if (text[e] !== '.' && text[e] !== '!') continue;
    let r = e + 1;
    let newline = false;
    for (; r < n && BLANK.test(text[r] ?? ''); r++) if (text[r] === '\n') newline = true;
    if (r === n || newline || text[r] === '"') lastEnd.set(lineEnd[e] ?? n, e);
    e = r - 1;
  }
  for (let c = 0; c < n; c++) {
    const before = text[c - 1];
    const opens =
      c === 0 || before === '\n' || before === ':' || before === '"' || (before === ' ' && text[c - 2] === ':');
    if (!opens || !isUpper(text[c])) continue;
    let j = c + 1;
    while (isLower(text[j])) j++;
    if (j === c + 1 || !BLANK.test(text[j] ?? '')) continue;
    const p = j + 1;
    if (!isLower(text[p])) continue;
    const line = lineEnd[p] ?? n;
    if ((lastPersonal.get(line) ?? -1) < p && (lastEnd.get(line) ?? -1) >= p + 13) return true;
  }
  return false;
}
