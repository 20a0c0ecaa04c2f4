import type { Knex } from 'knex';
import { caseInUnitsSql } from '../audit/scope.js';
import { TASK_LATE_SQL } from './audit.js';
import type { CaseSearchQuery, CaseSummary, HeatmapElement, HeatmapQuery } from '../schemas/audit.js';

export type CaseFilters = Omit<CaseSearchQuery, 'limit' | 'offset'>;

/** The unit and its whole subtree, as codes. */
export async function subtreeCodes(db: Knex, unitCode: string): Promise<string[]> {
  const res = await db.raw(
    `WITH RECURSIVE sub AS (SELECT id, code FROM org_units WHERE code = ? UNION SELECT o.id, o.code FROM org_units o JOIN sub ON o.parent_id = sub.id) SELECT code FROM sub`,
    [unitCode],
  );
  return res.rows.map((r: { code: string }) => r.code);
}

/**
 * The column of case_deadlines (another issue adds it: the appointment date given to the citizen)
 * holding the case's due date, if that table exists; the case is late when it ends (or is still
 * open) after it.
 */
async function caseDeadlineColumn(db: Knex): Promise<string | null> {
  const res = await db.raw(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = 'case_deadlines'
        AND column_name IN ('due_at', 'due_date', 'appointment_at', 'deadline_at', 'deadline')
        AND EXISTS (SELECT 1 FROM information_schema.columns c2 WHERE c2.table_schema = current_schema() AND c2.table_name = 'case_deadlines' AND c2.column_name = 'process_instance_key')
      ORDER BY column_name LIMIT 1`,
  );
  return res.rows[0]?.column_name ?? null;
}

/**
 * SQL: the case (alias p) is late. Rule: a case is late when any of its human steps was completed
 * after its due date (or is still open past it), or, when case_deadlines exists, when the case ended
 * (or is still open) after its appointment date.
 */
function caseLateSql(deadlineColumn: string | null): string {
  const steps = `EXISTS (SELECT 1 FROM inbox_tasks lt WHERE lt.process_instance_key = p.process_instance_key AND ${TASK_LATE_SQL('lt')})`;
  if (!deadlineColumn) return `(${steps})`;
  return `(${steps} OR EXISTS (SELECT 1 FROM case_deadlines cd WHERE cd.process_instance_key = p.process_instance_key AND COALESCE(p.end_time, now()) > cd."${deadlineColumn}"))`;
}

/** Top-level cases matching the filters, within the viewer's scope (null: everything). */
async function filtered(db: Knex, f: CaseFilters, scope: string[] | null): Promise<{ q: Knex.QueryBuilder; lateSql: string }> {
  const lateSql = caseLateSql(await caseDeadlineColumn(db));
  const unitCodes = f.unit ? await subtreeCodes(db, f.unit) : null;
  const q = db('hist_process_instances as p').whereNull('p.parent_process_instance_key');
  if (scope) q.whereRaw(caseInUnitsSql('p'), [scope, scope]);
  if (unitCodes) q.whereRaw(caseInUnitsSql('p'), [unitCodes, unitCodes]);
  if (f.bpmnProcessId) q.where('p.bpmn_process_id', f.bpmnProcessId);
  if (f.status) q.where('p.state', f.status);
  if (f.from) q.where('p.start_time', '>=', f.from);
  if (f.to) q.where('p.start_time', '<', f.to);
  if (f.officer) q.whereRaw(`EXISTS (SELECT 1 FROM inbox_tasks ot WHERE ot.process_instance_key = p.process_instance_key AND (ot.completed_by = ? OR ot.assignee = ?))`, [f.officer, f.officer]);
  if (f.timing === 'late') q.whereRaw(lateSql);
  if (f.timing === 'on_time') q.whereRaw(`NOT ${lateSql}`);
  if (f.breachedStep) q.whereRaw(`EXISTS (SELECT 1 FROM inbox_tasks bt WHERE bt.process_instance_key = p.process_instance_key AND bt.element_id = ? AND ${TASK_LATE_SQL('bt')})`, [f.breachedStep]);
  if (f.variable) {
    const at = f.variable.indexOf('=');
    q.whereRaw(`EXISTS (SELECT 1 FROM hist_variables vv WHERE vv.scope_key = p.process_instance_key AND vv.name = ? AND (vv.value #>> '{}') = ?)`, [f.variable.slice(0, at).trim(), f.variable.slice(at + 1)]);
  }
  if (f.q?.trim()) {
    const text = f.q.trim();
    q.where((w) =>
      w
        .whereRaw(`p.process_instance_key::text = ?`, [text])
        .orWhereRaw(`EXISTS (SELECT 1 FROM hist_variables tv WHERE tv.scope_key = p.process_instance_key AND (tv.value #>> '{}') ILIKE ?)`, [`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`]),
    );
  }
  return { q, lateSql };
}

const summaryColumns = (db: Knex, lateSql: string) => [
  'p.process_instance_key',
  'p.bpmn_process_id',
  'p.version',
  'p.state',
  'p.start_time',
  'p.end_time',
  db.raw(`(SELECT d.name FROM process_definitions d WHERE d.process_definition_key = p.process_definition_key) AS process_name`),
  db.raw(`(SELECT cv.value #>> '{}' FROM hist_variables cv WHERE cv.scope_key = p.process_instance_key AND cv.name = 'maHoSo') AS case_code`),
  db.raw(`(SELECT uv.value #>> '{}' FROM hist_variables uv WHERE uv.scope_key = p.process_instance_key AND uv.name = 'startedByUnit') AS started_by_unit`),
  db.raw(`${lateSql} AS late`),
  db.raw(`ARRAY(SELECT DISTINCT bs.element_id FROM inbox_tasks bs WHERE bs.process_instance_key = p.process_instance_key AND ${TASK_LATE_SQL('bs')} ORDER BY 1) AS breached_steps`),
];

function toSummary(r: Record<string, any>): CaseSummary {
  return {
    processInstanceKey: String(r.process_instance_key),
    bpmnProcessId: r.bpmn_process_id,
    processName: r.process_name ?? null,
    version: r.version,
    state: r.state,
    start: r.start_time.toISOString(),
    end: r.end_time ? r.end_time.toISOString() : null,
    caseCode: r.case_code ?? null,
    startedByUnit: r.started_by_unit ?? null,
    late: Boolean(r.late),
    breachedSteps: r.breached_steps ?? [],
  };
}

export async function searchCases(db: Knex, f: CaseFilters & { limit?: number; offset?: number }, scope: string[] | null): Promise<{ items: CaseSummary[]; total: number }> {
  const { q, lateSql } = await filtered(db, f, scope);
  const [{ count }] = await q.clone().count<{ count: string }[]>({ count: '*' });
  const rows = await q
    .clone()
    .select(summaryColumns(db, lateSql))
    .orderBy([{ column: 'p.start_time', order: 'desc' }, { column: 'p.process_instance_key', order: 'desc' }])
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0);
  return { items: rows.map(toSummary), total: Number(count) };
}

/**
 * A random sample of `size` cases per procedure among the matching ones. Reproducible: the order is
 * md5(seed || key), which depends only on the seed and the case (not on the plan or on setseed state),
 * so the same seed over the same cases gives the same sample, and a grown population keeps the cases
 * already drawn unless newer ones rank before them.
 */
export async function sampleCases(db: Knex, f: CaseFilters, size: number, seed: string, scope: string[] | null): Promise<CaseSummary[]> {
  const { q, lateSql } = await filtered(db, f, scope);
  const ranked = q.select('p.process_instance_key', db.raw(`row_number() OVER (PARTITION BY p.bpmn_process_id ORDER BY md5(? || p.process_instance_key::text)) AS rn`, [seed]));
  const keys: string[] = (await db.from(ranked.as('r')).where('r.rn', '<=', size).pluck('r.process_instance_key')).map(String);
  if (keys.length === 0) return [];
  const rows = await db('hist_process_instances as p')
    .whereIn('p.process_instance_key', keys)
    .select(summaryColumns(db, lateSql))
    .orderBy('p.bpmn_process_id')
    .orderByRaw(`md5(? || p.process_instance_key::text)`, [seed]);
  return rows.map(toSummary);
}

/** Per element of a procedure: how many ran, median and p90 duration of the finished ones, and late human steps. */
export async function heatmap(db: Knex, f: HeatmapQuery, scope: string[] | null): Promise<{ cases: number; elements: HeatmapElement[]; version: number | null; xml: string | null }> {
  const base = db('hist_element_instances as e')
    .join('hist_process_instances as p', 'p.process_instance_key', 'e.process_instance_key')
    .where('e.bpmn_process_id', f.bpmnProcessId)
    .whereNot('e.bpmn_element_type', 'PROCESS')
    .modify((b) => {
      if (f.version) b.where('p.version', f.version);
      if (f.from) b.where('p.start_time', '>=', f.from);
      if (f.to) b.where('p.start_time', '<', f.to);
      if (scope) b.whereRaw(caseInUnitsSql('p'), [scope, scope]);
    });
  const rows = await base
    .clone()
    .leftJoin('inbox_tasks as t', 't.element_instance_key', 'e.element_instance_key')
    .groupBy('e.element_id')
    .orderBy('e.element_id')
    .select(
      'e.element_id',
      db.raw('max(e.element_name) AS name'),
      db.raw('count(*)::int AS count'),
      db.raw(`percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.end_time - e.start_time) * 1000) FILTER (WHERE e.end_time IS NOT NULL) AS median_ms`),
      db.raw(`percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM e.end_time - e.start_time) * 1000) FILTER (WHERE e.end_time IS NOT NULL) AS p90_ms`),
      db.raw(`count(*) FILTER (WHERE ${TASK_LATE_SQL('t')})::int AS breaches`),
    );
  const [{ cases }] = await base.clone().countDistinct<{ cases: string }[]>({ cases: 'p.process_instance_key' });
  const def = await db('process_definitions')
    .where('bpmn_process_id', f.bpmnProcessId)
    .modify((b) => {
      if (f.version) b.where('version', f.version);
    })
    .orderBy('version', 'desc')
    .first('version', 'xml');
  return {
    cases: Number(cases),
    version: def?.version ?? null,
    xml: def?.xml ?? null,
    elements: rows.map((r: Record<string, any>) => ({
      elementId: r.element_id,
      name: r.name ?? null,
      count: r.count,
      medianMs: r.median_ms === null ? null : Number(r.median_ms),
      p90Ms: r.p90_ms === null ? null : Number(r.p90_ms),
      breaches: r.breaches,
    })),
  };
}

/** One case's summary row (procedure, dates, unit, late, breached steps) as the search shows it; undefined when unknown. */
export async function caseSummary(db: Knex, processInstanceKey: string): Promise<CaseSummary | undefined> {
  const lateSql = caseLateSql(await caseDeadlineColumn(db));
  const row = await db('hist_process_instances as p').where('p.process_instance_key', processInstanceKey).first(summaryColumns(db, lateSql));
  return row ? toSummary(row) : undefined;
}

/**
 * Every case matching the filters (same rules and scope as {@link searchCases}), newest first, read
 * in pages of `pageSize` by keyset (start_time, key) so a large export never uses deep offsets.
 */
export async function* casesForExport(db: Knex, f: CaseFilters, scope: string[] | null, pageSize = 2000): AsyncGenerator<CaseSummary[]> {
  const { q, lateSql } = await filtered(db, f, scope);
  // The cursor keeps start_time as PostgreSQL's text (microseconds), which a JS Date would round.
  let after: { start: string; key: string } | null = null;
  for (;;) {
    const page = q.clone().select([...summaryColumns(db, lateSql), db.raw('p.start_time::text AS cursor_start')]);
    if (after) page.whereRaw('(p.start_time, p.process_instance_key) < (?::timestamptz, ?::bigint)', [after.start, after.key]);
    const rows: Record<string, any>[] = await page
      .orderBy([{ column: 'p.start_time', order: 'desc' }, { column: 'p.process_instance_key', order: 'desc' }])
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows.map(toSummary);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { start: String(last.cursor_start), key: String(last.process_instance_key) };
  }
}

/** How many cases match (same rules and scope as the search). */
export async function countCases(db: Knex, f: CaseFilters, scope: string[] | null): Promise<number> {
  const { q } = await filtered(db, f, scope);
  const [{ count }] = await q.count<{ count: string }[]>({ count: '*' });
  return Number(count);
}
