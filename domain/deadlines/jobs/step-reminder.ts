import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';
import { onStepTimer } from '../step-timers.js';

/** Service task after the non-interrupting reminder timer (= eisoStepRemind) of a human step: marks the inbox row reminded and notifies its holder, or its candidates while unclaimed. */
const TIMEOUT_MS = 30_000;

/** Idempotent: the mark is set once and the notices go out in the same transaction. */
export const stepReminderJob: JobWorkerSpec = {
  jobType: JOB_TYPES.stepReminder,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 32,
  pollIntervalMs: 100,
  handle: async (job, { db, log }) => {
    const outcome = await onStepTimer(db, job, 'reminder', engineNow(job, TIMEOUT_MS));
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
