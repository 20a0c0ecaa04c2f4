import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { engineNow } from '../deadlines/compute.js';
import { onStepTimer } from '../deadlines/step-timers.js';

/** Service task after the non-interrupting due timer (= eisoStepDue) of a human step: marks the inbox row overdue and tells the leaders of the step's unit (the nearest unit up the tree that has one). The step stays with its officer. */
export const STEP_ESCALATE_JOB_TYPE = 'eiso-step-escalate';
const TIMEOUT_MS = 30_000;

/** Idempotent: the mark is set once and the notices go out in the same transaction. */
export function startStepEscalateWorker(zeebe: ZeebeClient, db: Knex, log: { warn: (o: object, m?: string) => void }) {
  return zeebe.createWorker({
    taskType: STEP_ESCALATE_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 32,
    pollInterval: 100,
    taskHandler: async (job) => {
      const outcome = await onStepTimer(db, job, 'overdue', engineNow(job, TIMEOUT_MS));
      if (outcome.kind === 'not-yet-in-inbox') {
        // The step started but the inbox bridge has not written its row yet: try again shortly.
        return job.fail({ errorMessage: 'Bước chưa có trong hộp việc / The step is not in the inbox yet', retries: Math.max(job.retries - 1, 0), retryBackOff: 2000 });
      }
      if (outcome.kind === 'gone') log.warn({ processInstanceKey: job.processInstanceKey, elementId: job.elementId }, 'step timer fired after the step ended');
      return job.complete();
    },
  });
}
