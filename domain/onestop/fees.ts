import type { Knex } from 'knex';
import { CaseClockError, caseState, pauseCase, resumeCase } from '../deadlines/cases.js';
import { DomainError, type ErrorCode, type ErrorParams } from '../../lib/errors.js';
import { changeStatus, getDossier, type DossierRow } from './dossiers.js';
import type { DossierStatus } from './status.js';
import { subtreeCodes } from '../audit/case-search.js';
import * as clock from '../../lib/clock.js';

/**
 * Waiting for fees or taxes (issue 17 item 9; vn-rules §2.1 "Financial obligations", §3.1 status 6 "Yêu
 * cầu thực hiện nghĩa vụ tài chính"): the dossier is paused with its own status AWAITING_FEES, which the
 * citizen's lookup shows, and the case clock stops as for a supplement; when the payment is recorded the
 * clock runs again, the appointment moves by the paused working time and the dossier goes back to the
 * status it had. II.06a counts a paused dossier as within its time (domain/onestop/lateness.ts).
 */

export class FeesError extends DomainError {
  constructor(status: 403 | 404 | 409, code: ErrorCode, params: ErrorParams, message: string) {
    super(code, params, message, status);
    this.name = 'FeesError';
  }
}

/** Statuses in which the resolving agency works the dossier: the ones a fee wait may start from. */
const WORKING: ReadonlySet<DossierStatus> = new Set(['RECEIVED', 'IN_PROCESSING', 'AWAITING_INTERAGENCY', 'PENDING_APPROVAL']);

/** Whether the dossier may be paused for fees now (the statuses of work, no result yet, a process running). */
export const canWaitForFees = (d: Pick<DossierRow, 'status' | 'resolved_at' | 'closed_at' | 'process_instance_key'>) =>
  WORKING.has(d.status) && !d.resolved_at && !d.closed_at && Boolean(d.process_instance_key);

const notWorking = (d: DossierRow) =>
  new FeesError(
    409,
    'FEES_NOT_IN_PROCESSING',
    { status: d.status },
    `Hồ sơ ${d.code} không ở bước giải quyết (trạng thái ${d.status}) nên không thể tạm dừng chờ nghĩa vụ tài chính / The dossier is not being processed (${d.status}): it cannot wait for fees`,
  );

const notFound = (id: string) => new FeesError(404, 'DOSSIER_NOT_FOUND', { code: id }, `Không có hồ sơ ${id} / No dossier ${id}`);

/**
 * Who records a fee wait or its payment: staff of the resolving agency (a unit inside its subtree) or of
 * the dossier's desk. Anyone else: 403 FEES_NOT_HANDLER.
 */
export async function assertFeesHandler(db: Knex, unitCode: string, d: Pick<DossierRow, 'agency_code' | 'desk_unit_code'>): Promise<void> {
  if ((await subtreeCodes(db, d.agency_code)).includes(unitCode) || (await subtreeCodes(db, d.desk_unit_code)).includes(unitCode)) return;
  throw new FeesError(
    403,
    'FEES_NOT_HANDLER',
    {},
    'Chỉ cán bộ của cơ quan giải quyết hoặc bộ phận một cửa của hồ sơ mới ghi nhận được nghĩa vụ tài chính / Only staff of the resolving agency or of the desk can record fees',
  );
}

/**
 * Pauses the dossier until the citizen pays the fees or taxes named in `reason`: the clock's pause and
 * the status AWAITING_FEES in one transaction on the locked dossier, so neither stays without the other.
 */
export async function requestFees(db: Knex, dossierId: string, o: { reason: string; by: string; at?: Date }): Promise<DossierRow> {
  const at = o.at ?? clock.now();
  return db.transaction(async (trx) => {
    const d = await getDossier(trx, dossierId, true);
    if (!d) throw notFound(dossierId);
    if (!canWaitForFees(d)) throw notWorking(d);
    try {
      await pauseCase(trx, String(d.process_instance_key), `Chờ thực hiện nghĩa vụ tài chính: ${o.reason}`, { at, by: o.by });
    } catch (err) {
      if (err instanceof CaseClockError && err.code === 'ALREADY_PAUSED')
        throw new FeesError(409, 'FEES_ALREADY_PAUSED', {}, 'Hồ sơ đang tạm dừng, không thể tạm dừng thêm / The dossier is already paused');
      if (!(err instanceof CaseClockError && err.code === 'NO_CASE')) throw err;
    }
    const { dossier } = await changeStatus(trx, d.id, {
      status: 'AWAITING_FEES',
      type: 'processing.fees_requested',
      actor: o.by,
      at,
      note: o.reason,
      data: { previousStatus: d.status },
      notice: {
        extra:
          'Ông/bà vui lòng thực hiện nghĩa vụ tài chính (phí, lệ phí, thuế) nêu trên. Thời hạn giải quyết tạm dừng cho đến khi ông/bà hoàn thành. ' +
          '/ Please pay the fees or taxes above; the processing time is paused until you do.',
      },
    });
    return dossier;
  });
}

/**
 * The payment is recorded: the clock runs again and the dossier goes back to the status it had, in one
 * transaction on the locked dossier (the appointment moved by the paused working time).
 */
export async function feesPaid(db: Knex, dossierId: string, o: { by: string; note?: string; at?: Date }): Promise<DossierRow> {
  const at = o.at ?? clock.now();
  return db.transaction(async (trx) => {
    const d = await getDossier(trx, dossierId, true);
    if (!d) throw notFound(dossierId);
    if (d.status !== 'AWAITING_FEES')
      throw new FeesError(
        409,
        'FEES_NOT_WAITING',
        {},
        'Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính / The dossier is not waiting for fees or taxes',
      );
    const key = String(d.process_instance_key);
    try {
      await resumeCase(trx, key, { at, by: o.by });
    } catch (err) {
      if (!(err instanceof CaseClockError && (err.code === 'NOT_PAUSED' || err.code === 'NO_CASE'))) throw err;
    }
    const caseClock = await caseState(trx, key);
    const asked = await trx('dossier_events').where({ dossier_id: d.id, type: 'processing.fees_requested' }).orderBy('id', 'desc').first('data');
    const previous = (asked?.data as { previousStatus?: DossierStatus } | null)?.previousStatus ?? 'IN_PROCESSING';
    const { dossier } = await changeStatus(trx, d.id, {
      status: previous,
      type: 'fees.paid',
      actor: o.by,
      at,
      note: o.note ?? 'Đã hoàn thành nghĩa vụ tài chính / Fees and taxes paid',
      patch: { appointment_at: caseClock?.appointmentAt ?? d.appointment_at, status_reason: null },
    });
    return dossier;
  });
}
