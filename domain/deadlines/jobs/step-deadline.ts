import { loadCalendar } from '../calendar-store.js';
import { listPauses, putStepDeadline } from '../store.js';
import { toLocalIso } from '../calendar/index.js';
import { stepTimes, unitOfGroups } from '../compute.js';
import { closedPauses } from '../cases.js';
import { definitionKeyOf, loadDeadlineModel } from '../model.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Start execution listener of every human step: computes its due and reminder instants. */
const TIMEOUT_MS = 30_000;
/**
 * Every human step waits for this listener before its task exists: poll again 10 ms after a long
 * poll came back with jobs instead of up to 100 ms (an open long poll costs nothing while it waits).
 */
const POLL_INTERVAL_MS = 10;

/**
 * Reads the step's eiso.timeLimit from the deployed model, counts it on the working calendar of
 * the step's unit (its candidate group; national otherwise) from the engine time the step started,
 * skipping the case's closed pauses, stores the result once per element instance (a redelivered
 * job gets the stored instants) and completes the listener with eisoStepDue and eisoStepRemind
 * (ISO with +07:00). The user task's boundary timers and its dueDate read these variables.
 */
export const stepDeadlineJob: JobWorkerSpec = {
  jobType: JOB_TYPES.stepDeadline,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 32,
  pollIntervalMs: POLL_INTERVAL_MS,
  handle: async (job, { db }) => {
    const definitionKey = await definitionKeyOf(db, job);
    const model = await loadDeadlineModel(db, definitionKey, job.bpmnProcessId);
    const step = model.steps.get(job.elementId);
    if (!step || step.timeLimitDays === null) {
      return job.fail({
        errorMessage: `Bước ${job.elementId} không có thời hạn (header eiso.timeLimit) / Step ${job.elementId} has no time limit`,
        retries: 0,
      });
    }
    const [cal, pauses] = await Promise.all([loadCalendar(db), listPauses(db, job.processInstanceKey)]);
    const unit = unitOfGroups(step.candidateGroups, (c) => cal.hasUnit(c));
    const startedAt = engineNow(job, TIMEOUT_MS);
    const { due, remind } = stepTimes(cal, startedAt, step.timeLimitDays, unit, closedPauses(pauses));
    const row = await putStepDeadline(db, {
      element_instance_key: job.elementInstanceKey,
      process_instance_key: job.processInstanceKey,
      process_definition_key: definitionKey,
      bpmn_process_id: job.bpmnProcessId,
      element_id: job.elementId,
      unit_code: unit,
      time_limit_days: step.timeLimitDays,
      started_at: startedAt,
      due_at: due,
      remind_at: remind,
    });
    return job.complete({ eisoStepDue: toLocalIso(row.due_at), eisoStepRemind: toLocalIso(row.remind_at) });
  },
};
