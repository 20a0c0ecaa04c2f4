import type { Knex } from 'knex';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import type { JobWorkerSpec } from '../../../engine/jobs/worker.js';
import { setStatus, upsertInboxTask } from '../store.js';
import { publishInboxChange } from '../live.js';
import { Grpc, grpcCode } from '../../../engine/client.js';
import { findNames } from '../../../engine/definitions.js';

/**
 * How often the worker may send its next ActivateJobs once the previous long poll came back with jobs.
 * The SDK polls on this tick only; the open long poll itself costs nothing while it waits, so a short
 * tick is cheap and keeps a new task from waiting up to a whole tick (100 ms before) to be activated.
 */
export const INBOX_POLL_INTERVAL_MS = 10;

/** Names of a deployed process version never change: one lookup per (process, version) and process. */
const namesCache = new WeakMap<Knex, Map<string, Promise<Awaited<ReturnType<typeof findNames>>>>>();
function namesOf(db: Knex, bpmnProcessId: string, version: number): ReturnType<typeof findNames> {
  let perDb = namesCache.get(db);
  if (!perDb) namesCache.set(db, (perDb = new Map()));
  const key = `${bpmnProcessId}\u0000${version}`;
  let hit = perDb.get(key);
  if (!hit) {
    hit = findNames(db, bpmnProcessId, version);
    perDb.set(key, hit);
    // Not deployed through the platform (yet): ask again next time instead of remembering the miss.
    hit.then(
      (n) => n.processDefinitionKey === undefined && perDb.delete(key),
      () => perDb.delete(key),
    );
    if (perDb.size > 1000) perDb.delete(perDb.keys().next().value!);
  }
  return hit;
}

/** How long Zeebe keeps a user task locked to us once it is in the inbox; on expiry it is redelivered and upserted again. */
export const INBOX_LOCK_MS = 30 * 24 * 3600 * 1000;

const H = {
  assignee: 'io.camunda.zeebe:assignee',
  candidateGroups: 'io.camunda.zeebe:candidateGroups',
  candidateUsers: 'io.camunda.zeebe:candidateUsers',
  dueDate: 'io.camunda.zeebe:dueDate',
  formKey: 'io.camunda.zeebe:formKey',
} as const;

/** Candidate groups and users arrive as JSON-array strings; tolerate a comma list too. */
export function parseList(value: unknown): string[] {
  if (typeof value !== 'string' || value.trim() === '') return [];
  try {
    const parsed = JSON.parse(value);
    if (Array.isArray(parsed))
      return parsed
        .map(String)
        .map((s) => s.trim())
        .filter(Boolean);
  } catch {
    /* not JSON */
  }
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function parseDue(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  // FEEL date-times may carry a zone id after the offset: 2026-11-24T09:00:00+07:00[Asia/Ho_Chi_Minh]
  const d = new Date(value.replace(/\[[^[\]]*\]$/, ''));
  return Number.isNaN(d.getTime()) ? null : d;
}

/**
 * The inbox bridge: activates every user-task job, writes its inbox row (idempotent on the job key),
 * tells open inboxes at once, then extends the job's lock so Zeebe does not hand it out again (and,
 * at the same time, checks whether the projector already saw the job cancelled), and leaves
 * completion to the officer. The row is visible from its commit; the lock extension is not on the
 * way to the officer.
 */
export const userTaskJob: JobWorkerSpec = {
  jobType: JOB_TYPES.userTask,
  timeoutMs: 60_000,
  maxJobs: 64,
  pollIntervalMs: INBOX_POLL_INTERVAL_MS,
  handle: async (job, { db, zeebe, log }) => {
    const headers = job.customHeaders as Record<string, string>;
    const names = await namesOf(db, job.bpmnProcessId, job.processDefinitionVersion);
    const jobAny = job as unknown as { processDefinitionKey?: string };
    // A new row is announced to the open inboxes that may see it by the same statement (domain/inbox/live.ts).
    await upsertInboxTask(db, {
      jobKey: job.key,
      processInstanceKey: job.processInstanceKey,
      elementInstanceKey: job.elementInstanceKey,
      processDefinitionKey: jobAny.processDefinitionKey ?? names.processDefinitionKey ?? '0',
      bpmnProcessId: job.bpmnProcessId,
      processVersion: job.processDefinitionVersion,
      elementId: job.elementId,
      name: names.elementNames[job.elementId] ?? job.elementId,
      assignee: headers[H.assignee] || null,
      candidateGroups: parseList(headers[H.candidateGroups]),
      candidateUsers: parseList(headers[H.candidateUsers]),
      // The due date computed on the working calendar by the step's start listener (eiso-step-deadline) wins over the header.
      dueDate: parseDue((job.variables as Record<string, unknown>).eisoStepDue) ?? parseDue(headers[H.dueDate]),
      formKey: headers[H.formKey] || null,
      variables: job.variables,
    });
    const cancel = async () => {
      if (await setStatus(db, job.key, 'cancelled', ['open'])) {
        await publishInboxChange(db, 'cancelled', [job.key]).catch((err) => log.error({ err, jobKey: job.key }, 'inbox change not published'));
      }
    };
    const extend = (attempt: number): Promise<'extended' | 'gone' | 'failed'> =>
      zeebe.updateJobTimeout({ jobKey: job.key, timeout: INBOX_LOCK_MS }).then(
        () => 'extended' as const,
        (err: unknown) => {
          // Cancelled or interrupted between activation and now: the row must not linger as open.
          if (grpcCode(err) === Grpc.NOT_FOUND) return 'gone' as const;
          // The gateway gave up waiting (a busy broker, or the demo's clock moved meanwhile): asked again, the same lock.
          if (grpcCode(err) === Grpc.DEADLINE_EXCEEDED && attempt < 2) return extend(attempt + 1);
          // The row is written; if the lock could not be extended Zeebe redelivers the job and the upsert is a no-op.
          log.error({ err, jobKey: job.key }, 'could not extend the lock of a user task');
          return 'failed' as const;
        },
      );
    const [lock, cancelledMeanwhile] = await Promise.all([
      extend(0),
      // The projector may have seen the job's cancellation before this row existed.
      db('hist_jobs').where({ job_key: job.key, state: 'canceled' }).first('job_key'),
    ]);
    if (lock === 'gone' || cancelledMeanwhile) await cancel();
    return job.forward();
  },
};
