/**
 * Each delivery from Slack (an event, a `/kb` command, a shortcut, a button click) is answered
 * once, and none that was acknowledged is lost without a word in the log:
 *
 * - Claim on receipt, before anything is acknowledged: `process` awaits the claim ahead of Bolt's
 *   `processEvent` (which acks events, and hands commands and clicks the `ack` they call), so the
 *   claim is on record (durably, with the bot's storage) before Slack hears back. A delivery whose
 *   key is claimed or answered is acked and dropped (`duplicate`): Slack's retries of an event
 *   (same `event_id`) and replays of a signed command or click (same `trigger_id`). With a store
 *   shared by replicas (Postgres) the claim is atomic there, so of the replicas a retry reaches,
 *   only one answers. A claim that fails (the storage is down) is logged and the delivery answered
 *   anyway, unrecorded: answering twice is better than not at all.
 * - Done only when the handler reported its reply posted (or that none was needed); released when
 *   it failed, so a re-delivery is answered. A failed delivery is logged at warn with its id
 *   (`event Ev123 (app_mention)`), never its text.
 * - `drain(graceMs)` at shutdown: new deliveries are refused (an error, so HTTP answers 500 and
 *   Socket Mode does not ack: Slack retries them), those in flight (a pending rate-limit wait
 *   included) get up to `graceMs` to finish; then each one left is logged as dropped, its claim
 *   released, and its waits aborted.
 *
 * The delivery being handled is in an AsyncLocalStorage (`currentDelivery`), so the handlers'
 * outcome report and post.ts's rate-limit wait find it without being handed it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../log.js';
import { describeError, type Handled } from './context.js';
import type { DeliveredEvents } from './delivered-events.js';
import { settledWithin } from '../grace.js';

/** A coded failure of one delivery's reply. */
export class SlackDeliveryError extends Error {
  constructor(
    readonly code: 'slack_rate_limited' | 'slack_shutdown',
    message: string,
  ) {
    super(message);
    this.name = 'SlackDeliveryError';
  }
}

/** One delivery being answered. */
export interface Delivery {
  /** The de-duplication key: the `event_id`, or `trigger:<trigger_id>`; undefined when the payload has neither. */
  readonly key: string | undefined;
  /** For logs, without any text: `event Ev123 (app_mention)`, `command /kb (trigger 123.456)`. */
  readonly label: string;
  readonly kind: Handled['kind'];
  /** The event type, command, callback id or action id. */
  readonly what: string;
  /** Aborted when the shutdown grace is over: a pending rate-limit wait gives up. */
  readonly signal: AbortSignal;
  /** The most time its replies may spend waiting out rate limits. */
  readonly maxWaitMs: number;
  /** What the handler reported. */
  handled?: Handled;
  /** Given up at shutdown: its claim is released; nothing more is recorded for it. */
  dropped: boolean;
  /** `key` is claimed in the delivered set (false when there is no key or the claim could not be made). */
  claimed: boolean;
}

const scope = new AsyncLocalStorage<Delivery>();

/** The delivery whose handler is running, if any. */
export const currentDelivery = (): Delivery | undefined => scope.getStore();

type Body = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a payload is, its de-duplication key and its label for logs. */
export function describeDelivery(body: Body): Pick<Delivery, 'key' | 'label' | 'kind' | 'what'> {
  const eventId = str(body.event_id);
  const trigger = str(body.trigger_id);
  const key = eventId ?? (trigger ? `trigger:${trigger}` : undefined);
  const by = trigger ? ` (trigger ${trigger})` : '';
  if (body.type === 'event_callback') {
    const type = str((body.event as Body | undefined)?.type) ?? 'event';
    return { key, kind: 'event', what: type, label: `event ${eventId ?? '(no id)'} (${type})` };
  }
  const command = str(body.command);
  if (command) return { key, kind: 'command', what: command, label: `command ${command}${by}` };
  const action = str(((body.actions as Body[] | undefined) ?? [])[0]?.action_id);
  if (action) return { key, kind: 'action', what: action, label: `button ${action}${by}` };
  const callback = str(body.callback_id) ?? str(body.type) ?? 'payload';
  return { key, kind: 'shortcut', what: callback, label: `shortcut ${callback}${by}` };
}

export interface DeliveriesOptions {
  dedupe: DeliveredEvents;
  log: Logger;
  /** Told of duplicates (the handlers report everything else). */
  report: (handled: Handled) => void;
  /** A reply's limit on waiting out rate limits. */
  maxWaitMs: number;
}

export class Deliveries {
  private readonly inFlight = new Set<{ delivery: Delivery; finished: Promise<void> }>();
  private readonly shutdown = new AbortController();
  private stopping = false;

  constructor(private readonly options: DeliveriesOptions) {}

  /** Deliveries being answered now. */
  get size(): number {
    return this.inFlight.size;
  }

  /** Claim `event`, let Bolt process it (`processEvent`), then mark it done or release it. */
  async process(event: ReceiverEvent, processEvent: (event: ReceiverEvent) => Promise<void>): Promise<void> {
    const about = describeDelivery(event.body);
    if (this.stopping) throw new SlackDeliveryError('slack_shutdown', `refused ${about.label}: shutting down`);
    const claim = about.key === undefined ? 'none' : await this.claim(about.key, about.label);
    if (claim === 'duplicate') {
      await event.ack();
      this.options.report({ kind: about.kind, what: about.what, outcome: 'duplicate' });
      return;
    }
    const delivery: Delivery = {
      ...about,
      signal: this.shutdown.signal,
      maxWaitMs: this.options.maxWaitMs,
      dropped: false,
      claimed: claim === 'claimed',
    };
    let failure: unknown;
    const finished = scope
      .run(delivery, () => processEvent(event))
      .then(
        () => this.finish(delivery, undefined),
        (err: unknown) => {
          failure = err;
          return this.finish(delivery, err);
        },
      );
    const entry = { delivery, finished };
    this.inFlight.add(entry);
    try {
      await finished;
    } finally {
      this.inFlight.delete(entry);
    }
    if (failure !== undefined) throw failure; // the receiver answers it (HTTP 500 when nothing was acked yet)
  }

  /**
   * Refuse new deliveries, give those in flight up to `graceMs` to finish, then drop the rest: each
   * is logged at warn with its id, its claim released and its rate-limit wait aborted. Resolves
   * with the number dropped.
   */
  async drain(graceMs: number): Promise<number> {
    this.stopping = true;
    await settledWithin(
      [...this.inFlight].map((e) => e.finished),
      graceMs,
    );
    const left = [...this.inFlight];
    for (const { delivery } of left) {
      delivery.dropped = true;
      this.options.log.warn(
        `slack: shutdown: dropped the reply to ${delivery.label} (not finished within ${graceMs} ms)`,
      );
    }
    // The claims are freed before the waits are aborted (which may answer a request unacked, so
    // Slack retries it) and before the storage is closed after us: the retry, reaching this
    // replica's successor or another replica, finds the delivery free.
    await Promise.all(left.map(({ delivery }) => this.release(delivery)));
    this.shutdown.abort();
    return left.length;
  }

  /** Mark the delivery done or release it; resolves once the storage has it (never rejects). */
  private async finish(delivery: Delivery, error: unknown): Promise<void> {
    if (delivery.dropped) return;
    const handled = delivery.handled;
    const failed = error !== undefined || handled?.outcome === 'failed';
    if (!failed) {
      if (!delivery.claimed || delivery.key === undefined) return;
      try {
        await this.options.dedupe.done(delivery.key);
      } catch (err) {
        this.options.log.warn(`slack: could not record ${delivery.label} as answered: ${describeError(err)}`);
      }
      return;
    }
    const why = error !== undefined ? describeError(error) : (handled?.error ?? 'failed');
    this.options.log.warn(`slack: ${delivery.label}: no reply posted: ${why}`);
    await this.release(delivery);
  }

  /**
   * 'claimed', or 'duplicate' (answered or being answered already); 'unrecorded' when the claim
   * failed: the delivery is answered anyway, since the storage being down must not cost the reply.
   */
  private async claim(key: string, label: string): Promise<'claimed' | 'duplicate' | 'unrecorded'> {
    try {
      return (await this.options.dedupe.claim(key)) ? 'claimed' : 'duplicate';
    } catch (err) {
      this.options.log.warn(`slack: could not claim ${label} (${describeError(err)}); answering it anyway`);
      return 'unrecorded';
    }
  }

  /** Free the delivery's claim (once), so a re-delivery is answered; a failure costs a log line. */
  private async release(delivery: Delivery): Promise<void> {
    if (!delivery.claimed || delivery.key === undefined) return;
    delivery.claimed = false;
    try {
      await this.options.dedupe.release(delivery.key);
    } catch (err) {
      this.options.log.warn(`slack: could not release the claim on ${delivery.label}: ${describeError(err)}`);
    }
  }
}
