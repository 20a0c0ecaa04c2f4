import type { Knex } from 'knex';
import { vnLocalDate } from './time-text.js';
import { addDays, localDateOf, toLocalIso, type LocalDate, type WorkingCalendar } from '../deadlines/calendar/index.js';
import { loadCalendar } from '../deadlines/calendar-store.js';
import type { Apology } from '../../api/schemas/onestop-stats.js';
import { getDossier, insertEvent, queueNotice } from './dossiers.js';
import { publicUrl } from './settings.js';
import type { DossierStatus } from './status.js';
import { printer } from '../../lib/pdf.js';
import { subtreeCodes } from '../audit/case-search.js';
import { sendNotification, type NotificationChannel } from '../notifications/store.js';
import { DomainError, type ErrorCode, type ErrorParams } from '../../lib/errors.js';
import * as clock from '../../lib/clock.js';

/**
 * Apology letter and request to extend the time (vn-rules §2.1 "Late -> apology + new date", form 04 of
 * TT 03/2025 "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"): for an open dossier forecast to miss
 * its appointment, an officer of the resolving agency drafts it (reason, new date: a working day after the
 * appointment), a leader of that agency approves it; once per dossier; both no later than one working day
 * before the appointment (`apologyWindow`: "chậm nhất 01 ngày trước ngày hết hạn"). The approval writes the
 * dossier event `sla.apology_issued` and the citizen's notice (domain/onestop/dossiers.ts queueNotice). `dossiers.appointment_at` never moves:
 * the statistics keep counting the dossier as late.
 */

/** A refusal of the apology letters: a DomainError (code and params), answered by the one error handler. */
export class ApologyError extends DomainError {
  constructor(status: 400 | 403 | 404 | 409, code: ErrorCode, params: ErrorParams, message: string) {
    super(code, params, message, status);
    this.name = 'ApologyError';
  }
}

export interface DossierForApology {
  id: string;
  code: string;
  status: string;
  agency_code: string;
  agency_name: string;
  procedure_code: string;
  procedure_name: string;
  applicant: { name?: string; idNumber?: string; address?: string };
  received_at: Date | null;
  appointment_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  lookup_token: string;
}

export async function findDossierByCode(db: Knex | Knex.Transaction, code: string, forUpdate = false): Promise<DossierForApology | undefined> {
  const q = db('dossiers as d')
    .leftJoin('onestop_procedures as p', 'p.code', 'd.procedure_code')
    .leftJoin('org_units as o', 'o.code', 'd.agency_code')
    .where('d.code', code)
    .first(
      'd.id',
      'd.code',
      'd.status',
      'd.agency_code',
      db.raw('coalesce(o.name, p.agency_name, d.agency_code) AS agency_name'),
      'd.procedure_code',
      db.raw('coalesce(p.name, d.procedure_code) AS procedure_name'),
      'd.applicant',
      'd.received_at',
      'd.appointment_at',
      'd.resolved_at',
      'd.closed_at',
      'd.lookup_token',
    );
  if (forUpdate) q.forUpdate('d');
  const row = await q;
  return row ? { ...row, id: String(row.id) } : undefined;
}

interface ApologyRow {
  id: string;
  dossier_id: string;
  agency_code: string;
  reason: string;
  appointment_at: Date;
  new_date: string;
  status: 'draft' | 'approved';
  drafted_by: string;
  drafted_at: Date;
  approved_by: string | null;
  signer_name: string | null;
  approved_at: Date | null;
  dossier_code: string;
  procedure_name: string;
}

const SELECT = (db: Knex | Knex.Transaction) => [
  'a.*',
  db.raw(`to_char(a.new_date, 'YYYY-MM-DD') AS new_date`),
  'd.code as dossier_code',
  db.raw('coalesce(p.name, d.procedure_code) AS procedure_name'),
];

const query = (db: Knex | Knex.Transaction) =>
  db('dossier_apologies as a').join('dossiers as d', 'd.id', 'a.dossier_id').leftJoin('onestop_procedures as p', 'p.code', 'd.procedure_code');

export function toApology(r: ApologyRow): Apology {
  return {
    id: String(r.id),
    dossierCode: r.dossier_code,
    agencyCode: r.agency_code,
    procedureName: r.procedure_name,
    reason: r.reason,
    appointmentAt: toLocalIso(r.appointment_at),
    newDate: r.new_date,
    status: r.status,
    draftedBy: r.drafted_by,
    draftedAt: toLocalIso(r.drafted_at),
    approvedBy: r.approved_by,
    signerName: r.signer_name,
    approvedAt: r.approved_at ? toLocalIso(r.approved_at) : null,
  };
}

export async function apologyOfDossier(db: Knex | Knex.Transaction, dossierId: string): Promise<ApologyRow | undefined> {
  return query(db).where('a.dossier_id', dossierId).first(SELECT(db));
}

export async function listApologies(db: Knex, agencyCodes: string[] | null, status?: 'draft' | 'approved'): Promise<ApologyRow[]> {
  const q = query(db).select(SELECT(db)).orderBy('a.drafted_at', 'desc').limit(500);
  if (agencyCodes) q.whereIn('a.agency_code', agencyCodes);
  if (status) q.where('a.status', status);
  return q;
}

/** The agencies whose letters a member of the unit sees: its subtree, and (officers of a division) the agency above it. */
export async function apologyReaderAgencies(db: Knex, unitCode: string): Promise<string[]> {
  const codes = await subtreeCodes(db, unitCode);
  const parent = await db('org_units as o').join('org_units as p', 'p.id', 'o.parent_id').where('o.code', unitCode).first('p.code');
  return parent ? [...codes, parent.code] : codes;
}

/** Tells the agency's (active) leaders there is a letter to approve. */
export async function notifyApologyDrafted(
  db: Knex,
  channels: NotificationChannel[],
  d: Pick<DossierForApology, 'code' | 'agency_code' | 'procedure_name'>,
  draft: { reason: string; newDate: string; draftedBy: string },
): Promise<void> {
  const leadersOf = await db('users as u')
    .join('org_units as o', 'o.id', 'u.unit_id')
    .where('o.code', d.agency_code)
    .where('u.active', true)
    .whereRaw(`'leader' = ANY(u.roles)`)
    .select('u.username');
  for (const l of leadersOf) {
    await sendNotification(
      db,
      {
        recipient: l.username,
        kind: 'message',
        subject: `Văn bản xin lỗi chờ phê duyệt: ${d.code}`,
        body: `${draft.draftedBy} đã lập văn bản xin lỗi, hẹn lại ngày ${draft.newDate.split('-').reverse().join('/')} cho hồ sơ ${d.code} (${d.procedure_name}). Lý do: ${draft.reason}`,
      },
      channels,
    );
  }
}

const vnDay = (d: LocalDate) => d.split('-').reverse().join('/');
export const calendarUnit = (cal: WorkingCalendar, code: string) => (cal.hasUnit(code) ? code : null);

/** The last working day before `date` on the agency's calendar (the last day the apology may go out). */
export function previousWorkingDay(cal: WorkingCalendar, date: LocalDate, unit: string | null): LocalDate {
  let d = addDays(date, -1);
  for (let i = 0; i < 60 && !cal.isWorkingDay(d, unit); i++) d = addDays(d, -1);
  return d;
}

export interface ApologyWindow {
  /** The letter may still be drafted and approved (open, appointment set, no letter yet, before the deadline) */
  open: boolean;
  /** The last day it may go out: the working day before the appointment date */
  deadline: LocalDate | null;
  /**
   * Forecast late: the open step's own deadline (step_deadlines.due_at, its limit on the calendar) falls on
   * a date after the appointment date. The officer may also judge a dossier late without it: the window
   * only needs `open`.
   */
  forecastLate: boolean;
  stepDueAt: Date | null;
  appointmentAt: Date | null;
  apology: 'draft' | 'approved' | null;
}

/** When the apology letter of a dossier may go out, and whether the dossier is forecast late (see ApologyWindow). */
export async function apologyWindow(
  db: Knex | Knex.Transaction,
  d: DossierForApology & { process_instance_key?: string | null },
  now: Date,
): Promise<ApologyWindow> {
  const existing = await apologyOfDossier(db, d.id);
  const base = { appointmentAt: d.appointment_at, apology: existing?.status ?? null };
  if (!d.received_at || !d.appointment_at) return { ...base, open: false, deadline: null, forecastLate: false, stepDueAt: null };
  const cal = await loadCalendar(db as Knex);
  const deadline = previousWorkingDay(cal, localDateOf(d.appointment_at), calendarUnit(cal, d.agency_code));
  const key = d.process_instance_key ?? (await db('dossiers').where({ id: d.id }).first('process_instance_key'))?.process_instance_key;
  const step = key
    ? await db('step_deadlines as s')
        .join('inbox_tasks as t', 't.element_instance_key', 's.element_instance_key')
        .where('s.process_instance_key', key)
        .whereIn('t.status', ['open', 'completing'])
        .orderBy('s.due_at', 'desc')
        .first('s.due_at')
    : undefined;
  const stepDueAt: Date | null = step?.due_at ?? null;
  const forecastLate = Boolean(stepDueAt && localDateOf(stepDueAt) > localDateOf(d.appointment_at));
  const open = !d.resolved_at && !d.closed_at && !existing && localDateOf(now) <= deadline;
  return { ...base, open, deadline, forecastLate, stepDueAt };
}

/** The code of the dossier a process instance runs (bound on the server when the instance started). */
export async function dossierCodeOfInstance(db: Knex, processInstanceKey: string): Promise<string | undefined> {
  return (await db('dossiers').where({ process_instance_key: processInstanceKey }).first('code'))?.code;
}

/** Refuses a letter that would go out later than one working day before the appointment. */
function assertInTime(deadline: LocalDate, now: Date): void {
  if (localDateOf(now) > deadline)
    throw new ApologyError(
      409,
      'APOLOGY_TOO_LATE',
      { deadline: vnDay(deadline) },
      `Đã quá thời hạn gửi văn bản xin lỗi: phải gửi chậm nhất ngày ${vnDay(deadline)}, 01 ngày làm việc trước ngày hẹn trả / Too late: the apology must go out by ${deadline}, one working day before the appointment`,
    );
}

/** Form 04's title in TT 03/2025 Phụ lục I (vn-rules §3.3). */
export const APOLOGY_TITLE = 'Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết';

export const ONCE_MESSAGE =
  'Hồ sơ đã có văn bản xin lỗi, chỉ được hẹn lại ngày trả kết quả một lần / This dossier already has an apology letter: the return date may be rescheduled only once';

/** Drafts the apology (officer of the resolving agency). */
export async function draftApology(
  db: Knex,
  code: string,
  body: { reason: string; newDate: string },
  by: string,
  opts: { now?: Date } = {},
): Promise<ApologyRow> {
  return db.transaction(async (trx) => {
    const d = await findDossierByCode(trx, code, true);
    if (!d) throw new ApologyError(404, 'DOSSIER_NOT_FOUND', { code }, `Không có hồ sơ ${code} / No dossier ${code}`);
    if (!d.received_at || !d.appointment_at)
      throw new ApologyError(
        409,
        'APOLOGY_NO_APPOINTMENT',
        {},
        'Hồ sơ chưa được tiếp nhận, chưa có ngày hẹn trả / The dossier has not been received: it has no appointment yet',
      );
    if (d.resolved_at || d.closed_at)
      throw new ApologyError(
        409,
        'APOLOGY_NOT_NEEDED',
        {},
        'Hồ sơ đã có kết quả hoặc đã kết thúc, không cần xin lỗi hẹn lại / The dossier already has its result or has ended: no apology to issue',
      );
    if (await apologyOfDossier(trx, d.id)) throw new ApologyError(409, 'APOLOGY_ONCE', {}, ONCE_MESSAGE);
    const now = opts.now ?? clock.now();
    const cal = await loadCalendar(db);
    const unit = calendarUnit(cal, d.agency_code);
    const appointmentDate = localDateOf(d.appointment_at);
    assertInTime(previousWorkingDay(cal, appointmentDate, unit), now);
    if (body.newDate <= appointmentDate) {
      throw new ApologyError(
        400,
        'APOLOGY_DATE_NOT_AFTER',
        { date: appointmentDate },
        `Ngày hẹn mới phải sau ngày hẹn trả ${appointmentDate.split('-').reverse().join('/')} / The new date must be after the appointment date ${appointmentDate}`,
      );
    }
    if (!cal.isWorkingDay(body.newDate, unit))
      throw new ApologyError(
        400,
        'APOLOGY_DATE_NOT_WORKING',
        { date: vnDay(body.newDate) },
        `Ngày hẹn mới ${vnDay(body.newDate)} không phải ngày làm việc / The new date ${body.newDate} is not a working day`,
      );
    const inserted = await trx('dossier_apologies')
      .insert({
        dossier_id: d.id,
        agency_code: d.agency_code,
        reason: body.reason.trim(),
        appointment_at: d.appointment_at,
        new_date: body.newDate,
        status: 'draft',
        drafted_by: by,
      })
      .onConflict('dossier_id')
      .ignore()
      .returning('id');
    if (inserted.length === 0) throw new ApologyError(409, 'APOLOGY_ONCE', {}, ONCE_MESSAGE);
    return (await apologyOfDossier(trx, d.id))!;
  });
}

/** Approves the draft (leader of the resolving agency) and writes the event that notifies the citizen. */
export async function approveApology(db: Knex, code: string, leader: { username: string; fullName: string }, opts: { now?: Date } = {}): Promise<ApologyRow> {
  return db.transaction(async (trx) => {
    const d = await findDossierByCode(trx, code, true);
    if (!d) throw new ApologyError(404, 'DOSSIER_NOT_FOUND', { code }, `Không có hồ sơ ${code} / No dossier ${code}`);
    const a = await apologyOfDossier(trx, d.id);
    if (!a) throw new ApologyError(404, 'APOLOGY_NO_DRAFT', {}, 'Hồ sơ chưa có dự thảo văn bản xin lỗi / The dossier has no draft apology');
    if (a.status === 'approved')
      throw new ApologyError(409, 'APOLOGY_ALREADY_APPROVED', {}, 'Văn bản xin lỗi đã được phê duyệt / The apology has already been approved');
    const now = opts.now ?? clock.now();
    const cal = await loadCalendar(db);
    assertInTime(previousWorkingDay(cal, localDateOf(a.appointment_at), calendarUnit(cal, d.agency_code)), now);
    await trx('dossier_apologies')
      .where({ id: a.id, status: 'draft' })
      .update({ status: 'approved', approved_by: leader.username, signer_name: leader.fullName, approved_at: now });
    const event = await insertEvent(trx, d.id, {
      type: 'sla.apology_issued',
      status: d.status as DossierStatus,
      at: now,
      actor: leader.username,
      note: a.reason,
      data: { apologyId: String(a.id), appointmentAt: toLocalIso(a.appointment_at), newDate: a.new_date, signer: leader.fullName },
      dedupeKey: `apology-${a.id}`,
    });
    // The citizen's notice (lookup page, e-mail when configured): the apology, the new date and the letter.
    const row = await getDossier(trx, d.id);
    if (event && row) {
      const newDate = a.new_date.split('-').reverse().join('/');
      await queueNotice(trx, row, event, {
        extra:
          `${d.agency_name} xin lỗi ông/bà vì hồ sơ dự kiến không giải quyết kịp ngày hẹn trả và đề nghị gia hạn, hẹn trả kết quả vào ngày ${newDate}. ` +
          `/ We apologise: the dossier is not expected to be ready by its appointment; we ask to extend the time to ${a.new_date}.\n` +
          `Văn bản xin lỗi / Apology letter: ${publicUrl()}/api/public/apologies/${encodeURIComponent(d.code)}/pdf?t=${encodeURIComponent(d.lookup_token)}`,
      });
    }
    return (await apologyOfDossier(trx, d.id))!;
  });
}

// ---------------------------------------------------------------------------------------------
// PDF (form 04)

const vnTime = (at: Date) => {
  const iso = toLocalIso(at);
  return { hour: iso.slice(11, 13), minute: iso.slice(14, 16), date: vnLocalDate(iso.slice(0, 10)) };
};

/**
 * The apology letter as an A4 PDF laid out like form 04 of TT 03/2025 Phụ lục I, titled as that circular
 * names it ("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết"; TT 01/2018 called it "Phiếu xin lỗi
 * và hẹn lại ngày trả kết quả"): agency, national motto, title, addressee, dates, procedure, dossier code,
 * reason, apology, new date, signer (head of the resolving agency). It goes out before the appointment,
 * so it says the dossier is expected to be late, not that it is.
 */
export async function renderApologyPdf(d: DossierForApology, a: ApologyRow): Promise<Buffer> {
  const received = vnTime(d.received_at!);
  const appointment = vnTime(a.appointment_at);
  const approved = a.approved_at ? vnTime(a.approved_at) : undefined;
  const [dd, mm, yyyy] = (approved?.date ?? vnTime(clock.now()).date).split('/');
  const name = d.applicant?.name ?? '';
  const doc = {
    info: { title: `${APOLOGY_TITLE} - ${d.code}`, creator: 'e-ISO' },
    pageSize: 'A4',
    pageMargins: [60, 50, 50, 50],
    defaultStyle: { font: 'Roboto', fontSize: 11.5, lineHeight: 1.3 },
    content: [
      {
        columns: [
          {
            width: '42%',
            stack: [
              { text: d.agency_name.toUpperCase(), bold: true, alignment: 'center' },
              { text: '———', alignment: 'center' },
            ],
          },
          {
            width: '58%',
            stack: [
              { text: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', bold: true, alignment: 'center' },
              { text: 'Độc lập - Tự do - Hạnh phúc', bold: true, alignment: 'center' },
              { text: `Ngày ${dd} tháng ${mm} năm ${yyyy}`, italics: true, alignment: 'center', margin: [0, 6, 0, 0] },
            ],
          },
        ],
      },
      { text: 'Mẫu số 04 (Thông tư số 03/2025/TT-VPCP)', italics: true, fontSize: 9.5, alignment: 'right', margin: [0, 8, 0, 0] },
      { text: APOLOGY_TITLE.toUpperCase(), bold: true, fontSize: 14, alignment: 'center', margin: [0, 16, 0, 16] },
      { text: [{ text: 'Kính gửi: ', bold: true }, `Ông/Bà ${name}`] },
      ...(d.applicant?.idNumber ? [{ text: `Số định danh cá nhân/tổ chức: ${d.applicant.idNumber}` }] : []),
      {
        margin: [0, 8, 0, 0],
        text:
          `Ngày ${received.date}, ${d.agency_name} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính “${d.procedure_name}” ` +
          `của Ông/Bà, mã số hồ sơ: ${d.code}.`,
      },
      { text: `Thời gian hẹn trả kết quả giải quyết hồ sơ: ${appointment.hour} giờ ${appointment.minute} phút, ngày ${appointment.date}.` },
      { text: `Tuy nhiên, hồ sơ của Ông/Bà dự kiến không giải quyết kịp thời hạn hẹn trả nêu trên.` },
      { text: [{ text: 'Lý do: ', bold: true }, a.reason] },
      {
        text: `${d.agency_name} xin lỗi Ông/Bà vì sự chậm trễ này, đề nghị gia hạn thời gian giải quyết và hẹn trả kết quả giải quyết hồ sơ cho Ông/Bà vào ngày ${vnLocalDate(a.new_date)}.`,
        margin: [0, 4, 0, 0],
      },
      { text: 'Trân trọng!', margin: [0, 8, 0, 0] },
      {
        margin: [0, 24, 0, 0],
        columns: [
          { width: '45%', text: '' },
          {
            width: '55%',
            stack: [
              { text: 'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ', bold: true, alignment: 'center' },
              {
                text: a.status === 'approved' ? '(Đã phê duyệt trên hệ thống)' : '(Dự thảo, chưa phê duyệt)',
                italics: true,
                alignment: 'center',
                fontSize: 10,
              },
              { text: a.signer_name ?? '', bold: true, alignment: 'center', margin: [0, 36, 0, 0] },
            ],
          },
        ],
      },
    ],
  };
  return printer().createPdf(doc).getBuffer();
}
