import { finishCase } from '../cases.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** End execution listener of a procedure: records the finish and whether it met the appointment. */
const TIMEOUT_MS = 30_000;

export const caseFinishJob: JobWorkerSpec = {
  jobType: JOB_TYPES.caseFinish,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 32,
  pollIntervalMs: 100,
  handle: async (job, { db }) => {
    await finishCase(db, job.processInstanceKey, engineNow(job, TIMEOUT_MS));
    return job.complete();
  },
};
