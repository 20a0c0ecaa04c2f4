import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { PROCESSES_DIR } from '../../engine/bundled.js';
import { AGENCY_EID } from './code.js';
import { problem, type Problem } from '../../lib/errors.js';
import { TIME_LIMIT_UNITS, type TimeLimitUnit } from '../deadlines/calendar/index.js';
import { publishedVersionToStart } from '../procedures/bundled.js';
import { SCAN_EXEMPTIONS, type ScanExemption } from './scan-exemptions.js';

/** One procedure of the catalogue in the import format (processes/ONESTOP.md "Catalogue file"). */
export interface CatalogueEntry {
  code: string;
  name: string;
  field: string;
  agencyCode: string;
  agencyName: string;
  deskUnitCode: string;
  agencyEid: string;
  /** the limit's value in its legal unit (0 for within_day) */
  timeLimitDays: number;
  /** the legal unit the legal basis states; absent in old files = working_days */
  timeLimitUnit: TimeLimitUnit;
  fees: { name: string; amount: number; note: string }[];
  requiredDocuments: { code: string; name: string; copies: number; mandatory: boolean; scanExempt?: ScanExemption }[];
  result: string;
  onlineLevel: 'full' | 'partial';
  legalBasis: string;
  bpmnProcessId: string;
  processVersion: number | null;
  active: boolean;
}

/** A refused row: its number (JSON: 1 = first entry; CSV: the line, 2 = first line after the header), its code if any, and why. */
export interface RowError {
  row: number;
  code: string | null;
  message: string;
  /** The same reasons, each with a code and its params (shown in the reader's language). */
  problems: Problem[];
}

export const CATALOGUE_COLUMNS = [
  'code',
  'name',
  'field',
  'agencyCode',
  'agencyName',
  'deskUnitCode',
  'agencyEid',
  'timeLimitDays',
  'timeLimitUnit',
  'fees',
  'requiredDocuments',
  'result',
  'onlineLevel',
  'legalBasis',
  'bpmnProcessId',
  'processVersion',
] as const;

export interface ProcedureRow {
  code: string;
  name: string;
  field: string;
  agency_code: string;
  agency_name: string;
  desk_unit_code: string;
  agency_eid: string;
  time_limit_days: string | number;
  time_limit_unit: TimeLimitUnit;
  fees: CatalogueEntry['fees'];
  required_documents: CatalogueEntry['requiredDocuments'];
  result: string;
  online_level: 'full' | 'partial';
  legal_basis: string;
  bpmn_process_id: string;
  process_version: number | null;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export const toEntry = (r: ProcedureRow): CatalogueEntry => ({
  code: r.code,
  name: r.name,
  field: r.field,
  agencyCode: r.agency_code,
  agencyName: r.agency_name,
  deskUnitCode: r.desk_unit_code,
  agencyEid: r.agency_eid,
  timeLimitDays: Number(r.time_limit_days),
  timeLimitUnit: r.time_limit_unit ?? 'working_days',
  fees: r.fees,
  requiredDocuments: r.required_documents,
  result: r.result,
  onlineLevel: r.online_level,
  legalBasis: r.legal_basis,
  bpmnProcessId: r.bpmn_process_id,
  processVersion: r.process_version,
  active: r.active,
});

/**
 * Procedures of the catalogue, by field then name: the active ones, or all with `all`; `q` keeps those
 * whose name, code or field contains it (any case).
 */
export async function listProcedures(db: Knex | Knex.Transaction, o: { all?: boolean; q?: string } = {}): Promise<ProcedureRow[]> {
  const q = db('onestop_procedures').orderBy('field').orderBy('name');
  if (!o.all) q.where({ active: true });
  if (o.q) q.where((w) => w.whereILike('name', `%${o.q}%`).orWhereILike('code', `%${o.q}%`).orWhereILike('field', `%${o.q}%`));
  return (await q.select('*')) as ProcedureRow[];
}

/** The procedure of a code (active or not), or undefined. */
export async function findProcedure(db: Knex | Knex.Transaction, code: string): Promise<ProcedureRow | undefined> {
  return (await db('onestop_procedures').where({ code }).first()) as ProcedureRow | undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : undefined);

/**
 * Checks one entry and normalises it; returns the problems in Vietnamese / English, one per field.
 * Accepts numbers written as strings (CSV) and fees / requiredDocuments as JSON text.
 */
export function checkEntry(raw: unknown): { entry?: CatalogueEntry; problems: Problem[] } {
  const problems: Problem[] = [];
  if (!isObj(raw)) return { problems: [problem('CATALOGUE_ROW_NOT_OBJECT', {}, 'Dòng không phải một đối tượng / The row is not an object')] };
  const str = (key: string, max: number, required = true): string => {
    const v = text(raw[key]);
    if (v === undefined || v === '') {
      if (required) problems.push(problem('CATALOGUE_FIELD_MISSING', { field: key }, `thiếu ${key} / ${key} is missing`));
      return '';
    }
    if (v.length > max)
      problems.push(problem('CATALOGUE_FIELD_TOO_LONG', { field: key, max }, `${key} dài quá ${max} ký tự / ${key} is longer than ${max} characters`));
    return v;
  };
  const code = str('code', 50);
  if (code && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(code))
    problems.push(
      problem('CATALOGUE_CODE_CHARACTERS', { value: code }, `code "${code}" chỉ gồm chữ, số, dấu chấm, gạch / code may hold letters, digits, dots, dashes`),
    );
  const name = str('name', 500);
  const field = str('field', 200);
  const agencyCode = str('agencyCode', 50);
  const agencyName = str('agencyName', 300);
  const deskUnitCode = str('deskUnitCode', 50);
  const agencyEid = str('agencyEid', 35);
  if (agencyEid && !AGENCY_EID.test(agencyEid))
    problems.push(
      problem(
        'CATALOGUE_AGENCY_EID',
        { value: agencyEid },
        `agencyEid "${agencyEid}" không đúng mã định danh (chữ in hoa, số, dấu chấm) / agencyEid must be capitals, digits and dots`,
      ),
    );
  const limitUnit = text(raw.timeLimitUnit) || 'working_days';
  const knownUnit = TIME_LIMIT_UNITS.includes(limitUnit as TimeLimitUnit);
  if (!knownUnit)
    problems.push(
      problem(
        'CATALOGUE_TIME_LIMIT_UNIT',
        { value: limitUnit },
        `timeLimitUnit "${limitUnit}" phải là working_days, calendar_days, hours hoặc within_day / timeLimitUnit must be working_days, calendar_days, hours or within_day`,
      ),
    );
  const rawDays = text(raw.timeLimitDays);
  const days = rawDays === undefined || rawDays === '' ? (limitUnit === 'within_day' ? 0 : NaN) : Number(rawDays);
  if ((rawDays === undefined || rawDays === '') && limitUnit !== 'within_day')
    problems.push(problem('CATALOGUE_FIELD_MISSING', { field: 'timeLimitDays' }, 'thiếu timeLimitDays / timeLimitDays is missing'));
  else if (!knownUnit) {
    // the unit's problem says it all
  } else if (limitUnit === 'within_day') {
    if (days !== 0)
      problems.push(
        problem(
          'CATALOGUE_TIME_LIMIT_WITHIN_DAY',
          { value: rawDays ?? '' },
          `timeLimitDays "${rawDays}" phải là 0 với within_day / timeLimitDays must be 0 for within_day`,
        ),
      );
  } else if (limitUnit === 'calendar_days') {
    if (!Number.isInteger(days) || days < 1 || days > 1000)
      problems.push(
        problem(
          'CATALOGUE_TIME_LIMIT_CALENDAR',
          { value: rawDays ?? '' },
          `timeLimitDays "${rawDays}" phải là số ngày nguyên từ 1 đến 1000 / timeLimitDays must be a whole number of days from 1 to 1000`,
        ),
      );
  } else if (limitUnit === 'hours') {
    if (!Number.isFinite(days) || days <= 0 || days > 8000 || Math.round(days * 2) !== days * 2)
      problems.push(
        problem(
          'CATALOGUE_TIME_LIMIT_HOURS',
          { value: rawDays ?? '' },
          `timeLimitDays "${rawDays}" phải là số giờ làm việc > 0, bội của 0,5 / timeLimitDays must be a positive number of working hours in half hours`,
        ),
      );
  } else if (!Number.isFinite(days) || days <= 0 || days > 1000 || Math.round(days * 2) !== days * 2) {
    problems.push(
      problem(
        'CATALOGUE_TIME_LIMIT',
        { value: text(raw.timeLimitDays) ?? '' },
        `timeLimitDays "${text(raw.timeLimitDays)}" phải là số ngày làm việc > 0, bội của 0,5 / timeLimitDays must be a positive number of working days in half days`,
      ),
    );
  }
  const list = (key: string): unknown[] => {
    let v = raw[key];
    if (v === undefined || v === null || v === '') return [];
    if (typeof v === 'string') {
      try {
        v = JSON.parse(v);
      } catch {
        problems.push(problem('CATALOGUE_FIELD_JSON', { field: key }, `${key} không phải JSON hợp lệ / ${key} is not valid JSON`));
        return [];
      }
    }
    if (!Array.isArray(v)) {
      problems.push(problem('CATALOGUE_FIELD_ARRAY', { field: key }, `${key} phải là một danh sách / ${key} must be an array`));
      return [];
    }
    return v;
  };
  const fees: CatalogueEntry['fees'] = [];
  list('fees').forEach((f, i) => {
    const amount = isObj(f) ? Number(f.amount) : NaN;
    if (!isObj(f) || !text(f.name) || !Number.isInteger(amount) || amount < 0) {
      problems.push(
        problem('CATALOGUE_FEE', { index: i }, `fees[${i}] cần name và amount (số nguyên VND ≥ 0) / fees[${i}] needs a name and an amount (whole VND ≥ 0)`),
      );
      return;
    }
    fees.push({ name: text(f.name)!, amount, note: text(f.note) ?? '' });
  });
  const docs: CatalogueEntry['requiredDocuments'] = [];
  list('requiredDocuments').forEach((d, i) => {
    if (!isObj(d) || !text(d.code) || !text(d.name)) {
      problems.push(problem('CATALOGUE_DOCUMENT', { index: i }, `requiredDocuments[${i}] cần code và name / requiredDocuments[${i}] needs a code and a name`));
      return;
    }
    const copies = d.copies === undefined || d.copies === null || d.copies === '' ? 1 : Number(d.copies);
    if (!Number.isInteger(copies) || copies < 1 || copies > 100)
      problems.push(
        problem('CATALOGUE_DOCUMENT_COPIES', { index: i }, `requiredDocuments[${i}].copies phải là số nguyên 1..100 / copies must be a whole number 1..100`),
      );
    if (docs.some((x) => x.code === text(d.code)))
      problems.push(
        problem(
          'CATALOGUE_DOCUMENT_DUPLICATE',
          { value: text(d.code)! },
          `requiredDocuments: mã giấy tờ "${text(d.code)}" bị trùng / duplicate document code "${text(d.code)}"`,
        ),
      );
    const mandatory = d.mandatory === undefined ? true : d.mandatory === true || d.mandatory === 'true';
    if (d.mandatory !== undefined && typeof d.mandatory !== 'boolean' && d.mandatory !== 'true' && d.mandatory !== 'false')
      problems.push(
        problem('CATALOGUE_DOCUMENT_MANDATORY', { index: i }, `requiredDocuments[${i}].mandatory phải là true/false / mandatory must be true or false`),
      );
    docs.push({ code: text(d.code)!, name: text(d.name)!, copies, mandatory, ...scanExemptOf(d.scanExempt, i, problems) });
  });
  const result = str('result', 10_000);
  const onlineLevel = str('onlineLevel', 10);
  if (onlineLevel && onlineLevel !== 'full' && onlineLevel !== 'partial')
    problems.push(
      problem(
        'CATALOGUE_ONLINE_LEVEL',
        { value: onlineLevel },
        `onlineLevel "${onlineLevel}" phải là full (toàn trình) hoặc partial (một phần) / onlineLevel must be full or partial`,
      ),
    );
  const legalBasis = str('legalBasis', 20_000, false);
  const bpmnProcessId = str('bpmnProcessId', 200);
  if (bpmnProcessId && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(bpmnProcessId))
    problems.push(problem('CATALOGUE_PROCESS_ID', { value: bpmnProcessId }, `bpmnProcessId "${bpmnProcessId}" không hợp lệ / invalid bpmnProcessId`));
  let processVersion: number | null = null;
  const pv = text(raw.processVersion);
  if (pv !== undefined && pv !== '') {
    processVersion = Number(pv);
    if (!Number.isInteger(processVersion) || processVersion < 1)
      problems.push(
        problem(
          'CATALOGUE_PROCESS_VERSION',
          { value: pv },
          `processVersion "${pv}" phải là số nguyên ≥ 1 hoặc để trống (bản mới nhất) / processVersion must be a whole number ≥ 1 or empty (latest)`,
        ),
      );
  }
  const act = raw.active;
  const active = act === undefined || act === null || act === '' ? true : act === true || act === 'true';
  if (problems.length) return { problems };
  return {
    problems,
    entry: {
      code,
      name,
      field,
      agencyCode,
      agencyName,
      deskUnitCode,
      agencyEid,
      timeLimitDays: days,
      timeLimitUnit: limitUnit as TimeLimitUnit,
      fees,
      requiredDocuments: docs,
      result,
      onlineLevel: onlineLevel as 'full' | 'partial',
      legalBasis,
      bpmnProcessId,
      processVersion,
      active,
    },
  };
}

/** Checks every entry (and, when `db` is given, that the units it names exist); all problems, one per row. */
export async function checkEntries(
  rows: unknown[],
  db?: Knex | Knex.Transaction,
  rowNumbers?: number[],
): Promise<{ entries: CatalogueEntry[]; errors: RowError[] }> {
  const errors: RowError[] = [];
  const entries: CatalogueEntry[] = [];
  const seen = new Map<string, number>();
  const units = db ? new Set<string>(await db('org_units').pluck('code')) : undefined;
  rows.forEach((raw, i) => {
    const { entry, problems } = checkEntry(raw);
    const code = entry?.code ?? (isObj(raw) ? (text(raw.code) ?? null) : null);
    if (units && isObj(raw)) {
      for (const key of ['agencyCode', 'deskUnitCode'] as const) {
        const unit = text(raw[key]);
        if (unit && !units.has(unit))
          problems.push(problem('CATALOGUE_UNKNOWN_UNIT', { field: key, unit }, `${key}: không có đơn vị "${unit}" / no unit "${unit}"`));
      }
    }
    const row = rowNumbers?.[i] ?? i + 1;
    if (code && seen.has(code))
      problems.push(
        problem(
          'CATALOGUE_DUPLICATE_CODE',
          { value: code, row: seen.get(code)! },
          `mã thủ tục "${code}" trùng với dòng ${seen.get(code)} / code "${code}" repeats row ${seen.get(code)}`,
        ),
      );
    if (code && !seen.has(code)) seen.set(code, row);
    if (problems.length || !entry) errors.push({ row, code, message: problems.map((p) => p.message).join('; '), problems });
    else entries.push(entry);
  });
  return { entries, errors };
}

const toRow = (e: CatalogueEntry) => ({
  code: e.code,
  name: e.name,
  field: e.field,
  agency_code: e.agencyCode,
  agency_name: e.agencyName,
  desk_unit_code: e.deskUnitCode,
  agency_eid: e.agencyEid,
  time_limit_days: e.timeLimitDays,
  time_limit_unit: e.timeLimitUnit,
  fees: JSON.stringify(e.fees),
  required_documents: JSON.stringify(e.requiredDocuments),
  result: e.result,
  online_level: e.onlineLevel,
  legal_basis: e.legalBasis,
  bpmn_process_id: e.bpmnProcessId,
  process_version: e.processVersion,
  active: e.active,
});

/** JSON with sorted keys (jsonb does not keep the key order). */
const canonical = (v: unknown): string =>
  Array.isArray(v)
    ? `[${v.map(canonical).join(',')}]`
    : v && typeof v === 'object'
      ? `{${Object.keys(v)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(v);
const same = (a: CatalogueEntry, b: CatalogueEntry) => canonical(a) === canonical(b);

export interface UpsertOutcome {
  created: string[];
  updated: string[];
  unchanged: string[];
}

/** Inserts new procedures and updates changed ones (by code), in one transaction; unchanged rows are left alone. */
export async function upsertEntries(db: Knex, entries: CatalogueEntry[]): Promise<UpsertOutcome> {
  const out: UpsertOutcome = { created: [], updated: [], unchanged: [] };
  if (!entries.length) return out;
  await db.transaction(async (trx) => {
    const existing = new Map<string, CatalogueEntry>(
      (
        (await trx('onestop_procedures')
          .whereIn(
            'code',
            entries.map((e) => e.code),
          )
          .forUpdate()
          .select('*')) as ProcedureRow[]
      ).map((r) => [r.code, toEntry(r)]),
    );
    for (const e of entries) {
      const before = existing.get(e.code);
      if (!before) {
        await trx('onestop_procedures')
          .insert(toRow(e))
          .onConflict('code')
          .merge({ ...toRow(e), updated_at: trx.fn.now() });
        out.created.push(e.code);
      } else if (!same(before, e)) {
        await trx('onestop_procedures')
          .where({ code: e.code })
          .update({ ...toRow(e), updated_at: trx.fn.now() });
        out.updated.push(e.code);
      } else out.unchanged.push(e.code);
    }
  });
  return out;
}

/**
 * Creates or replaces the procedure `code` with the checked entries (checkEntries of that one entry,
 * upsertEntries); the procedure before (null if new) and after, as read by `code`.
 */
export async function saveProcedure(db: Knex, code: string, entries: CatalogueEntry[]): Promise<{ before: CatalogueEntry | null; after: CatalogueEntry }> {
  const before = await findProcedure(db, code);
  await upsertEntries(db, entries);
  const saved = await findProcedure(db, code);
  // The entries were checked under this code (checkEntries trims it): anything else is a caller's mistake.
  if (!saved) throw new Error(`saveProcedure: no procedure ${JSON.stringify(code)} after saving ${entries.map((e) => e.code).join(', ')}`);
  const after = toEntry(saved);
  return { before: before ? toEntry(before) : null, after };
}

/** A refusal of the whole file (row 0) with its one problem. */
const rowProblem = (row: number, p: Problem): RowError => ({ row, code: null, message: p.message, problems: [p] });

/**
 * Reads a CSV catalogue (header line with the JSON keys; fees and requiredDocuments as JSON text in
 * their cells; `,` or `;` separated, UTF-8 with or without BOM) into plain objects, cells as text.
 */
export async function parseCatalogueCsv(csv: string): Promise<{ rows: Record<string, string>[]; lines: number[]; errors: RowError[] }> {
  const body = csv.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const wb = new ExcelJS.Workbook();
  let ws: ExcelJS.Worksheet;
  try {
    ws = await wb.csv.read(Readable.from([body]), { map: (v: unknown) => v, parserOptions: { delimiter, trim: true } });
  } catch (err) {
    return {
      rows: [],
      lines: [],
      errors: [
        rowProblem(0, problem('CSV_UNREADABLE', { detail: (err as Error).message }, `Tệp CSV không đọc được / Unreadable CSV: ${(err as Error).message}`)),
      ],
    };
  }
  const cells = (r: ExcelJS.Row) => {
    const values = r.values as unknown[];
    return values.slice(1).map((v) => (v === null || v === undefined ? '' : String(v)));
  };
  const header = ws.rowCount ? cells(ws.getRow(1)).map((h) => h.trim()) : [];
  const missing = CATALOGUE_COLUMNS.filter((c) => !['legalBasis', 'processVersion', 'fees', 'timeLimitUnit'].includes(c) && !header.includes(c));
  if (!header.length || missing.length) {
    return {
      rows: [],
      lines: [],
      errors: [
        rowProblem(
          0,
          problem(
            'CSV_HEADER_MISSING',
            { columns: missing.join(', ') },
            `Dòng tiêu đề thiếu cột: ${missing.join(', ')} / The header line lacks the columns: ${missing.join(', ')}`,
          ),
        ),
      ],
    };
  }
  const rows: Record<string, string>[] = [];
  const lines: number[] = [];
  for (let i = 2; i <= ws.rowCount; i++) {
    const values = cells(ws.getRow(i));
    if (values.every((v) => v.trim() === '')) continue;
    rows.push(Object.fromEntries(header.map((h, j) => [h, values[j] ?? ''])));
    lines.push(i);
  }
  return { rows, lines, errors: [] };
}

export const BUNDLED_CATALOGUE = path.join(PROCESSES_DIR, 'onestop-catalogue.json');

/**
 * Imports processes/onestop-catalogue.json when it exists (idempotent: unchanged entries stay as they
 * are). The units it names come with the demo organisation, so they are not required here.
 */
export async function importBundledCatalogue(db: Knex, file = BUNDLED_CATALOGUE): Promise<UpsertOutcome | null> {
  if (!existsSync(file)) return null;
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: the catalogue must be a JSON array`);
  const { entries, errors } = await checkEntries(data);
  if (errors.length) throw new Error(`${file}: ${errors.map((e) => `row ${e.row} (${e.code ?? '?'}): ${e.message}`).join(' | ')}`);
  return upsertEntries(db, entries);
}

/**
 * The catalogue entry's procedure (issue 16): the entry names the modeler's procedure by its process
 * id, and a dossier starts the version the entry pins, else the procedure's newest published version
 * (a designer's version 2 is what new dossiers start; running dossiers keep theirs). Null when the
 * process is no procedure of the modeler (then the latest deployed version starts, as before).
 */
export async function versionToStart(db: Knex | Knex.Transaction, entry: Pick<ProcedureRow, 'bpmn_process_id' | 'process_version'>): Promise<number | null> {
  return entry.process_version ?? (await publishedVersionToStart(db, entry.bpmn_process_id));
}

/** Codes of the catalogue entries (active or not) that start the given process. */
export async function entriesOfProcess(db: Knex | Knex.Transaction, bpmnProcessId: string): Promise<string[]> {
  return db('onestop_procedures').where({ bpmn_process_id: bpmnProcessId }).orderBy('code').pluck('code');
}

/**
 * requiredDocuments[i].scanExempt: absent (the desk scans the document at an in-person receipt) or one
 * of SCAN_EXEMPTIONS (domain/onestop/scan-exemptions.ts); anything else is a problem of the row.
 */
function scanExemptOf(v: unknown, i: number, problems: Problem[]): { scanExempt?: ScanExemption } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'string' && (SCAN_EXEMPTIONS as readonly string[]).includes(v)) return { scanExempt: v as ScanExemption };
  problems.push(
    problem(
      'CATALOGUE_DOCUMENT_SCAN_EXEMPT',
      { index: i, allowed: SCAN_EXEMPTIONS.join(', ') },
      `requiredDocuments[${i}].scanExempt phải là một trong ${SCAN_EXEMPTIONS.join(', ')} / scanExempt must be one of ${SCAN_EXEMPTIONS.join(', ')}`,
    ),
  );
  return {};
}
