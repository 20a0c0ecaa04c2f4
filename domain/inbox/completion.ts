import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { Grpc, grpcCode, isEngineUnavailable } from '../../engine/client.js';
import { listCompleting, setStatus, settleCompletedAnnounced, type InboxRow } from './store.js';

export type CompletionOutcome = 'completed' | 'gone' | 'unavailable';

/**
 * Sends a task's saved completion to Zeebe (CompleteJob by key) and settles the inbox row.
 * The row is already 'completing' with its result committed, so a crash or outage between the two
 * steps is repaired by {@link retryStuckCompletions}.
 */
export async function sendCompletion(
  zeebe: ZeebeClient,
  db: Knex,
  row: Pick<InboxRow, 'job_key' | 'result_variables'>,
  firstAttempt: boolean,
): Promise<CompletionOutcome> {
  return complete(zeebe, db, row, firstAttempt, () => setStatus(db, String(row.job_key), 'completed', ['completing']));
}

/**
 * sendCompletion's first attempt for the person who completes the task: the statement that settles the
 * row also reads it back for the answer and tells open inboxes (undefined when another settled it first).
 */
export async function sendCompletionAndRead(
  zeebe: ZeebeClient,
  db: Knex,
  row: Pick<InboxRow, 'job_key' | 'result_variables'>,
): Promise<{ outcome: CompletionOutcome; task?: InboxRow }> {
  let task: InboxRow | undefined;
  const outcome = await complete(zeebe, db, row, true, async () => {
    task = await settleCompletedAnnounced(db, String(row.job_key));
  });
  return { outcome, task };
}

async function complete(
  zeebe: ZeebeClient,
  db: Knex,
  row: Pick<InboxRow, 'job_key' | 'result_variables'>,
  firstAttempt: boolean,
  settleCompleted: () => Promise<unknown>,
): Promise<CompletionOutcome> {
  try {
    await zeebe.completeJob({ jobKey: String(row.job_key), variables: (row.result_variables ?? {}) as Record<string, never> });
    await settleCompleted();
    return 'completed';
  } catch (err) {
    if (grpcCode(err) === Grpc.NOT_FOUND) {
      // First attempt: the job is gone (instance cancelled, step interrupted). On a retry our earlier
      // call may have succeeded: the exported job history settles which.
      const settled = firstAttempt ? 'CANCELED' : await jobOutcomeFromHistory(db, String(row.job_key));
      await setStatus(db, String(row.job_key), settled === 'COMPLETED' ? 'completed' : 'cancelled', ['completing']);
      return settled === 'COMPLETED' ? 'completed' : 'gone';
    }
    if (isEngineUnavailable(err)) return 'unavailable';
    throw err;
  }
}

async function jobOutcomeFromHistory(db: Knex, jobKey: string): Promise<'COMPLETED' | 'CANCELED'> {
  if (!(await db.schema.hasTable('zeebe_record'))) return 'CANCELED';
  const row = await db('zeebe_record').where({ record_key: jobKey, value_type: 'JOB' }).whereIn('intent', ['COMPLETED', 'CANCELED']).first('intent');
  return row?.intent === 'COMPLETED' ? 'COMPLETED' : 'CANCELED';
}

/** Re-sends completions left 'completing' (engine outage or a crash mid-way). */
export async function retryStuckCompletions(zeebe: ZeebeClient, db: Knex, olderThanMs = 5000): Promise<number> {
  const rows = await listCompleting(db, olderThanMs);
  let settled = 0;
  for (const row of rows) {
    const outcome = await sendCompletion(zeebe, db, row, false);
    if (outcome === 'unavailable') break;
    settled++;
  }
  return settled;
}
