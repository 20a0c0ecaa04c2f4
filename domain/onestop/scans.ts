import type { ProcedureRow } from './catalogue.js';
import { ReceptionError, type ChecklistItem } from './reception.js';
import { SCAN_EXEMPTIONS, type ScanExemption } from './scan-exemptions.js';

/**
 * Paper digitised at reception (NĐ 118/2025 Art. 17 cl. 1 point c; TT 03/2025): at an in-person or
 * postal receipt every document handed in is scanned at the desk, one file per checklist item, unless
 * the catalogue marks it exempt (scan-exemptions.ts). The scans are stored as the documents of the
 * dossier exactly like the files of an online submission (dossier_documents, stage 'submission', the
 * same file store), so officers list and download them the same way.
 */
export { SCAN_EXEMPTIONS, type ScanExemption };

/** What a scan may be: the kind is read from the file's first bytes, never from its name or the header the client sent. */
export const SCAN_KINDS = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'] },
  jpeg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
  png: { mime: 'image/png', extensions: ['png'] },
} as const;
export type ScanKind = keyof typeof SCAN_KINDS;

const startsWith = (head: Buffer, bytes: number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

/** The kind of a scan from its first bytes (%PDF-, the PNG signature, a JPEG SOI marker), or null. */
export function scanKindOf(head: Buffer): ScanKind | null {
  if (startsWith(head, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  return null;
}

/** The kind a client's claim names (its Content-Type, else its file extension), or null when it claims nothing we know. */
export function claimedKind(contentType: string | undefined, extension: string): ScanKind | null | 'other' {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const byType = (Object.keys(SCAN_KINDS) as ScanKind[]).find((k) => SCAN_KINDS[k].mime === type);
  if (byType) return byType;
  if (type && type !== 'application/octet-stream') return 'other';
  const byExt = (Object.keys(SCAN_KINDS) as ScanKind[]).find((k) => (SCAN_KINDS[k].extensions as readonly string[]).includes(extension));
  if (byExt) return byExt;
  return extension ? 'other' : null;
}

/** The documents of the checklist (handed in: copies > 0) that need a scan: those not exempt in the catalogue. */
export function documentsToScan(p: Pick<ProcedureRow, 'required_documents'>, given: ChecklistItem[]): { code: string; name: string }[] {
  const handed = new Set(given.filter((g) => g.copies > 0).map((g) => g.code));
  return p.required_documents.filter((d) => handed.has(d.code) && !d.scanExempt).map((d) => ({ code: d.code, name: d.name }));
}

/**
 * The scans sent match the checklist: a scan for a document not handed in, not in the procedure or
 * exempt is 400 SCAN_NOT_EXPECTED; a document to scan without its scan is 400 SCAN_MISSING naming the
 * documents in Vietnamese. Nothing is written either way.
 */
export function assertScans(p: Pick<ProcedureRow, 'required_documents'>, given: ChecklistItem[], scanned: string[]): void {
  const needed = documentsToScan(p, given);
  const expected = new Set(needed.map((d) => d.code));
  const unexpected = [...new Set(scanned.filter((c) => !expected.has(c)))];
  if (unexpected.length)
    throw new ReceptionError(
      400,
      `Có bản scan cho giấy tờ không có trong danh mục tiếp nhận hoặc không cần scan: ${unexpected.join(', ')} / Scans for documents not handed in or not to be scanned: ${unexpected.join(', ')}`,
      'SCAN_NOT_EXPECTED',
      undefined,
      { codes: unexpected.join(', ') },
    );
  const have = new Set(scanned);
  const missing = needed.filter((d) => !have.has(d.code));
  if (missing.length) {
    const vi = missing.map((m) => m.name).join('; ');
    throw new ReceptionError(
      400,
      `Tiếp nhận trực tiếp phải số hóa hồ sơ giấy: còn thiếu bản scan của ${vi} / Scans missing for: ${missing.map((m) => m.code).join(', ')}`,
      'SCAN_MISSING',
      { missing: missing.map((m) => m.code) },
      { missing: vi },
    );
  }
}
