import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { Grpc, grpcCode, isEngineUnavailable } from '../../engine/client.js';
import { SEND_BACK_ERROR_CODE } from '../../engine/model-meta.js';

export type SendBackOutcome = 'sent_back' | 'gone' | 'unavailable';

/** The inbox row fields a send-back needs. */
export interface SendBackRow {
  job_key: string;
  element_id: string;
  name: string;
  completed_by: string | null;
  send_back_reason: string | null;
}

/** Variables the process receives with the error (mapped to the instance by the boundary event's outputs). */
export function sendBackVariables(row: SendBackRow): Record<string, string> {
  return {
    sendBackReason: row.send_back_reason ?? '',
    sentBackBy: row.completed_by ?? '',
    sentBackFrom: row.element_id,
    sentBackFromName: row.name,
  };
}

/**
 * Commits the holder's intent to send an open task back (outcome 'sending_back'), before Zeebe is told.
 * False when the task is not open, not held by this user, or already being sent back or completed.
 */
export async function markSendingBack(db: Knex | Knex.Transaction, jobKey: string, username: string, reason: string): Promise<boolean> {
  const n = await db('inbox_tasks')
    .where({ job_key: jobKey, status: 'open', assignee: username })
    .whereNull('outcome')
    .update({ outcome: 'sending_back', send_back_reason: reason, completed_by: username, updated_at: db.fn.now() });
  return n === 1;
}

/** Withdraws a committed send-back that Zeebe refused (the task stays open and unchanged). */
async function withdraw(db: Knex, jobKey: string): Promise<void> {
  await db('inbox_tasks')
    .where({ job_key: jobKey, outcome: 'sending_back', status: 'open' })
    .update({ outcome: null, send_back_reason: null, completed_by: null, updated_at: db.fn.now() });
}

async function settleSentBack(db: Knex, row: SendBackRow): Promise<void> {
  await db('inbox_tasks')
    .where({ job_key: row.job_key, outcome: 'sending_back' })
    .update({
      status: 'completed',
      outcome: 'sent_back',
      completed_at: db.raw('eiso_now()'),
      result_variables: JSON.stringify(sendBackVariables(row)),
      updated_at: db.fn.now(),
    });
}

async function settleGone(db: Knex, jobKey: string): Promise<void> {
  await db('inbox_tasks')
    .where({ job_key: jobKey, outcome: 'sending_back' })
    .update({ outcome: null, status: db.raw(`CASE WHEN status = 'open' THEN 'cancelled' ELSE status END`), updated_at: db.fn.now() });
}

/** Whether the exported job history shows that our error reached Zeebe (a retry after a lost answer). */
async function errorWasThrown(db: Knex, jobKey: string): Promise<boolean> {
  const row = await db('zeebe_record').where({ record_key: jobKey, value_type: 'JOB', intent: 'ERROR_THROWN' }).first('intent');
  return Boolean(row);
}

/**
 * Sends a committed send-back to Zeebe (ThrowError SEND_BACK on the user task's job) and settles the
 * inbox row: completed with outcome 'sent_back'. The intent is already committed, so an outage or a
 * crash in between is repaired by {@link retryPendingSendBacks}. A refusal (bad state) withdraws it.
 */
export async function sendBack(zeebe: ZeebeClient, db: Knex, row: SendBackRow, firstAttempt: boolean): Promise<SendBackOutcome> {
  try {
    await zeebe.throwError({
      jobKey: String(row.job_key),
      errorCode: SEND_BACK_ERROR_CODE,
      errorMessage: row.send_back_reason ?? '',
      variables: sendBackVariables(row),
    });
    await settleSentBack(db, row);
    return 'sent_back';
  } catch (err) {
    if (grpcCode(err) === Grpc.NOT_FOUND) {
      // First attempt: the job is gone (instance cancelled, step interrupted). On a retry our earlier
      // call may have reached Zeebe before the answer was lost: the exported history settles which.
      if (!firstAttempt && (await errorWasThrown(db, String(row.job_key)))) {
        await settleSentBack(db, row);
        return 'sent_back';
      }
      await settleGone(db, String(row.job_key));
      return 'gone';
    }
    if (isEngineUnavailable(err)) return 'unavailable';
    await withdraw(db, String(row.job_key));
    throw err;
  }
}

/** Re-sends send-backs left 'sending_back' (engine outage or a crash mid-way), oldest first. */
export async function retryPendingSendBacks(zeebe: ZeebeClient, db: Knex, olderThanMs = 5000): Promise<number> {
  const rows: SendBackRow[] = await db('inbox_tasks')
    .select('job_key', 'element_id', 'name', 'completed_by', 'send_back_reason')
    .where('outcome', 'sending_back')
    .andWhere('updated_at', '<', db.raw(`now() - (? || ' milliseconds')::interval`, [olderThanMs]))
    .orderBy('updated_at')
    .limit(100);
  let settled = 0;
  for (const row of rows) {
    let outcome: SendBackOutcome;
    try {
      outcome = await sendBack(zeebe, db, row, false);
    } catch {
      continue; // refused by the engine: withdrawn, the task is open again
    }
    if (outcome === 'unavailable') break;
    settled++;
  }
  return settled;
}
