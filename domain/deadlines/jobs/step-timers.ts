import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';
import { onStepTimer } from '../step-timers.js';

const TIMEOUT_MS = 30_000;

/**
 * The service task after one of a human step's two non-interrupting timers. Idempotent: the mark is set
 * once and the notices go out in the same transaction.
 */
function stepTimerJob(jobType: string, kind: 'reminder' | 'overdue'): JobWorkerSpec {
  return {
    jobType,
    timeoutMs: TIMEOUT_MS,
    maxJobs: 32,
    pollIntervalMs: 100,
    handle: async (job, { db, log }) => {
      const outcome = await onStepTimer(db, job, kind, engineNow(job, TIMEOUT_MS));
      if (outcome.kind === 'not-yet-in-inbox') {
        // The step started but the inbox bridge has not written its row yet: try again shortly.
        return job.fail({
          errorMessage: 'Bước chưa có trong hộp việc / The step is not in the inbox yet',
          retries: Math.max(job.retries - 1, 0),
          retryBackOff: 2000,
        });
      }
      if (outcome.kind === 'gone') log.warn({ processInstanceKey: job.processInstanceKey, elementId: job.elementId }, 'step timer fired after the step ended');
      return job.complete();
    },
  };
}

/** After the reminder timer (= eisoStepRemind): marks the inbox row reminded and notifies its holder, or its candidates while unclaimed. */
export const stepReminderJob = stepTimerJob(JOB_TYPES.stepReminder, 'reminder');

/**
 * After the due timer (= eisoStepDue): marks the inbox row overdue and tells the leaders of the step's
 * unit (the nearest unit up the tree that has one). The step stays with its officer.
 */
export const stepEscalateJob = stepTimerJob(JOB_TYPES.stepEscalate, 'overdue');
