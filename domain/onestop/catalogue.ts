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
  /**
   * The competent agencies offering the procedure (issue 17 item 10), first the one of the top-level
   * fields; absent in old files = that one only. Each has its desk, its e-ID (dossier codes) and may
   * run its own process (its units); null = the procedure's bpmnProcessId / processVersion.
   */
  agencies: AgencyOffering[];
}

/** One competent agency offering a procedure. */
export interface AgencyOffering {
  agencyCode: string;
  agencyName: string;
  deskUnitCode: string;
  agencyEid: string;
  bpmnProcessId: string | null;
  processVersion: number | null;
}

/** The most agencies one procedure lists (a province has about a hundred communes). */
export const MAX_AGENCIES = 500;

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
  'agencies',
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
  /** its onestop_procedure_agencies rows, by position (attached by listProcedures / findProcedure) */
  agencies?: AgencyRow[];
}

export interface AgencyRow {
  procedure_code: string;
  agency_code: string;
  agency_name: string;
  desk_unit_code: string;
  agency_eid: string;
  bpmn_process_id: string | null;
  process_version: number | null;
  position: number;
}

const toOffering = (a: AgencyRow): AgencyOffering => ({
  agencyCode: a.agency_code,
  agencyName: a.agency_name,
  deskUnitCode: a.desk_unit_code,
  agencyEid: a.agency_eid,
  bpmnProcessId: a.bpmn_process_id,
  processVersion: a.process_version,
});

/** The procedure row's own agency as an offering (the first one). */
const ownOffering = (r: Pick<ProcedureRow, 'agency_code' | 'agency_name' | 'desk_unit_code' | 'agency_eid'>): AgencyOffering => ({
  agencyCode: r.agency_code,
  agencyName: r.agency_name,
  deskUnitCode: r.desk_unit_code,
  agencyEid: r.agency_eid,
  bpmnProcessId: null,
  processVersion: null,
});

/** The agencies of the procedures `codes`, by procedure then position. */
export async function agencyRowsOf(db: Knex | Knex.Transaction, codes: string[]): Promise<Map<string, AgencyRow[]>> {
  const out = new Map<string, AgencyRow[]>();
  if (!codes.length) return out;
  const rows = (await db('onestop_procedure_agencies')
    .whereIn('procedure_code', codes)
    .orderBy('procedure_code')
    .orderBy('position')
    .orderBy('agency_code')
    .select('*')) as AgencyRow[];
  for (const r of rows) out.set(r.procedure_code, [...(out.get(r.procedure_code) ?? []), r]);
  return out;
}

async function withAgencies<T extends ProcedureRow>(db: Knex | Knex.Transaction, rows: T[]): Promise<T[]> {
  const byCode = await agencyRowsOf(
    db,
    rows.map((r) => r.code),
  );
  return rows.map((r) => ({ ...r, agencies: byCode.get(r.code) ?? [] }));
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
  // Rows written before the agencies table (or by other tools) offer their own agency only.
  agencies: r.agencies?.length ? r.agencies.map(toOffering) : [ownOffering(r)],
});

/**
 * Procedures of the catalogue, by field then name: the active ones, or all with `all`; `q` keeps those
 * whose name, code or field contains it (any case).
 */
export async function listProcedures(db: Knex | Knex.Transaction, o: { all?: boolean; q?: string } = {}): Promise<ProcedureRow[]> {
  const q = db('onestop_procedures').orderBy('field').orderBy('name');
  if (!o.all) q.where({ active: true });
  if (o.q) q.where((w) => w.whereILike('name', `%${o.q}%`).orWhereILike('code', `%${o.q}%`).orWhereILike('field', `%${o.q}%`));
  return withAgencies(db, (await q.select('*')) as ProcedureRow[]);
}

/** The names of the one-stop desks (units some agency names as its desk), by code. */
export async function deskNames(db: Knex | Knex.Transaction): Promise<Map<string, string>> {
  const rows: { code: string; name: string }[] = await db('org_units')
    .whereIn('code', db('onestop_procedure_agencies').distinct('desk_unit_code'))
    .select('code', 'name');
  return new Map(rows.map((r) => [r.code, r.name]));
}

/** The procedure of a code (active or not), or undefined. */
export async function findProcedure(db: Knex | Knex.Transaction, code: string): Promise<ProcedureRow | undefined> {
  const row = (await db('onestop_procedures').where({ code }).first()) as ProcedureRow | undefined;
  return row ? (await withAgencies(db, [row]))[0] : undefined;
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
  const agencies = checkAgencies(list('agencies'), { agencyCode, agencyName, deskUnitCode, agencyEid, bpmnProcessId: null, processVersion: null }, problems);
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
      agencies,
    },
  };
}

/**
 * The `agencies` of an entry: the top-level agency first, then the others in the order given. An item
 * naming the top-level agency must agree with its desk and e-ID (it is the same offering); every agency
 * appears once; an item's own process is optional (empty = the procedure's).
 */
function checkAgencies(items: unknown[], own: AgencyOffering, problems: Problem[]): AgencyOffering[] {
  const out: AgencyOffering[] = [own];
  if (items.length > MAX_AGENCIES) {
    problems.push(
      problem(
        'CATALOGUE_AGENCIES_TOO_MANY',
        { max: MAX_AGENCIES },
        `agencies có quá ${MAX_AGENCIES} cơ quan / agencies lists more than ${MAX_AGENCIES} agencies`,
      ),
    );
    return out;
  }
  items.forEach((a, i) => {
    const get = (k: string) => (isObj(a) ? (text(a[k]) ?? '') : '');
    const o = { agencyCode: get('agencyCode'), agencyName: get('agencyName'), deskUnitCode: get('deskUnitCode'), agencyEid: get('agencyEid') };
    const pid = get('bpmnProcessId');
    const pv = get('processVersion');
    if (!isObj(a) || !o.agencyCode || !o.deskUnitCode || !o.agencyEid)
      return problems.push(
        problem(
          'CATALOGUE_AGENCY',
          { index: i },
          `agencies[${i}] cần agencyCode, deskUnitCode và agencyEid / agencies[${i}] needs agencyCode, deskUnitCode and agencyEid`,
        ),
      );
    const max = { agencyCode: 50, deskUnitCode: 50, agencyName: 300 } as const;
    for (const k of Object.keys(max) as (keyof typeof max)[])
      if (o[k].length > max[k]) {
        const field = `agencies[${i}].${k}`;
        problems.push(
          problem('CATALOGUE_FIELD_TOO_LONG', { field, max: max[k] }, `${field} dài quá ${max[k]} ký tự / ${field} is longer than ${max[k]} characters`),
        );
        return;
      }
    if (o.agencyEid.length > 35 || !AGENCY_EID.test(o.agencyEid))
      return problems.push(
        problem(
          'CATALOGUE_AGENCY_EID',
          { value: o.agencyEid },
          `agencyEid "${o.agencyEid}" không đúng mã định danh (chữ in hoa, số, dấu chấm) / agencyEid must be capitals, digits and dots`,
        ),
      );
    if (pid && (pid.length > 200 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(pid)))
      return problems.push(problem('CATALOGUE_PROCESS_ID', { value: pid }, `bpmnProcessId "${pid}" không hợp lệ / invalid bpmnProcessId`));
    const version = pv === '' ? null : Number(pv);
    if (version !== null && (!Number.isInteger(version) || version < 1 || !pid))
      return problems.push(
        problem(
          'CATALOGUE_AGENCY_VERSION',
          { index: i },
          `agencies[${i}].processVersion phải là số nguyên ≥ 1, đi cùng bpmnProcessId / agencies[${i}].processVersion must be a whole number ≥ 1 given with bpmnProcessId`,
        ),
      );
    if (o.agencyCode === own.agencyCode) {
      if (o.deskUnitCode !== own.deskUnitCode || o.agencyEid !== own.agencyEid || pid)
        problems.push(
          problem(
            'CATALOGUE_AGENCY_PRIMARY',
            { agency: o.agencyCode },
            `${o.agencyCode} là cơ quan chính của thủ tục: deskUnitCode và agencyEid phải trùng, không có quy trình riêng / ${o.agencyCode} is the procedure's own agency: same desk and e-ID, no process of its own`,
          ),
        );
      return;
    }
    if (out.some((x) => x.agencyCode === o.agencyCode))
      return problems.push(problem('CATALOGUE_AGENCY_DUPLICATE', { agency: o.agencyCode }, `cơ quan ${o.agencyCode} bị lặp / agency ${o.agencyCode} repeats`));
    out.push({ ...o, agencyName: o.agencyName || o.agencyCode, bpmnProcessId: pid || null, processVersion: version });
  });
  return out;
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
      entry?.agencies.slice(1).forEach((a, j) => {
        for (const key of ['agencyCode', 'deskUnitCode'] as const) {
          const field = `agencies[${j}].${key}`;
          if (!units.has(a[key]))
            problems.push(problem('CATALOGUE_UNKNOWN_UNIT', { field, unit: a[key] }, `${field}: không có đơn vị "${a[key]}" / no unit "${a[key]}"`));
        }
      });
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

/** Replaces the procedure's agencies with the entry's (the first is the procedure row's own). */
async function writeAgencies(trx: Knex.Transaction, e: CatalogueEntry): Promise<void> {
  await trx('onestop_procedure_agencies').where({ procedure_code: e.code }).delete();
  await trx('onestop_procedure_agencies').insert(
    e.agencies.map((a, position) => ({
      procedure_code: e.code,
      agency_code: a.agencyCode,
      agency_name: a.agencyName,
      desk_unit_code: a.deskUnitCode,
      agency_eid: a.agencyEid,
      bpmn_process_id: a.bpmnProcessId,
      process_version: a.processVersion,
      position,
    })),
  );
}

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
        await trx('onestop_procedures')
          .whereIn(
            'code',
            entries.map((e) => e.code),
          )
          .forUpdate()
          .select('*')
          .then((rows) => withAgencies(trx, rows as ProcedureRow[]))
      ).map((r) => [r.code, toEntry(r)]),
    );
    for (const e of entries) {
      const before = existing.get(e.code);
      if (!before) {
        await trx('onestop_procedures')
          .insert(toRow(e))
          .onConflict('code')
          .merge({ ...toRow(e), updated_at: trx.raw('eiso_now()') });
        await writeAgencies(trx, e);
        out.created.push(e.code);
      } else if (!same(before, e)) {
        await trx('onestop_procedures')
          .where({ code: e.code })
          .update({ ...toRow(e), updated_at: trx.raw('eiso_now()') });
        await writeAgencies(trx, e);
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
  const missing = CATALOGUE_COLUMNS.filter((c) => !['legalBasis', 'processVersion', 'fees', 'timeLimitUnit', 'agencies'].includes(c) && !header.includes(c));
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
  // and those an agency runs with its own process (its units)
  const own = db('onestop_procedure_agencies').where({ bpmn_process_id: bpmnProcessId }).select('procedure_code');
  return db('onestop_procedures')
    .where((w) => w.where({ bpmn_process_id: bpmnProcessId }).orWhereIn('code', own))
    .orderBy('code')
    .pluck('code');
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
