import type { Knex } from 'knex';
import { listenWithReconnect, type Listener } from '../../lib/listen.js';
import type { Viewer } from './visibility.js';

/** renamed: the step got its name from the model once its process version was recorded (engine/history/apply.ts). */
export type InboxChangeKind = 'created' | 'claimed' | 'unclaimed' | 'assigned' | 'urged' | 'completed' | 'cancelled' | 'renamed';

/** Channel of PostgreSQL NOTIFY on which every API process hears inbox changes (the listener below). */
export const INBOX_CHANNEL = 'inbox_changed';

/** NOTIFY's payload limit (8000 bytes) less room to spare. */
const NOTIFY_MAX_BYTES = 7900;

/**
 * The payload of one task's change, from a row `t` with inbox_tasks' columns and the previous holder as
 * the SQL expression `previous`. NOTIFY carries at most 8000 bytes: a task offered to so many groups or
 * people that its payload would be longer tells every open page to refetch instead (kind "resync"), so
 * the write that carries it never fails on its length.
 */
function changePayloadSql(previous: string): string {
  const full = `json_build_object(
        'kind', ?::text, 'taskId', t.job_key::text, 'processInstanceKey', t.process_instance_key::text, 'status', t.status,
        'assignee', t.assignee, 'previousAssignee', ${previous}, 'completedBy', t.completed_by,
        'candidateGroups', t.candidate_groups, 'candidateUsers', t.candidate_users)::text`;
  return `(SELECT CASE WHEN octet_length(j) <= ${NOTIFY_MAX_BYTES} THEN j ELSE '{"kind":"resync"}' END FROM (SELECT ${full} AS j) AS payload)`;
}
/**
 * The NOTIFY of a change of the task read as `t` (inbox_tasks or a row of the same columns), as an
 * expression to put in the select list of the statement that makes or reads the change: the change is
 * announced in the same round trip (one SQL statement less per change; bench/results/throughput-profile.md).
 * Inside a transaction it is delivered on commit.
 */
export function inboxChangeNotifySql(db: Knex | Knex.Transaction, kind: InboxChangeKind): Knex.Raw {
  return db.raw(`pg_notify(?, ${changePayloadSql('NULL')})`, [INBOX_CHANNEL, kind]);
}

/**
 * Tells every API process that tasks changed: one NOTIFY per task, carrying what visibility needs
 * (groups, users, holder, the previous holder). Inside a transaction it is delivered on commit.
 * `previous` maps a task to its holder before the change. (A statement of its own: where the change is
 * made by one statement, inboxChangeNotifySql puts the NOTIFY into it.)
 */
export async function publishInboxChange(
  db: Knex | Knex.Transaction,
  kind: InboxChangeKind,
  jobKeys: string[],
  previous: Map<string, string | null> = new Map(),
): Promise<void> {
  if (jobKeys.length === 0) return;
  await db.raw(
    `SELECT pg_notify(?, ${changePayloadSql('x.prev')})
     FROM unnest(?::bigint[], ?::text[]) AS x(job_key, prev) JOIN inbox_tasks t ON t.job_key = x.job_key`,
    [INBOX_CHANNEL, kind, jobKeys, jobKeys.map((k) => previous.get(k) ?? null) as string[]],
  );
}

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
  private listener?: Listener;

  constructor(
    private readonly knex: Knex,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  async start(): Promise<void> {
    if (this.listener) return;
    this.listener = await listenWithReconnect(this.knex, {
      channel: INBOX_CHANNEL,
      name: 'eiso-inbox-live',
      onNotification: (payload) => this.dispatch(payload),
      onLost: (err) => this.log.warn({ err: String(err) }, 'inbox live listener lost; reconnecting'),
      // Changes made while we were not listening are unknown: every page refetches.
      onListening: (again) => {
        if (again) for (const c of this.clients) c.send('resync', { kind: 'resync' });
      },
    });
  }

  async stop(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    await l?.stop();
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
    // A change too long to announce (changePayloadSql): every page refetches.
    if (change.kind === 'resync') {
      for (const c of this.clients) c.send('resync', { kind: 'resync' });
      return;
    }
    // The users trigger (migration auth_sessions) announces a changed token version: end that user's streams.
    if (change.kind === 'session') {
      for (const c of [...this.clients]) if (c.viewer.username === change.recipient) c.endSession();
      return;
    }
    const event = change.kind === 'notification' ? 'notification' : 'inbox';
    // Only what the page needs to refresh: never other people's candidate lists.
    const data =
      event === 'notification'
        ? { kind: 'notification' }
        : { kind: change.kind, taskId: change.taskId, processInstanceKey: change.processInstanceKey, status: change.status, assignee: change.assignee ?? null };
    for (const c of this.clients) {
      if (sees(c.viewer, change)) c.send(event, data);
    }
  }
}
