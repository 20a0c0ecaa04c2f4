import type { Knex } from 'knex';
import type { ProcedureEventKind, VersionState } from '../../api/schemas/procedures.js';

type Db = Knex | Knex.Transaction;

export interface ProcedureRow {
  id: number;
  bpmn_process_id: string;
  name: string;
  code: string;
  purpose: string;
  scope: string;
  legal_basis: string;
  bundled_file: string | null;
  created_by: number | null;
  created_by_username: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface DraftRow {
  procedure_id: number;
  xml: string;
  forms: Record<string, Record<string, unknown>>;
  revision: number;
  updated_by: number | null;
  updated_by_username: string | null;
  updated_at: Date;
}

export interface VersionRow {
  id: number;
  procedure_id: number;
  version: number;
  process_definition_key: string;
  forms: Record<string, Record<string, unknown>>;
  checksum: string;
  draft_revision: number;
  state: VersionState;
  published_by_username: string | null;
  published_at: Date;
  retired_by_username: string | null;
  retired_at: Date | null;
  running_instances: string;
  legal_document_id: number | null;
  legal_change_date: Date | null;
  due_date_policy: 'from-change-date' | 'received-after' | null;
}

export interface ProcedureSummaryRow {
  bpmn_process_id: string;
  name: string;
  code: string;
  created_at: Date;
  draft_revision: number;
  draft_updated_at: Date;
  latest_version: number | null;
  latest_state: VersionState | null;
  published_versions: string;
  running_instances: string;
  bundled_file: string | null;
  offer_pending: boolean;
}

/** Running instances of a process definition, from the history projection. */
const RUNNING = `(SELECT count(*) FROM hist_process_instances h WHERE h.process_definition_key = v.process_definition_key AND h.state = 'active')`;

export async function listProcedures(db: Db): Promise<ProcedureSummaryRow[]> {
  return db('procedures as p')
    .join('procedure_drafts as d', 'd.procedure_id', 'p.id')
    .select(
      'p.bpmn_process_id',
      'p.name',
      'p.code',
      'p.created_at',
      'p.bundled_file',
      'd.revision as draft_revision',
      'd.updated_at as draft_updated_at',
      db.raw(`(SELECT max(v.version) FROM procedure_versions v WHERE v.procedure_id = p.id) AS latest_version`),
      db.raw(`(SELECT v.state FROM procedure_versions v WHERE v.procedure_id = p.id ORDER BY v.version DESC LIMIT 1) AS latest_state`),
      db.raw(`(SELECT count(*) FROM procedure_versions v WHERE v.procedure_id = p.id AND v.state = 'published') AS published_versions`),
      db.raw(`(SELECT coalesce(sum(${RUNNING}), 0) FROM procedure_versions v WHERE v.procedure_id = p.id) AS running_instances`),
      db.raw(`EXISTS (SELECT 1 FROM procedure_bundled_releases r WHERE r.procedure_id = p.id AND r.outcome = 'offered') AS offer_pending`),
    )
    .orderBy('p.name');
}

export async function findProcedure(db: Db, bpmnProcessId: string, opts: { forUpdate?: boolean } = {}): Promise<ProcedureRow | undefined> {
  const q = db('procedures as p')
    .leftJoin('users as u', 'u.id', 'p.created_by')
    .where('p.bpmn_process_id', bpmnProcessId)
    .first('p.*', 'u.username as created_by_username');
  if (opts.forUpdate) q.forUpdate('p');
  return q;
}

export async function insertProcedure(
  db: Db,
  row: { bpmn_process_id: string; name: string; code: string; purpose: string; scope: string; legal_basis: string; created_by: number },
): Promise<number> {
  const [r] = await db('procedures').insert(row).returning('id');
  return r.id;
}

export async function updateProcedureInfo(
  db: Db,
  id: number,
  fields: Partial<Pick<ProcedureRow, 'name' | 'code' | 'purpose' | 'scope' | 'legal_basis'>>,
): Promise<void> {
  await db('procedures')
    .where({ id })
    .update({ ...fields, updated_at: db.raw('eiso_now()') });
}

export async function insertDraft(db: Db, row: { procedure_id: number; xml: string; forms: Record<string, unknown>; updated_by: number }): Promise<void> {
  await db('procedure_drafts').insert({ ...row, forms: JSON.stringify(row.forms), revision: 1 });
}

export async function findDraft(db: Db, procedureId: number): Promise<DraftRow | undefined> {
  return db('procedure_drafts as d')
    .leftJoin('users as u', 'u.id', 'd.updated_by')
    .where('d.procedure_id', procedureId)
    .first('d.*', 'u.username as updated_by_username');
}

/**
 * Saves the draft only if it is still at `expectedRevision` (one statement: two tabs cannot both
 * win). Returns false on a conflict, leaving the stored draft untouched.
 */
export async function saveDraft(
  db: Db,
  procedureId: number,
  expectedRevision: number,
  xml: string,
  forms: Record<string, unknown> | undefined,
  userId: number | null,
): Promise<boolean> {
  const n = await db('procedure_drafts')
    .where({ procedure_id: procedureId, revision: expectedRevision })
    .update({
      xml,
      ...(forms !== undefined ? { forms: JSON.stringify(forms) } : {}),
      revision: db.raw('revision + 1'),
      updated_by: userId,
      updated_at: db.raw('eiso_now()'),
    });
  return n === 1;
}

export async function listVersions(db: Db, procedureId: number): Promise<VersionRow[]> {
  return db('procedure_versions as v')
    .leftJoin('users as pu', 'pu.id', 'v.published_by')
    .leftJoin('users as ru', 'ru.id', 'v.retired_by')
    .where('v.procedure_id', procedureId)
    .select('v.*', 'pu.username as published_by_username', 'ru.username as retired_by_username', db.raw(`${RUNNING} AS running_instances`))
    .orderBy('v.version', 'desc');
}

export async function findVersion(db: Db, procedureId: number, version: number): Promise<(VersionRow & { xml: string }) | undefined> {
  return db('procedure_versions as v')
    .join('process_definitions as d', 'd.process_definition_key', 'v.process_definition_key')
    .leftJoin('users as pu', 'pu.id', 'v.published_by')
    .leftJoin('users as ru', 'ru.id', 'v.retired_by')
    .where({ 'v.procedure_id': procedureId, 'v.version': version })
    .first('v.*', 'd.xml', 'pu.username as published_by_username', 'ru.username as retired_by_username', db.raw(`${RUNNING} AS running_instances`));
}

export async function insertVersion(
  db: Db,
  row: {
    procedure_id: number;
    version: number;
    process_definition_key: string;
    forms: Record<string, unknown>;
    checksum: string;
    draft_revision: number;
    /** null: a release of a bundled file, published by the platform at start */
    published_by: number | null;
    /** the law change it was published for (issue 20) */
    legal_document_id?: number;
    legal_change_date?: string;
    due_date_policy?: 'from-change-date' | 'received-after';
  },
): Promise<void> {
  await db('procedure_versions')
    .insert({ ...row, forms: JSON.stringify(row.forms) })
    .onConflict(['procedure_id', 'version'])
    .ignore();
}

/** Marks a published version retired; false when it was not published (already retired). */
export async function retireVersion(db: Db, procedureId: number, version: number, userId: number): Promise<boolean> {
  const n = await db('procedure_versions')
    .where({ procedure_id: procedureId, version, state: 'published' })
    .update({ state: 'retired', retired_by: userId, retired_at: db.raw('eiso_now()') });
  return n === 1;
}

export async function insertEvent(
  db: Db,
  row: { procedure_id: number; kind: ProcedureEventKind; version?: number | null; actor_id: number | null; details?: Record<string, unknown> },
): Promise<void> {
  await db('procedure_events').insert({ ...row, version: row.version ?? null, details: JSON.stringify(row.details ?? {}) });
}

export async function listEvents(db: Db, procedureId: number, limit = 100) {
  return db('procedure_events as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .where('e.procedure_id', procedureId)
    .orderBy([
      { column: 'e.created_at', order: 'desc' },
      { column: 'e.id', order: 'desc' },
    ])
    .limit(limit)
    .select<{ kind: ProcedureEventKind; version: number | null; actor: string | null; created_at: Date; details: Record<string, unknown> }[]>(
      'e.kind',
      'e.version',
      'u.username as actor',
      'e.created_at',
      'e.details',
    );
}

/**
 * The retired version a start would land on, or null when starting is allowed: the given version,
 * or without one the latest deployed version of the process id (what Zeebe would start).
 */
export async function retiredVersionToStart(db: Db, bpmnProcessId: string, version?: number): Promise<number | null> {
  const target =
    version ?? (await db('process_definitions').where({ bpmn_process_id: bpmnProcessId }).max<{ max: number | null }>('version as max').first())?.max;
  if (!target) return null;
  const row = await db('procedure_versions as v')
    .join('procedures as p', 'p.id', 'v.procedure_id')
    .where({ 'p.bpmn_process_id': bpmnProcessId, 'v.version': target, 'v.state': 'retired' })
    .first('v.version');
  return row ? row.version : null;
}

/** Codes of every unit of the organisation (for validating candidate groups). */
export async function unitCodes(db: Db): Promise<Set<string>> {
  return new Set((await db('org_units').select('code')).map((r: { code: string }) => r.code));
}

export async function unitNames(db: Db, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db('org_units').whereIn('code', codes).select('code', 'name');
  return new Map(rows.map((r: { code: string; name: string }) => [r.code, r.name]));
}

export async function userFullNames(db: Db, usernames: string[]): Promise<Map<string, string>> {
  if (usernames.length === 0) return new Map();
  const rows = await db('users').whereIn('username', usernames).select('username', 'full_name');
  return new Map(rows.map((r: { username: string; full_name: string }) => [r.username, r.full_name]));
}

/** Every unit of the organisation with its parent's code, by code (for choosing who handles a step). */
export async function listOwnerUnits(db: Db): Promise<{ code: string; name: string; kind: string; parent_code: string | null }[]> {
  return db('org_units as u').leftJoin('org_units as p', 'p.id', 'u.parent_id').orderBy('u.code').select('u.code', 'u.name', 'u.kind', 'p.code as parent_code');
}
