import type { Knex } from 'knex';
import type { CurrentUser } from '../../api/schemas/auth.js';
import type { ProcedureRow } from './catalogue.js';
import type { Applicant, DossierRow } from './dossiers.js';
import { lateness, type Lateness } from './lateness.js';
import * as clock from '../../lib/clock.js';

type Db = Knex | Knex.Transaction;

/**
 * The forms of TT 03/2025/TT-VPCP Phụ lục I, assembled from the records (vn-rules §3.3):
 * 01 the receipt slip (slip.ts), 02 the completion request and 03 the refusal to receive (a row of
 * onestop_reception_forms each, written when the desk issues them, in person or for an online
 * submission), 02 again for a supplement asked during processing (its dossier_supplements row, written
 * once per request by the onestop-supplement-request job), 04 the apology (apology.ts), 05 the notice of
 * stopping (from the withdrawal events), 06 the process control slip (from the case's human steps, its
 * transfers to other agencies and their deadlines), 07 the register (register.ts). The PDFs are drawn by
 * forms-pdf.ts.
 */

export const FORM_TITLES = {
  '01': 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả',
  '02': 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ',
  '03': 'Phiếu từ chối tiếp nhận giải quyết hồ sơ',
  '04': 'Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết',
  '05': 'Thông báo dừng giải quyết hồ sơ',
  '06': 'Phiếu kiểm soát quá trình giải quyết hồ sơ',
  '07': 'Sổ theo dõi hồ sơ',
} as const;
export type FormNo = keyof typeof FORM_TITLES;
/**
 * The forms drawn per dossier by the forms route (01 is the slip, 04 the apology: their own routes):
 * '02' asked by the desk at reception, '02-processing' asked during processing (one dossier may have both).
 */
export type DossierFormNo = '02' | '02-processing' | '03' | '05' | '06';

// ---------------------------------------------------------------------------------------------
// 02 and 03: the desk's forms instead of a receipt

export interface ReceptionFormRow {
  id: string;
  form: '02' | '03';
  dossier_id: string | null;
  procedure_code: string;
  desk_unit_code: string;
  channel: string;
  applicant: Applicant;
  reason: string;
  documents: { code: string; name: string; copies?: number; given?: number }[];
  issued_by: string;
  issued_by_name: string;
  issued_at: Date;
}

/** The form's record, written in the caller's transaction (with the refusal or the request it documents). */
export async function recordReceptionForm(
  db: Db,
  f: {
    form: '02' | '03';
    dossierId?: string | null;
    procedure: Pick<ProcedureRow, 'code' | 'desk_unit_code'>;
    channel: string;
    applicant: Applicant;
    reason: string;
    documents?: ReceptionFormRow['documents'];
    officer: Pick<CurrentUser, 'username'>;
    at?: Date;
  },
): Promise<ReceptionFormRow> {
  const officer = await db('users').where({ username: f.officer.username }).first('full_name');
  const [row] = (await db('onestop_reception_forms')
    .insert({
      form: f.form,
      dossier_id: f.dossierId ?? null,
      procedure_code: f.procedure.code,
      desk_unit_code: f.procedure.desk_unit_code,
      channel: f.channel,
      applicant: JSON.stringify(f.applicant),
      reason: f.reason,
      documents: JSON.stringify(f.documents ?? []),
      issued_by: f.officer.username,
      issued_by_name: officer?.full_name ?? f.officer.username,
      issued_at: f.at ?? clock.now(),
    })
    .returning('*')) as ReceptionFormRow[];
  return { ...row, id: String(row.id) };
}

export async function getReceptionForm(db: Db, id: string): Promise<ReceptionFormRow | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const row = (await db('onestop_reception_forms').where({ id }).first()) as ReceptionFormRow | undefined;
  return row && { ...row, id: String(row.id) };
}

/** The latest form 02 or 03 issued for an online submission. */
export async function receptionFormOfDossier(db: Db, dossierId: string, form: '02' | '03'): Promise<ReceptionFormRow | undefined> {
  const row = (await db('onestop_reception_forms').where({ dossier_id: dossierId, form }).orderBy('id', 'desc').first()) as ReceptionFormRow | undefined;
  return row && { ...row, id: String(row.id) };
}

/** Which of the per-dossier forms exist for it now (the web offers their buttons). */
export async function formsOfDossier(db: Db, d: DossierRow): Promise<DossierFormNo[]> {
  const issued: { form: '02' | '03' }[] = await db('onestop_reception_forms').where({ dossier_id: d.id }).distinct('form');
  const out: DossierFormNo[] = [];
  if (issued.some((r) => r.form === '02')) out.push('02');
  if (await db('dossier_supplements').where({ dossier_id: d.id }).first('id')) out.push('02-processing');
  if (issued.some((r) => r.form === '03')) out.push('03');
  if (d.status === 'WITHDRAWN' && d.received_at) out.push('05');
  if (d.received_at) out.push('06');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Common facts

export interface FormParties {
  agencyName: string;
  deskUnitName: string;
  procedureName: string;
  procedureCode: string;
}

export async function partiesOf(db: Db, o: { procedureCode: string; deskUnitCode: string; agencyCode?: string }): Promise<FormParties> {
  const p = (await db('onestop_procedures').where({ code: o.procedureCode }).first('name', 'agency_name', 'agency_code')) as
    Pick<ProcedureRow, 'name' | 'agency_name' | 'agency_code'> | undefined;
  const agency = await db('org_units')
    .where({ code: o.agencyCode ?? p?.agency_code ?? '' })
    .first('name');
  const desk = await db('org_units').where({ code: o.deskUnitCode }).first('name');
  return {
    agencyName: agency?.name ?? p?.agency_name ?? o.agencyCode ?? '',
    deskUnitName: desk?.name ?? o.deskUnitCode,
    procedureName: p?.name ?? o.procedureCode,
    procedureCode: o.procedureCode,
  };
}

const fullName = async (db: Db, username: string | null | undefined): Promise<string | null> => {
  if (!username) return null;
  const u = await db('users').where({ username }).first('full_name');
  return u?.full_name ?? username;
};

// ---------------------------------------------------------------------------------------------
// 02 during processing

export interface SupplementForm {
  dossier: DossierRow;
  parties: FormParties;
  reason: string;
  /** the items asked, in the order given ([] when the step gave only the reason) */
  documents: { code?: string; name: string }[];
  /** the officer who asked (completed the step before the request); null: nobody known */
  officerName: string | null;
  /** the unit of that step (else the officer's unit) */
  unitName: string | null;
  requestedAt: Date;
  submittedAt: Date | null;
}

/**
 * Mẫu 02 of a supplement asked during processing, from its record (dossier_supplements): the first
 * request (NĐ 118/2025 Art. 11 allows one; dossiers from before that rule keep their first), the
 * reason, the items, the officer and unit that asked, when; the dossier's code and applicant.
 */
export async function supplementFormData(db: Db, d: DossierRow): Promise<SupplementForm | undefined> {
  const s = (await db('dossier_supplements').where({ dossier_id: d.id }).orderBy('requested_at').orderBy('id').first()) as
    | {
        reason: string;
        documents: { code?: string; name: string }[] | null;
        requested_by: string | null;
        requested_by_name: string | null;
        requested_unit_code: string | null;
        requested_at: Date;
        submitted_at: Date | null;
      }
    | undefined;
  if (!s) return undefined;
  // rows written before the form had its columns: the officer's unit and current name
  const officer = s.requested_by
    ? await db('users as u').join('org_units as o', 'o.id', 'u.unit_id').where('u.username', s.requested_by).first('u.full_name', 'o.code')
    : undefined;
  const unitCode = s.requested_unit_code ?? officer?.code ?? null;
  const unit = unitCode ? await db('org_units').where({ code: unitCode }).first('name') : undefined;
  return {
    dossier: d,
    parties: await partiesOf(db, { procedureCode: d.procedure_code, deskUnitCode: d.desk_unit_code, agencyCode: d.agency_code }),
    reason: s.reason,
    documents: s.documents ?? [],
    officerName: s.requested_by_name ?? officer?.full_name ?? s.requested_by,
    unitName: unitCode ? (unit?.name ?? unitCode) : null,
    requestedAt: s.requested_at,
    submittedAt: s.submitted_at,
  };
}

// ---------------------------------------------------------------------------------------------
// 05: notice of stopping

export interface StopNotice {
  dossier: DossierRow;
  parties: FormParties;
  /** when the stop was asked (the request or, without a running process, the withdrawal itself) */
  requestedAt: Date;
  stoppedAt: Date;
  reason: string;
  /** who recorded the request at the desk (the citizen online: null) */
  officerName: string | null;
}

/** Form 05 of a withdrawn dossier (NĐ 118 Art. 21, TT 03/2025 Art. 7): the request's time, reason and officer, the stop. */
export async function stopNoticeData(db: Db, d: DossierRow): Promise<StopNotice | undefined> {
  if (d.status !== 'WITHDRAWN' || !d.received_at) return undefined;
  const events: { type: string; at: Date; actor: string; note: string | null }[] = await db('dossier_events')
    .where({ dossier_id: d.id })
    .whereIn('type', ['withdrawal.requested', 'dossier.withdrawn'])
    .orderBy('at')
    .orderBy('id');
  const request = events.find((e) => e.type === 'withdrawal.requested') ?? events.find((e) => e.type === 'dossier.withdrawn');
  const stop = [...events].reverse().find((e) => e.type === 'dossier.withdrawn');
  const staff = request && (await db('users').where({ username: request.actor }).first('full_name'));
  return {
    dossier: d,
    parties: await partiesOf(db, { procedureCode: d.procedure_code, deskUnitCode: d.desk_unit_code, agencyCode: d.agency_code }),
    requestedAt: request?.at ?? d.closed_at ?? d.updated_at,
    stoppedAt: d.closed_at ?? stop?.at ?? d.updated_at,
    reason: request?.note ?? stop?.note ?? d.status_reason ?? '',
    officerName: staff?.full_name ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// 06: process control slip

/** How form 06 words an outcome of `lateness` (vn-rules §2.2: trước hạn / đúng hạn / quá hạn). */
export const OUTCOME_WORDS: Record<Lateness, string> = {
  early: 'Trước hạn',
  on_time: 'Đúng hạn',
  late: 'Quá hạn',
  withdrawn: 'Dừng giải quyết (tính đúng hạn)',
  within: 'Đang xử lý, trong hạn',
  past_due: 'Đang xử lý, quá hạn',
  paused: 'Tạm dừng (trong hạn)',
};

export interface ControlStep {
  step: string;
  unitName: string | null;
  /** who handed the dossier over (the previous step's officer, the desk, the applicant) */
  from: string;
  /** who received it (the officer who did the step, or the unit while nobody holds it) */
  to: string;
  receivedAt: Date;
  handedOverAt: Date | null;
  dueAt: Date | null;
  outcome: Lateness | null;
  note: string | null;
}

export interface ControlSlip {
  dossier: DossierRow;
  parties: FormParties;
  /** units consulted (liên thông transfers); each leg is also a hand-over row in `steps` */
  partners: string[];
  steps: ControlStep[];
  /** the desk that received it when not the competent agency's (any desk of the province, NĐ 118/2025), else null */
  receivingDeskName?: string | null;
  /** the dossier's outcome by the one lateness rule */
  outcome: Lateness;
  at: Date;
}

/**
 * Form 06 from the records: the receipt at the desk, then in time order every human step of the case
 * (inbox task: its name, unit, the officer who did it, when it reached the step and when it left, its due
 * time counted on the calendar when it started) and every transfer to another agency (dossier_transfers:
 * given by the officer who held it, received by that agency, its return and the leg's due time), each
 * judged by the one lateness rule (`lateness`: dates compared, done before / on / after the due date),
 * and the dossier's own outcome by the same rule.
 */
export async function controlSlipData(db: Db, d: DossierRow, at = clock.now()): Promise<ControlSlip | undefined> {
  if (!d.received_at) return undefined;
  const parties = await partiesOf(db, { procedureCode: d.procedure_code, deskUnitCode: d.desk_unit_code, agencyCode: d.agency_code });
  const tasks: {
    element_instance_key: string;
    name: string;
    candidate_groups: string[];
    assignee: string | null;
    completed_by: string | null;
    status: string;
    created_at: Date;
    completed_at: Date | null;
    due_at: Date | null;
  }[] = d.process_instance_key
    ? await db('inbox_tasks as t')
        .leftJoin('step_deadlines as s', 's.element_instance_key', 't.element_instance_key')
        .where('t.process_instance_key', d.process_instance_key)
        .orderBy('t.created_at')
        .orderBy('t.job_key')
        .select(
          't.element_instance_key',
          't.name',
          't.candidate_groups',
          't.assignee',
          't.completed_by',
          't.status',
          't.created_at',
          't.completed_at',
          's.due_at',
        )
    : [];
  const unitCodes = [...new Set(tasks.map((t) => (t.candidate_groups[0] ?? '').split('/')[0]).filter(Boolean))];
  const transfers: { to_unit_code: string; budget_days: string; sent_at: Date; due_at: Date; returned_at: Date | null }[] = await db('dossier_transfers')
    .where({ dossier_id: d.id })
    .orderBy('sent_at')
    .orderBy('id')
    .select('to_unit_code', 'budget_days', 'sent_at', 'due_at', 'returned_at');
  const names = new Map<string, string>(
    (
      await db('org_units')
        .whereIn('code', [...unitCodes, ...transfers.map((t) => t.to_unit_code)])
        .select('code', 'name')
    ).map((u: { code: string; name: string }) => [u.code, u.name]),
  );
  // The hand-overs in time order: the human steps and the legs to other agencies (liên thông).
  type Leg = (typeof transfers)[number];
  const handovers: ({ kind: 'task'; start: Date; task: (typeof tasks)[number] } | { kind: 'transfer'; start: Date; leg: Leg })[] = [
    ...tasks.map((task) => ({ kind: 'task' as const, start: task.created_at, task })),
    ...transfers.map((leg) => ({ kind: 'transfer' as const, start: leg.sent_at, leg })),
  ].sort((a, b) => a.start.getTime() - b.start.getTime());
  const deskOfficer = (await fullName(db, d.received_by)) ?? parties.deskUnitName;
  const elsewhere = d.received_desk_code && d.received_desk_code !== d.desk_unit_code ? d.received_desk_code : null;
  const receivingDeskName = elsewhere ? ((await db('org_units').where({ code: elsewhere }).first('name'))?.name ?? elsewhere) : null;
  const steps: ControlStep[] = [
    {
      step: 'Tiếp nhận hồ sơ',
      unitName: receivingDeskName ?? parties.deskUnitName,
      from: `Người nộp hồ sơ: ${d.applicant.name}`,
      to: deskOfficer,
      receivedAt: d.received_at,
      handedOverAt: handovers[0]?.start ?? null,
      dueAt: null,
      outcome: null,
      note: receivingDeskName ? `Tiếp nhận không phụ thuộc địa giới hành chính, chuyển ${parties.agencyName}` : null,
    },
  ];
  let previous = deskOfficer;
  for (const h of handovers) {
    if (h.kind === 'transfer') {
      // Given to the other agency by whoever held the dossier, received back when it answered; the leg's
      // own due time (its budget on that agency's calendar), judged by the one lateness rule.
      const leg = h.leg;
      const toName = names.get(leg.to_unit_code) ?? leg.to_unit_code;
      const stopped = !leg.returned_at && Boolean(d.closed_at);
      const budget = `${Number(leg.budget_days).toLocaleString('vi-VN')} ngày làm việc`;
      steps.push({
        step: 'Chuyển liên thông',
        unitName: toName,
        from: previous,
        to: toName,
        receivedAt: leg.sent_at,
        handedOverAt: leg.returned_at,
        dueAt: leg.due_at,
        outcome: stopped ? null : lateness({ appointmentAt: leg.due_at, readyAt: leg.returned_at, withdrawnAt: null, pausedAt: false }, at),
        note: leg.returned_at
          ? `Liên thông ${budget}; trả kết quả về ${parties.agencyName}`
          : stopped
            ? `Liên thông ${budget}; hồ sơ dừng khi đang liên thông`
            : `Liên thông ${budget}; đang chờ ${toName} trả kết quả`,
      });
      previous = toName;
      continue;
    }
    const t = h.task;
    const unit = (t.candidate_groups[0] ?? '').split('/')[0] || null;
    const doer = (await fullName(db, t.completed_by ?? t.assignee)) ?? (unit ? `${names.get(unit) ?? unit} (chưa nhận xử lý)` : '—');
    const done = t.status === 'completed' ? t.completed_at : null;
    const cancelled = t.status === 'cancelled';
    steps.push({
      step: t.name,
      unitName: unit ? (names.get(unit) ?? unit) : null,
      from: previous,
      to: doer,
      receivedAt: t.created_at,
      handedOverAt: done ?? (cancelled ? t.completed_at : null),
      dueAt: t.due_at,
      outcome: cancelled ? null : lateness({ appointmentAt: t.due_at, readyAt: done, withdrawnAt: null, pausedAt: false }, at),
      note: cancelled ? 'Bước bị hủy (hồ sơ dừng hoặc chuyển hướng)' : null,
    });
    if (!cancelled) previous = doer;
  }
  const pause = d.process_instance_key
    ? await db('case_pauses').where({ process_instance_key: d.process_instance_key }).whereNull('resumed_at').first('id')
    : undefined;
  const outcome = lateness(
    {
      appointmentAt: d.appointment_at,
      readyAt: d.resolved_at,
      withdrawnAt: d.resolved_at ? null : d.closed_at,
      pausedAt: Boolean(pause),
    },
    at,
  );
  return {
    dossier: d,
    parties,
    partners: [...new Set(transfers.map((t) => names.get(t.to_unit_code) ?? t.to_unit_code))],
    steps,
    receivingDeskName,
    outcome,
    at,
  };
}
