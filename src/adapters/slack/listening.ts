/**
 * Which channels the bot listens in (answers errors it overheard without being mentioned).
 * `/kb listen on|off` sets a channel; the choice is a per-channel setting in the bot's storage
 * (durable when `set` resolves, so the confirmation never outlives a crash). Channels from
 * LISTEN_CHANNELS are on unless a channel was turned off with the command.
 *
 * The settings are read from the storage on every message, not cached: with a storage shared by
 * replicas (Postgres), a choice made through one replica holds on the next message any replica
 * gets.
 *
 * Peek mode (issue #25), also per channel and off by default: `/kb peek on|off`. Where it is on, an
 * overheard message the bot is not sure about gets a 👀 reaction instead of silence, and its
 * asker's own 👀 gets the answer (src/bot/peek.ts).
 */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { AsyncSettingsStore } from '../../memory/async-types.js';

export interface ListeningStore {
  isListening(channel: string): Promise<boolean>;
  /** Turn listening in `channel` on or off; resolves when the choice is saved. */
  set(channel: string, on: boolean, user?: string): Promise<void>;
  /** Peek mode in `channel`: a 👀 on overheard messages the bot is not sure about. Off unless turned on. */
  peeks(channel: string): Promise<boolean>;
  /** Turn peek mode in `channel` on or off; resolves when the choice is saved. */
  setPeek(channel: string, on: boolean, user?: string): Promise<void>;
}

/** The setting's name in the settings store; values 'on' and 'off'. */
export const LISTENING_SETTING = 'listening';

/** Peek mode's setting in the settings store; values 'on' and 'off' (none: off). */
export const PEEK_SETTING = 'peek';

/** Where kbbot 0.1 kept the choices; `importListeningFile` brings them into the settings store. */
export const LISTENING_FILE = 'listening.json';

/** Listening choices kept in the bot's settings store. */
export class StoredListeningStore implements ListeningStore {
  private readonly defaults: ReadonlySet<string>;

  constructor(
    private readonly settings: AsyncSettingsStore,
    /** LISTEN_CHANNELS: listened in unless turned off with the command (none by default). */
    defaultChannels: readonly string[] = [],
  ) {
    this.defaults = new Set(defaultChannels);
  }

  async isListening(channel: string): Promise<boolean> {
    return this.listensBy(channel, await this.settings.get(channel, LISTENING_SETTING));
  }

  /** Channels listened in now (defaults and choices), sorted. */
  async channels(): Promise<string[]> {
    const choices = await this.settings.all(LISTENING_SETTING); // one read for every channel
    const all = new Set([...this.defaults, ...choices.keys()]);
    return [...all].filter((c) => this.listensBy(c, choices.get(c))).sort();
  }

  async set(channel: string, on: boolean, user?: string): Promise<void> {
    await this.settings.set(channel, LISTENING_SETTING, on ? 'on' : 'off', user);
  }

  async peeks(channel: string): Promise<boolean> {
    return (await this.settings.get(channel, PEEK_SETTING)) === 'on';
  }

  async setPeek(channel: string, on: boolean, user?: string): Promise<void> {
    await this.settings.set(channel, PEEK_SETTING, on ? 'on' : 'off', user);
  }

  /** A channel's choice wins; without one, LISTEN_CHANNELS decides. */
  private listensBy(channel: string, value: string | undefined): boolean {
    return value === undefined ? this.defaults.has(channel) : value === 'on';
  }
}

/**
 * Bring the choices of an older kbbot's `${dataDir}/listening.json` into the settings store (a
 * choice made since wins), then rename the file `listening.json.imported`. Returns the number of
 * channels imported; 0 when there is no file. A broken file is an error naming it.
 */
export async function importListeningFile(settings: AsyncSettingsStore, dataDir: string): Promise<number> {
  const path = join(dataDir, LISTENING_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let channels: unknown;
  try {
    channels = (JSON.parse(text) as { channels?: unknown }).channels;
  } catch {
    channels = undefined;
  }
  if (typeof channels !== 'object' || channels === null)
    throw new Error(`${path} is not a listening file (expected {"channels": {...}})`);
  let count = 0;
  for (const [channel, on] of Object.entries(channels)) {
    if (typeof on !== 'boolean' || (await settings.get(channel, LISTENING_SETTING)) !== undefined) continue;
    await settings.set(channel, LISTENING_SETTING, on ? 'on' : 'off');
    count++;
  }
  renameSync(path, `${path}.imported`);
  return count;
}

/** Listening choices in memory only (tests). */
export class MemoryListeningStore implements ListeningStore {
  private readonly choices = new Map<string, boolean>();
  private readonly peeking = new Set<string>();
  constructor(private readonly defaults: readonly string[] = []) {}
  async isListening(channel: string): Promise<boolean> {
    return this.choices.get(channel) ?? this.defaults.includes(channel);
  }
  async set(channel: string, on: boolean): Promise<void> {
    this.choices.set(channel, on);
  }
  async peeks(channel: string): Promise<boolean> {
    return this.peeking.has(channel);
  }
  async setPeek(channel: string, on: boolean): Promise<void> {
    if (on) this.peeking.add(channel);
    else this.peeking.delete(channel);
  }
}
