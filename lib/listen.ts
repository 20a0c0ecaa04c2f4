import type { Knex } from 'knex';
import type pg from 'pg';
import { listenerClient } from './db.js';

export interface ListenOptions {
  /** the channel to LISTEN on (a plain identifier) */
  channel: string;
  /** application_name of the dedicated connection (shows in pg_stat_activity) */
  name: string;
  onNotification: (payload: string | undefined) => void;
  /** each time the LISTEN is in place; `again` after a lost connection came back (what was sent meanwhile is lost) */
  onListening?: (again: boolean) => void;
  /** the connection failed or dropped; a reconnect is scheduled */
  onLost?: (err: unknown) => void;
}

export interface Listener {
  /** true while the LISTEN is in place */
  readonly listening: boolean;
  stop(): Promise<void>;
}

/**
 * LISTENs on a dedicated connection outside the knex pool and reconnects with backoff (0.5 s doubling
 * up to 30 s) whenever it fails or drops. Resolves once the first attempt succeeded or failed (a failed
 * first attempt is retried like a drop). The one reconnecting LISTEN client of the platform: the live
 * inbox (domain/inbox/live.ts) and the history projector (engine/history/projector.ts) use it.
 */
export async function listenWithReconnect(knex: Knex, opts: ListenOptions): Promise<Listener> {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.channel)) throw new Error(`not a channel name: ${opts.channel}`);
  let running = true;
  let current: pg.Client | undefined;
  let backoffMs = 0;
  let timer: NodeJS.Timeout | undefined;
  let hadConnection = false;

  const connect = async (): Promise<void> => {
    const client = listenerClient(knex, opts.name);
    let closed = false;
    const retry = (err?: unknown) => {
      if (closed) return;
      closed = true;
      if (current === client) current = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (!running) return;
      if (err !== undefined) opts.onLost?.(err);
      backoffMs = Math.min(30_000, Math.max(500, backoffMs * 2));
      clearTimeout(timer);
      timer = setTimeout(() => void connect(), backoffMs);
      timer.unref();
    };
    client.on('error', (err) => retry(err));
    client.on('end', () => retry());
    client.on('notification', (msg) => opts.onNotification(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${opts.channel}`);
      if (!running) {
        await client.end().catch(() => {});
        return;
      }
      current = client;
      backoffMs = 0;
      opts.onListening?.(hadConnection);
      hadConnection = true;
    } catch (err) {
      retry(err);
    }
  };

  await connect();
  return {
    get listening() {
      return current !== undefined;
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      const c = current;
      current = undefined;
      await c?.end().catch(() => {});
    },
  };
}
