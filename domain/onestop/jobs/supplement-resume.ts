import { failUnbound } from '../../../engine/process-binding.js';
import { caseState, CaseClockError, resumeCase } from '../../deadlines/cases.js';
import { changeStatus } from '../dossiers.js';
import { jobDossier, stepName, type OnestopJob } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task after the message onestop-supplement: the clock runs again with the appointment moved. */
const TIMEOUT_MS = 30_000;

/**
 * Resumes the case clock (the appointment moves by the paused working time), copies the new
 * appointment to the dossier and sets IN_PROCESSING. Idempotent: a redelivered job finds the clock
 * running and the event written.
 */
export const onestopSupplementResumeJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopSupplementResume,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const at = engineNow(raw, TIMEOUT_MS);
    try {
      await resumeCase(db, bound.rootKey, { at, by: 'citizen' });
    } catch (err) {
      if (!(err instanceof CaseClockError && (err.code === 'NOT_PAUSED' || err.code === 'NO_CASE'))) throw err;
    }
    const clock = await caseState(db, bound.rootKey);
    // The citizen's answer, if the public endpoint has not stamped it (e.g. a message sent by another system).
    await db('dossier_supplements').where({ dossier_id: d.id }).whereNull('submitted_at').update({ submitted_at: at });
    await changeStatus(db, d.id, {
      status: 'IN_PROCESSING',
      type: 'supplement.received',
      actor: 'system',
      at,
      elementId: job.elementId,
      dedupeKey: String(job.elementInstanceKey),
      patch: {
        appointment_at: clock?.appointmentAt ?? d.appointment_at,
        current_step: await stepName(db, job),
        current_unit_code: d.agency_code,
        status_reason: null,
      },
    });
    return raw.complete();
  },
};
