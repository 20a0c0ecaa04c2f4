import type { Knex } from 'knex';
import { rootInstanceKey } from '../../../engine/process-binding.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import type { JobWorkerSpec } from '../../../engine/jobs/worker.js';
import { writeNotifications } from '../store.js';

/** Task headers that carry the message of a notify-citizen step. */
export const NOTIFY_HEADER = { subject: 'eiso.subject', message: 'eiso.message' } as const;

/** Replaces {{name}} with the process variable `name` (missing variables become empty). */
export function fillTemplate(template: string, variables: Record<string, unknown>): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const v = variables[name];
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Who a notification goes to: `recipient`, else the applicant `nguoiNop`. */
export function recipientOf(variables: Record<string, unknown>): string | null {
  for (const k of ['recipient', 'nguoiNop']) {
    const v = variables[k];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  return null;
}

/**
 * Who started the case, as the server recorded it: the creator of the outbox start that created the
 * job's root instance (eisoStartId names the row; it counts only if that row's recorded instance is
 * this root, so a copied eisoStartId gives nobody). Null when the case was not started by a person
 * through the platform.
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- 'pending' names the case-not-recorded-yet answer for the reader
export async function caseStarter(db: Knex, processInstanceKey: string, variables: Record<string, unknown>, waitMs = 1500): Promise<string | null | 'pending'> {
  const m = typeof variables.eisoStartId === 'string' ? /^outbox-([0-9]{1,18})$/.exec(variables.eisoStartId) : null;
  if (!m) return null;
  // The start's answer (the instance key) is recorded a moment after the instance runs: wait for it a little.
  const until = Date.now() + waitMs;
  let row = await db('engine_outbox').where({ id: m[1], kind: 'start' }).first('created_by', 'result', 'status');
  while (row?.status === 'pending' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    row = await db('engine_outbox').where({ id: m[1], kind: 'start' }).first('created_by', 'result', 'status');
  }
  if (row?.status === 'pending') return 'pending';
  if (row?.status !== 'done' || !row.created_by) return null;
  const root = await rootInstanceKey(db, processInstanceKey);
  return String(row.result?.processInstanceKey ?? '') === root ? String(row.created_by) : null;
}

/**
 * The address comes from variables anyone may set (nguoiNop is a reception form field), so it may
 * not name a platform account other than the case's starter: in-app notifications of staff are
 * theirs alone. A citizen's name (no account) is kept as the notification's recipient, as before.
 * Returns the refusal message, or null when the address is acceptable.
 */
export async function refusedRecipient(
  db: Knex,
  recipient: string,
  processInstanceKey: string,
  variables: Record<string, unknown>,
  // eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- as caseStarter
): Promise<string | null | 'pending'> {
  const account = await db('users').whereRaw('lower(username) = lower(?)', [recipient]).first('username');
  if (!account) return null;
  const starter = await caseStarter(db, processInstanceKey, variables);
  if (starter === 'pending') return 'pending';
  if (starter && starter.toLowerCase() === recipient.toLowerCase()) return null;
  return `Người nhận "${recipient}" là tài khoản cán bộ không phải người khởi tạo hồ sơ: thông báo cho công dân không được gửi vào hộp thư của cán bộ khác / The recipient "${recipient}" is a staff account other than the case's starter: a citizen notification may not be addressed to another user`;
}

/**
 * Writes an in-app notification for the citizen. Idempotent on the job key (Zeebe delivers at least
 * once): a redelivered job finds its row and just completes. No recipient is a modelling mistake:
 * the job fails without retries so an incident shows it, as does a recipient naming another staff
 * account (refusedRecipient).
 */
export const notifyCitizenJob: JobWorkerSpec = {
  jobType: JOB_TYPES.notifyCitizen,
  timeoutMs: 30_000,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (job, { db }) => {
    const variables = job.variables as Record<string, unknown>;
    const headers = job.customHeaders as Record<string, string>;
    const recipient = recipientOf(variables);
    if (!recipient) {
      return job.fail({ errorMessage: 'Không xác định được người nhận (biến recipient / nguoiNop) / No recipient variable', retries: 0 });
    }
    const refused = await refusedRecipient(db, recipient, String(job.processInstanceKey), variables);
    // The case's start is not recorded yet: ask again shortly, without losing a retry.
    if (refused === 'pending')
      return job.fail({
        errorMessage: 'Chưa xác định được người khởi tạo hồ sơ / The case starter is not recorded yet',
        retries: job.retries,
        retryBackOff: 1000,
      });
    if (refused) return job.fail({ errorMessage: refused, retries: 0 });
    const code = typeof variables.maHoSo === 'string' ? variables.maHoSo : String(job.processInstanceKey);
    const subject = fillTemplate(headers[NOTIFY_HEADER.subject] ?? `Thông báo về hồ sơ ${code}`, variables);
    const body = fillTemplate(headers[NOTIFY_HEADER.message] ?? `Hồ sơ ${code} của ông/bà đã được cập nhật.`, variables);
    await writeNotifications(db, [{ recipient, kind: 'message', subject, body, processInstanceKey: String(job.processInstanceKey), jobKey: job.key }]);
    return job.complete();
  },
};
