/**
 * "This process is alive", as the database sees it: each open storage takes an owner number
 * (sequence `kbbot_owners`) and holds the session advisory lock (OWNER_LOCK, number) on a
 * connection of its own for as long as it runs. When the process dies, even by SIGKILL, its
 * connection closes and Postgres drops the lock at once, so `kbbot_owner_alive(number)` is false
 * and another replica may answer the deliveries it had claimed (./delivered.ts). The claim's lease
 * stays as the backstop for a process that hangs with its connection open, or a network the
 * server has not yet noticed is gone. If the connection breaks while the process lives, it is
 * re-made and the lock taken again (meanwhile this process's claims look free to others).
 */
import pg from 'pg';
import { OWNER_LOCK } from './migrations.js';

/** How long to wait before re-making a broken lock connection. */
const RECONNECT_MS = 1000;

export class PgLiveness {
  private client: pg.Client | undefined;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly config: pg.ClientConfig,
    /** This process's owner number. */
    readonly owner: number,
  ) {}

  /** Take an owner number and hold its lock; rejects (a pg error) when the server cannot be reached. */
  static async start(config: pg.ClientConfig): Promise<PgLiveness> {
    const client = new pg.Client(config);
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>("SELECT nextval('kbbot_owners')::integer AS n");
      const liveness = new PgLiveness(config, rows[0]?.n ?? 0);
      await liveness.hold(client);
      return liveness;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /** Release the lock (this process's claims become free to others) and close the connection. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async hold(client: pg.Client): Promise<void> {
    await client.query('SELECT pg_advisory_lock($1::integer, $2::integer)', [OWNER_LOCK, this.owner]);
    this.client = client;
    const broken = (): void => {
      if (this.client !== client) return;
      this.client = undefined;
      client.end().catch(() => undefined);
      this.reconnect();
    };
    client.removeAllListeners('error');
    client.on('error', broken);
    client.on('end', broken);
  }

  private reconnect(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      const client = new pg.Client(this.config);
      client.on('error', () => undefined);
      client
        .connect()
        .then(() => (this.closed ? client.end() : this.hold(client)))
        .catch(() => {
          client.end().catch(() => undefined);
          this.reconnect();
        });
    }, RECONNECT_MS);
    this.timer.unref();
  }
}
