import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';

export const NOTIFY_CITIZEN_JOB_TYPE = 'notify-citizen';

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
 * Writes an in-app notification for the citizen. Idempotent on the job key (Zeebe delivers at least
 * once): a redelivered job finds its row and just completes. No recipient is a modelling mistake:
 * the job fails without retries so an incident shows it.
 */
export function startNotifyCitizenWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: NOTIFY_CITIZEN_JOB_TYPE,
    timeout: 30_000,
    maxJobsToActivate: 16,
    pollInterval: 200,
    taskHandler: async (job) => {
      const variables = job.variables as Record<string, unknown>;
      const headers = job.customHeaders as Record<string, string>;
      const recipient = recipientOf(variables);
      if (!recipient) {
        return job.fail({ errorMessage: 'Không xác định được người nhận (biến recipient / nguoiNop) / No recipient variable', retries: 0 });
      }
      const code = typeof variables.maHoSo === 'string' ? variables.maHoSo : String(job.processInstanceKey);
      const subject = fillTemplate(headers[NOTIFY_HEADER.subject] ?? `Thông báo về hồ sơ ${code}`, variables);
      const body = fillTemplate(headers[NOTIFY_HEADER.message] ?? `Hồ sơ ${code} của ông/bà đã được cập nhật.`, variables);
      await db('notifications')
        .insert({ recipient, channel: 'in-app', subject, body, process_instance_key: job.processInstanceKey, job_key: job.key })
        .onConflict('job_key')
        .ignore();
      return job.complete();
    },
  });
}
