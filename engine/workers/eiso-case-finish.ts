import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { engineNow } from '../deadlines/compute.js';
import { finishCase } from '../deadlines/cases.js';

/** End execution listener of a procedure: records the finish and whether it met the appointment. */
export const CASE_FINISH_JOB_TYPE = 'eiso-case-finish';
const TIMEOUT_MS = 30_000;

export function startCaseFinishWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: CASE_FINISH_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 32,
    pollInterval: 100,
    taskHandler: async (job) => {
      await finishCase(db, job.processInstanceKey, engineNow(job, TIMEOUT_MS));
      return job.complete();
    },
  });
}
