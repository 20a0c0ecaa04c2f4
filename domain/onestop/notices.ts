import type { Knex } from 'knex';
import { vnTime } from './time-text.js';
import type { MailTransport } from '../../lib/mail.js';
import { DOSSIER_STATUSES, type DossierStatus } from './status.js';
import { evaluationUrl, lookupUrl, supplementUrl } from './settings.js';
import { currentConfig, type Config } from '../../lib/config.js';

interface Logger {
  info: (o: object, m?: string) => void;
  warn: (o: object, m?: string) => void;
}

/** Failed attempts after which a notice stays in-app only. */
const MAX_ATTEMPTS = 5;

interface MailRow {
  id: string;
  email: string;
  body: string;
  code: string | null;
  reference: string;
  channel: string;
  lookup_token: string;
  status: string;
  appointment_at: Date | null;
  closed_at: Date | null;
}

/**
 * The e-mail of a citizen notice: a fixed template with the dossier code, its status, the appointment
 * the system computed, and the citizen's links; nothing anybody typed (the applicant's name, notes,
 * reasons are on the lookup page only), so the agency's mail server cannot be made to carry someone's
 * text to any address. The supplement / evaluation link is included when the notice offered it.
 */
export function citizenMail(r: MailRow, config: Pick<Config, 'publicUrl'> = currentConfig()): { subject: string; text: string } {
  const label = DOSSIER_STATUSES[r.status as DossierStatus] ?? { vi: 'Có cập nhật', en: 'Updated' };
  // Before receipt the submission is named by its tracking reference; afterwards by its code, with the reference it had.
  const name = r.code ?? r.reference;
  const lines = [`Hồ sơ ${name}: ${label.vi}.`, `Dossier ${name}: ${label.en}.`, ''];
  lines.push(...referenceLines(r), '');
  if (r.appointment_at && !r.closed_at) lines.push(`Ngày hẹn trả kết quả / Appointment: ${vnTime(r.appointment_at)}`, '');
  const supplement = supplementUrl(name, r.lookup_token, config);
  const evaluation = evaluationUrl(name, r.lookup_token, config);
  // The notice offered the link (written with the name the dossier had then): the mail gives it with today's name.
  if (r.body.includes(`${config.publicUrl}/bo-sung/`)) lines.push(`Bổ sung hồ sơ tại / Supplement at: ${supplement}`);
  if (r.body.includes(`${config.publicUrl}/danh-gia/`)) lines.push(`Đánh giá mức độ hài lòng / Rate the service: ${evaluation}`);
  lines.push(
    `Tra cứu hồ sơ và xem nội dung chi tiết / Follow your dossier and read the details: ${lookupUrl(name, r.lookup_token, config)}`,
    '',
    '--',
    'Thư tự động của hệ thống một cửa điện tử, vui lòng không trả lời. Nếu ông/bà không nộp hồ sơ này, xin bỏ qua thư. / Automatic message, please do not reply. If you did not submit this dossier, please ignore it.',
    '',
  );
  return { subject: `Hồ sơ ${name}: ${label.vi}`, text: lines.join('\n') };
}

/**
 * What a citizen's notice says of the dossier's names (TT 03/2025 Art. 13: the code is given at receipt):
 * before receipt the tracking reference and that the code comes with the receipt; after the receipt of
 * an online submission the code and the reference it replaces (both keep working on the lookup page).
 * A dossier received in person has had its code from the start: nothing to add.
 */
export function referenceLines(d: { code: string | null; reference: string; channel: string }): string[] {
  if (!d.code)
    return [
      `Mã tra cứu / Tracking reference: ${d.reference}. Mã hồ sơ được cấp khi Bộ phận một cửa tiếp nhận hồ sơ / The dossier code is given when the desk receives the dossier.`,
    ];
  if (d.channel === 'online') return [`Mã hồ sơ / Dossier code: ${d.code} (mã tra cứu khi nộp / tracking reference at submission: ${d.reference})`];
  return [];
}

/**
 * E-mails the citizens' notices (dossier_notices with an address and no emailed_at), whoever wrote
 * them (the API or the engine's onestop-* workers), through the platform's SMTP mailer. Each row is
 * locked while it is sent (FOR UPDATE SKIP LOCKED), so two API processes never send it twice;
 * emailed_at marks it sent. A failure counts an attempt and is retried on a later round. One address
 * receives at most `perDay` mails in 24 hours (counted under an advisory lock per address, so several
 * API processes keep the limit too): a notice over the limit is marked mail_skipped and stays on the
 * lookup page.
 */
export async function sendPendingNotices(db: Knex, mailer: Pick<MailTransport, 'sendText'>, log: Logger, batch = 20, perDay = 10): Promise<number> {
  let sent = 0;
  for (let i = 0; i < batch; i++) {
    const done = await db.transaction(async (trx) => {
      const row: MailRow | undefined = await trx('dossier_notices as n')
        .join('dossiers as d', 'd.id', 'n.dossier_id')
        .leftJoin('dossier_events as e', 'e.id', 'n.event_id')
        .whereNull('n.emailed_at')
        .whereNull('n.mail_skipped')
        .whereNotNull('n.email')
        .where('n.attempts', '<', MAX_ATTEMPTS)
        .andWhere('n.created_at', '>', trx.raw(`eiso_now() - interval '2 days'`))
        .orderBy('n.id')
        .forUpdate('n')
        .skipLocked()
        .first(
          'n.id',
          'n.email',
          'n.body',
          'd.code',
          'd.reference',
          'd.channel',
          'd.lookup_token',
          trx.raw('coalesce(e.status, d.status) AS status'),
          'd.appointment_at',
          'd.closed_at',
        );
      if (!row) return null;
      const address = row.email.trim().toLowerCase();
      await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('eiso-citizen-mail:' || ?))`, [address]);
      const { n } = (await trx('dossier_notices')
        .whereRaw('lower(email) = ?', [address])
        .andWhere('emailed_at', '>', trx.raw(`eiso_now() - interval '1 day'`))
        .count({ n: '*' })
        .first()) as { n: string };
      if (Number(n) >= perDay) {
        await trx('dossier_notices')
          .where({ id: row.id })
          .update({ mail_skipped: `daily limit of ${perDay} e-mails to this address` });
        log.warn({ noticeId: String(row.id), perDay }, 'citizen notice not e-mailed: the address reached its daily limit');
        return 'skipped';
      }
      const mail = citizenMail(row);
      try {
        await mailer.sendText({ address: row.email }, mail.subject, mail.text);
        await trx('dossier_notices')
          .where({ id: row.id })
          .update({ emailed_at: trx.raw('eiso_now()') });
        return true;
      } catch (err) {
        await trx('dossier_notices').where({ id: row.id }).increment('attempts', 1);
        log.warn({ err: String(err), noticeId: String(row.id) }, 'citizen notice e-mail failed');
        return false;
      }
    });
    if (done === null) break;
    if (done === 'skipped') continue;
    if (done) sent++;
    else break; // the mail server refuses: try again on the next round
  }
  return sent;
}

/** Runs sendPendingNotices every `everyMs`; returns a stop function. */
export function startNoticeMailer(db: Knex, mailer: Pick<MailTransport, 'sendText'>, log: Logger, everyMs = 3000, perDay = 10): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sendPendingNotices(db, mailer, log, 20, perDay)
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
