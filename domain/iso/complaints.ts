import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';
import { publicUrl } from '../onestop/settings.js';
import { agencyOfUnit } from './agencies.js';
import * as clock from '../../lib/clock.js';

/** The BPMN process every complaint or feedback runs (processes/iso-xu-ly-phan-anh.bpmn). */
export const COMPLAINT_PROCESS_ID = 'iso-xu-ly-phan-anh';

/** officer: recorded by an officer for someone; public: the citizen's form; staff: internal feedback. */
export type ComplaintOrigin = 'officer' | 'public' | 'staff';

export interface NewComplaint {
  title: string;
  content: string;
  submitter: string;
  contact?: string | null;
  channel: string;
  caseKey?: string | null;
  /** username of the recording officer or of the staff member; null for the public form */
  receivedBy: string | null;
  origin?: ComplaintOrigin;
  kind?: string | null;
  dossierCode?: string | null;
  lookupToken?: string | null;
  /** the agency whose register keeps it; default: the named dossier's competent agency, else the receiver's (public: the default agency) */
  agency?: string | null;
}

/** The citizen's tracking link of a public complaint (the page /gop-y/:code?t=). */
export const complaintTrackingUrl = (code: string, token: string) => `${publicUrl()}/gop-y/${encodeURIComponent(code)}?t=${encodeURIComponent(token)}`;
export const newComplaintToken = () => randomBytes(24).toString('base64url');

/** Constant-time comparison of a given tracking key with the stored one (hashed first, so lengths match). */
export function complaintTokenMatches(given: string | undefined, expected: string | null): boolean {
  if (!given || !expected) return false;
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

/** Records a complaint (PA-YYYY-<id>) and starts its handling process. */
export async function receiveComplaint(db: Knex, zeebe: ZeebeClient, input: NewComplaint): Promise<string> {
  const id = await insertComplaint(db, input);
  await ensureComplaintStarted(db, zeebe, id);
  return id;
}

/** The register row only (the process is started by ensureComplaintStarted, or later by the ISO sweep). */
export async function insertComplaint(db: Knex, input: NewComplaint): Promise<string> {
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_complaints', 'id')) AS id`);
  const id = String(rows[0].id);
  const dossier = input.dossierCode ? await db('dossiers').where({ code: input.dossierCode }).first('agency_code') : undefined;
  const agency = dossier ? await agencyOfUnit(db, dossier.agency_code) : (input.agency ?? (await agencyOfUnit(db, null)));
  await db('iso_complaints').insert({
    id,
    agency,
    code: `PA-${clock.now().getFullYear()}-${id.padStart(4, '0')}`,
    title: input.title,
    content: input.content,
    submitter: input.submitter,
    contact: input.contact ?? null,
    channel: input.channel,
    case_key: input.caseKey ?? null,
    received_by: input.receivedBy,
    origin: input.origin ?? 'officer',
    kind: input.kind ?? null,
    dossier_code: input.dossierCode ?? null,
    lookup_token: input.lookupToken ?? null,
  });
  return id;
}

/** The one-stop dossier a complaint is about, by its code (as printed on the receipt), with its case. */
export async function relatedDossier(db: Knex, code: string): Promise<{ code: string; caseKey: string | null } | undefined> {
  const d = await db('dossiers').where({ code }).first('code', 'process_instance_key');
  return d && { code: d.code, caseKey: d.process_instance_key ? String(d.process_instance_key) : null };
}

/**
 * A citizen's complaint from the public form, with a new tracking key. Saved first: if the engine is
 * unreachable now, the ISO sweep starts the process later (`onStartDeferred` is told why).
 */
export async function receivePublicComplaint(
  db: Knex,
  zeebe: ZeebeClient,
  input: Omit<NewComplaint, 'channel' | 'receivedBy' | 'origin' | 'lookupToken'>,
  onStartDeferred: (err: unknown, complaintId: string) => void,
): Promise<{ id: string; code: string; status: string; token: string }> {
  const token = newComplaintToken();
  const id = await insertComplaint(db, { ...input, channel: 'truc-tuyen', receivedBy: null, origin: 'public', lookupToken: token });
  await ensureComplaintStarted(db, zeebe, id).catch((err) => onStartDeferred(err, id));
  const c = await db('iso_complaints').where({ id }).first('code', 'status');
  return { id, code: c.code, status: c.status, token };
}

export async function ensureComplaintStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_complaints', id, async (trx) => {
    const c = await trx('iso_complaints').where({ id }).forUpdate().first();
    if (!c || c.process_instance_key) return null;
    return {
      bpmnProcessId: COMPLAINT_PROCESS_ID,
      variables: {
        complaintId: Number(c.id),
        maPhanAnh: c.code,
        tieuDe: c.title,
        noiDung: c.content,
        nguoiGui: c.submitter,
        kenh: c.channel,
        nguonPhanAnh: c.origin,
        ...(c.case_key ? { maHoSoLienQuan: c.case_key } : {}),
        ...(c.dossier_code ? { maHoSoMotCua: c.dossier_code } : {}),
        // The sender's own classification prefills the Office's choice.
        ...(c.kind ? { phanLoai: c.kind } : {}),
      },
    };
  });
}

/** What the citizen sees of a public complaint with its tracking key: no names, no internal notes. */
export interface PublicComplaintStatus {
  code: string;
  kind: string | null;
  title: string;
  dossierCode: string | null;
  status: string;
  receivedAt: string;
  /** the conclusion of the leader, once concluded: true = founded */
  upheld: boolean | null;
  answer: string | null;
  answeredAt: string | null;
}

export async function publicComplaintStatus(db: Knex, code: string, token: string | undefined): Promise<PublicComplaintStatus | null> {
  const c = /^PA-\d{4}-\d{1,12}$/.test(code) ? await db('iso_complaints').where({ code, origin: 'public' }).first() : undefined;
  if (!c || !complaintTokenMatches(token, c.lookup_token)) return null;
  const answered = c.status === 'answered';
  return {
    code: c.code,
    kind: c.kind,
    title: c.title,
    dossierCode: c.dossier_code,
    status: c.status,
    receivedAt: new Date(c.received_at).toISOString(),
    // The verdict is told with the answer, not before the answer is sent.
    upheld: answered ? c.upheld : null,
    answer: answered ? c.answer : null,
    answeredAt: answered && c.answered_at ? new Date(c.answered_at).toISOString() : null,
  };
}
