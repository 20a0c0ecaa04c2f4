import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { failUnbound } from '../process-binding.js';
import { engineNow } from '../deadlines/compute.js';
import { changeStatus } from '../../api/onestop/dossiers.js';
import { header, jobDossier, ONESTOP_HEADER, stepName, variable, type OnestopJob } from '../../api/onestop/jobs.js';
import { AT_DESK, DEFAULT_EVENT, isStatus, STATUS_CODES } from '../../api/onestop/status.js';

/** Service task: the dossier reaches a status (header onestop.status); the citizen is told. */
export const ONESTOP_STATUS_JOB_TYPE = 'onestop-status';
const TIMEOUT_MS = 30_000;

/**
 * Sets the status and the current step / unit, writes the event (header onestop.event, else the
 * status's usual event) with the variable lyDo as its note, and leaves the citizen's notice.
 * Idempotent on the element instance: a redelivered job changes nothing.
 */
export function startOnestopStatusWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: ONESTOP_STATUS_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 16,
    pollInterval: 200,
    taskHandler: async (raw) => {
      const job = raw as unknown as OnestopJob;
      const status = header(job, ONESTOP_HEADER.status);
      if (!isStatus(status)) {
        return raw.fail({ errorMessage: `Header onestop.status "${status ?? ''}" không hợp lệ, cần một trong: ${STATUS_CODES.join(', ')} / Invalid onestop.status header`, retries: 0 });
      }
      const bound = await jobDossier(db, job);
      if (bound.kind !== 'bound') return failUnbound(raw, bound);
      const d = bound.row;
      const unit = header(job, ONESTOP_HEADER.unit) ?? (AT_DESK.has(status) ? d.desk_unit_code : status === 'AWAITING_INTERAGENCY' ? d.current_unit_code : d.agency_code);
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
  });
}
