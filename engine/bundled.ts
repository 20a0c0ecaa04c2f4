import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const PROCESSES_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'processes');

/** form-js schemas in processes/forms, keyed by file name without `.form`. */
export function loadBundledForms(dir = path.join(PROCESSES_DIR, 'forms')): Record<string, unknown> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.form'))
      .map((f) => [f.replace(/\.form$/, ''), JSON.parse(readFileSync(path.join(dir, f), 'utf8'))]),
  );
}

/** A bundled model: processes/<bpmnProcessId>.bpmn with the forms its steps name (formKey app:<form>). */
export interface BundledFile {
  resourceName: string;
  bpmnProcessId: string;
  xml: string;
  /** form-js schemas by form id (without `app:`), those the file names */
  forms: Record<string, unknown>;
  /** sections 1-3 of its printed procedure sheet, when the folder describes them (procedure-sheets.json) */
  sheet?: BundledSheet;
}

/** A legal document as a shipped procedure cites it; `kind` is one of the register's kinds (luat, nghi_dinh, tieu_chuan...). */
export interface BundledCitation {
  kind: string;
  number: string;
  issuer: string;
  /** YYYY-MM-DD, null when no text gives it */
  signedOn: string | null;
  title: string;
  /** "Điều 11", "điều 7.5"; empty: the whole document */
  article: string;
}

/** The header and sections 1-3 of a bundled process's procedure sheet. */
export interface BundledSheet {
  code: string;
  purpose: string;
  scope: string;
  /** section 3, the documents cited, in order */
  citations: BundledCitation[];
  /** section 3, the free-text rest (lines) */
  legalNote: string;
  /** the lines an earlier release filled as free text (legal_basis), converted once to `citations` */
  formerLegalBasis: string[];
}

type SheetEntry = Partial<Omit<BundledSheet, 'citations'>> & { citations?: Partial<BundledCitation>[]; legalBasis?: string[] };

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const DAY = /^\d{4}-\d{2}-\d{2}$/;

const LEGAL_DOCUMENT = /^(Bộ luật|Luật|Nghị định|Nghị quyết|Thông tư|Quyết định|Pháp lệnh)\s/u;

/**
 * The legal documents of a one-stop catalogue entry's legalBasis text, one per entry: the text before
 * its internal step breakdown ("Quy trình nội bộ: ..."), split at the semicolons and full stops outside
 * parentheses, keeping the parts that name a legal document.
 */
export function legalDocumentsOf(text: string): string[] {
  const cut = text.split('Quy trình nội bộ:')[0];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < cut.length; i++) {
    const c = cut[i];
    if (c === '(') depth++;
    if (c === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && (c === ';' || (c === '.' && (i + 1 === cut.length || cut[i + 1] === ' ')))) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((x) => x.trim()).filter((x) => LEGAL_DOCUMENT.test(x));
}

/**
 * Sheet sections of the folder's processes: procedure-sheets.json (by process id) with the documents
 * each cites and the free-text note; an entry's plain `legalBasis` lines are its note, and a one-stop
 * procedure with neither citations nor note takes its catalogue entry's documents (onestop-catalogue.json)
 * as its note.
 */
export function readBundledSheets(dir = PROCESSES_DIR): Map<string, BundledSheet> {
  const out = new Map<string, BundledSheet>();
  const file = path.join(dir, 'procedure-sheets.json');
  if (!existsSync(file)) return out;
  const sheets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, SheetEntry | string>;
  const catalogueFile = path.join(dir, 'onestop-catalogue.json');
  const catalogue = existsSync(catalogueFile)
    ? (JSON.parse(readFileSync(catalogueFile, 'utf8')) as { bpmnProcessId?: string; legalBasis?: string; agencies?: { bpmnProcessId?: string }[] }[])
    : [];
  for (const [id, s] of Object.entries(sheets)) {
    if (id.startsWith('$') || typeof s !== 'object') continue;
    const citations = (s.citations ?? [])
      .map((c) => ({
        kind: str(c.kind) || 'other',
        number: str(c.number),
        issuer: str(c.issuer),
        signedOn: typeof c.signedOn === 'string' && DAY.test(c.signedOn) ? c.signedOn : null,
        title: str(c.title),
        article: str(c.article),
      }))
      .filter((c) => c.number !== '');
    // the entry's own process, or the process of one of the agencies offering it
    const entry = catalogue.find((e) => e.bpmnProcessId === id || e.agencies?.some((a) => a.bpmnProcessId === id));
    // without citations nor a note of its own, a one-stop procedure's note is its catalogue entry's documents, one per line
    const note =
      s.legalNote ??
      (s.legalBasis?.length ? s.legalBasis.join('\n') : !citations.length && entry?.legalBasis ? legalDocumentsOf(entry.legalBasis).join('\n') : '');
    out.set(id, {
      code: s.code?.trim() ?? '',
      purpose: s.purpose?.trim() ?? '',
      scope: s.scope?.trim() ?? '',
      citations,
      legalNote: note.trim(),
      formerLegalBasis: (s.formerLegalBasis ?? []).filter((l) => typeof l === 'string'),
    });
  }
  return out;
}

/** Forms named by the model's formKey="app:<id>" attributes, from the given bundled forms. */
export function formsOf(xml: string, forms: Record<string, unknown>): Record<string, unknown> {
  const named = new Set([...xml.matchAll(/formKey="app:([^"]+)"/g)].map((m) => m[1]));
  return Object.fromEntries(Object.entries(forms).filter(([id]) => named.has(id)));
}

/** Every bundled model of `dir` (processes/*.bpmn, file name = process id) with its forms, by file name. */
export function readBundledFiles(dir = PROCESSES_DIR, only?: string[]): BundledFile[] {
  const forms = loadBundledForms(path.join(dir, 'forms'));
  const sheets = readBundledSheets(dir);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn') && (!only || only.includes(f.replace(/\.bpmn$/, ''))))
    .sort()
    .map((file) => {
      const xml = readFileSync(path.join(dir, file), 'utf8');
      const bpmnProcessId = file.replace(/\.bpmn$/, '');
      const sheet = sheets.get(bpmnProcessId);
      return { resourceName: file, bpmnProcessId, xml, forms: formsOf(xml, forms), ...(sheet ? { sheet } : {}) };
    });
}
