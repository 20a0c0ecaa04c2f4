import { failUnbound } from '../../../engine/process-binding.js';
import { changeStatus } from '../dossiers.js';
import { jobDossier, stepName, type OnestopJob } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task: the other agency answered; the open leg closes (on time or not). */
const TIMEOUT_MS = 30_000;

/** Closes the dossier's open leg (returned_at, on_time = returned by its due time) and sets IN_PROCESSING. Idempotent. */
export const onestopTransferReturnJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopTransferReturn,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const at = engineNow(raw, TIMEOUT_MS);
    await db.transaction(async (trx) => {
      const leg = await trx('dossier_transfers').where({ dossier_id: d.id }).whereNull('returned_at').orderBy('sent_at', 'desc').forUpdate().first();
      if (leg)
        await trx('dossier_transfers')
          .where({ id: leg.id })
          .update({ returned_at: at, on_time: at.getTime() <= new Date(leg.due_at).getTime() });
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
};
