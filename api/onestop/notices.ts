import type { Knex } from 'knex';
import type { Mailer } from '../mail.js';

interface Logger {
  info: (o: object, m?: string) => void;
  warn: (o: object, m?: string) => void;
}

/** Failed attempts after which a notice stays in-app only. */
const MAX_ATTEMPTS = 5;

/**
 * E-mails the citizens' notices (dossier_notices with an address and no emailed_at), whoever wrote
 * them (the API or the engine's onestop-* workers), through the platform's SMTP mailer. Each row is
 * locked while it is sent (FOR UPDATE SKIP LOCKED), so two API processes never send it twice;
 * emailed_at marks it sent. A failure counts an attempt and is retried on a later round.
 */
export async function sendPendingNotices(db: Knex, mailer: Pick<Mailer, 'sendText'>, log: Logger, batch = 20): Promise<number> {
  let sent = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction(async (trx) => {
      const row = await trx('dossier_notices as n')
        .join('dossiers as d', 'd.id', 'n.dossier_id')
        .whereNull('n.emailed_at')
        .whereNotNull('n.email')
        .where('n.attempts', '<', MAX_ATTEMPTS)
        .andWhere('n.created_at', '>', trx.raw(`now() - interval '2 days'`))
        .orderBy('n.id')
        .forUpdate('n')
        .skipLocked()
        .first('n.id', 'n.email', 'n.subject', 'n.body', trx.raw(`d.applicant->>'name' AS name`));
      if (!row) return null;
      try {
        await mailer.sendText({ name: row.name ?? undefined, address: row.email }, row.subject, `${row.body}\n\n--\nThư tự động của hệ thống một cửa điện tử, vui lòng không trả lời. / Automatic message, please do not reply.\n`);
        await trx('dossier_notices').where({ id: row.id }).update({ emailed_at: trx.fn.now() });
        return true;
      } catch (err) {
        await trx('dossier_notices').where({ id: row.id }).increment('attempts', 1);
        log.warn({ err: String(err), noticeId: String(row.id) }, 'citizen notice e-mail failed');
        return false;
      }
    });
    if (done === null) break;
    if (done) sent++;
    else break; // the mail server refuses: try again on the next round
  }
  return sent;
}

/** Runs sendPendingNotices every `everyMs`; returns a stop function. */
export function startNoticeMailer(db: Knex, mailer: Pick<Mailer, 'sendText'>, log: Logger, everyMs = 3000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sendPendingNotices(db, mailer, log)
      .then((n) => n > 0 && log.info({ sent: n }, 'citizen notices e-mailed'))
      .catch((err) => log.warn({ err: String(err) }, 'citizen notice round failed'))
      .finally(() => (running = null));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
