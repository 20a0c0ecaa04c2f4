import type { Knex } from 'knex';
import { vnTime } from './time-text.js';
import { DOSSIER_STATUSES, FINAL_STATUSES, type DossierStatus } from './status.js';
import { evaluationUrl, lookupUrl, supplementUrl } from './settings.js';
import { dossierLabel, TRACKING_REFERENCE } from './code.js';
import { referenceLines } from './notices.js';
import * as clock from '../../lib/clock.js';

type Db = Knex | Knex.Transaction;

export interface Applicant {
  name: string;
  idNumber?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface DossierRow {
  id: string;
  /** the dossier code, issued at receipt (null while the desk has not received the submission) */
  code: string | null;
  /** the tracking reference given at submission (mã tra cứu), kept after receipt */
  reference: string;
  procedure_code: string;
  field: string;
  agency_code: string;
  desk_unit_code: string;
  /** the desk that received it: any desk of the province (NĐ 118/2025); null until received */
  received_desk_code?: string | null;
  channel: 'online' | 'in_person' | 'postal';
  status: DossierStatus;
  applicant: Applicant;
  lookup_token: string;
  submitted_at: Date;
  received_at: Date | null;
  received_by: string | null;
  original_appointment_at: Date | null;
  appointment_at: Date | null;
  resolved_at: Date | null;
  returned_at: Date | null;
  return_method: 'desk' | 'post' | null;
  closed_at: Date | null;
  status_reason: string | null;
  current_step: string | null;
  current_unit_code: string | null;
  process_instance_key: string | null;
  bpmn_process_id: string | null;
  process_version: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface DossierEventRow {
  id: string;
  dossier_id: string;
  type: string;
  status: DossierStatus | null;
  at: Date;
  actor: string;
  element_id: string | null;
  note: string | null;
  data: Record<string, unknown> | null;
  dedupe_key: string | null;
}

export async function getDossier(db: Db, id: string | number, forUpdate = false): Promise<DossierRow | undefined> {
  if (!/^[0-9]{1,18}$/.test(String(id))) return undefined;
  const q = db('dossiers')
    .where({ id: String(id) })
    .first();
  return (forUpdate ? q.forUpdate() : q) as Promise<DossierRow | undefined>;
}

export async function getDossierByCode(db: Db, code: string, forUpdate = false): Promise<DossierRow | undefined> {
  const q = db('dossiers').where({ code }).first();
  return (forUpdate ? q.forUpdate() : q) as Promise<DossierRow | undefined>;
}

/**
 * The dossier a citizen names: by its tracking reference (before and after receipt), else by its code
 * (after receipt).
 */
export async function getDossierByCodeOrReference(db: Db, codeOrReference: string): Promise<DossierRow | undefined> {
  if (TRACKING_REFERENCE.test(codeOrReference)) {
    const byRef = (await db('dossiers').where({ reference: codeOrReference }).first()) as DossierRow | undefined;
    if (byRef) return byRef;
  }
  return getDossierByCode(db, codeOrReference);
}

export async function listEvents(db: Db, dossierId: string): Promise<DossierEventRow[]> {
  return db('dossier_events').where({ dossier_id: dossierId }).orderBy('at').orderBy('id');
}

export interface NewEvent {
  type: string;
  status?: DossierStatus | null;
  actor: string;
  at?: Date;
  elementId?: string | null;
  note?: string | null;
  data?: Record<string, unknown> | null;
  /** Job or element instance key: a redelivered job writes nothing the second time. */
  dedupeKey?: string | null;
}

/** Writes an event; undefined when the same (type, dedupe key) is already there. */
export async function insertEvent(db: Db, dossierId: string, e: NewEvent): Promise<DossierEventRow | undefined> {
  const row = {
    dossier_id: dossierId,
    type: e.type,
    status: e.status ?? null,
    at: e.at ?? clock.now(),
    actor: e.actor,
    element_id: e.elementId ?? null,
    note: e.note ?? null,
    data: e.data ? JSON.stringify(e.data) : null,
    dedupe_key: e.dedupeKey ?? null,
  };
  if (!e.dedupeKey) return ((await db('dossier_events').insert(row).returning('*')) as DossierEventRow[])[0];
  const res = await db.raw(
    `INSERT INTO dossier_events (dossier_id, type, status, at, actor, element_id, note, data, dedupe_key)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)
     ON CONFLICT (dossier_id, type, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING *`,
    [row.dossier_id, row.type, row.status, row.at, row.actor, row.element_id, row.note, row.data, row.dedupe_key],
  );
  return res.rows[0];
}

export type DossierPatch = Partial<
  Pick<
    DossierRow,
    | 'code'
    | 'received_at'
    | 'received_by'
    | 'original_appointment_at'
    | 'appointment_at'
    | 'resolved_at'
    | 'returned_at'
    | 'return_method'
    | 'closed_at'
    | 'status_reason'
    | 'current_step'
    | 'current_unit_code'
    | 'process_instance_key'
    | 'bpmn_process_id'
    | 'process_version'
  >
>;

export interface StatusChange extends NewEvent {
  status: DossierStatus;
  patch?: DossierPatch;
  /** What the citizen is told (in addition to the status); false = no notice. */
  notice?: { extra?: string; link?: 'lookup' | 'supplement' | 'evaluation' } | false;
}

/**
 * Moves a dossier to a status: writes the event (once per dedupe key), updates the row (closed_at
 * with a final status), and leaves a notice for the citizen. With a dedupe key already used it
 * changes nothing and returns applied = false. Runs in the caller's transaction or its own.
 */
export async function changeStatus(db: Db, dossierId: string, c: StatusChange): Promise<{ applied: boolean; dossier: DossierRow; event?: DossierEventRow }> {
  const run = async (trx: Knex.Transaction) => {
    const before = await getDossier(trx, dossierId, true);
    if (!before) throw new Error(`no dossier ${dossierId}`);
    const at = c.at ?? clock.now();
    const event = await insertEvent(trx, dossierId, { ...c, at, status: c.status });
    if (!event) return { applied: false, dossier: before };
    const patch: Record<string, unknown> = { status: c.status, updated_at: trx.raw('eiso_now()'), ...(c.patch ?? {}) };
    if (FINAL_STATUSES.has(c.status) && !before.closed_at && !('closed_at' in patch)) patch.closed_at = at;
    if (c.note !== undefined && c.note !== null && !('status_reason' in patch)) patch.status_reason = c.note;
    const [dossier] = (await trx('dossiers').where({ id: dossierId }).update(patch).returning('*')) as DossierRow[];
    if (c.notice !== false) await queueNotice(trx, dossier, event, c.notice ?? {});
    return { applied: true, dossier: dossier, event };
  };
  return db.isTransaction ? run(db as Knex.Transaction) : (db as Knex).transaction(run);
}

/**
 * The citizen's notice of an event: always kept (the lookup page shows it), with the applicant's
 * e-mail address when they gave one so the citizen mailer sends it (domain/onestop/notices.ts).
 */
export async function queueNotice(
  db: Db,
  d: DossierRow,
  e: DossierEventRow,
  o: { extra?: string; link?: 'lookup' | 'supplement' | 'evaluation' },
): Promise<void> {
  const label = DOSSIER_STATUSES[e.status ?? d.status];
  // Before receipt the submission is named by its tracking reference, afterwards by its code (referenceLines).
  const name = dossierLabel(d);
  const lines = [`Kính gửi ông/bà ${d.applicant.name},`, '', `Hồ sơ ${name} của ông/bà: ${label.vi}.`, ...referenceLines(d)];
  if (e.note) lines.push(`Nội dung / Details: ${e.note}`);
  if (o.extra) lines.push(o.extra);
  if (d.appointment_at && !d.closed_at) lines.push(`Ngày hẹn trả kết quả / Appointment: ${vnTime(d.appointment_at)}`);
  const link =
    o.link === 'supplement'
      ? `Bổ sung hồ sơ tại / Supplement at: ${supplementUrl(name, d.lookup_token)}`
      : o.link === 'evaluation'
        ? `Đánh giá mức độ hài lòng / Rate the service: ${evaluationUrl(name, d.lookup_token)}`
        : null;
  if (link) lines.push('', link);
  lines.push('', `Tra cứu hồ sơ / Follow your dossier: ${lookupUrl(name, d.lookup_token)}`, '', `(${label.en})`);
  const email = typeof d.applicant.email === 'string' && d.applicant.email.includes('@') ? d.applicant.email : null;
  await db('dossier_notices')
    .insert({ dossier_id: d.id, event_id: e.id, email, subject: `Hồ sơ ${name}: ${label.vi}`, body: lines.join('\n') })
    .onConflict('event_id')
    .ignore();
}
