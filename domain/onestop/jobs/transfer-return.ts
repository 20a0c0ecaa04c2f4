import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob } from './define.js';

/**
 * Service task: the other agency answered; the open leg closes (on time or not).
 *
 * Closes the dossier's open leg (returned_at, on_time = returned by its due time) and sets IN_PROCESSING. Idempotent.
 */
export const onestopTransferReturnJob = defineOnestopJob(JOB_TYPES.onestopTransferReturn, {
  run: async ({ db, dossier: d, at, changeStatus }) => {
    await db.transaction(async (trx) => {
      const leg = await trx('dossier_transfers').where({ dossier_id: d.id }).whereNull('returned_at').orderBy('sent_at', 'desc').forUpdate().first();
      if (leg)
        await trx('dossier_transfers')
          .where({ id: leg.id })
          .update({ returned_at: at, on_time: at.getTime() <= new Date(leg.due_at).getTime() });
      await changeStatus(
        {
          status: 'IN_PROCESSING',
          type: 'interagency.replied',
          data: leg ? { fromUnitCode: leg.to_unit_code, onTime: at.getTime() <= new Date(leg.due_at).getTime() } : null,
          patch: { current_unit_code: d.agency_code },
        },
        trx,
      );
    });
  },
});
