import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { localDateOf } from '../deadlines/calendar/index.js';
import * as clock from '../../lib/clock.js';

export const quotaMessage = (perDay: number) =>
  `Địa chỉ của bạn đã nộp ${perDay} hồ sơ trực tuyến trong hôm nay, vui lòng thử lại vào ngày mai hoặc nộp tại Bộ phận một cửa / This address has submitted ${perDay} dossiers online today; try again tomorrow or submit at the desk`;

/** Submissions already counted for the address today (a cheap check before the body is read). */
export async function submissionsToday(db: Knex, clientIp: string, at = clock.now()): Promise<number> {
  const row = await db('public_submission_quota')
    .where({ client_ip: clientIp, day: localDateOf(at) })
    .first('submissions');
  return row ? Number(row.submissions) : 0;
}

/**
 * Counts one submission of the address for today inside the transaction that stores it (a refused
 * submission rolls back and is not counted). False when the quota is used up: nothing is counted.
 */
export async function takeSubmission(trx: Knex.Transaction, clientIp: string, perDay: number, at = clock.now()): Promise<boolean> {
  if (perDay <= 0) return true;
  const r = await trx.raw(
    `INSERT INTO public_submission_quota (client_ip, day, submissions) VALUES (?, ?, 1)
     ON CONFLICT (client_ip, day) DO UPDATE SET submissions = public_submission_quota.submissions + 1
       WHERE public_submission_quota.submissions < ?
     RETURNING submissions`,
    [clientIp, localDateOf(at), perDay],
  );
  return r.rows.length > 0;
}

/** Statuses of an online submission that ended without being processed: refused at receipt, withdrawn. */
export const PURGED_STATUSES = ['RECEIPT_REFUSED', 'WITHDRAWN'] as const;

/**
 * Removes from the file store the files of online submissions refused at receipt or withdrawn, once
 * they have been closed for `days` days before `now`. The dossier_documents rows stay (file name,
 * size, sha256) with purged_at set; a file whose content is still used by another dossier or a task
 * attachment stays on disk (the store is content-addressed). Returns the number of documents purged.
 * Idempotent; several API processes may run it (rows are locked, SKIP LOCKED).
 */
export async function purgeRefusedSubmissionFiles(db: Knex, filesRoot: string, days: number, now = clock.now()): Promise<number> {
  const before = new Date(now.getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const done = await db.transaction(async (trx) => {
      const rows: { id: string; storage_path: string }[] = await trx('dossier_documents as dd')
        .join('dossiers as d', 'd.id', 'dd.dossier_id')
        .where('d.channel', 'online')
        .whereIn('d.status', PURGED_STATUSES as unknown as string[])
        .whereNotNull('d.closed_at')
        .where('d.closed_at', '<', before)
        .whereNull('dd.purged_at')
        .orderBy('dd.id')
        .limit(200)
        .forUpdate('dd')
        .skipLocked()
        .select('dd.id', 'dd.storage_path');
      if (!rows.length) return 0;
      await trx('dossier_documents')
        .whereIn(
          'id',
          rows.map((r) => r.id),
        )
        .update({ purged_at: now });
      for (const r of rows) {
        const stillUsed =
          (await trx('dossier_documents').where({ storage_path: r.storage_path }).whereNull('purged_at').first('id')) ??
          (await trx('task_attachments').where({ storage_path: r.storage_path }).first('id'));
        if (stillUsed) continue;
        const full = path.resolve(filesRoot, r.storage_path);
        if (full.startsWith(path.resolve(filesRoot) + path.sep)) await rm(full, { force: true });
      }
      return rows.length;
    });
    purged += done;
    if (done < 200) return purged;
  }
}
