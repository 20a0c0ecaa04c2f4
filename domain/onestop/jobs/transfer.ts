import { failUnbound } from '../../../engine/process-binding.js';
import { loadCalendar } from '../../deadlines/calendar-store.js';
import { changeStatus } from '../dossiers.js';
import { header, jobDossier, ONESTOP_HEADER, stepName, type OnestopJob } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task: the dossier goes to another agency (liên thông) with its own time budget. */
const TIMEOUT_MS = 30_000;

/**
 * Opens a leg in dossier_transfers (once per element instance) for the unit in header
 * onestop.transferTo with the budget in eiso.timeLimit (working days, counted on that unit's
 * calendar from now), and sets AWAITING_INTERAGENCY.
 */
export const onestopTransferJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopTransfer,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const to = header(job, ONESTOP_HEADER.transferTo);
    const budget = Number(header(job, ONESTOP_HEADER.timeLimit));
    if (!to || !Number.isFinite(budget) || budget <= 0 || Math.round(budget * 2) !== budget * 2) {
      return raw.fail({
        errorMessage:
          'Cần header onestop.transferTo (mã đơn vị) và eiso.timeLimit (số ngày làm việc > 0) / Headers onestop.transferTo and eiso.timeLimit are required',
        retries: 0,
      });
    }
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const at = engineNow(raw, TIMEOUT_MS);
    const cal = await loadCalendar(db);
    const unit = cal.hasUnit(to) ? to : null;
    const due = cal.addWorkingDays(at, budget, unit);
    await db.transaction(async (trx) => {
      await trx('dossier_transfers')
        .insert({ dossier_id: d.id, element_instance_key: String(job.elementInstanceKey), to_unit_code: to, budget_days: budget, sent_at: at, due_at: due })
        .onConflict('element_instance_key')
        .ignore();
      const toName = (await trx('org_units').where({ code: to }).first('name'))?.name ?? to;
      await changeStatus(trx, d.id, {
        status: 'AWAITING_INTERAGENCY',
        type: 'interagency.sent',
        actor: 'system',
        at,
        elementId: job.elementId,
        note: `Chuyển ${toName} (liên thông), thời hạn ${budget} ngày làm việc / Sent to ${toName}, ${budget} working days`,
        data: { toUnitCode: to, budgetDays: budget, dueAt: due.toISOString() },
        dedupeKey: String(job.elementInstanceKey),
        patch: { current_step: await stepName(db, job), current_unit_code: to, status_reason: null },
      });
    });
    return raw.complete();
  },
};
