/**
 * Alert notifications as they reach a chat channel: posted by another app (Alertmanager's Slack or
 * Teams receiver, Grafana, PagerDuty, Opsgenie) or pasted by a person, maybe in a ``` fence, maybe
 * still in Slack's mrkdwn (`*bold*`, `<url|text>`, `&gt;`, "•" bullets). `readAlert` reads the alert
 * name, status, labels, severity, summary and description, or says the text is not a notification
 * (chat that merely names an alert, "getting paged for CephOSDDown", is not one). Pure; time linear
 * in the text and bounded: only the first MAX_ALERT_CHARS characters are read.
 *
 * Shapes read:
 * - Alertmanager's default title `[FIRING:2] Name (label values…)` (also Grafana's, and in Teams
 *   cards), its Slack template (`*Alert:* summary - \`severity\``, `*Description:*`, `*Details:*` with
 *   `• *label:* \`value\`` bullets), and the default text (`Labels:` / `Annotations:` with ` - key = value`);
 * - Grafana: the same title, `**Firing**`, `Value: A=12`, `Labels:`, `Annotations:`, `Source: <url>`;
 * - PagerDuty: `Triggered: [WARNING] Name on cluster - description`, `[Triggered] #123 Name: summary (cluster)`
 *   and `PagerDuty: Incident #5133 triggered - [FIRING:1] Name cluster/ns - summary`;
 * - Opsgenie: `[Opsgenie] Alert: …`, `Opsgenie Alert #123: …`, `[Opsgenie] Alert closed: …`;
 * - generic: a label list holding `alertname=Foo` (`{alertname="Foo", …}`), or `Alert: Foo` naming one alert.
 *
 * Resolved: `[RESOLVED]`, `Resolved:`, `RESOLVED -`, `[Resolved]`, `status: resolved`, Opsgenie "closed",
 * Teams' "Alerts Resolved" without "Alerts Firing".
 */
import { undoChatMarkup } from '../text/chat-markup.js';

export type AlertStatus = 'firing' | 'resolved';

/** Which app's notification shape the text has ('generic': a label list or "Alert: Name" only). */
export type AlertSource = 'alertmanager' | 'grafana' | 'pagerduty' | 'opsgenie' | 'generic';

export interface Alert {
  status: AlertStatus;
  /** The alert's name ("KubePodCrashLooping"), from its `alertname` label, else the title; null when none is given. */
  alertname: string | null;
  /** Labels as given (`alertname` included when it was a label). */
  labels: Record<string, string>;
  /** "critical", "warning", "P1": the `severity` label, a `[WARNING]` tag or a priority. */
  severity: string | null;
  /** One-line summary (the `summary` annotation, Slack's "Alert:" field, a PagerDuty title). */
  summary: string | null;
  /** Longer description (the `description` annotation, "Description:", PagerDuty's text after the name). */
  description: string | null;
  source: AlertSource;
  /** How many alerts the notification groups (`[FIRING:3]`), when it says. */
  count?: number;
  /**
   * Label values the title names without their labels: `(payments prod-us-east warning)` after
   * Alertmanager's title, PagerDuty's "on prod-us-east", "staging-2/staging". Where it fired, mostly.
   */
  titleValues?: string[];
}

/** Raw characters looked at before chat markup is undone: a 40 KB paste costs no more than its first 12 KB. */
const MAX_RAW_CHARS = 12_288;
/** Characters of unmarked text read: a notification's title, labels and annotations come first. */
export const MAX_ALERT_CHARS = 8192;
/** Lines of unmarked text read (a grouped notification's first alerts are enough). */
export const MAX_ALERT_LINES = 300;
/** Non-empty lines at the top where a title ("[FIRING:1] …", "Triggered: …") is looked for. */
const TITLE_LINES = 4;
/** Characters of a title line read (a title is a name, a few label values and a summary). */
const MAX_TITLE_CHARS = 1000;
/** Characters of one line read for inline label pairs (a label list, not a paragraph). */
const MAX_PAIRS_CHARS = 4000;
/** Longest label value, summary or description kept (characters). */
const MAX_VALUE_CHARS = 2000;

/** Severity words a Slack template appends to the summary ("… - `critical`") or PagerDuty puts in brackets. */
const SEVERITY_WORDS =
  /^(?:critical|crit|warning|warn|info|informational|error|major|minor|high|medium|low|page|none|notice|disaster|average|emergency|alert|p[1-5]|sev[ -]?[0-5])$/i;

/** An identifier a title or label can name an alert by: "KubePodCrashLooping", "etcdNoLeader", "high_cpu". */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A label name as Prometheus and Grafana write them. */
const LABEL_KEY = /^[A-Za-z_][A-Za-z0-9_.\-/]{0,80}$/;

/** Alertmanager's (and Grafana's) title: `[FIRING:2] …`, `[RESOLVED] …`, anywhere in the line. */
const AM_TITLE = /\[(FIRING|RESOLVED)(?::\s{0,3}(\d{1,6}))?\]\s*(.*)$/i;
/** PagerDuty's `Triggered: [WARNING] Name on cluster - description` (and `Resolved:`, `Acknowledged:`). */
const PD_STATUS_TITLE =
  /^(triggered|acknowledged|resolved|escalated)\s{0,3}:\s*(?:\[([A-Za-z0-9 _-]{1,20})\]\s*)?(.+)$/i;
/** PagerDuty's `[Triggered] #42466 Name: summary (cluster)`. */
const PD_BRACKET_TITLE = /^\[(triggered|acknowledged|resolved)\]\s*#\s{0,2}\d{1,12}\s*(.+)$/i;
/** PagerDuty's `PagerDuty: Incident #5133 triggered - …`. */
const PD_INCIDENT =
  /\bincident\s{0,3}#\s{0,3}\d{1,12}\s{0,3}(?:\((?:triggered|acknowledged|resolved)\)|(triggered|acknowledged|resolved))\b\s*(?:[-–:]\s*)?(.*)$/i;
/** Opsgenie: `[Opsgenie] Alert: …`, `Opsgenie Alert #123: …`, `[Opsgenie] Alert closed: …`. */
const OPSGENIE =
  /^\[?opsgenie\]?\s*[:\-–]?\s*(?:new\s+)?(?:alert\b\s*(created|closed|acknowledged|resolved|escalated|updated)?)?\s*(?:#\s{0,2}(\d{1,12}))?\s*[:\-–]?\s*(.*)$/i;
/** `RESOLVED - …` / `FIRING - …` as a title. */
const WORD_STATUS_TITLE = /^(RESOLVED|FIRING|Resolved|Firing)\s{0,3}[-–:]\s*(.+)$/;
/** Teams' default Alertmanager card text: "Alerts Firing:" / "Alerts Resolved:". */
const TEAMS_GROUP = /^alerts\s+(firing|resolved)\s*(?::\s*)?$/i;
/** Grafana's own status line ("**Firing**", "**Resolved**" once the marks are gone). */
const GRAFANA_STATUS = /^(firing|resolved)$/i;

/** A section heading of a label or annotation list ("Labels:", "Common Labels:", Slack's "Details:"). */
const SECTION = /^(common\s+labels|group\s+labels|labels|details|common\s+annotations|annotations)\s*(?::\s*(.*))?$/i;
/** `key = value` or `key: value` (key up to 40 characters, so prose with a late colon is not a field). */
const FIELD = /^([A-Za-z_][A-Za-z0-9_ .\-/]{0,39}?)\s{0,3}(?:=|:)\s*(.*)$/;
/** Label pairs written inline: `alertname=Foo, device=sdb` or `{alertname="Foo", severity="critical"}` (a key starts a word). */
const PAIR =
  /(?<![A-Za-z0-9_])([A-Za-z_][A-Za-z0-9_]{0,80})\s{0,3}=\s{0,3}(?:"([^"\n]{0,2000})"|'([^'\n]{0,2000})'|([^\s,{}"']{1,2000}))/g;
/** Leading list marks: "•", "◦", "-", "+", "–", "*" (Slack's bold marks are removed before this). */
const BULLET = /^(?:[•◦▪‣·\-+–]\s+)+/;

/** Parsing state: what the lines read so far gave. */
interface Reading {
  status?: AlertStatus;
  source?: AlertSource;
  title: boolean;
  titleName: string | null;
  /** Words of the title that are label values (see `Alert.titleValues`). */
  values: string[];
  fieldName: string | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: string | null;
  summary: string | null;
  description: string | null;
  count?: number;
  grafanaSigns: boolean;
}

/**
 * The alert notification in `text`, or null when the text is not one. Never throws; reads at most
 * MAX_ALERT_CHARS characters of the unmarked text.
 */
export function readAlert(text: string): Alert | null {
  try {
    return readAlertUnsafe(typeof text === 'string' ? text : String(text ?? ''));
  } catch {
    return null;
  }
}

function readAlertUnsafe(raw: string): Alert | null {
  const unmarked = undoChatMarkup(raw.length > MAX_RAW_CHARS ? raw.slice(0, MAX_RAW_CHARS) : raw).text;
  const lines = unmarked.slice(0, MAX_ALERT_CHARS).split('\n', MAX_ALERT_LINES).map(cleanLine);
  const r: Reading = {
    title: false,
    titleName: null,
    values: [],
    fieldName: null,
    labels: {},
    annotations: {},
    severity: null,
    summary: null,
    description: null,
    grafanaSigns: /grafana/i.test(unmarked.slice(0, MAX_ALERT_CHARS)),
  };
  let seen = 0;
  let titleAt = -1;
  for (let i = 0; i < lines.length && seen < TITLE_LINES; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    seen++;
    if (readTitle(line.slice(0, MAX_TITLE_CHARS), r)) {
      titleAt = i;
      break;
    }
  }
  readBody(lines, titleAt, r);

  const labelName = r.labels.alertname?.trim() || null;
  const alertname = labelName ?? r.fieldName ?? r.titleName;
  if (!r.title && !labelName && !r.fieldName) return null;
  const summary = r.summary ?? r.annotations.summary ?? r.annotations.message ?? r.annotations.title ?? null;
  const description = r.description ?? r.annotations.description ?? null;
  let severity = r.severity ?? r.labels.severity ?? r.labels.priority ?? null;
  let cleanSummary = summary;
  if (summary) {
    // Slack's template: "*Alert:* Pod is crash looping - `critical`".
    const at = summary.lastIndexOf(' - ');
    const tail = at > 0 ? summary.slice(at + 3).trim() : '';
    if (tail && SEVERITY_WORDS.test(tail)) {
      cleanSummary = summary.slice(0, at).trim();
      severity ??= tail;
    }
  }
  const alert: Alert = {
    status: r.status ?? 'firing',
    alertname: alertname ? alertname.slice(0, 200) : null,
    labels: r.labels,
    severity: severity ? severity.toLowerCase() : null,
    summary: clip(cleanSummary),
    description: clip(description),
    source: r.source ?? 'generic',
  };
  if (r.count !== undefined) alert.count = r.count;
  const values = [...new Set(r.values.flatMap((v) => [v, ...v.split('/')]))].filter(
    (v) => v.length >= 2 && v !== alert.alertname,
  );
  if (values.length) alert.titleValues = values;
  if (alert.source === 'alertmanager' && r.grafanaSigns) alert.source = 'grafana';
  return alert;
}

/** Drop Markdown/mrkdwn emphasis marks, heading marks and bullets from one line. */
function cleanLine(line: string): string {
  return line
    .replace(/\*+/g, '')
    .replace(/^\s*#{1,6}\s+/, '')
    .trim()
    .replace(BULLET, '')
    .trim();
}

function clip(s: string | null): string | null {
  if (s === null) return null;
  const t = s.trim();
  return t === '' ? null : t.slice(0, MAX_VALUE_CHARS);
}

/** Does `line` read as a notification's title? Fills status, source, name, count, summary. */
function readTitle(line: string, r: Reading): boolean {
  const og = /^\[?opsgenie\b/i.test(line) ? OPSGENIE.exec(line) : null;
  if (og) {
    r.title = true;
    r.source = 'opsgenie';
    const state = og[1]?.toLowerCase();
    if (state === 'closed' || state === 'resolved') r.status = 'resolved';
    const rest = (og[3] ?? '').replace(/^#\s{0,2}\d{1,12}\s*[:\-–]?\s*/, '');
    if (!readNested(rest, r)) readNameAndSummary(rest, r);
    return true;
  }
  const incident = PD_INCIDENT.exec(line);
  if (incident) {
    r.title = true;
    r.source = 'pagerduty';
    const state = (incident[1] ?? /\((\w+)\)/.exec(line)?.[1] ?? '').toLowerCase();
    if (state === 'resolved') r.status = 'resolved';
    const rest = incident[2] ?? '';
    if (!readNested(rest, r)) readNameAndSummary(rest, r);
    if (state === 'resolved') r.status = 'resolved';
    return true;
  }
  const pdBracket = PD_BRACKET_TITLE.exec(line);
  if (pdBracket) {
    const rest = pdBracket[2] ?? '';
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$/.exec(rest);
    r.title = true;
    r.source = 'pagerduty';
    if (pdBracket[1]?.toLowerCase() === 'resolved') r.status = 'resolved';
    if (m?.[1]) {
      r.titleName = m[1];
      // "… (prod-us-east)": the cluster, not part of the summary.
      const where = /\s*\(([^()]{1,80})\)\s*$/.exec(m[2] ?? '');
      if (where?.[1]) r.values.push(...where[1].split(/\s+/));
      r.summary = (m[2] ?? '').slice(0, where ? where.index : undefined) || null;
    } else readNameAndSummary(rest, r);
    return true;
  }
  const am = AM_TITLE.exec(line);
  if (am) {
    r.title = true;
    r.source ??= /pagerduty/i.test(line) ? 'pagerduty' : /opsgenie/i.test(line) ? 'opsgenie' : 'alertmanager';
    readAmTitle(am, r);
    return true;
  }
  const pd = PD_STATUS_TITLE.exec(line);
  if (pd) {
    const rest = pd[3] ?? '';
    const first = rest.split(/\s+/)[0] ?? '';
    // "Resolved: the disk on exch02" is a person talking; a notification has a tag or an alert's name.
    if (pd[2] !== undefined || alertLike(first) || AM_TITLE.test(rest)) {
      r.title = true;
      r.source = 'pagerduty';
      if (pd[1]?.toLowerCase() === 'resolved') r.status = 'resolved';
      if (pd[2] && SEVERITY_WORDS.test(pd[2].trim())) r.severity = pd[2].trim();
      if (!readNested(rest, r)) {
        const dash = splitDash(rest);
        const words = dash.left.split(/\s+/);
        r.titleName = pickName(words.slice(0, 1)) ?? pickName(words);
        r.values.push(...words.filter((w) => w !== r.titleName && w.toLowerCase() !== 'on'));
        if (dash.right) r.description = dash.right;
      }
      if (pd[1]?.toLowerCase() === 'resolved') r.status = 'resolved';
      return true;
    }
  }
  const word = WORD_STATUS_TITLE.exec(line);
  if (word && alertLike((word[2] ?? '').split(/[\s:]+/)[0] ?? '')) {
    r.title = true;
    r.source = 'generic';
    r.status = word[1]?.toLowerCase() === 'resolved' ? 'resolved' : 'firing';
    readNameAndSummary(word[2] ?? '', r);
    return true;
  }
  return false;
}

/** A title inside another app's title: Alertmanager's "[FIRING:1] …" relayed by PagerDuty or Opsgenie. */
function readNested(rest: string, r: Reading): boolean {
  const am = AM_TITLE.exec(rest);
  if (!am) return false;
  const before = r.status;
  readAmTitle(am, r);
  if (before === 'resolved') r.status = 'resolved';
  return true;
}

/** `[FIRING:2] Name (values…)`, `[FIRING:3]  (Name values…)`, `[FIRING:1] Name cluster/ns - summary`. */
function readAmTitle(am: RegExpExecArray, r: Reading): void {
  r.status = am[1]?.toUpperCase() === 'RESOLVED' ? 'resolved' : 'firing';
  if (am[2]) r.count = Number(am[2]);
  const dash = splitDash(am[3] ?? '');
  if (dash.right && !r.summary) r.summary = dash.right;
  const rest = dash.left;
  const paren = rest.indexOf('(');
  const before = (paren >= 0 ? rest.slice(0, paren) : rest).split(/\s+/).filter(Boolean);
  const inside =
    paren >= 0 ? rest.slice(paren + 1, rest.indexOf(')', paren) >= 0 ? rest.indexOf(')', paren) : undefined) : '';
  const within = inside.split(/\s+/).filter(Boolean);
  r.titleName = pickName(before) ?? pickName(within);
  r.values.push(
    ...[...before, ...within].map((w) => w.replace(/^[("'[]+|[)"',;\]]+$/g, '')).filter((w) => w !== r.titleName),
  );
}

/** "Name: summary", "Name - summary" or just a summary (Opsgenie's message, PagerDuty's title). */
function readNameAndSummary(rest: string, r: Reading): void {
  const text = rest.trim();
  if (text === '') return;
  const colon = /^([A-Za-z_][A-Za-z0-9_]*)\s*[:]\s+(.*)$/.exec(text);
  if (colon?.[1]) {
    r.titleName = colon[1];
    if (colon[2]) r.summary ??= colon[2];
    return;
  }
  const dash = splitDash(text);
  const words = dash.left.split(/\s+/).filter(Boolean);
  const name = words.length <= 3 ? pickName(words.slice(0, 1)) : null;
  if (name && (alertLike(name) || words.length === 1)) {
    r.titleName = name;
    if (dash.right) r.summary ??= dash.right;
  } else if (words.length === 1 && alertLike(words[0] ?? '')) {
    r.titleName = words[0] ?? null;
  } else {
    r.summary ??= text;
  }
}

/** The text either side of the first " - " (a title's name and values, then its summary). */
function splitDash(s: string): { left: string; right: string | null } {
  const at = s.search(/\s[-–]\s/);
  if (at < 0) return { left: s.trim(), right: null };
  return { left: s.slice(0, at).trim(), right: s.slice(at + 3).trim() || null };
}

/** An identifier shaped like an alert name: camel case inside ("etcdNoLeader", "KubeAPIDown") or snake case. */
export function alertLike(word: string): boolean {
  if (!IDENTIFIER.test(word) || word.length < 4 || word.length > 128) return false;
  return /[a-z][A-Z]|[A-Z]{2}[a-z]|[A-Z][a-z]+[A-Z]/.test(word) || /[a-z]_[a-z]/i.test(word);
}

/** The title token that names the alert: the first alert-like one, else the first plain identifier. */
function pickName(tokens: string[]): string | null {
  const words = tokens.map((t) => t.replace(/^[("'[]+|[)"',;.\]]+$/g, '')).filter(Boolean);
  const camel = words.find(alertLike);
  if (camel) return camel;
  const plain = words.find((w) => IDENTIFIER.test(w) && w.length >= 3 && !SEVERITY_WORDS.test(w) && /[A-Za-z]/.test(w));
  return plain ?? null;
}

/** Lines after the title: label and annotation lists, named fields, status lines. */
function readBody(lines: string[], titleAt: number, r: Reading): void {
  let section: 'none' | 'labels' | 'annotations' = 'none';
  let last: 'summary' | 'description' | null = null;
  let firingGroup = false;
  let resolvedGroup = false;
  for (let i = 0; i < lines.length; i++) {
    if (i === titleAt) continue;
    const line = lines[i] ?? '';
    if (line === '') {
      last = null;
      continue;
    }
    const group = TEAMS_GROUP.exec(line);
    if (group) {
      if (group[1]?.toLowerCase() === 'firing') firingGroup = true;
      else resolvedGroup = true;
      r.source ??= 'alertmanager';
      section = 'none';
      continue;
    }
    const status = GRAFANA_STATUS.exec(line);
    if (status) {
      r.status ??= status[1]?.toLowerCase() === 'resolved' ? 'resolved' : 'firing';
      r.grafanaSigns = true;
      continue;
    }
    const sec = SECTION.exec(line);
    if (sec?.[1]) {
      const name = sec[1].toLowerCase();
      section = name.includes('annotations') ? 'annotations' : 'labels';
      if (sec[2]) for (const [k, v] of pairs(sec[2])) (section === 'labels' ? r.labels : r.annotations)[k] ??= v;
      last = null;
      continue;
    }
    if (/\balertname\s{0,3}=/i.test(line)) {
      for (const [k, v] of pairs(line)) r.labels[k] ??= v;
      continue;
    }
    const field = FIELD.exec(line);
    if (field?.[1] && field[1].trim() !== '' && !/^https?$/i.test(field[1])) {
      const key = field[1].trim();
      const value = unquote(field[2] ?? '');
      if (section !== 'none' && LABEL_KEY.test(key)) {
        (section === 'labels' ? r.labels : r.annotations)[key] ??= value;
        continue;
      }
      section = 'none';
      last = readField(key, value, r);
      continue;
    }
    // A line that is no field: more of the description (or summary) written over several lines.
    if (last === 'description' && r.description) r.description = `${r.description}\n${line}`.slice(0, MAX_VALUE_CHARS);
    else if (last === 'summary' && r.summary) r.summary = `${r.summary}\n${line}`.slice(0, MAX_VALUE_CHARS);
  }
  if (resolvedGroup && !firingGroup) r.status ??= 'resolved';
  if (firingGroup) {
    r.status ??= 'firing';
    r.title = true;
  }
}

/** One named field outside the label lists. Returns which text a following line continues. */
function readField(key: string, value: string, r: Reading): 'summary' | 'description' | null {
  const k = key.toLowerCase().replace(/[\s_-]+/g, '');
  switch (k) {
    case 'alertname':
      if (value) r.fieldName ??= value.split(/\s+/)[0] ?? null;
      return null;
    case 'alert':
      // Generic "Alert: KubePodCrashLooping" names it; Slack's "*Alert:* Pod is crash looping - `critical`" sums it up.
      if (alertLike(value)) r.fieldName ??= value;
      else if (value) r.summary ??= value;
      return 'summary';
    case 'summary':
    case 'title':
    case 'subject':
      if (value) r.summary ??= value;
      return 'summary';
    case 'message':
      if (!value) return null;
      if (r.summary === null) {
        r.summary = value;
        return 'summary';
      }
      r.description ??= value;
      return 'description';
    case 'description':
    case 'details':
      if (value) r.description ??= value;
      return value ? 'description' : null;
    case 'severity':
    case 'priority':
    case 'sev':
      if (value) r.severity ??= value;
      return null;
    case 'status':
    case 'state':
      if (/^(?:resolved|closed|ok|normal|recovered)\b/i.test(value)) r.status = 'resolved';
      else if (/^(?:firing|alerting|triggered|open|problem)\b/i.test(value)) r.status ??= 'firing';
      return null;
    default:
      // prometheus-msteams style facts ("job: node-exporter"): lower-case label names with one-word values.
      if (/^[a-z_][a-z0-9_]*$/.test(key) && value !== '' && !/\s/.test(value) && key !== 'value' && key !== 'source')
        r.labels[key] ??= value;
      return null;
  }
}

/** Label pairs in `s` (`a=b, c="d e"`), keys as written. */
function pairs(s: string): [string, string][] {
  const out: [string, string][] = [];
  for (const m of s.slice(0, MAX_PAIRS_CHARS).matchAll(PAIR)) {
    const key = m[1];
    const value = m[2] ?? m[3] ?? m[4];
    if (key && value !== undefined) out.push([key, value.trim()]);
    if (out.length >= 200) break;
  }
  return out;
}

function unquote(s: string): string {
  const t = s.trim();
  const m = /^(["'`])(.*)\1$/.exec(t);
  return (m ? (m[2] ?? '') : t).trim();
}

/** Labels whose values name where the alert fired, never what it is about. */
const WHERE_LABELS = new Set(['alertname', 'severity']);

/** "KubePodCrashLooping" → "Kube Pod Crash Looping", "etcdGRPCRequestsSlow" → "etcd GRPC Requests Slow". */
export function splitAlertName(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where-it-fired shapes in a description: URLs, IPs and host:port, pod names with their hashes. */
const WHERE_SHAPES = [
  /\b[a-z][a-z0-9+.-]{1,20}:\/\/\S+/gi,
  /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g,
  /\b[\w.-]{1,200}:\d{2,5}\b/g,
  /\b[a-z0-9]+(?:-[a-z0-9]+)*-[a-z0-9]{6,10}-[a-z0-9]{5}\b/g,
];

/**
 * What to search the KB for an alert: its name split into words, its summary and description;
 * never where it fired (label values such as cluster, namespace, instance, pod, and addresses).
 */
export function alertSearchText(alert: Alert): string {
  const parts: string[] = [];
  if (alert.alertname) {
    const split = splitAlertName(alert.alertname);
    parts.push(split === alert.alertname ? split : `${alert.alertname} ${split}`);
  }
  let text = [alert.summary, alert.description].filter((s): s is string => !!s).join('\n');
  const values = [
    ...Object.entries(alert.labels)
      .filter(([k, v]) => !WHERE_LABELS.has(k.toLowerCase()) && v.length >= 2)
      .map(([, v]) => v),
    ...(alert.titleValues ?? []).filter((v) => v !== alert.alertname && !SEVERITY_WORDS.test(v)),
  ].sort((a, b) => b.length - a.length);
  for (const v of values) text = text.replace(new RegExp(`(?<![\\w.-])${escapeRegExp(v)}(?![\\w-])`, 'g'), ' ');
  for (const shape of WHERE_SHAPES) text = text.replace(shape, ' ');
  parts.push(text.replace(/[ \t]+/g, ' ').trim());
  return parts.filter(Boolean).join('\n');
}
