import type { Knex } from 'knex';
import { canWaitForFees } from './fees.js';
import type { CurrentUser } from '../../api/schemas/auth.js';
import type { DossierDetail, DossierSummary } from '../../api/schemas/onestop.js';
import type { ProcedureRow } from './catalogue.js';
import { listEvents, type DossierRow } from './dossiers.js';
import { unitAndAncestors } from './reception.js';
import { scopeUnitCodes } from '../audit/scope.js';
import { formsOfDossier, type DossierFormNo, type ReceptionFormRow } from './forms.js';
import { paperToHandOver } from './agencies.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toSummary(d: DossierRow & { procedure_name?: string }): DossierSummary {
  return {
    id: String(d.id),
    code: d.code,
    reference: d.reference,
    procedureCode: d.procedure_code,
    procedureName: d.procedure_name ?? d.procedure_code,
    channel: d.channel,
    status: d.status,
    applicantName: d.applicant.name,
    submittedAt: d.submitted_at.toISOString(),
    receivedAt: iso(d.received_at),
    appointmentAt: iso(d.appointment_at),
    resolvedAt: iso(d.resolved_at),
    closedAt: iso(d.closed_at),
    currentStep: d.current_step,
    deskUnitCode: d.desk_unit_code,
    agencyCode: d.agency_code,
    receivedDeskCode: d.received_desk_code ?? null,
  };
}

/**
 * Which dossiers a signed-in person sees: administrators all; staff those of the desks and resolving
 * agencies they work in (their unit or a unit above it: the agency's divisions handle its dossiers);
 * everyone (auditors with their extra scopes) those whose desk, agency or current unit lies in their
 * subtree. The desk that received a dossier for another agency (any desk of the province, NĐ 118/2025)
 * sees what it received.
 */
export async function dossierScope(db: Knex, user: CurrentUser): Promise<{ all: true } | { all: false; desks: string[]; units: string[] }> {
  if (user.roles.includes('admin')) return { all: true };
  const units = (await scopeUnitCodes(db, user)) ?? [];
  return { all: false, desks: await unitAndAncestors(db, user.unit.code), units };
}

export function whereVisible(q: Knex.QueryBuilder, scope: Awaited<ReturnType<typeof dossierScope>>, alias = 'd'): Knex.QueryBuilder {
  if (scope.all) return q;
  return q.where((w) =>
    w
      .whereIn(`${alias}.desk_unit_code`, scope.desks)
      .orWhereIn(`${alias}.agency_code`, scope.desks)
      .orWhereIn(`${alias}.desk_unit_code`, scope.units)
      .orWhereIn(`${alias}.agency_code`, scope.units)
      .orWhereIn(`${alias}.current_unit_code`, scope.units)
      .orWhereIn(`${alias}.received_desk_code`, scope.desks)
      .orWhereIn(`${alias}.received_desk_code`, scope.units),
  );
}

export function canSeeDossier(d: DossierRow, scope: Awaited<ReturnType<typeof dossierScope>>): boolean {
  if (scope.all) return true;
  return (
    scope.desks.includes(d.desk_unit_code) ||
    scope.desks.includes(d.agency_code) ||
    (Boolean(d.received_desk_code) && scope.desks.includes(d.received_desk_code!)) ||
    [d.desk_unit_code, d.agency_code, d.current_unit_code, d.received_desk_code ?? null].some((u) => u !== null && scope.units.includes(u))
  );
}

/**
 * The forms carry the applicant's personal data: the desk and the officers of the dossier's units
 * (its desk, its resolving agency and the divisions under them, the unit now holding it), the leaders
 * over them and the auditors whose scope holds it (canSeeDossier), administrators. Not designers, and
 * not an officer of a unit above who merely reads the dossier list.
 */
export async function canReadDossierForms(db: Knex, user: CurrentUser, d: DossierRow): Promise<boolean> {
  if (user.roles.includes('admin')) return true;
  const scope = await dossierScope(db, user);
  if (!canSeeDossier(d, scope)) return false;
  if (user.roles.includes('leader') || user.roles.includes('auditor')) return true;
  if (!user.roles.includes('officer') || scope.all) return false;
  return (
    scope.desks.includes(d.desk_unit_code) ||
    scope.desks.includes(d.agency_code) ||
    d.current_unit_code === user.unit.code ||
    // the desk that received it for another agency (forms 01 and 06 carry its name)
    (Boolean(d.received_desk_code) && scope.desks.includes(d.received_desk_code!))
  );
}

/** A form 02/03 issued in person (no dossier): the staff of its desk (who work at it or under it), leaders and auditors over it, administrators. */
export async function canReadReceptionForm(db: Knex, user: CurrentUser, f: ReceptionFormRow): Promise<boolean> {
  if (user.roles.includes('admin')) return true;
  const scope = await dossierScope(db, user);
  if (scope.all) return true;
  if ((user.roles.includes('leader') || user.roles.includes('auditor')) && scope.units.includes(f.desk_unit_code)) return true;
  return (user.roles.includes('officer') || user.roles.includes('leader')) && (await unitAndAncestors(db, user.unit.code)).includes(f.desk_unit_code);
}

/**
 * Everything the desk's dossier page shows. Never the citizen's lookup key: whoever holds it acts as the
 * citizen on the public routes (withdraw, supplement, evaluate); it reaches the citizen on the slip only.
 */
export async function toDetail(db: Knex, d: DossierRow, opts: { deskOfficer: boolean; formReader?: boolean; slipPrinter?: boolean }): Promise<DossierDetail> {
  const p = (await db('onestop_procedures').where({ code: d.procedure_code }).first()) as ProcedureRow;
  const desk = await db('org_units').where({ code: d.desk_unit_code }).first('name');
  const offering = await db('onestop_procedure_agencies').where({ procedure_code: d.procedure_code, agency_code: d.agency_code }).first('agency_name');
  const receivedAt = d.received_desk_code ? await db('org_units').where({ code: d.received_desk_code }).first('name') : undefined;
  const events = await listEvents(db, String(d.id));
  const receipt = [...events].reverse().find((e) => e.type === 'receipt.accepted');
  const files = await db('dossier_documents').where({ dossier_id: d.id }).orderBy('id');
  const supplements = await db('dossier_supplements').where({ dossier_id: d.id }).orderBy('requested_at');
  const transfers = await db('dossier_transfers').where({ dossier_id: d.id }).orderBy('sent_at');
  const pause = d.process_instance_key
    ? await db('case_pauses').where({ process_instance_key: d.process_instance_key }).whereNull('resumed_at').first('id')
    : undefined;
  const askedAtReceipt = events.some((e) => e.type === 'receipt.supplement_requested');
  const open = !d.closed_at;
  const waitingDesk = d.status === 'SUBMITTED' || d.status === 'SUPPLEMENT_REQUESTED_AT_RECEIPT';
  const resultIssued = d.status === 'RESULT_AT_DESK' || d.status === 'RESULT_IN_TRANSIT' || d.status === 'NOT_ELIGIBLE';
  return {
    ...toSummary({ ...d, procedure_name: p.name }),
    // Only the fields that hold a text (rows written by other tools may carry nulls).
    applicant: Object.fromEntries(Object.entries(d.applicant ?? {}).filter(([, v]) => typeof v === 'string')) as typeof d.applicant,
    agencyName: offering?.agency_name ?? p.agency_name,
    deskUnitName: desk?.name ?? d.desk_unit_code,
    receivedDeskName: d.received_desk_code ? (receivedAt?.name ?? d.received_desk_code) : null,
    currentUnitCode: d.current_unit_code,
    statusReason: d.status_reason,
    originalAppointmentAt: iso(d.original_appointment_at),
    returnedAt: iso(d.returned_at),
    returnMethod: d.return_method,
    receivedBy: d.received_by,
    processInstanceKey: d.process_instance_key ? String(d.process_instance_key) : null,
    timeLimitDays: Number(p.time_limit_days),
    timeLimitUnit: p.time_limit_unit ?? 'working_days',
    requiredDocuments: p.required_documents,
    checklist: ((receipt?.data?.documents ?? []) as { code: string; name: string; copies: number }[]).map((x) => ({
      code: x.code,
      name: x.name,
      copies: x.copies,
    })),
    files: files.map((f) => ({
      id: String(f.id),
      requirementCode: f.requirement_code,
      stage: f.stage,
      fileName: f.file_name,
      mimeType: f.mime_type,
      sizeBytes: Number(f.size_bytes),
      uploadedBy: f.uploaded_by,
      uploadedAt: f.uploaded_at.toISOString(),
    })),
    events: events.map((e) => ({ type: e.type, status: e.status, at: e.at.toISOString(), actor: e.actor, note: e.note })),
    supplements: supplements.map((s) => ({
      reason: s.reason,
      requestedAt: s.requested_at.toISOString(),
      submittedAt: iso(s.submitted_at),
      citizenNote: s.citizen_note,
    })),
    transfers: transfers.map((t) => ({
      toUnitCode: t.to_unit_code,
      budgetDays: Number(t.budget_days),
      sentAt: t.sent_at.toISOString(),
      dueAt: t.due_at.toISOString(),
      returnedAt: iso(t.returned_at),
      onTime: t.on_time,
    })),
    paused: Boolean(pause),
    /** the forms of TT 03/2025 this reader may print for it (01 is the slip, see actions.slip) */
    forms: opts.formReader ? await formsOfDossier(db, d) : ([] as DossierFormNo[]),
    actions: {
      accept: opts.deskOfficer && d.status === 'SUBMITTED',
      requestCompletion: opts.deskOfficer && d.status === 'SUBMITTED' && !askedAtReceipt,
      refuse: opts.deskOfficer && waitingDesk,
      withdraw: opts.deskOfficer && open && !resultIssued,
      // The slip carries the citizen's lookup key (its QR code): the receiving desk prints it, nobody else.
      slip: (opts.slipPrinter ?? opts.deskOfficer) && Boolean(d.received_at && d.original_appointment_at),
      requestFees: canWaitForFees(d),
      feesPaid: d.status === 'AWAITING_FEES',
      handOverPaper: Boolean(opts.slipPrinter) && (await paperToHandOver(db, d)),
    },
  };
}

export interface DossierListFilter {
  /** the desk's queue of online submissions (the statuses are then SUBMITTED and SUPPLEMENT_REQUESTED_AT_RECEIPT) */
  queue?: boolean;
  /** only what my desk(s) received, whichever agency resolves it */
  received?: boolean;
  /** statuses to keep (checked by the caller); empty = all */
  statuses: string[];
  /** part of the code, the applicant's name or the procedure's name */
  q?: string;
  limit: number;
  offset: number;
}

/** One page of the dossiers in the user's scope (newest change first; the queue: oldest submission first) and the total. */
export async function listDossiers(db: Knex, user: CurrentUser, f: DossierListFilter): Promise<{ items: DossierSummary[]; total: number }> {
  const scope = await dossierScope(db, user);
  const base = whereVisible(db('dossiers as d').join('onestop_procedures as p', 'p.code', 'd.procedure_code'), scope);
  if (f.statuses.length) base.whereIn('d.status', f.statuses);
  // The queue is the desk's: only the desks one works at (their unit or above), whatever else one may read.
  if (f.queue) {
    base.where('d.channel', 'online');
    if (!scope.all) base.whereIn('d.desk_unit_code', scope.desks);
  }
  if (f.received) {
    if (scope.all) base.whereNotNull('d.received_desk_code');
    else base.whereIn('d.received_desk_code', scope.desks);
  }
  const q = f.q;
  if (q)
    base.where((w) =>
      w
        .whereILike('d.code', `%${q}%`)
        .orWhereRaw(`d.applicant->>'name' ILIKE ?`, [`%${q}%`])
        .orWhereILike('p.name', `%${q}%`),
    );
  const [{ total }] = await base.clone().count<{ total: string }[]>({ total: '*' });
  const rows = await base
    .select('d.*', 'p.name as procedure_name')
    .orderBy(f.queue ? 'd.submitted_at' : 'd.updated_at', f.queue ? 'asc' : 'desc')
    .limit(f.limit)
    .offset(f.offset);
  return { items: rows.map(toSummary), total: Number(total) };
}
