import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { loadCalendar } from '../deadlines/calendar-store.js';
import { putCaseDeadline } from '../deadlines/store.js';
import { retiredVersionToStart } from '../procedures/store.js';
import { loadDeadlineModel } from '../deadlines/model.js';
import { unitOfGroups } from '../deadlines/compute.js';
import { toLocalIso, type TimeLimit, type TimeLimitUnit } from '../deadlines/calendar/index.js';
import type { CurrentUser } from '../../api/schemas/auth.js';
import { versionToStart, type ProcedureRow } from './catalogue.js';
import { changeStatus, getDossier, insertEvent, type Applicant, type DossierRow } from './dossiers.js';
import { newTrackingReference, nextDossierCode } from './code.js';
import { enqueueCommand, sendAndWait, type Continuation, type StartResult } from '../../engine/outbox.js';
import { recordReceptionForm, type ReceptionFormRow } from './forms.js';
import { recordReceivingDesk } from './agencies.js';
import { saveFiles, type CheckedFile } from './documents.js';

import { DomainError, type ErrorCode, type ErrorParams } from '../../lib/errors.js';
import * as clock from '../../lib/clock.js';

type Db = Knex | Knex.Transaction;

/**
 * The plain values of a refusal's details as params (lists joined with ", "), so the client receives
 * them: the error handler sends a DomainError's code, params and message, nothing else.
 */
function detailParams(details: unknown): ErrorParams {
  if (typeof details !== 'object' || details === null) return {};
  const out: ErrorParams = {};
  for (const [k, v] of Object.entries(details)) {
    if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) out[k] = v.join(', ');
  }
  return out;
}

/** A refusal the route turns into an HTTP answer (status, Vietnamese / English message, code, params; plain details become params too). */
export class ReceptionError extends DomainError {
  constructor(
    readonly statusCode: 400 | 403 | 404 | 409 | 411 | 413 | 415 | 429,
    message: string,
    code: ErrorCode,
    readonly details?: unknown,
    params: ErrorParams = {},
  ) {
    super(code, { ...detailParams(details), ...params }, message, statusCode);
    this.name = 'ReceptionError';
  }
}

/** A document handed in at the desk (the checklist), with the number of copies. */
export interface ChecklistItem {
  code: string;
  copies: number;
}

/**
 * The mandatory documents of the procedure that are not in the checklist (or with fewer copies than
 * required), and the codes the procedure does not know. Empty lists = complete.
 */
export function completeness(
  p: Pick<ProcedureRow, 'required_documents'>,
  given: ChecklistItem[],
): { missing: { code: string; name: string; copies: number; given: number }[]; unknown: string[] } {
  const byCode = new Map<string, number>();
  for (const g of given) byCode.set(g.code, (byCode.get(g.code) ?? 0) + g.copies);
  const known = new Set(p.required_documents.map((d) => d.code));
  return {
    missing: p.required_documents
      .filter((d) => d.mandatory && (byCode.get(d.code) ?? 0) < d.copies)
      .map((d) => ({ code: d.code, name: d.name, copies: d.copies, given: byCode.get(d.code) ?? 0 })),
    unknown: [...byCode.keys()].filter((c) => !known.has(c)),
  };
}

/** 400 naming every missing document in Vietnamese (and English), or the unknown codes; nothing is written. */
export function assertComplete(p: ProcedureRow, given: ChecklistItem[]): void {
  const { missing, unknown } = completeness(p, given);
  if (unknown.length) {
    throw new ReceptionError(
      400,
      `Thủ tục ${p.code} không có thành phần hồ sơ: ${unknown.join(', ')} / Unknown document codes for this procedure: ${unknown.join(', ')}`,
      'UNKNOWN_DOCUMENTS',
      { unknown },
      { codes: unknown.join(', ') },
    );
  }
  if (missing.length) {
    const vi = missing.map((m) => (m.given ? `${m.name} (cần ${m.copies} bản, mới có ${m.given})` : m.name)).join('; ');
    const en = missing.map((m) => m.code).join(', ');
    throw new ReceptionError(
      400,
      `Hồ sơ chưa đầy đủ, còn thiếu: ${vi} / The dossier is incomplete; missing: ${en}`,
      'DOSSIER_INCOMPLETE',
      { missing },
      { missing: vi },
    );
  }
}

/**
 * The in-person check at the desk: as assertComplete, and an incomplete dossier is a completion request
 * (Mẫu 02) the desk hands the applicant: its record is written (applicant, missing documents, officer,
 * time) and the same 400 DOSSIER_INCOMPLETE names it in `params.formId`, so the desk can print it. Unknown
 * codes are a typing error, not a request: refused as before, nothing written.
 */
export async function assertCompleteAtDesk(
  db: Knex,
  p: ProcedureRow,
  given: ChecklistItem[],
  o: { applicant: Applicant; channel: string; officer: Pick<CurrentUser, 'username'> },
): Promise<void> {
  try {
    assertComplete(p, given);
  } catch (err) {
    if (!(err instanceof ReceptionError) || err.code !== 'DOSSIER_INCOMPLETE' || !o.applicant.name) throw err;
    const { missing } = completeness(p, given);
    const form = await recordReceptionForm(db, {
      form: '02',
      procedure: p,
      channel: o.channel,
      applicant: o.applicant,
      reason: 'Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục',
      documents: missing.map((m) => ({ code: m.code, name: m.name, copies: m.copies, given: m.given })),
      officer: o.officer,
    });
    throw new ReceptionError(400, err.message, 'DOSSIER_INCOMPLETE', err.details, { ...err.params, formId: form.id });
  }
}

/**
 * A form issued at the desk to a person who brought a dossier that is not received (no dossier, no
 * code): Mẫu 03, the refusal to receive (e.g. the procedure is not this agency's), or Mẫu 02, the
 * completion request with the documents to add. Only the record: the caller checked the desk.
 */
export async function issueInPersonForm(
  db: Knex,
  o: {
    form: '02' | '03';
    procedure: ProcedureRow;
    channel: string;
    applicant: Applicant;
    reason: string;
    documents: string[];
    officer: Pick<CurrentUser, 'username'>;
  },
): Promise<ReceptionFormRow> {
  const names = new Map(o.procedure.required_documents.map((d) => [d.code, d]));
  const unknown = o.documents.filter((c) => !names.has(c));
  if (unknown.length)
    throw new ReceptionError(
      400,
      `Thủ tục không có thành phần hồ sơ: ${unknown.join(', ')} / Unknown document codes: ${unknown.join(', ')}`,
      'UNKNOWN_DOCUMENTS',
      undefined,
      { codes: unknown.join(', ') },
    );
  return recordReceptionForm(db, {
    form: o.form,
    procedure: o.procedure,
    channel: o.channel,
    applicant: o.applicant,
    reason: o.reason,
    documents: o.documents.map((c) => ({ code: c, name: names.get(c)!.name, copies: names.get(c)!.copies })),
    officer: o.officer,
  });
}

export async function activeProcedure(db: Db, code: string): Promise<ProcedureRow> {
  const p = (await db('onestop_procedures').where({ code }).first()) as ProcedureRow | undefined;
  if (!p || !p.active)
    throw new ReceptionError(404, `Không có thủ tục ${code} đang áp dụng / No active procedure ${code}`, 'NO_PROCEDURE', undefined, { code });
  return p;
}

export const newLookupToken = () => randomBytes(32).toString('base64url');

/** Units whose desk the user works at: their own unit and every unit above it (a desk's subtree holds them). */
export async function unitAndAncestors(db: Db, unitCode: string): Promise<string[]> {
  const res = await db.raw(
    `WITH RECURSIVE up AS (
       SELECT id, code, parent_id FROM org_units WHERE code = ?
       UNION ALL SELECT o.id, o.code, o.parent_id FROM org_units o JOIN up ON o.id = up.parent_id
     ) SELECT code FROM up`,
    [unitCode],
  );
  return res.rows.map((r: { code: string }) => r.code);
}

/** Desk actions: administrators, or officers / leaders whose unit is the desk unit or inside it. */
export async function assertDeskOfficer(db: Db, user: CurrentUser, deskUnitCode: string): Promise<void> {
  if (user.roles.includes('admin')) return;
  if ((user.roles.includes('officer') || user.roles.includes('leader')) && (await unitAndAncestors(db, user.unit.code)).includes(deskUnitCode)) return;
  throw new ReceptionError(
    403,
    `Chỉ cán bộ Bộ phận một cửa ${deskUnitCode} mới thực hiện được / Only officers of the one-stop desk ${deskUnitCode} may do this`,
    'NOT_DESK_OFFICER',
    undefined,
    { desk: deskUnitCode },
  );
}

export interface NewDossier {
  procedure: ProcedureRow;
  channel: 'online' | 'in_person' | 'postal';
  applicant: Applicant;
  at: Date;
}

/**
 * Inserts a dossier, SUBMITTED, with its tracking reference and no code: the code (TT 03/2025 Art. 13,
 * date and sequence of RECEIPT) is given by acceptDossier, so a submission refused or withdrawn before
 * receipt uses no number of the day.
 */
export async function insertSubmittedDossier(trx: Knex.Transaction, d: NewDossier): Promise<DossierRow> {
  const [row] = (await trx('dossiers')
    .insert({
      code: null,
      reference: newTrackingReference(),
      procedure_code: d.procedure.code,
      field: d.procedure.field,
      agency_code: d.procedure.agency_code,
      desk_unit_code: d.procedure.desk_unit_code,
      channel: d.channel,
      status: 'SUBMITTED',
      applicant: JSON.stringify(d.applicant),
      lookup_token: newLookupToken(),
      submitted_at: d.at,
      current_step: 'Chờ tiếp nhận',
      current_unit_code: d.procedure.desk_unit_code,
    })
    .returning('*')) as DossierRow[];
  return row;
}

/** Outbox continuation of a dossier's process start (see acceptDossier). */
export const DOSSIER_STARTED = 'onestop.dossier.started';

interface DossierStartArgs {
  dossierId: string;
  receivedAt: string;
  unitCode: string | null;
  timeLimitDays: number;
  /** absent in starts enqueued before the unit existed: working days */
  timeLimitUnit?: TimeLimitUnit;
  appointmentAt: string;
}

/**
 * Receipt of a complete dossier (receipt.accepted): in the caller's transaction, counts the
 * appointment from the catalogue and the model (the first human step's unit and the process's
 * eiso.timeLimit, as the eiso-case-deadline listener does), moves the dossier to RECEIVED and puts the
 * process start in the engine outbox. The caller sends it right after the commit (`sendAndWait`); the
 * continuation (below) then records the instance on the dossier and the case clock. A crash or an
 * engine outage between the two leaves the start in the outbox, and the relay starts exactly one
 * instance later.
 */
export async function acceptDossier(
  trx: Knex.Transaction,
  o: { dossier: DossierRow; procedure: ProcedureRow; officer: CurrentUser; checklist: (ChecklistItem & { name: string })[]; note?: string | null },
): Promise<{ dossier: DossierRow; outboxId: string }> {
  const { dossier, procedure, officer } = o;
  // The entry's pinned version, else its procedure's newest published version (a designer's new version).
  const version = await versionToStart(trx, procedure);
  const defs = trx('process_definitions').where({ bpmn_process_id: procedure.bpmn_process_id });
  if (version) defs.where({ version: version });
  const def = await defs.orderBy('version', 'desc').first('version', 'process_definition_key');
  if (!def) {
    throw new ReceptionError(
      409,
      `Quy trình ${procedure.bpmn_process_id}${version ? ` phiên bản ${version}` : ''} của thủ tục chưa được triển khai / The procedure's process is not deployed`,
      'PROCESS_NOT_DEPLOYED',
      undefined,
      { process: procedure.bpmn_process_id },
    );
  }
  const retired = await retiredVersionToStart(trx, procedure.bpmn_process_id, version ?? undefined);
  if (retired !== null)
    throw new ReceptionError(
      409,
      `Phiên bản ${retired} của quy trình ${procedure.bpmn_process_id} đã ngừng áp dụng / Version ${retired} is retired`,
      'VERSION_RETIRED',
      undefined,
      { version: retired, id: procedure.bpmn_process_id },
    );
  const receivedAt = clock.now();
  // The dossier code, dated and numbered by this receipt (TT 03/2025 Art. 13), in this transaction: a
  // receipt that fails takes no number. A dossier received before keeps its code.
  const code = dossier.code ?? (await nextDossierCode(trx, procedure.agency_eid, receivedAt));
  // The appointment, counted like the eiso-case-deadline listener (first human step's unit, the
  // process's eiso.timeLimit in its legal unit eiso.timeLimitUnit, else the catalogue's) on the version that will be started.
  const model = await loadDeadlineModel(trx, String(def.process_definition_key), procedure.bpmn_process_id);
  const cal = await loadCalendar(trx);
  const unit = model.stepGroupsInOrder.map((g) => unitOfGroups(g, (c) => cal.hasUnit(c))).find((u) => u !== null) ?? null;
  const limit: TimeLimit = model.timeLimit ?? { value: Number(procedure.time_limit_days), unit: procedure.time_limit_unit ?? 'working_days' };
  const appointment = cal.dueOf(receivedAt, limit, unit);
  const { id: outboxId } = await enqueueCommand(trx, {
    kind: 'start',
    dedupeKey: `dossier-accept:${dossier.id}`,
    request: {
      bpmnProcessId: procedure.bpmn_process_id,
      ...(version ? { version: version } : {}),
      variables: {
        dossierCode: code,
        dossierId: String(dossier.id),
        procedureCode: procedure.code,
        channel: dossier.channel,
        eisoReceivedAt: toLocalIso(receivedAt),
        applicantName: dossier.applicant.name,
        startedBy: officer.username,
        startedByUnit: officer.unit.code,
      },
    },
    onDone: DOSSIER_STARTED,
    args: {
      dossierId: String(dossier.id),
      receivedAt: receivedAt.toISOString(),
      unitCode: unit,
      timeLimitDays: limit.value,
      timeLimitUnit: limit.unit,
      appointmentAt: appointment.toISOString(),
    } satisfies DossierStartArgs,
    createdBy: officer.username,
  });
  const { dossier: after } = await changeStatus(trx, String(dossier.id), {
    status: 'RECEIVED',
    type: 'receipt.accepted',
    actor: officer.username,
    at: receivedAt,
    note: o.note ?? null,
    data: { documents: o.checklist, engineCommand: outboxId },
    patch: {
      code,
      received_at: receivedAt,
      received_by: officer.username,
      original_appointment_at: appointment,
      appointment_at: appointment,
      bpmn_process_id: procedure.bpmn_process_id,
      process_version: version ?? def.version,
      current_step: 'Đã tiếp nhận',
      current_unit_code: procedure.desk_unit_code,
      status_reason: null,
    },
  });
  return { dossier: after, outboxId };
}

/**
 * Receipt in person: the dossier is inserted (SUBMITTED), its scans stored, and accepted (its code) in one
 * transaction; the caller sends the process start (outboxId) after the commit.
 */
export async function receiveInPerson(
  db: Knex,
  o: {
    procedure: ProcedureRow;
    channel: NewDossier['channel'];
    applicant: Applicant;
    officer: CurrentUser;
    checklist: (ChecklistItem & { name: string })[];
    note: string | null;
    /** the desk that receives (any desk of the province, agencies.ts receivingDesk); default the procedure's */
    receivingDesk?: string;
    /** the scans of the paper dossier taken at the desk (checked: api/routes/public/uploads.ts checkScans) */
    scans?: CheckedFile[];
    filesRoot?: string;
  },
): Promise<{ dossier: DossierRow; outboxId: string }> {
  return db.transaction(async (trx) => {
    const submitted = await insertSubmittedDossier(trx, { procedure: o.procedure, channel: o.channel, applicant: o.applicant, at: clock.now() });
    // The scans are the dossier's documents like the files of an online submission (same store, same stage).
    if (o.scans?.length) await saveFiles(trx, o.filesRoot!, String(submitted.id), 'submission', o.scans, o.officer.username);
    const accepted = await acceptDossier(trx, { dossier: submitted, procedure: o.procedure, officer: o.officer, checklist: o.checklist, note: o.note });
    return { ...accepted, dossier: await recordReceivingDesk(trx, accepted.dossier, o.receivingDesk ?? o.procedure.desk_unit_code) };
  });
}

const ACTED_MEANWHILE = 'Hồ sơ vừa được xử lý bởi người khác / Someone else has just acted on this dossier';

/**
 * The desk accepts an online submission: locked, still SUBMITTED (else 409 WRONG_STATUS), then
 * acceptDossier in the same transaction; the caller sends the process start after the commit.
 */
export async function acceptSubmission(
  db: Knex,
  o: { dossierId: string; procedure: ProcedureRow; officer: CurrentUser; checklist: (ChecklistItem & { name: string })[]; note: string | null },
): Promise<{ dossier: DossierRow; outboxId: string }> {
  return db.transaction(async (trx) => {
    const locked = (await getDossier(trx, o.dossierId, true))!;
    if (locked.status !== 'SUBMITTED') throw new ReceptionError(409, ACTED_MEANWHILE, 'WRONG_STATUS');
    const accepted = await acceptDossier(trx, { dossier: locked, procedure: o.procedure, officer: o.officer, checklist: o.checklist, note: o.note });
    return { ...accepted, dossier: await recordReceivingDesk(trx, accepted.dossier, locked.desk_unit_code) };
  });
}

/**
 * The desk asks the citizen to complete an online submission (Mẫu 02): locked, still SUBMITTED (else
 * 409 WRONG_STATUS), moved to SUPPLEMENT_REQUESTED_AT_RECEIPT with the citizen's notice and link.
 * `documents` are the codes asked for, `names` their names from the catalogue.
 */
export async function requestCompletion(
  db: Knex,
  o: { dossierId: string; actor: string; reason: string; documents: string[]; names: string[] },
): Promise<DossierRow> {
  return db.transaction(async (trx) => {
    const locked = (await getDossier(trx, o.dossierId, true))!;
    if (locked.status !== 'SUBMITTED') throw new ReceptionError(409, ACTED_MEANWHILE, 'WRONG_STATUS');
    const { applied, dossier } = await changeStatus(trx, o.dossierId, {
      status: 'SUPPLEMENT_REQUESTED_AT_RECEIPT',
      type: 'receipt.supplement_requested',
      actor: o.actor,
      note: o.names.length ? `${o.reason} (cần bổ sung: ${o.names.join('; ')})` : o.reason,
      data: { documents: o.documents },
      // One request per dossier (NĐ 118 Art. 11): the dedupe key makes a second one impossible.
      dedupeKey: 'receipt-supplement',
      notice: {
        link: 'supplement',
        extra:
          'Hồ sơ chưa được tiếp nhận; thời hạn giải quyết tính từ khi hồ sơ đầy đủ / The dossier is not received yet; the time limit starts once it is complete.',
      },
    });
    if (!applied)
      throw new ReceptionError(409, 'Chỉ được yêu cầu bổ sung, hoàn thiện hồ sơ một lần / Completion may be requested only once', 'SUPPLEMENT_ONCE');
    await recordReceptionForm(trx, {
      form: '02',
      dossierId: o.dossierId,
      procedure: { code: locked.procedure_code, desk_unit_code: locked.desk_unit_code },
      channel: locked.channel,
      applicant: locked.applicant,
      reason: o.reason,
      documents: o.documents.map((code, i) => ({ code, name: o.names[i] ?? code })),
      officer: { username: o.actor },
    });
    return dossier;
  });
}

/**
 * The desk refuses to receive (Mẫu 03): locked, still waiting for the desk (else 409 WRONG_STATUS), moved
 * to RECEIPT_REFUSED, with the form's record (for its PDF).
 */
export async function refuseReceipt(db: Knex, o: { dossierId: string; actor: string; reason: string }): Promise<DossierRow> {
  return db.transaction(async (trx) => {
    const locked = (await getDossier(trx, o.dossierId, true))!;
    if (locked.status !== 'SUBMITTED' && locked.status !== 'SUPPLEMENT_REQUESTED_AT_RECEIPT') throw new ReceptionError(409, ACTED_MEANWHILE, 'WRONG_STATUS');
    const { dossier, event } = await changeStatus(trx, o.dossierId, { status: 'RECEIPT_REFUSED', type: 'receipt.refused', actor: o.actor, note: o.reason });
    await recordReceptionForm(trx, {
      form: '03',
      dossierId: o.dossierId,
      procedure: { code: locked.procedure_code, desk_unit_code: locked.desk_unit_code },
      channel: locked.channel,
      applicant: locked.applicant,
      reason: o.reason,
      officer: { username: o.actor },
      at: event?.at,
    });
    return dossier;
  });
}

/**
 * The instance exists: put it on the dossier (and on the receipt event) and open the case clock with
 * the appointment given at the desk (whichever of this and the eiso-case-deadline listener writes
 * first wins). A dossier withdrawn meanwhile gets its instance cancelled. Idempotent.
 */
export const onDossierStarted: Continuation = async (trx, { result, args, enqueue }) => {
  const r = result as StartResult;
  const a = args as DossierStartArgs;
  const d = (await trx('dossiers').where({ id: a.dossierId }).forUpdate().first()) as DossierRow | undefined;
  if (!d) return;
  if (d.process_instance_key && String(d.process_instance_key) !== r.processInstanceKey) return;
  await putCaseDeadline(trx, {
    process_instance_key: r.processInstanceKey,
    process_definition_key: r.processDefinitionKey,
    bpmn_process_id: r.bpmnProcessId,
    unit_code: a.unitCode,
    time_limit_days: a.timeLimitDays,
    time_limit_unit: a.timeLimitUnit ?? 'working_days',
    received_at: new Date(a.receivedAt),
    appointment_at: new Date(a.appointmentAt),
  });
  await trx('dossiers')
    .where({ id: a.dossierId })
    .update({ process_instance_key: r.processInstanceKey, bpmn_process_id: r.bpmnProcessId, process_version: r.version, updated_at: trx.raw('eiso_now()') });
  await trx('dossier_events')
    .where({ dossier_id: a.dossierId, type: 'receipt.accepted' })
    .update({ data: trx.raw(`coalesce(data, '{}'::jsonb) || ?::jsonb`, [JSON.stringify({ processInstanceKey: r.processInstanceKey, version: r.version })]) });
  if (d.closed_at || d.status === 'WITHDRAWN')
    await enqueue({ kind: 'cancel', request: { processInstanceKey: r.processInstanceKey }, dedupeKey: `cancel:${r.processInstanceKey}` });
};

/** The checklist with the names from the catalogue (what the slip lists). */
export function namedChecklist(p: ProcedureRow, given: ChecklistItem[]): (ChecklistItem & { name: string })[] {
  const names = new Map(p.required_documents.map((d) => [d.code, d.name]));
  return given.filter((g) => g.copies > 0).map((g) => ({ code: g.code, copies: g.copies, name: names.get(g.code) ?? g.code }));
}

/** The statuses from which a dossier can no longer be withdrawn: its result exists. */
const RESULT_STATUSES: readonly string[] = ['RESULT_AT_DESK', 'RESULT_IN_TRANSIT', 'NOT_ELIGIBLE'];

/** Whether withdrawDossier would accept the dossier (the lookup page offers withdrawal on this). */
export function mayWithdraw(d: Pick<DossierRow, 'closed_at' | 'status'>): boolean {
  return !d.closed_at && !RESULT_STATUSES.includes(d.status);
}

/**
 * Withdrawal (rút hồ sơ / dừng giải quyết) asked by the citizen or an officer. Before the process
 * starts the dossier is WITHDRAWN at once; afterwards the message onestop-withdraw (messageId
 * withdraw-<id>, so a repeated request correlates once) starts the model's withdrawal event
 * subprocess, whose onestop-status task sets WITHDRAWN. Refused once closed or once the result exists.
 */
export async function withdrawDossier(db: Knex, zeebe: ZeebeClient, d: DossierRow, reason: string, actor: string): Promise<'withdrawn' | 'requested'> {
  if (d.closed_at) throw new ReceptionError(409, 'Hồ sơ đã kết thúc, không thể rút / The dossier is closed', 'DOSSIER_CLOSED');
  if (RESULT_STATUSES.includes(d.status)) {
    throw new ReceptionError(
      409,
      'Hồ sơ đã có kết quả giải quyết, không thể rút / The result has been issued: the dossier cannot be withdrawn',
      'RESULT_ISSUED',
    );
  }
  if (!d.process_instance_key) {
    const { applied } = await changeStatus(db, String(d.id), { status: 'WITHDRAWN', type: 'dossier.withdrawn', actor, note: reason, dedupeKey: 'withdraw' });
    if (!applied) throw new ReceptionError(409, 'Hồ sơ đã được rút / The dossier is already withdrawn', 'DOSSIER_CLOSED');
    // A start still waiting in the outbox (never sent) is dropped; one already sent is cancelled by its continuation.
    await db('engine_outbox')
      .where({ dedupe_key: `dossier-accept:${d.id}`, status: 'pending' })
      .whereNull('in_flight_since')
      .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', db.fn.now()))
      .update({ status: 'cancelled' });
    return 'withdrawn';
  }
  // The event and the message commit together; the message is sent right after (and by the relay if lost).
  const outboxId = await db.transaction(async (trx) => {
    await insertEvent(trx, String(d.id), { type: 'withdrawal.requested', status: d.status, actor, note: reason, dedupeKey: 'withdraw' });
    const messageId = `withdraw-${d.id}`;
    return (
      await enqueueCommand(trx, {
        kind: 'message',
        dedupeKey: `message:${messageId}`,
        request: { name: 'onestop-withdraw', correlationKey: d.code!, messageId, timeToLive: 60_000, variables: { lyDo: reason, nguoiRut: actor } },
        createdBy: actor,
      })
    ).id;
  });
  await sendAndWait(db, zeebe, outboxId).catch(() => undefined);
  return 'requested';
}
