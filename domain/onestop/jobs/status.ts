import { header, ONESTOP_HEADER, variable } from '../jobs.js';
import { AT_DESK, DEFAULT_EVENT, isStatus, STATUS_CODES } from '../status.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob } from './define.js';

/**
 * Service task: the dossier reaches a status (header onestop.status); the citizen is told.
 *
 * Sets the status and the current step / unit, writes the event (header onestop.event, else the
 * status's usual event) with the variable lyDo as its note, and leaves the citizen's notice.
 * Idempotent on the element instance: a redelivered job changes nothing.
 */
export const onestopStatusJob = defineOnestopJob(JOB_TYPES.onestopStatus, {
  check: (job) => {
    const status = header(job, ONESTOP_HEADER.status);
    if (!isStatus(status)) {
      return new InvalidJob(`Header onestop.status "${status ?? ''}" không hợp lệ, cần một trong: ${STATUS_CODES.join(', ')} / Invalid onestop.status header`);
    }
    return status;
  },
  run: async ({ job, dossier: d, changeStatus }, status) => {
    const unit =
      header(job, ONESTOP_HEADER.unit) ?? (AT_DESK.has(status) ? d.desk_unit_code : status === 'AWAITING_INTERAGENCY' ? d.current_unit_code : d.agency_code);
    await changeStatus({
      status,
      type: header(job, ONESTOP_HEADER.event) ?? DEFAULT_EVENT[status],
      note: variable(job, 'lyDo') ?? null,
      patch: { current_unit_code: unit },
    });
  },
});
