import type { Knex } from 'knex';
import { enqueueCommand } from '../../engine/outbox.js';
import { findProcedure, type ProcedureRow } from './catalogue.js';
import { changeStatus, listEvents, type Applicant, type DossierEventRow, type DossierRow } from './dossiers.js';
import { saveFiles, type CheckedFile } from './documents.js';
import { quotaMessage, takeSubmission } from './public-guard.js';
import { insertSubmittedDossier, mayWithdraw, ReceptionError } from './reception.js';
import type { PublicDossier } from '../../api/schemas/onestop.js';
import { evaluationState } from './evaluation.js';
import { caseHasOpenIncident } from '../audit/incidents.js';
import { agencyNameIn } from './agencies.js';
import * as clock from '../../lib/clock.js';

/**
 * The citizen's side of the one-stop desk (api/routes/public/onestop.ts): an online submission, what
 * the lookup page shows, a supplement. The checks of the form and of its files are the route's.
 */

/**
 * Stores an online submission in one transaction: the address's quota for today is taken (used up:
 * 429 SUBMISSION_QUOTA, nothing stored), the dossier inserted with its code, the checked files moved
 * into the store, and the dossier moved to SUBMITTED (with the citizen's notice).
 */
export async function submitOnline(
  db: Knex,
  o: { clientIp: string; perDay: number; procedure: ProcedureRow; applicant: Applicant; filesRoot: string; files: CheckedFile[]; note: string | null },
): Promise<DossierRow> {
  return db.transaction(async (trx) => {
    if (!(await takeSubmission(trx, o.clientIp, o.perDay)))
      throw new ReceptionError(429, quotaMessage(o.perDay), 'SUBMISSION_QUOTA', undefined, { perDay: o.perDay });
    const row = await insertSubmittedDossier(trx, { procedure: o.procedure, channel: 'online', applicant: o.applicant, at: clock.now() });
    await saveFiles(trx, o.filesRoot, String(row.id), 'submission', o.files, 'citizen');
    return (await changeStatus(trx, String(row.id), { status: 'SUBMITTED', type: 'dossier.submitted', actor: 'citizen', note: o.note, dedupeKey: 'submitted' }))
      .dossier;
  });
}

/** "Nguyễn Văn An" → "N***** V** A*": enough for the holder to recognise, nothing for anyone else. */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .map((w) => [...w].map((ch, i) => (i === 0 ? ch : '*')).join(''))
    .join(' ');
}

/** A text with every occurrence of the applicant's name (as written, and trimmed) replaced by its mask. */
export function maskNameIn(text: string, name: string): string {
  const n = name.trim();
  return n ? text.split(n).join(maskName(n)) : text;
}

const iso = (x: Date | null) => (x ? x.toISOString() : null);

/**
 * The lookup page of a dossier: where it is (the open human step of its process, else what the last
 * automated step said), whether the engine stopped on its case (an incident of it or of a process it
 * called: delayed, not "in processing"), its dated statuses. For the holder of the lookup key only: the
 * masked name, the notices, the open supplement request and what the citizen may do (supplement,
 * withdraw, evaluate). The page is reached through the QR code of a paper slip, so the name is masked
 * everywhere on it, notices ("Kính gửi ông/bà <name>") included.
 */
export async function publicLookupView(db: Knex, d: DossierRow, holder: boolean): Promise<PublicDossier> {
  const p = (await findProcedure(db, d.procedure_code))!;
  const desk = await db('org_units').where({ code: d.desk_unit_code }).first('name');
  const open =
    d.process_instance_key && !d.closed_at
      ? await db('inbox_tasks')
          .where({ process_instance_key: d.process_instance_key, status: 'open' })
          .orderBy('created_at', 'desc')
          .first('name', 'candidate_groups')
      : undefined;
  const unitCode: string | null | undefined = open?.candidate_groups?.[0]?.split('/')[0] ?? d.current_unit_code;
  const unit = unitCode ? await db('org_units').where({ code: unitCode }).first('name') : undefined;
  const events = await listEvents(db, String(d.id));
  const delayed = Boolean(d.process_instance_key && !d.closed_at && (await caseHasOpenIncident(db, String(d.process_instance_key))));
  return {
    code: d.code,
    reference: d.channel === 'online' ? d.reference : null,
    procedureCode: p.code,
    procedureName: p.name,
    field: p.field,
    agencyName: agencyNameIn(p, d.agency_code),
    deskUnitName: desk?.name ?? d.desk_unit_code,
    channel: d.channel,
    status: d.status,
    currentStep: d.closed_at ? null : (open?.name ?? d.current_step),
    currentUnitName: d.closed_at ? null : (unit?.name ?? unitCode ?? null),
    delayed,
    timeLimitDays: Number(p.time_limit_days),
    timeLimitUnit: p.time_limit_unit ?? 'working_days',
    submittedAt: d.submitted_at.toISOString(),
    receivedAt: iso(d.received_at),
    appointmentAt: iso(d.appointment_at),
    resolvedAt: iso(d.resolved_at),
    returnedAt: iso(d.returned_at),
    closedAt: iso(d.closed_at),
    events: events.filter((e) => e.status).map((e) => ({ type: e.type, status: e.status, at: e.at.toISOString() })),
    holder: holder ? await holderView(db, d, p, events) : null,
  };
}

/** The part of the lookup page for the key's holder. */
async function holderView(db: Knex, d: DossierRow, p: ProcedureRow, events: DossierEventRow[]): Promise<PublicDossier['holder']> {
  const notices: { subject: string; body: string; created_at: Date; emailed_at: Date | null }[] = await db('dossier_notices')
    .where({ dossier_id: d.id })
    .orderBy('id');
  // The open request: of the processing (the latest unanswered), or the desk's at receipt (its event).
  const sup: { reason: string; requested_at: Date } | undefined =
    d.status === 'SUPPLEMENT_REQUESTED_IN_PROCESSING'
      ? await db('dossier_supplements').where({ dossier_id: d.id }).whereNull('submitted_at').orderBy('requested_at', 'desc').first()
      : undefined;
  const receiptAsk = d.status === 'SUPPLEMENT_REQUESTED_AT_RECEIPT' ? [...events].reverse().find((e) => e.type === 'receipt.supplement_requested') : undefined;
  const supplement = sup
    ? { stage: 'processing' as const, reason: sup.reason, requestedAt: sup.requested_at.toISOString() }
    : receiptAsk
      ? { stage: 'receipt' as const, reason: receiptAsk.note ?? '', requestedAt: receiptAsk.at.toISOString() }
      : null;
  const mask = (t: string | null) => (t === null ? null : maskNameIn(t, d.applicant.name));
  const evaluation = await evaluationState(db, d);
  return {
    applicantName: maskName(d.applicant.name),
    statusReason: mask(d.status_reason),
    events: events.map((e) => ({ type: e.type, status: e.status, at: e.at.toISOString(), note: mask(e.note) })),
    notices: notices.map((n) => ({ subject: mask(n.subject)!, body: mask(n.body)!, at: n.created_at.toISOString(), emailed: Boolean(n.emailed_at) })),
    supplement,
    requiredDocuments: p.required_documents,
    canSupplement: supplement !== null,
    canWithdraw: mayWithdraw(d),
    canEvaluate: evaluation === 'open',
    evaluated: evaluation === 'done',
  };
}

/**
 * The citizen's supplement, in one transaction on the locked dossier. Asked at receipt: the files are
 * stored and the dossier goes back to the desk (SUBMITTED), outcome 'back-to-desk'. Asked during
 * processing: the open request is answered, the files stored and the message onestop-supplement put
 * in the engine outbox (outboxId; the caller sends it after the commit), outcome 'resumed'. A request
 * already answered: 409 ALREADY_SUPPLEMENTED.
 */
export async function supplementDossier(
  db: Knex,
  o: { dossier: DossierRow; filesRoot: string; files: CheckedFile[]; note: string },
): Promise<{ outcome: 'resumed' | 'back-to-desk'; outboxId?: string }> {
  const { dossier: d, filesRoot, files, note } = o;
  return db.transaction(async (trx) => {
    const locked = (await trx('dossiers').where({ id: d.id }).forUpdate().first()) as DossierRow;
    if (locked.status === 'SUPPLEMENT_REQUESTED_AT_RECEIPT') {
      await saveFiles(trx, filesRoot, String(d.id), 'supplement', files, 'citizen');
      await changeStatus(trx, String(d.id), {
        status: 'SUBMITTED',
        type: 'supplement.received',
        actor: 'citizen',
        note: note || null,
        dedupeKey: 'receipt-supplement',
        notice: { extra: 'Bộ phận một cửa sẽ kiểm tra lại hồ sơ / The desk will check the dossier again.' },
      });
      return { outcome: 'back-to-desk' as const };
    }
    const sup =
      locked.status === 'SUPPLEMENT_REQUESTED_IN_PROCESSING'
        ? await trx('dossier_supplements').where({ dossier_id: d.id }).whereNull('submitted_at').orderBy('requested_at', 'desc').forUpdate().first()
        : undefined;
    if (!sup) throw new ReceptionError(409, 'Yêu cầu bổ sung này đã được đáp ứng / This supplement request has already been answered', 'ALREADY_SUPPLEMENTED');
    await trx('dossier_supplements')
      .where({ id: sup.id })
      .update({ submitted_at: clock.now(), citizen_note: note || null });
    await saveFiles(trx, filesRoot, String(d.id), 'supplement', files, 'citizen');
    // Committed with the answer and sent right after (the relay re-sends it if lost); the messageId
    // makes a repeated send correlate once; the process resumes (onestop-supplement-resume).
    const messageId = `supplement-${sup.id}`;
    const outboxId = (
      await enqueueCommand(trx, {
        kind: 'message',
        dedupeKey: `message:${messageId}`,
        request: { name: 'onestop-supplement', correlationKey: locked.code!, messageId, timeToLive: 24 * 3600_000, variables: { ghiChuBoSung: note } },
      })
    ).id;
    return { outcome: 'resumed' as const, outboxId };
  });
}
