import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { setStatus, upsertInboxTask } from '../../api/repositories/inbox.js';
import { Grpc, grpcCode } from '../client.js';
import { findNames } from '../../api/repositories/processes.js';
import { publishInboxChange } from '../../api/repositories/inbox.js';

/** Job type of job-based BPMN user tasks (Zeebe's Protocol.USER_TASK_JOB_TYPE). */
export const USER_TASK_JOB_TYPE = 'io.camunda.zeebe:userTask';
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
    if (Array.isArray(parsed)) return parsed.map(String).map((s) => s.trim()).filter(Boolean);
  } catch {
    /* not JSON */
  }
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parseDue(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  // FEEL date-times may carry a zone id after the offset: 2026-11-24T09:00:00+07:00[Asia/Ho_Chi_Minh]
  const d = new Date(value.replace(/\[[^\]]*\]$/, ''));
  return Number.isNaN(d.getTime()) ? null : d;
}

export interface InboxWorkerEvents {
  onTaskCreated?: (jobKey: string) => void;
}

/**
 * The inbox bridge: activates every user-task job, writes its inbox row (idempotent on the job key),
 * extends the job's lock so Zeebe does not hand it out again, and leaves completion to the officer.
 */
export function startUserTaskInboxWorker(zeebe: ZeebeClient, db: Knex, log: { error: (o: object, m: string) => void }, events: InboxWorkerEvents = {}) {
  return zeebe.createWorker({
    taskType: USER_TASK_JOB_TYPE,
    timeout: 60_000,
    maxJobsToActivate: 64,
    pollInterval: 100,
    taskHandler: async (job) => {
      const headers = job.customHeaders as Record<string, string>;
      const names = await findNames(db, job.bpmnProcessId, job.processDefinitionVersion);
      const jobAny = job as unknown as { processDefinitionKey?: string };
      const created = await upsertInboxTask(db, {
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
        variables: job.variables as Record<string, unknown>,
      });
      try {
        await zeebe.updateJobTimeout({ jobKey: job.key, timeout: INBOX_LOCK_MS });
      } catch (err) {
        if (grpcCode(err) === Grpc.NOT_FOUND) {
          // Cancelled or interrupted between activation and now: the row must not linger as open.
          await setStatus(db, job.key, 'cancelled', ['open']);
          return job.forward();
        }
        // The row is written; if the lock could not be extended Zeebe redelivers the job and the upsert is a no-op.
        log.error({ err, jobKey: job.key }, 'could not extend the lock of a user task');
      }
      // The projector may have seen the job's cancellation before this row existed.
      if (await db('hist_jobs').where({ job_key: job.key, state: 'canceled' }).first('job_key')) {
        await setStatus(db, job.key, 'cancelled', ['open']);
      }
      if (created) events.onTaskCreated?.(job.key);
      // Open inboxes that may see it show it at once (api/live.ts).
      if (created) await publishInboxChange(db, 'created', [job.key]).catch((err) => log.error({ err, jobKey: job.key }, 'inbox change not published'));
      return job.forward();
    },
  });
}
