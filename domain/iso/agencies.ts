import type { Knex } from 'knex';
import type { CurrentUser } from '../../api/schemas/auth.js';
import { subtreeCodes } from '../audit/case-search.js';
import { fail } from '../../lib/errors.js';

/**
 * One quality system per agency (issue 17, item 5). Every department and commune keeps its own ISO
 * registers on the platform; iso_systems says who holds its ISO roles (migrations/20261209040000):
 * - the ISO secretariat unit: its officers are the ISO secretaries, its leader the management representative;
 * - the Office: receives nonconformities and complaints, verifies and closes them;
 * - the agency's own leaders (group "<agency>/leader"): approve, conclude, issue.
 * An agency without a row has every role held by its own unit ("<agency>/officer", "<agency>/leader").
 * The agency of a unit is the unit or its nearest ancestor that is a department or a commune (or has a
 * quality system); a unit above all of them (the province) belongs to the default agency's register.
 */

type Db = Knex | Knex.Transaction;

export interface IsoSystem {
  agencyCode: string;
  secretariatUnitCode: string;
  officeUnitCode: string;
  isDefault: boolean;
}

/** The agency whose register keeps a record about this unit (the default agency when none is found). */
export async function agencyOfUnit(db: Db, unitCode: string | null | undefined): Promise<string> {
  const { rows } = await db.raw('SELECT iso_agency_of(?::text) AS agency', [unitCode ?? null]);
  if (!rows[0]?.agency) throw new Error('Không có hệ thống ISO mặc định (iso_systems) / No default ISO system');
  return rows[0].agency;
}

/** The agency the unit itself belongs to, or null for a unit above every department and commune (no default). */
export async function ownAgency(db: Db, unitCode: string): Promise<string | null> {
  const { rows } = await db.raw(
    `WITH RECURSIVE up AS (
       SELECT id, code, kind, parent_id, 0 AS depth FROM org_units WHERE code = ?
       UNION ALL
       SELECT o.id, o.code, o.kind, o.parent_id, up.depth + 1 FROM org_units o JOIN up ON o.id = up.parent_id WHERE up.depth < 30
     )
     SELECT up.code FROM up
      WHERE up.kind IN ('department', 'commune') OR EXISTS (SELECT 1 FROM iso_systems s WHERE s.agency_code = up.code)
      ORDER BY up.depth LIMIT 1`,
    [unitCode],
  );
  return rows[0]?.code ?? null;
}

export async function isoSystemOf(db: Db, agency: string): Promise<IsoSystem> {
  const row = await db('iso_systems').where({ agency_code: agency }).first();
  return row
    ? { agencyCode: agency, secretariatUnitCode: row.secretariat_unit_code, officeUnitCode: row.office_unit_code, isDefault: row.is_default }
    : { agencyCode: agency, secretariatUnitCode: agency, officeUnitCode: agency, isDefault: false };
}

/** Records (or changes) who holds an agency's ISO roles; used by the demo seed and the tests. */
export async function upsertIsoSystem(db: Db, s: { agencyCode: string; secretariatUnitCode: string; officeUnitCode: string }): Promise<void> {
  await db('iso_systems')
    .insert({ agency_code: s.agencyCode, secretariat_unit_code: s.secretariatUnitCode, office_unit_code: s.officeUnitCode })
    .onConflict('agency_code')
    .merge(['secretariat_unit_code', 'office_unit_code', 'updated_at']);
}

/**
 * The process variables that carry the ISO roles of the record's agency: the BPMN files name these
 * (candidateGroups="=[eisoThuKyIso]"), never unit codes. Platform-owned (the eiso prefix): no start
 * or task completion may set them (engine/owned-variables.ts).
 */
export async function isoRoleVariables(db: Db, agency: string): Promise<Record<string, string>> {
  const s = await isoSystemOf(db, agency);
  return {
    eisoCoQuan: agency,
    eisoThuKyIso: `${s.secretariatUnitCode}/officer`,
    eisoDaiDienLanhDao: `${s.secretariatUnitCode}/leader`,
    eisoVanPhong: `${s.officeUnitCode}/officer`,
    eisoLanhDao: `${agency}/leader`,
  };
}

/**
 * Which agencies' registers a reader sees: null = all of them, side by side (administrators, and
 * leaders and auditors of the province: a unit above every department and commune); everyone else
 * their own agency's only.
 */
export interface IsoReach {
  agencies: string[] | null;
  /** the reader's own agency (null: province level) */
  agency: string | null;
  province: boolean;
}

export async function isoReach(db: Db, user: Pick<CurrentUser, 'roles' | 'unit'>): Promise<IsoReach> {
  const own = await ownAgency(db, user.unit.code);
  const province = user.roles.includes('admin') || (!own && (user.roles.includes('leader') || user.roles.includes('auditor')));
  if (province) return { agencies: null, agency: own, province: true };
  const agency = own ?? (await agencyOfUnit(db, user.unit.code));
  return { agencies: [agency], agency, province: false };
}

/** Narrows a register query to the reach (column `col`, e.g. "n.agency"). */
export const inReach =
  (reach: { agencies: string[] | null }, col = 'agency') =>
  (q: Knex.QueryBuilder) => {
    if (reach.agencies) q.whereIn(col, reach.agencies);
  };

/**
 * The unit codes (and the one-stop agency codes) whose records belong to these agencies: to narrow the
 * one-stop figures, which are kept per agency code.
 */
export async function unitCodesOfAgencies(db: Db, agencies: string[]): Promise<string[]> {
  const { rows } = await db.raw(
    `SELECT code FROM org_units WHERE iso_agency_of(code) = ANY(?::text[])
     UNION SELECT DISTINCT agency_code FROM onestop_procedures WHERE iso_agency_of(agency_code) = ANY(?::text[])`,
    [agencies, agencies],
  );
  return rows.map((r: { code: string }) => r.code);
}

/** Refuses units that do not belong to `agency` (400: their records would be kept by another agency's system). */
export async function unitsOutside(db: Db, agency: string, units: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const u of units) if ((await agencyOfUnit(db, u)) !== agency) out.push(u);
  return out;
}

/**
 * The candidate groups of each unit's internal audit (ISO 9001 9.2.2 c: auditors do not audit their own
 * work): the ISO secretaries, unless the audited unit (with the units below it) holds the secretariat;
 * then the officers and leaders of the agency's other units (none of the audited unit's members).
 * A unit none of whose candidates would be independent is listed in `none`.
 */
export async function auditorGroups(db: Db, agency: string, units: string[]): Promise<{ groups: Record<string, string[]>; none: string[] }> {
  const s = await isoSystemOf(db, agency);
  const agencyUnits = await subtreeCodes(db as Knex, agency);
  const groups: Record<string, string[]> = {};
  const none: string[] = [];
  for (const u of units) {
    const own = new Set(await subtreeCodes(db as Knex, u));
    if (!own.has(s.secretariatUnitCode)) groups[u] = [`${s.secretariatUnitCode}/officer`];
    else {
      const others = agencyUnits.filter((c) => !own.has(c)).flatMap((c) => [`${c}/officer`, `${c}/leader`]);
      if (others.length) groups[u] = others;
      else none.push(u);
    }
  }
  return { groups, none };
}

export interface AgencyOverview {
  agency: string;
  name: string | null;
  secretariatUnitCode: string;
  officeUnitCode: string;
  /** the agency has recorded who holds its ISO roles (else its own unit holds them) */
  configured: boolean;
  isDefault: boolean;
  nonconformities: { total: number; open: number; lateCases: number };
  documentsInForce: number;
  audits: number;
  reviews: number;
  risksOpen: number;
  complaints: number;
  objectives: number;
}

/** The province view: every agency with a quality system or a record, side by side, with its register counts. */
export async function agencyOverview(db: Db, year: number): Promise<AgencyOverview[]> {
  const counts = async (table: string, select: Record<string, string>, where?: (q: Knex.QueryBuilder) => void) => {
    const q = db(table)
      .groupBy('agency')
      .select('agency', ...Object.entries(select).map(([k, e]) => db.raw(`(${e})::int AS ??`, [k])));
    if (where) where(q);
    const rows: Record<string, unknown>[] = await q;
    return new Map(rows.map((r) => [String(r.agency), r]));
  };
  const inYear = (col: string) => (q: Knex.QueryBuilder) => q.whereRaw(`extract(year FROM ${col} AT TIME ZONE 'Asia/Ho_Chi_Minh') = ?`, [year]);
  const nc = await counts('iso_nonconformities', {
    total: 'count(*)',
    open: `count(*) FILTER (WHERE status <> 'closed')`,
    late: `count(*) FILTER (WHERE source_type = 'late_case')`,
  });
  const docs = await counts('iso_documents', { n: `count(*) FILTER (WHERE status = 'effective')` });
  const audits = await counts('iso_audits', { n: 'count(*)' }, (q) => q.where({ year }));
  const reviews = await counts('iso_reviews', { n: 'count(*)' }, (q) => q.where({ year }));
  const risks = await counts('iso_risks', { n: `count(*) FILTER (WHERE status <> 'closed')` });
  const complaints = await counts('iso_complaints', { n: 'count(*)' }, inYear('received_at'));
  const objectives = await counts('iso_objectives', { n: 'count(*)' }, (q) => q.where({ year }));
  const systems: any[] = await db('iso_systems').select('*');
  const codes = new Set<string>([
    ...systems.map((s) => s.agency_code),
    ...[nc, docs, audits, reviews, risks, complaints, objectives].flatMap((m) => [...m.keys()]),
  ]);
  const names = new Map<string, string>(
    (
      await db('org_units')
        .whereIn('code', [...codes])
        .select('code', 'name')
    ).map((u: { code: string; name: string }) => [u.code, u.name]),
  );
  const n = (m: Map<string, Record<string, unknown>>, a: string, k = 'n') => Number(m.get(a)?.[k] ?? 0);
  return [...codes].sort().map((a) => {
    const s = systems.find((x) => x.agency_code === a);
    return {
      agency: a,
      name: names.get(a) ?? null,
      secretariatUnitCode: s?.secretariat_unit_code ?? a,
      officeUnitCode: s?.office_unit_code ?? a,
      configured: Boolean(s),
      isDefault: Boolean(s?.is_default),
      nonconformities: { total: n(nc, a, 'total'), open: n(nc, a, 'open'), lateCases: n(nc, a, 'late') },
      documentsInForce: n(docs, a),
      audits: n(audits, a),
      reviews: n(reviews, a),
      risksOpen: n(risks, a),
      complaints: n(complaints, a),
      objectives: n(objectives, a),
    };
  });
}

/**
 * The agency a case belongs to: its dossier's competent agency (dossiers.agency_code) when it is a
 * one-stop case, else the agency of the case's unit.
 */
export async function agencyOfCase(db: Db, processInstanceKey: string, unitCode: string | null): Promise<string> {
  const d = await db('dossiers').where({ process_instance_key: processInstanceKey }).first('agency_code');
  return agencyOfUnit(db, d?.agency_code ?? unitCode);
}

/**
 * The agency a new record of `user` goes to: theirs; a unit named (the responsible unit) must be of it
 * (403 otherwise). A province reader (no agency of their own, or an administrator): the named unit's
 * agency, else their own unit's.
 */
export async function agencyForNew(db: Db, user: Pick<CurrentUser, 'roles' | 'unit'>, unitCode?: string | null): Promise<string> {
  const reach = await isoReach(db, user);
  const ofUnit = unitCode ? await agencyOfUnit(db, unitCode) : null;
  if (reach.province) return ofUnit ?? (await agencyOfUnit(db, user.unit.code));
  if (ofUnit && ofUnit !== reach.agency)
    throw fail(403, 'UNIT_OUTSIDE_SCOPE', { unit: unitCode! }, `Đơn vị ${unitCode} không thuộc cơ quan của bạn / ${unitCode} is not of your agency`);
  return reach.agency!;
}

/** What the ISO pages need to know of their reader. */
export async function isoMe(
  db: Db,
  user: Pick<CurrentUser, 'roles' | 'unit'>,
): Promise<{ agency: string | null; agencyName: string | null; province: boolean }> {
  const reach = await isoReach(db, user);
  const agency = reach.agency;
  const unit = agency ? await db('org_units').where({ code: agency }).first('name') : undefined;
  return { agency, agencyName: unit?.name ?? null, province: reach.province };
}

/** The province view (403 for a reader of one agency only). */
export async function agencyOverviewFor(db: Db, user: Pick<CurrentUser, 'roles' | 'unit'>, year: number): Promise<{ year: number; items: AgencyOverview[] }> {
  if (!(await isoReach(db, user)).province)
    throw fail(
      403,
      'ISO_PROVINCE_ONLY',
      {},
      'Chỉ quản trị hệ thống, lãnh đạo và kiểm tra cấp tỉnh xem được hệ thống ISO của các cơ quan / Only administrators and province leaders and auditors see every agency',
    );
  return { year, items: await agencyOverview(db, year) };
}

/**
 * The agency whose quality system an audit or a review of `departments` belongs to: the caller's agency when
 * given (a province reader: the first unit's own), its units only. 400 naming unknown units or units of
 * another agency (ISO_UNITS_OTHER_AGENCY).
 */
export async function agencyOfDepartments(db: Db, departments: string[], callerAgency: string | null): Promise<string> {
  const known = new Set(await db('org_units').whereIn('code', departments).pluck('code'));
  const unknown = departments.filter((d) => !known.has(d));
  if (unknown.length) throw Object.assign(new Error(`Không có đơn vị: ${unknown.join(', ')} / Unknown units: ${unknown.join(', ')}`), { statusCode: 400 });
  const agency = callerAgency ?? (await agencyOfUnit(db, departments[0]));
  const outside = await unitsOutside(db, agency, departments);
  if (outside.length)
    throw fail(
      400,
      'ISO_UNITS_OTHER_AGENCY',
      { units: outside.join(', '), agency },
      `Đơn vị ${outside.join(', ')} không thuộc cơ quan ${agency} / Units ${outside.join(', ')} are not of agency ${agency}`,
    );
  return agency;
}
