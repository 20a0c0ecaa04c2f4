import { caseState, CaseClockError, resumeCase } from '../../deadlines/cases.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob } from './define.js';

/**
 * Service task after the message onestop-supplement: the clock runs again with the appointment moved.
 *
 * Resumes the case clock (the appointment moves by the paused working time), copies the new
 * appointment to the dossier and sets IN_PROCESSING. Idempotent: a redelivered job finds the clock
 * running and the event written.
 */
export const onestopSupplementResumeJob = defineOnestopJob(JOB_TYPES.onestopSupplementResume, {
  run: async ({ db, dossier: d, rootKey, at, changeStatus }) => {
    try {
      await resumeCase(db, rootKey, { at, by: 'citizen' });
    } catch (err) {
      if (!(err instanceof CaseClockError && (err.code === 'NOT_PAUSED' || err.code === 'NO_CASE'))) throw err;
    }
    const clock = await caseState(db, rootKey);
    // The citizen's answer, if the public endpoint has not stamped it (e.g. a message sent by another system).
    await db('dossier_supplements').where({ dossier_id: d.id }).whereNull('submitted_at').update({ submitted_at: at });
    await changeStatus({
      status: 'IN_PROCESSING',
      type: 'supplement.received',
      patch: {
        appointment_at: clock?.appointmentAt ?? d.appointment_at,
        current_unit_code: d.agency_code,
        status_reason: null,
      },
    });
  },
});
