import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { failUnbound } from '../process-binding.js';
import { engineNow } from '../deadlines/compute.js';
import { caseState, CaseClockError, resumeCase } from '../deadlines/cases.js';
import { changeStatus } from '../../api/onestop/dossiers.js';
import { jobDossier, stepName, type OnestopJob } from '../../api/onestop/jobs.js';

/** Service task after the message onestop-supplement: the clock runs again with the appointment moved. */
export const ONESTOP_SUPPLEMENT_RESUME_JOB_TYPE = 'onestop-supplement-resume';
const TIMEOUT_MS = 30_000;

/**
 * Resumes the case clock (the appointment moves by the paused working time), copies the new
 * appointment to the dossier and sets IN_PROCESSING. Idempotent: a redelivered job finds the clock
 * running and the event written.
 */
export function startOnestopSupplementResumeWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: ONESTOP_SUPPLEMENT_RESUME_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 16,
    pollInterval: 200,
    taskHandler: async (raw) => {
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
        patch: { appointment_at: clock?.appointmentAt ?? d.appointment_at, current_step: await stepName(db, job), current_unit_code: d.agency_code, status_reason: null },
      });
      return raw.complete();
    },
  });
}
