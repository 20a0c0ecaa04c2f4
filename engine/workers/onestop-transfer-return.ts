import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { failUnbound } from '../process-binding.js';
import { engineNow } from '../deadlines/compute.js';
import { changeStatus } from '../../api/onestop/dossiers.js';
import { jobDossier, stepName, type OnestopJob } from '../../api/onestop/jobs.js';

/** Service task: the other agency answered; the open leg closes (on time or not). */
export const ONESTOP_TRANSFER_RETURN_JOB_TYPE = 'onestop-transfer-return';
const TIMEOUT_MS = 30_000;

/** Closes the dossier's open leg (returned_at, on_time = returned by its due time) and sets IN_PROCESSING. Idempotent. */
export function startOnestopTransferReturnWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: ONESTOP_TRANSFER_RETURN_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 16,
    pollInterval: 200,
    taskHandler: async (raw) => {
      const job = raw as unknown as OnestopJob;
      const bound = await jobDossier(db, job);
      if (bound.kind !== 'bound') return failUnbound(raw, bound);
      const d = bound.row;
      const at = engineNow(raw, TIMEOUT_MS);
      await db.transaction(async (trx) => {
        const leg = await trx('dossier_transfers').where({ dossier_id: d.id }).whereNull('returned_at').orderBy('sent_at', 'desc').forUpdate().first();
        if (leg) await trx('dossier_transfers').where({ id: leg.id }).update({ returned_at: at, on_time: at.getTime() <= new Date(leg.due_at).getTime() });
        await changeStatus(trx, d.id, {
          status: 'IN_PROCESSING',
          type: 'interagency.replied',
          actor: 'system',
          at,
          elementId: job.elementId,
          data: leg ? { fromUnitCode: leg.to_unit_code, onTime: at.getTime() <= new Date(leg.due_at).getTime() } : null,
          dedupeKey: String(job.elementInstanceKey),
          patch: { current_step: await stepName(db, job), current_unit_code: d.agency_code },
        });
      });
      return raw.complete();
    },
  });
}
