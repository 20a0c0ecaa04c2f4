import type { Knex } from 'knex';
import { MailTransport, type MailTransportOptions } from '../../lib/mail.js';

interface Logger {
  info: (o: object, m?: string) => void;
  warn: (o: object, m?: string) => void;
  error: (o: object, m?: string) => void;
}

/** The SMTP server and sender (the mailer opens its own transport), or a transport shared with other senders (closed by its owner). */
export type MailerOptions = (MailTransportOptions | { transport: MailTransport }) & {
  /** waits before each retry after a failed send; default 2 s, 10 s, 60 s */
  retryDelaysMs?: number[];
};

interface PendingRow {
  id: string;
  subject: string;
  body: string;
  email: string;
  full_name: string;
}

/**
 * Sends notifications by e-mail through SMTP, outside any request: send(id) is called once the
 * notification's row is committed and returns at once. A failed send is logged and retried with backoff;
 * notifications.emailed_at makes it once per notification (the row is locked while it is sent, so two
 * API processes never both send it). Recipients without an e-mail address are skipped.
 */
export class Mailer {
  private readonly transport: MailTransport;
  /** the transport was opened here: closed with the mailer */
  private readonly ownTransport: boolean;
  private readonly delays: number[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly db: Knex,
    opts: MailerOptions,
    private readonly log: Logger,
  ) {
    this.ownTransport = !('transport' in opts);
    this.transport = 'transport' in opts ? opts.transport : new MailTransport(opts);
    this.delays = opts.retryDelaysMs ?? [2_000, 10_000, 60_000];
  }

  /** Queues the e-mail of a committed notification; never throws. */
  send(id: string): void {
    this.attempt(id, 0);
  }

  private attempt(id: string, n: number): void {
    if (this.closed) return;
    const p = this.sendOnce(id)
      .catch((err: unknown) => {
        const delay = this.delays[n];
        if (delay === undefined || this.closed) {
          this.log.error({ err: String(err), notificationId: id, attempts: n + 1 }, 'notification e-mail failed; giving up');
          return;
        }
        this.log.warn({ err: String(err), notificationId: id, attempt: n + 1, retryInMs: delay }, 'notification e-mail failed; retrying');
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.attempt(id, n + 1);
        }, delay);
        t.unref();
        this.timers.add(t);
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async sendOnce(id: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const row: PendingRow | undefined = await trx('notifications as n')
        .join('users as u', 'u.username', 'n.recipient')
        .where('n.id', id)
        .whereNull('n.emailed_at')
        .whereNotNull('u.email')
        .whereNot('u.email', '')
        .forUpdate('n')
        .skipLocked()
        .first('n.id', 'n.subject', 'n.body', 'u.email', 'u.full_name');
      if (!row) return; // sent already (or being sent by another process), or no address
      await this.transport.sendText(
        { name: row.full_name, address: row.email },
        row.subject,
        `${row.body}\n\n--\nThông báo tự động từ hệ thống một cửa điện tử. Vui lòng đăng nhập để xem chi tiết.\n`,
      );
      await trx('notifications')
        .where({ id: row.id })
        .update({ emailed_at: trx.raw('eiso_now()') });
      this.log.info({ notificationId: id }, 'notification e-mailed');
    });
  }

  private sweepTimer?: NodeJS.Timeout;

  /**
   * Every `everyMs`, queues the e-mails of notifications written elsewhere (the engine's deadline
   * reminders and escalations) or left unsent by a restart: rows of the last day without emailed_at
   * whose recipient has an address. The row lock in sendOnce keeps it once per notification.
   */
  startSweep(everyMs = 15_000): void {
    const sweep = async () => {
      const rows: { id: string }[] = await this.db('notifications as n')
        .join('users as u', 'u.username', 'n.recipient')
        .whereNull('n.emailed_at')
        .whereNotNull('u.email')
        .whereNot('u.email', '')
        .andWhere('n.created_at', '>', this.db.raw(`eiso_now() - interval '1 day'`))
        .andWhere('n.created_at', '<', this.db.raw(`eiso_now() - interval '5 seconds'`))
        .orderBy('n.created_at')
        .limit(50)
        .select('n.id');
      for (const r of rows) this.send(String(r.id));
    };
    this.sweepTimer = setInterval(() => void sweep().catch((err) => this.log.warn({ err: String(err) }, 'notification e-mail sweep failed')), everyMs);
    this.sweepTimer.unref();
  }

  /** Stops retries and waits for sends under way. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inFlight]);
    if (this.ownTransport) this.transport.close();
  }
}
