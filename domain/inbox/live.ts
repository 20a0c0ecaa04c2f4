import type { Knex } from 'knex';
import { listenerClient } from '../../lib/db.js';
import pg from 'pg';
import { INBOX_CHANNEL, type Viewer } from './store.js';

/** One inbox change as published with NOTIFY inbox_changed (publishInboxChange, sendNotification). */
export interface InboxChange {
  kind: string;
  taskId?: string;
  processInstanceKey?: string;
  status?: string;
  assignee?: string | null;
  previousAssignee?: string | null;
  completedBy?: string | null;
  candidateGroups?: string[];
  candidateUsers?: string[];
  /** for kind "notification": the username it is for; for kind "session": the user whose sessions ended */
  recipient?: string;
}

/** Whether an open inbox of this viewer shows (or showed) the task, or the notification is theirs. */
export function sees(v: Viewer, c: InboxChange): boolean {
  if (c.kind === 'notification') return c.recipient === v.username;
  const people = [c.assignee, c.previousAssignee, c.completedBy].filter((u): u is string => typeof u === 'string');
  const groups = c.candidateGroups ?? [];
  const users = c.candidateUsers ?? [];
  if (people.includes(v.username) || users.includes(v.username) || groups.some((g) => v.groups.includes(g))) return true;
  const s = v.scope;
  return Boolean(s && (groups.some((g) => s.groups.includes(g)) || users.some((u) => s.usernames.includes(u)) || people.some((u) => s.usernames.includes(u))));
}

/** A connected event stream (one open page). */
export interface LiveClient {
  viewer: Viewer;
  send(event: 'inbox' | 'notification' | 'resync', data: object): void;
  /** Ends the stream because the user's session ended (sign-out, password, role, unit or active change). */
  endSession(): void;
}

interface Logger {
  warn: (o: object, m?: string) => void;
}

/**
 * Fans inbox changes out to the event streams of this API process. Every process LISTENs on its own
 * connection, so a change made by any process (a worker, a route, the projector) reaches every open
 * inbox that may see it. After the connection drops and comes back, clients are told to resync:
 * notifications sent meanwhile are lost.
 */
export class LiveHub {
  private readonly clients = new Set<LiveClient>();
  private listener?: pg.Client;
  private running = false;
  private backoffMs = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private hadConnection = false;

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => {});
    this.clients.clear();
  }

  /** Adds a stream; returns its removal. */
  add(client: LiveClient): () => void {
    this.clients.add(client);
    return () => this.clients.delete(client);
  }

  private dispatch(payload: string | undefined): void {
    let change: InboxChange;
    try {
      change = JSON.parse(payload ?? '');
    } catch {
      return;
    }
    // The users trigger (migration auth_sessions) announces a changed token version: end that user's streams.
    if (change.kind === 'session') {
      for (const c of [...this.clients]) if (c.viewer.username === change.recipient) c.endSession();
      return;
    }
    const event = change.kind === 'notification' ? 'notification' : 'inbox';
    // Only what the page needs to refresh: never other people's candidate lists.
    const data = event === 'notification' ? { kind: 'notification' } : { kind: change.kind, taskId: change.taskId, processInstanceKey: change.processInstanceKey, status: change.status, assignee: change.assignee ?? null };
    for (const c of this.clients) {
      if (sees(c.viewer, change)) c.send(event, data);
    }
  }

  private async listen(): Promise<void> {
    const client = listenerClient(this.knex, 'eiso-inbox-live');
    let closed = false;
    const retry = (err?: unknown) => {
      if (closed) return;
      closed = true;
      if (this.listener === client) this.listener = undefined;
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (!this.running) return;
      if (err) this.log.warn({ err: String(err) }, 'inbox live listener lost; reconnecting');
      this.backoffMs = Math.min(30_000, Math.max(500, this.backoffMs * 2));
      clearTimeout(this.reconnectTimer);
      this.reconnectTimer = setTimeout(() => void this.listen(), this.backoffMs);
      this.reconnectTimer.unref();
    };
    client.on('error', (err) => retry(err));
    client.on('end', () => retry());
    client.on('notification', (msg) => this.dispatch(msg.payload));
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOX_CHANNEL}`);
      if (!this.running) {
        await client.end().catch(() => {});
        return;
      }
      this.listener = client;
      this.backoffMs = 0;
      // Changes made while we were not listening are unknown: every page refetches.
      if (this.hadConnection) for (const c of this.clients) c.send('resync', { kind: 'resync' });
      this.hadConnection = true;
    } catch (err) {
      retry(err);
    }
  }
}
