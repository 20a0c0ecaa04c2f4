import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { localDateOf } from '../deadlines/calendar/index.js';
import { codePattern } from './settings.js';

/** Agency e-ID (QĐ 20/2020): capitals, digits and dots, at most 35 characters. */
export const AGENCY_EID = /^[A-Z0-9]+(\.[A-Z0-9]+)*$/;

const TOKEN = /\{(eid|yymmdd|yyyymmdd|seq(\d{0,2}))\}/g;

/** Refuses a pattern that cannot give unique codes: it needs {eid}, a date and {seq} / {seqN}. */
export function checkCodePattern(pattern: string): void {
  const tokens = [...pattern.matchAll(TOKEN)].map((m) => m[1]);
  const rest = pattern.replace(TOKEN, '');
  if (!tokens.includes('eid') || !tokens.some((t) => t.startsWith('seq')) || !tokens.some((t) => t.startsWith('yy'))) {
    throw new Error(`ONESTOP_CODE_PATTERN "${pattern}" must contain {eid}, {yymmdd} (or {yyyymmdd}) and {seq} or {seqN}`);
  }
  if (/[{}]/.test(rest) || !/^[A-Za-z0-9._-]*$/.test(rest))
    throw new Error(`ONESTOP_CODE_PATTERN "${pattern}": unknown token or character (allowed: letters, digits, . _ -)`);
}

/** Fills the pattern: {eid}, {yymmdd}/{yyyymmdd} of the Vietnam date, {seq} as is, {seqN} zero-padded to N digits. */
export function formatDossierCode(pattern: string, p: { eid: string; day: string; seq: number }): string {
  const [y, m, d] = p.day.split('-');
  return pattern.replace(TOKEN, (_all, token: string, width: string) => {
    if (token === 'eid') return p.eid;
    if (token === 'yymmdd') return `${y.slice(2)}${m}${d}`;
    if (token === 'yyyymmdd') return `${y}${m}${d}`;
    return String(p.seq).padStart(width ? Number(width) : 1, '0');
  });
}

/**
 * The next dossier code of an agency for the Vietnam date of `at` (TT 03/2025 Art. 13:
 * <agency e-ID>-<YYMMDD>-<daily sequence, at least 4 digits>). The daily counter is one row per
 * (agency e-ID, day), incremented atomically; pass the caller's transaction so a refused receipt
 * does not use a number.
 */
export async function nextDossierCode(db: Knex | Knex.Transaction, agencyEid: string, at: Date, pattern = codePattern()): Promise<string> {
  checkCodePattern(pattern);
  if (!AGENCY_EID.test(agencyEid) || agencyEid.length > 35) throw new Error(`invalid agency e-ID "${agencyEid}"`);
  const day = localDateOf(at);
  const res = await db.raw(
    `INSERT INTO dossier_code_counters (agency_eid, day, last_seq) VALUES (?, ?, 1)
     ON CONFLICT (agency_eid, day) DO UPDATE SET last_seq = dossier_code_counters.last_seq + 1
     RETURNING last_seq`,
    [agencyEid, day],
  );
  return formatDossierCode(pattern, { eid: agencyEid, day, seq: Number(res.rows[0].last_seq) });
}

/** Crockford base-32 (no I, L, O, U: nothing to misread on paper or over the phone). */
const REF_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A tracking reference as the platform writes it: "TN-" and three groups of four (60 random bits). */
export const TRACKING_REFERENCE = /^TN-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;

/**
 * The tracking reference (mã tra cứu) of an online submission, e.g. "TN-7K3M-Q9XD-2HFA": 12 characters
 * of a cryptographic source, 60 bits. It is not a dossier code (TT 03/2025 Art. 13 gives the code when
 * the desk receives the dossier): it only finds the submission; what the lookup shows beyond the
 * status needs the lookup token (256 bits) as well.
 */
export function newTrackingReference(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => REF_ALPHABET[b & 31]);
  return `TN-${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
}

/** What the citizen and the desk call a dossier: its code once received, else its tracking reference. */
export function dossierLabel(d: { code: string | null; reference: string }): string {
  return d.code ?? d.reference;
}
