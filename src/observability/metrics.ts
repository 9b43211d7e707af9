/**
 * The bot's Prometheus metrics (prom-client), in a registry of its own per process (`new Metrics()`),
 * never prom-client's global one, so tests can make several. What `/metrics` shows:
 *
 * | metric | labels | what |
 * |--------|--------|------|
 * | kbbot_messages_total | platform (slack, teams, console), via (mention, dm, command, shortcut, overheard, reaction), intent | messages the bot was given; intent `none` when it replied without matching (a follow-up, a command) or has not said |
 * | kbbot_answers_total | platform, outcome (answered, did_you_mean, no_match, silent, other) | how each message ended; `other`: help, a follow-up, a save confirmation |
 * | kbbot_match_duration_seconds | platform | classifying and ranking one message (histogram) |
 * | kbbot_reply_duration_seconds | platform | the whole reply, thread and storage work included (histogram) |
 * | kbbot_feedback_total | helpful (true, false) | feedback given |
 * | kbbot_fixes_saved_total, kbbot_fixes_removed_total | via | team fixes saved / undone |
 * | kbbot_kb_articles | | articles in the KB answered from |
 * | kbbot_kb_last_reload_timestamp_seconds | | when that KB was loaded |
 * | kbbot_storage_errors_total | code | failed storage calls (storage.ts) |
 * | kbbot_chat_api_calls_total | platform, method, outcome (ok, error) | Slack Web API / Bot Connector calls |
 * | kbbot_chat_api_errors_total | platform, method, reason | their failures: http_429, http_5xx, a platform error, network |
 * | kbbot_chat_api_retries_total | platform, method | calls repeated after a failure |
 * | kbbot_build_info | version | 1 |
 *
 * plus prom-client's default process metrics (CPU, memory, event loop lag, GC, handles).
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BotEvent } from '../bot/records.js';

export type Platform = 'slack' | 'teams' | 'console';
export type AnswerOutcome = 'answered' | 'did_you_mean' | 'no_match' | 'silent' | 'other';

export const METRICS_DEFAULTS = {
  /** Match latency buckets, in seconds: a match takes milliseconds; the tail shows a KB too big or a slow host. */
  matchBuckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  /** Reply latency buckets, in seconds (storage and thread reads included). */
  replyBuckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  /** Metric names start with this. */
  prefix: 'kbbot_',
} as const;

export interface MetricsOptions {
  /** Shown as kbbot_build_info{version}. */
  version?: string;
  /** Collect prom-client's default process metrics (default true). */
  processMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();
  readonly messages: Counter<'platform' | 'via' | 'intent'>;
  readonly answers: Counter<'platform' | 'outcome'>;
  readonly matchSeconds: Histogram<'platform'>;
  readonly replySeconds: Histogram<'platform'>;
  readonly feedback: Counter<'helpful'>;
  readonly fixesSaved: Counter<'via'>;
  readonly fixesRemoved: Counter;
  readonly kbArticles: Gauge;
  readonly kbLoadedAt: Gauge;
  readonly storageErrors: Counter<'code'>;
  readonly apiCalls: Counter<'platform' | 'method' | 'outcome'>;
  readonly apiErrors: Counter<'platform' | 'method' | 'reason'>;
  readonly apiRetries: Counter<'platform' | 'method'>;

  constructor(options: MetricsOptions = {}) {
    const p = METRICS_DEFAULTS.prefix;
    const registers = [this.registry];
    this.messages = new Counter({
      name: `${p}messages_total`,
      help: 'Messages given to the bot, by platform, how they reached it and their intent',
      labelNames: ['platform', 'via', 'intent'],
      registers,
    });
    this.answers = new Counter({
      name: `${p}answers_total`,
      help: 'How messages ended: answered, did_you_mean, no_match, silent or other (help, follow-ups, commands)',
      labelNames: ['platform', 'outcome'],
      registers,
    });
    this.matchSeconds = new Histogram({
      name: `${p}match_duration_seconds`,
      help: 'Time to classify and rank one message',
      labelNames: ['platform'],
      buckets: [...METRICS_DEFAULTS.matchBuckets],
      registers,
    });
    this.replySeconds = new Histogram({
      name: `${p}reply_duration_seconds`,
      help: 'Time from a message to the reply the bot decided on (posting not included)',
      labelNames: ['platform'],
      buckets: [...METRICS_DEFAULTS.replyBuckets],
      registers,
    });
    this.feedback = new Counter({
      name: `${p}feedback_total`,
      help: 'Feedback on answers: helpful true or false',
      labelNames: ['helpful'],
      registers,
    });
    this.fixesSaved = new Counter({
      name: `${p}fixes_saved_total`,
      help: 'Team fixes saved, by how',
      labelNames: ['via'],
      registers,
    });
    this.fixesRemoved = new Counter({ name: `${p}fixes_removed_total`, help: 'Team fixes undone', registers });
    this.kbArticles = new Gauge({ name: `${p}kb_articles`, help: 'Articles in the KB answered from', registers });
    this.kbLoadedAt = new Gauge({
      name: `${p}kb_last_reload_timestamp_seconds`,
      help: 'When the KB answered from was loaded (Unix time)',
      registers,
    });
    this.storageErrors = new Counter({
      name: `${p}storage_errors_total`,
      help: 'Storage calls that failed, by error code',
      labelNames: ['code'],
      registers,
    });
    this.apiCalls = new Counter({
      name: `${p}chat_api_calls_total`,
      help: 'Calls to the Slack Web API or the Bot Connector, by outcome',
      labelNames: ['platform', 'method', 'outcome'],
      registers,
    });
    this.apiErrors = new Counter({
      name: `${p}chat_api_errors_total`,
      help: 'Failed chat API calls, by reason (http_429, http_5xx, a Slack error code, network)',
      labelNames: ['platform', 'method', 'reason'],
      registers,
    });
    this.apiRetries = new Counter({
      name: `${p}chat_api_retries_total`,
      help: 'Chat API calls repeated after a failure (rate limit, server error, network)',
      labelNames: ['platform', 'method'],
      registers,
    });
    const info = new Gauge({
      name: `${p}build_info`,
      help: 'The running version',
      labelNames: ['version'],
      registers,
    });
    info.set({ version: options.version ?? 'unknown' }, 1);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The KB answered from now has `articles` articles (loaded `at`). */
  kbLoaded(articles: number, at: Date = new Date()): void {
    this.kbArticles.set(articles);
    this.kbLoadedAt.set(at.getTime() / 1000);
  }

  /** What the bot's events count (feedback, fixes); `matched` and `overheard_silent` are read by `meterBot`. */
  botEvent(e: BotEvent): void {
    if (e.type === 'feedback') this.feedback.inc({ helpful: String(e.helpful) });
    else if (e.type === 'fix_saved') this.fixesSaved.inc({ via: e.via });
    else if (e.type === 'fix_removed') this.fixesRemoved.inc();
  }

  /** One chat API call and how it ended (`error` a reason, or undefined: ok). */
  apiCall(platform: Platform, method: string, error?: string): void {
    this.apiCalls.inc({ platform, method, outcome: error === undefined ? 'ok' : 'error' });
    if (error !== undefined) this.apiErrors.inc({ platform, method, reason: error });
  }

  apiRetry(platform: Platform, method: string): void {
    this.apiRetries.inc({ platform, method });
  }

  /** The Prometheus text exposition and its content type. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
