import type { Knex } from 'knex';
import { enqueueCommand } from '../../engine/outbox.js';
import { findProcedure, type ProcedureRow } from './catalogue.js';
import { changeStatus, listEvents, type Applicant, type DossierEventRow, type DossierRow } from './dossiers.js';
import { saveFiles, type CheckedFile } from './documents.js';
import { quotaMessage, takeSubmission } from './public-guard.js';
import { insertSubmittedDossier, ReceptionError } from './reception.js';
import { mayEvaluate } from './evaluation.js';
import { caseHasOpenIncident } from '../audit/incidents.js';

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
    const row = await insertSubmittedDossier(trx, { procedure: o.procedure, channel: 'online', applicant: o.applicant, at: new Date() });
    await saveFiles(trx, o.filesRoot, String(row.id), 'submission', o.files, 'citizen');
    return (await changeStatus(trx, String(row.id), { status: 'SUBMITTED', type: 'dossier.submitted', actor: 'citizen', note: o.note, dedupeKey: 'submitted' }))
      .dossier;
  });
}

export interface PublicDossierFacts {
  procedure: ProcedureRow;
  /** the desk unit's name, if the unit exists */
  deskUnitName: string | undefined;
  /** the open human step of the process, if any (not looked up once the dossier is closed) */
  openStep: { name: string } | undefined;
  /** the unit handling it now: the open step's group's unit, else the dossier's current unit */
  currentUnitCode: string | null | undefined;
  currentUnitName: string | undefined;
  events: DossierEventRow[];
  /** the engine stopped on this dossier's case (an incident of it or of a process it called): delayed, not "in processing" */
  delayed: boolean;
  /** for the holder of the lookup key only */
  holder?: {
    notices: { subject: string; body: string; created_at: Date; emailed_at: Date | null }[];
    /** the supplement request of the processing still unanswered (the latest) */
    openSupplement: { reason: string; requested_at: Date } | undefined;
    /** the result was returned and the dossier not rated yet */
    canEvaluate: boolean;
  };
}

/** What the lookup page of a dossier is made of; the notices and the open supplement request only for the key's holder. */
export async function publicDossierFacts(db: Knex, d: DossierRow, holder: boolean): Promise<PublicDossierFacts> {
  const procedure = (await findProcedure(db, d.procedure_code))!;
  const desk = await db('org_units').where({ code: d.desk_unit_code }).first('name');
  // Where it is now: the open human step of its process, else what the last automated step said.
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
  const facts: PublicDossierFacts = {
    procedure,
    deskUnitName: desk?.name,
    openStep: open,
    currentUnitCode: unitCode,
    currentUnitName: unit?.name,
    events,
    delayed,
  };
  if (holder) {
    const notices = await db('dossier_notices').where({ dossier_id: d.id }).orderBy('id');
    const sup = await db('dossier_supplements').where({ dossier_id: d.id }).whereNull('submitted_at').orderBy('requested_at', 'desc').first();
    facts.holder = { notices, openSupplement: sup, canEvaluate: await mayEvaluate(db, d) };
  }
  return facts;
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
      .update({ submitted_at: new Date(), citizen_note: note || null });
    await saveFiles(trx, filesRoot, String(d.id), 'supplement', files, 'citizen');
    // Committed with the answer and sent right after (the relay re-sends it if lost); the messageId
    // makes a repeated send correlate once; the process resumes (onestop-supplement-resume).
    const messageId = `supplement-${sup.id}`;
    const outboxId = (
      await enqueueCommand(trx, {
        kind: 'message',
        dedupeKey: `message:${messageId}`,
        request: { name: 'onestop-supplement', correlationKey: d.code, messageId, timeToLive: 24 * 3600_000, variables: { ghiChuBoSung: note } },
      })
    ).id;
    return { outcome: 'resumed' as const, outboxId };
  });
}
