import type { Knex } from 'knex';
import type { Notification } from '../../api/schemas/notifications.js';
import { INBOX_CHANNEL } from '../inbox/live.js';

/** What a notification is about ('message': a free message, such as a citizen's notice from a notify-citizen step). */
export type NotificationKind = 'task_assigned' | 'task_urged' | 'message' | 'step_reminder' | 'step_overdue';

/** A row of the notifications table as its one writer takes it. */
export interface NotificationWrite {
  recipient: string;
  kind: NotificationKind;
  subject: string;
  body: string;
  taskKey?: string | null;
  processInstanceKey?: string | null;
  /** the job that wrote it: a redelivered job writes nothing more (unique) */
  jobKey?: string | null;
}

/**
 * The only writer of the notifications table (in-app channel). Each recipient's open pages hear of it
 * when the transaction commits (NOTIFY on the inbox channel, domain/inbox/live.ts). Rows with a job key
 * already written are skipped. Returns the ids written, in order (skipped rows have none).
 */
export async function writeNotifications(db: Knex | Knex.Transaction, rows: readonly NotificationWrite[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const insert = db('notifications').insert(
    rows.map((n) => ({
      recipient: n.recipient,
      channel: 'in-app',
      kind: n.kind,
      subject: n.subject,
      body: n.body,
      task_key: n.taskKey ?? null,
      process_instance_key: n.processInstanceKey ?? null,
      job_key: n.jobKey ?? null,
    })),
  );
  const written = await (rows.some((n) => n.jobKey) ? insert.onConflict('job_key').ignore() : insert).returning<{ id: string }[]>('id');
  for (const recipient of new Set(rows.map((n) => n.recipient))) {
    await db.raw(`SELECT pg_notify(?, json_build_object('kind', 'notification', 'recipient', ?::text)::text)`, [INBOX_CHANNEL, recipient]);
  }
  return written.map((r) => String(r.id));
}

/** A notification to one signed-in user (recipient = username). */
export interface NewNotification {
  recipient: string;
  kind: 'task_assigned' | 'task_urged' | 'message';
  subject: string;
  body: string;
  taskKey?: string;
  processInstanceKey?: string;
}

/** A notification as the channels see it: id is set once a channel has stored it (the in-app row). */
export type OutgoingNotification = NewNotification & { id?: string };

/**
 * A way to reach a person. In-app (the notifications table and the bell, live through NOTIFY) stores the
 * notification and returns its id; e-mail (emailChannel, when SMTP_URL is set) sends it after commit.
 */
export interface NotificationChannel {
  readonly name: string;
  /** Returns the notification's id when this channel stored it. */
  deliver(db: Knex | Knex.Transaction, n: OutgoingNotification): Promise<string | void>;
}

export const inAppChannel: NotificationChannel = {
  name: 'in-app',
  async deliver(db, n) {
    const [id] = await writeNotifications(db, [n]);
    return id;
  },
};

/** Something that e-mails a committed notification by id, in the background (domain/notifications/email.ts). */
export interface NotificationMailer {
  send(id: string): void;
}

/**
 * E-mail: after the caller's transaction commits (never inside it, never on rollback), hands the stored
 * notification to the mailer, which sends it if the recipient has an address. Comes after inAppChannel.
 */
export function emailChannel(mailer: NotificationMailer): NotificationChannel {
  return {
    name: 'e-mail',
    async deliver(db, n) {
      const id = n.id;
      if (!id) return;
      const trx = db as Knex.Transaction;
      if (db.isTransaction && trx.executionPromise !== undefined) {
        trx.executionPromise.then(
          () => mailer.send(id),
          () => {}, // rolled back: nothing was notified
        );
      } else {
        mailer.send(id);
      }
    },
  };
}

/** Sends through every channel; inside the caller's transaction, so a refused action notifies nobody. */
export async function sendNotification(db: Knex | Knex.Transaction, n: NewNotification, channels: NotificationChannel[] = [inAppChannel]): Promise<void> {
  let id: string | undefined;
  for (const c of channels) {
    const stored = await c.deliver(db, id === undefined ? n : { ...n, id });
    if (typeof stored === 'string') id = stored;
  }
}

interface NotificationRow {
  id: string;
  kind: string;
  subject: string;
  body: string;
  task_key: string | null;
  process_instance_key: string | null;
  created_at: Date;
  read_at: Date | null;
}

const toNotification = (r: NotificationRow): Notification => ({
  id: String(r.id),
  kind: r.kind,
  subject: r.subject,
  body: r.body,
  taskId: r.task_key === null ? null : String(r.task_key),
  processInstanceKey: r.process_instance_key === null ? null : String(r.process_instance_key),
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at ? r.read_at.toISOString() : null,
});

const COLUMNS = ['id', 'kind', 'subject', 'body', 'task_key', 'process_instance_key', 'created_at', 'read_at'];

export async function listNotifications(db: Knex, recipient: string, o: { unreadOnly: boolean; limit: number; offset: number }) {
  const q = db('notifications').where({ recipient });
  if (o.unreadOnly) q.whereNull('read_at');
  const [[{ total }], [{ unread }], rows] = await Promise.all([
    q.clone().count<{ total: string }[]>({ total: '*' }),
    db('notifications').where({ recipient }).whereNull('read_at').count<{ unread: string }[]>({ unread: '*' }),
    q.clone().select(COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit).offset(o.offset),
  ]);
  return { items: (rows as NotificationRow[]).map(toNotification), total: Number(total), unread: Number(unread) };
}

/** Marks one of the recipient's notifications read (idempotent); undefined when it is not theirs. */
export async function markRead(db: Knex, recipient: string, id: string): Promise<Notification | undefined> {
  const [row] = await db('notifications')
    .where({ id, recipient })
    .update({ read_at: db.raw('coalesce(read_at, eiso_now())') })
    .returning(COLUMNS);
  return row ? toNotification(row) : undefined;
}

export async function markAllRead(db: Knex, recipient: string): Promise<number> {
  return db('notifications')
    .where({ recipient })
    .whereNull('read_at')
    .update({ read_at: db.raw('eiso_now()') });
}
