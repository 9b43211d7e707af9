/**
 * Which channels the bot listens in (answers errors it overhears without being mentioned).
 * `/kb listen on|off` sets a channel; the choices persist in `listening.json` in DATA_DIR
 * (written atomically: a temp file renamed over the old one). Channels from LISTEN_CHANNELS are
 * on unless a channel was turned off with the command.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ListeningStore {
  isListening(channel: string): boolean;
  /** Turn listening in `channel` on or off; resolves when the choice is saved. */
  set(channel: string, on: boolean): Promise<void>;
}

export const LISTENING_FILE = 'listening.json';

interface ListeningFile {
  version: 1;
  /** channel id -> listening; only channels someone set with the command. */
  channels: Record<string, boolean>;
}

/** Listening choices in memory, saved to `${dataDir}/listening.json`. */
export class FileListeningStore implements ListeningStore {
  private readonly path: string;
  private saving: Promise<void> = Promise.resolve();
  private writes = 0;

  private constructor(
    private readonly dataDir: string,
    private readonly defaults: ReadonlySet<string>,
    private readonly choices: Map<string, boolean>,
  ) {
    this.path = join(dataDir, LISTENING_FILE);
  }

  /** Loads the file (a missing file means no choices yet; a broken one is an error). */
  static async open(dataDir: string, defaultChannels: readonly string[] = []): Promise<FileListeningStore> {
    const choices = new Map<string, boolean>();
    let text: string | undefined;
    try {
      text = await readFile(join(dataDir, LISTENING_FILE), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (text !== undefined) {
      const parsed = JSON.parse(text) as Partial<ListeningFile>;
      if (typeof parsed !== 'object' || parsed === null || typeof parsed.channels !== 'object' || parsed.channels === null) {
        throw new Error(`${join(dataDir, LISTENING_FILE)} is not a listening file`);
      }
      for (const [channel, on] of Object.entries(parsed.channels)) if (typeof on === 'boolean') choices.set(channel, on);
    }
    return new FileListeningStore(dataDir, new Set(defaultChannels), choices);
  }

  isListening(channel: string): boolean {
    return this.choices.get(channel) ?? this.defaults.has(channel);
  }

  /** Channels listened in now (defaults and choices). */
  channels(): string[] {
    const all = new Set([...this.defaults, ...this.choices.keys()]);
    return [...all].filter((c) => this.isListening(c)).sort();
  }

  set(channel: string, on: boolean): Promise<void> {
    this.choices.set(channel, on);
    const body: ListeningFile = { version: 1, channels: Object.fromEntries([...this.choices].sort(([a], [b]) => a.localeCompare(b))) };
    // Writes are queued so an older state never lands after a newer one.
    this.saving = this.saving.catch(() => undefined).then(() => this.write(`${JSON.stringify(body, null, 2)}\n`));
    return this.saving;
  }

  private async write(text: string): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    const temp = `${this.path}.${process.pid}.${++this.writes}.tmp`;
    await writeFile(temp, text, 'utf8');
    await rename(temp, this.path);
  }
}

/** Listening choices in memory only (tests, or no DATA_DIR). */
export class MemoryListeningStore implements ListeningStore {
  private readonly choices = new Map<string, boolean>();
  constructor(private readonly defaults: readonly string[] = []) {}
  isListening(channel: string): boolean {
    return this.choices.get(channel) ?? this.defaults.includes(channel);
  }
  async set(channel: string, on: boolean): Promise<void> {
    this.choices.set(channel, on);
  }
}
