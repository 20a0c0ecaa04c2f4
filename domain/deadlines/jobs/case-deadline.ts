import { loadCalendar } from '../calendar-store.js';
import { putCaseDeadline } from '../store.js';
import { toLocalIso } from '../calendar/index.js';
import { caseOfInstance, ROOT_UNKNOWN_MESSAGE } from '../root-case.js';
import { unitOfGroups } from '../compute.js';
import { definitionKeyOf, loadDeadlineModel } from '../model.js';
import { parseDue } from '../../inbox/jobs/user-task.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Start execution listener of a procedure (process level): the case's appointment (ngày hẹn trả). */
const TIMEOUT_MS = 30_000;

/**
 * Counts the procedure's statutory limit (process properties eiso.timeLimit and
 * eiso.timeLimitUnit, its legal unit) from the receipt — the
 * variable eisoReceivedAt when the instance was started with one (a dossier received earlier or
 * online), else the engine time the instance started — on the calendar of the receiving unit (the
 * unit of the first human step), stores it once per instance and completes with eisoReceivedAt and
 * eisoAppointment (ISO, +07:00) for the receipt slip. A process without a limit is left alone.
 * A called process (call activity) counts within the root case's appointment: its own appointment is
 * at the latest the root's (the root from the engine's records, domain/deadlines/root-case.ts).
 */
export const caseDeadlineJob: JobWorkerSpec = {
  jobType: JOB_TYPES.caseDeadline,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 32,
  pollIntervalMs: 100,
  handle: async (job, { db, log }) => {
    const definitionKey = await definitionKeyOf(db, job);
    const model = await loadDeadlineModel(db, definitionKey, job.bpmnProcessId);
    if (model.timeLimit === null) return job.complete();
    const cal = await loadCalendar(db);
    const unit = model.stepGroupsInOrder.map((g) => unitOfGroups(g, (c) => cal.hasUnit(c))).find((u) => u !== null) ?? null;
    const receivedAt = parseDue((job.variables as Record<string, unknown>).eisoReceivedAt) ?? engineNow(job, TIMEOUT_MS);
    const own = String(job.processInstanceKey);
    let kase = await caseOfInstance(db, own);
    if (!kase) {
      if (job.retries > 1) return job.fail({ errorMessage: ROOT_UNKNOWN_MESSAGE, retries: job.retries - 1, retryBackOff: 2000 });
      log.warn({ processInstanceKey: own }, 'case deadline counted without its root case: the instance was not exported');
      kase = { rootKey: own, called: false, rootAppointmentAt: null };
    }
    const appointment = cal.dueOf(receivedAt, model.timeLimit, unit);
    const cap = kase.rootAppointmentAt;
    const row = await putCaseDeadline(db, {
      process_instance_key: job.processInstanceKey,
      process_definition_key: definitionKey,
      bpmn_process_id: job.bpmnProcessId,
      unit_code: unit,
      time_limit_days: model.timeLimit.value,
      time_limit_unit: model.timeLimit.unit,
      received_at: receivedAt,
      appointment_at: cap && cap.getTime() < appointment.getTime() ? cap : appointment,
    });
    return job.complete({ eisoReceivedAt: toLocalIso(row.received_at), eisoAppointment: toLocalIso(row.appointment_at) });
  },
};
