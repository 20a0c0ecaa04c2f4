import { failUnbound } from '../../../engine/process-binding.js';
import { changeStatus } from '../dossiers.js';
import { header, jobDossier, ONESTOP_HEADER, stepName, variable, type OnestopJob } from '../jobs.js';
import { AT_DESK, DEFAULT_EVENT, isStatus, STATUS_CODES } from '../status.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task: the dossier reaches a status (header onestop.status); the citizen is told. */
const TIMEOUT_MS = 30_000;

/**
 * Sets the status and the current step / unit, writes the event (header onestop.event, else the
 * status's usual event) with the variable lyDo as its note, and leaves the citizen's notice.
 * Idempotent on the element instance: a redelivered job changes nothing.
 */
export const onestopStatusJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopStatus,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const status = header(job, ONESTOP_HEADER.status);
    if (!isStatus(status)) {
      return raw.fail({
        errorMessage: `Header onestop.status "${status ?? ''}" không hợp lệ, cần một trong: ${STATUS_CODES.join(', ')} / Invalid onestop.status header`,
        retries: 0,
      });
    }
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const unit =
      header(job, ONESTOP_HEADER.unit) ?? (AT_DESK.has(status) ? d.desk_unit_code : status === 'AWAITING_INTERAGENCY' ? d.current_unit_code : d.agency_code);
    await changeStatus(db, d.id, {
      status,
      type: header(job, ONESTOP_HEADER.event) ?? DEFAULT_EVENT[status],
      actor: 'system',
      at: engineNow(raw, TIMEOUT_MS),
      elementId: job.elementId,
      note: variable(job, 'lyDo') ?? null,
      dedupeKey: String(job.elementInstanceKey),
      patch: { current_step: await stepName(db, job), current_unit_code: unit },
    });
    return raw.complete();
  },
};
