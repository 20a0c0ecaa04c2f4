import { loadCalendar } from '../calendar-store.js';
import { listPauses, putStepDeadline, stepListenerReads } from '../store.js';
import { toLocalIso } from '../calendar/index.js';
import { stepTimesWithin, unitOfGroups } from '../compute.js';
import { caseOfInstance, ROOT_UNKNOWN_MESSAGE } from '../root-case.js';
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
 *
 * A step of a called process belongs to the root case (a case is its root process instance, learnt
 * from the engine's records, domain/deadlines/root-case.ts): the root case's pauses are skipped and
 * the step is due at the latest at the root case's appointment. While the engine's record of the
 * instance has not been exported yet the job is retried shortly; on its last try the step is counted
 * on its own rather than left without a due date.
 */
export const stepDeadlineJob: JobWorkerSpec = {
  jobType: JOB_TYPES.stepDeadline,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 32,
  pollIntervalMs: POLL_INTERVAL_MS,
  handle: async (job, { db, log }) => {
    const definitionKey = await definitionKeyOf(db, job);
    const model = await loadDeadlineModel(db, definitionKey, job.bpmnProcessId);
    const step = model.steps.get(job.elementId);
    if (!step || step.timeLimitDays === null) {
      return job.fail({
        errorMessage: `Bước ${job.elementId} không có thời hạn (header eiso.timeLimit) / Step ${job.elementId} has no time limit`,
        retries: 0,
      });
    }
    const own = String(job.processInstanceKey);
    // the instance's links, the calendar's stamp and the instance's pauses in one statement
    const read = await stepListenerReads(db, own);
    let kase = await caseOfInstance(db, own, undefined, read.links);
    if (!kase) {
      if (job.retries > 1) return job.fail({ errorMessage: ROOT_UNKNOWN_MESSAGE, retries: job.retries - 1, retryBackOff: 2000 });
      log.warn({ processInstanceKey: own, elementId: job.elementId }, 'step deadline counted without its root case: the instance was not exported');
      kase = { rootKey: own, called: false, rootAppointmentAt: null };
    }
    const [cal, pauses] = await Promise.all([loadCalendar(db, null, read.calendarStamp), kase.rootKey === own ? read.pauses : listPauses(db, kase.rootKey)]);
    const unit = unitOfGroups(step.candidateGroups, (c) => cal.hasUnit(c));
    const startedAt = engineNow(job, TIMEOUT_MS);
    const { due, remind } = stepTimesWithin(cal, startedAt, step.timeLimitDays, unit, closedPauses(pauses), kase.rootAppointmentAt);
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
