/**
 * Which channels the bot listens in (answers errors it overheard without being mentioned).
 * `/kb listen on|off` sets a channel; the choice is a per-channel setting in the bot's storage
 * (durable when `set` resolves, so the confirmation never outlives a crash). Channels from
 * LISTEN_CHANNELS are on unless a channel was turned off with the command.
 *
 * Peek mode (issue #25), also per channel and off by default: `/kb peek on|off`. Where it is on, an
 * overheard message the bot is not sure about gets a 👀 reaction instead of silence, and its
 * asker's own 👀 gets the answer (src/bot/peek.ts).
 */
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsStore } from '../../memory/types.js';

export interface ListeningStore {
  isListening(channel: string): boolean;
  /** Turn listening in `channel` on or off; resolves when the choice is saved. */
  set(channel: string, on: boolean, user?: string): Promise<void>;
  /** Peek mode in `channel`: a 👀 on overheard messages the bot is not sure about. Off unless turned on. */
  peeks(channel: string): boolean;
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
    private readonly settings: SettingsStore,
    defaultChannels: readonly string[] = [],
  ) {
    this.defaults = new Set(defaultChannels);
  }

  isListening(channel: string): boolean {
    const value = this.settings.get(channel, LISTENING_SETTING);
    return value === undefined ? this.defaults.has(channel) : value === 'on';
  }

  /** Channels listened in now (defaults and choices). */
  channels(): string[] {
    const all = new Set([...this.defaults, ...this.settings.all(LISTENING_SETTING).keys()]);
    return [...all].filter((c) => this.isListening(c)).sort();
  }

  async set(channel: string, on: boolean, user?: string): Promise<void> {
    this.settings.set(channel, LISTENING_SETTING, on ? 'on' : 'off', user);
  }

  peeks(channel: string): boolean {
    return this.settings.get(channel, PEEK_SETTING) === 'on';
  }

  async setPeek(channel: string, on: boolean, user?: string): Promise<void> {
    this.settings.set(channel, PEEK_SETTING, on ? 'on' : 'off', user);
  }
}

/**
 * Bring the choices of an older kbbot's `${dataDir}/listening.json` into the settings store (a
 * choice made since wins), then rename the file `listening.json.imported`. Returns the number of
 * channels imported; 0 when there is no file. A broken file is an error naming it.
 */
export function importListeningFile(settings: SettingsStore, dataDir: string): number {
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
    if (typeof on !== 'boolean' || settings.get(channel, LISTENING_SETTING) !== undefined) continue;
    settings.set(channel, LISTENING_SETTING, on ? 'on' : 'off');
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
  isListening(channel: string): boolean {
    return this.choices.get(channel) ?? this.defaults.includes(channel);
  }
  async set(channel: string, on: boolean): Promise<void> {
    this.choices.set(channel, on);
  }
  peeks(channel: string): boolean {
    return this.peeking.has(channel);
  }
  async setPeek(channel: string, on: boolean): Promise<void> {
    if (on) this.peeking.add(channel);
    else this.peeking.delete(channel);
  }
}
