import { loadCalendar } from '../../deadlines/calendar-store.js';
import { header, ONESTOP_HEADER } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob } from './define.js';

/**
 * Service task: the dossier goes to another agency (liên thông) with its own time budget.
 *
 * Opens a leg in dossier_transfers (once per element instance) for the unit in header
 * onestop.transferTo with the budget in eiso.timeLimit (working days, counted on that unit's
 * calendar from now), and sets AWAITING_INTERAGENCY.
 */
export const onestopTransferJob = defineOnestopJob(JOB_TYPES.onestopTransfer, {
  check: (job) => {
    const to = header(job, ONESTOP_HEADER.transferTo);
    const budget = Number(header(job, ONESTOP_HEADER.timeLimit));
    if (!to || !Number.isFinite(budget) || budget <= 0 || Math.round(budget * 2) !== budget * 2) {
      return new InvalidJob(
        'Cần header onestop.transferTo (mã đơn vị) và eiso.timeLimit (số ngày làm việc > 0) / Headers onestop.transferTo and eiso.timeLimit are required',
      );
    }
    return { to, budget };
  },
  run: async ({ db, dossier: d, at, once, changeStatus }, { to, budget }) => {
    const cal = await loadCalendar(db);
    const unit = cal.hasUnit(to) ? to : null;
    const due = cal.addWorkingDays(at, budget, unit);
    await db.transaction(async (trx) => {
      await trx('dossier_transfers')
        .insert({ dossier_id: d.id, element_instance_key: once, to_unit_code: to, budget_days: budget, sent_at: at, due_at: due })
        .onConflict('element_instance_key')
        .ignore();
      const toName = (await trx('org_units').where({ code: to }).first('name'))?.name ?? to;
      await changeStatus(
        {
          status: 'AWAITING_INTERAGENCY',
          type: 'interagency.sent',
          note: `Chuyển ${toName} (liên thông), thời hạn ${budget} ngày làm việc / Sent to ${toName}, ${budget} working days`,
          data: { toUnitCode: to, budgetDays: budget, dueAt: due.toISOString() },
          patch: { current_unit_code: to, status_reason: null },
        },
        trx,
      );
    });
  },
});
