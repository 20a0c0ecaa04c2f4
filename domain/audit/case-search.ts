import type { Knex } from 'knex';
import { caseInUnitsSql } from './scope.js';
import { TASK_LATE_SQL } from './store.js';
import type { CaseSampleItem, CaseSearchQuery, CaseSummary, HeatmapQuery, HeatmapReply, SampleCalledStep } from '../../api/schemas/audit.js';

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
 * The search reads case_index (migrations/20261123007000_case_index.ts): one row per top-level case,
 * kept by the history projector and by triggers on inbox_tasks and case_deadlines, with the units,
 * officers, lateness and text the filters test, under B-tree, GIN and trigram indexes. The rules are
 * those of domain/audit/README.md ("Rules the search uses"); lateness is kept as instants (late_at,
 * pending_due) so a step still open past its due date counts as late from that moment on.
 */

/** SQL: the case (alias ci) is late now. */
const LATE_SQL = `(ci.late_at < eiso_now())`;

/** SQL: the steps of the case (alias ci) that are late now: completed late, or open past their due date. */
const BREACHED_STEPS_SQL = `ARRAY(SELECT DISTINCT b.s FROM (SELECT unnest(ci.breached_steps) UNION ALL SELECT x->>'e' FROM jsonb_array_elements(COALESCE(ci.pending_due, '[]'::jsonb)) x WHERE (x->>'d')::timestamptz < eiso_now()) AS b(s) ORDER BY 1)`;

/** Scopes and unit filters of more units than this are tested row by row rather than through the GIN index. */
const INDEXED_UNITS_MAX = 32;

/** Above this many matching cases the search gives an estimated total instead of counting them all. */
export const EXACT_TOTAL_MAX = 10_000;

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Top-level cases matching the filters, within the viewer's scope (null: everything). Wrapped in an
 * object: a query builder is thenable, so an async function returning it would run it.
 */
async function filtered(db: Knex, f: CaseFilters, scope: string[] | null): Promise<{ q: Knex.QueryBuilder }> {
  const unitCodes = f.unit ? await subtreeCodes(db, f.unit) : null;
  const q = db('case_index as ci');
  // A unit filter inside the scope implies the scope. A long list of units (a province's auditor: every
  // unit) is tested row by row: through the GIN index it would read the postings of millions of cases.
  const inUnits = (codes: string[]) =>
    codes.length <= INDEXED_UNITS_MAX ? q.whereRaw('ci.unit_codes && ?::text[]', [codes]) : q.whereRaw(`COALESCE(ci.unit_codes, '{}') && ?::text[]`, [codes]);
  if (scope && !(unitCodes && unitCodes.every((c) => scope.includes(c)))) inUnits(scope);
  if (unitCodes) inUnits(unitCodes);
  if (f.bpmnProcessId) q.where('ci.bpmn_process_id', f.bpmnProcessId);
  if (f.status) q.where('ci.state', f.status);
  if (f.from) q.where('ci.start_time', '>=', f.from);
  if (f.to) q.where('ci.start_time', '<', f.to);
  if (f.officer) q.whereRaw('ci.officers @> ARRAY[?]::text[]', [f.officer]);
  if (f.timing === 'late') q.whereRaw(LATE_SQL);
  if (f.timing === 'on_time') q.whereRaw(`(ci.late_at IS NULL OR ci.late_at >= eiso_now())`);
  if (f.breachedStep) {
    // breached_steps <> '{}' lets a period be read from the partial index of breached cases by start
    // time; with a period the GIN index (the postings of every case that breached the step, ten years
    // of them) is kept out of the plan: it would cost more than it removes.
    const breached = f.from || f.to ? `COALESCE(ci.breached_steps, '{}') @> ARRAY[?]::text[]` : `ci.breached_steps @> ARRAY[?]::text[]`;
    q.whereRaw(
      `((ci.breached_steps <> '{}' AND ${breached}) OR (ci.pending_due_at < eiso_now() AND EXISTS (SELECT 1 FROM jsonb_array_elements(ci.pending_due) x WHERE x->>'e' = ? AND (x->>'d')::timestamptz < eiso_now())))`,
      [f.breachedStep, f.breachedStep],
    );
  }
  if (f.variable) {
    const at = f.variable.indexOf('=');
    q.whereRaw(`EXISTS (SELECT 1 FROM hist_variables vv WHERE vv.scope_key = ci.process_instance_key AND vv.name = ? AND (vv.value #>> '{}') = ?)`, [
      f.variable.slice(0, at).trim(),
      f.variable.slice(at + 1),
    ]);
  }
  if (f.q?.trim()) {
    const text = f.q.trim();
    // The instance key (as its exact digits) or any process variable's text.
    // The text lives in case_search (its own trigram index, migrations/20261213010000_case_search_text.ts).
    const byText = `ci.process_instance_key IN (SELECT cs.process_instance_key FROM case_search cs WHERE cs.search_text ILIKE ?)`;
    if (/^[1-9][0-9]{0,17}$/.test(text)) q.whereRaw(`(ci.process_instance_key = ?::bigint OR ${byText})`, [text, likePattern(text)]);
    else q.whereRaw(byText, [likePattern(text)]);
  }
  return { q };
}

const summaryColumns = (db: Knex) => [
  'ci.process_instance_key',
  'ci.bpmn_process_id',
  'ci.version',
  'ci.state',
  'ci.start_time',
  'ci.end_time',
  db.raw(`(SELECT d.name FROM process_definitions d WHERE d.process_definition_key = ci.process_definition_key) AS process_name`),
  'ci.case_code',
  'ci.started_by_unit',
  db.raw(`${LATE_SQL} AS late`),
  db.raw(`${BREACHED_STEPS_SQL} AS breached_steps`),
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

/**
 * How many cases the query matches: counted exactly up to `atMost` (then the count stops), beyond
 * that PostgreSQL's estimate (EXPLAIN), never below atMost + 1. Counting millions of rows exactly
 * for every page is what made the search take seconds at 10 million cases.
 */
async function countOrEstimate(db: Knex, q: Knex.QueryBuilder, atMost: number): Promise<{ total: number; exact: boolean }> {
  const capped = q
    .clone()
    .select(db.raw('1'))
    .limit(atMost + 1);
  const [{ count }] = await db.from(capped.as('m')).count<{ count: string }[]>({ count: '*' });
  if (Number(count) <= atMost) return { total: Number(count), exact: true };
  const { sql, bindings } = q.clone().select(db.raw('1')).toSQL();
  const res = await db.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
  const plan = res.rows[0]['QUERY PLAN'][0].Plan as { 'Plan Rows': number };
  return { total: Math.max(atMost + 1, Math.round(plan['Plan Rows'])), exact: false };
}

export async function searchCases(
  db: Knex,
  f: CaseFilters & { limit?: number; offset?: number },
  scope: string[] | null,
): Promise<{ items: CaseSummary[]; total: number; totalExact: boolean }> {
  const { q } = await filtered(db, f, scope);
  const [counted, rows] = await Promise.all([
    countOrEstimate(db, q, EXACT_TOTAL_MAX),
    q
      .clone()
      .select(summaryColumns(db))
      .orderBy([
        { column: 'ci.start_time', order: 'desc' },
        { column: 'ci.process_instance_key', order: 'desc' },
      ])
      .limit(f.limit ?? 50)
      .offset(f.offset ?? 0),
  ]);
  return { items: rows.map(toSummary), total: counted.total, totalExact: counted.exact };
}

/**
 * A random sample of `size` cases per procedure among the matching ones. Reproducible: the order is
 * md5(seed || key), which depends only on the seed and the case (not on the plan or on setseed state),
 * so the same seed over the same cases gives the same sample, and a grown population keeps the cases
 * already drawn unless newer ones rank before them. Each case comes with the human steps of the
 * processes it called (a case is its root process instance), who did them and whether they were late,
 * so the auditor checks the whole case from the sample.
 */
export async function sampleCases(db: Knex, f: CaseFilters, size: number, seed: string, scope: string[] | null): Promise<CaseSampleItem[]> {
  const { q } = await filtered(db, f, scope);
  const ranked = q.select(
    'ci.process_instance_key',
    db.raw(`row_number() OVER (PARTITION BY ci.bpmn_process_id ORDER BY md5(? || ci.process_instance_key::text)) AS rn`, [seed]),
  );
  const keys: string[] = (await db.from(ranked.as('r')).where('r.rn', '<=', size).pluck('r.process_instance_key')).map(String);
  if (keys.length === 0) return [];
  const [rows, called] = await Promise.all([
    db('case_index as ci')
      .whereIn('ci.process_instance_key', keys)
      .select(summaryColumns(db))
      .orderBy('ci.bpmn_process_id')
      .orderByRaw(`md5(? || ci.process_instance_key::text)`, [seed]),
    calledStepsOf(db, keys),
  ]);
  return rows.map((r: Record<string, any>) => ({ ...toSummary(r), calledSteps: called.get(String(r.process_instance_key)) ?? [] }));
}

/** The human steps of the processes the cases called (any depth), per root case, in the order they started. */
async function calledStepsOf(db: Knex, rootKeys: string[]): Promise<Map<string, SampleCalledStep[]>> {
  const res = await db.raw(
    `SELECT h.root_process_instance_key::text AS root, e.process_instance_key::text AS key, e.bpmn_process_id,
            (SELECT d.name FROM process_definitions d WHERE d.process_definition_key = e.process_definition_key) AS process_name,
            e.element_id, e.element_name, e.state, e.end_time, t.completed_by, ${TASK_LATE_SQL('t')} AS late
       FROM hist_process_instances h
       JOIN hist_element_instances e ON e.process_instance_key = h.process_instance_key AND e.start_time >= h.start_time
       LEFT JOIN inbox_tasks t ON t.element_instance_key = e.element_instance_key
      WHERE h.root_process_instance_key = ANY(?::bigint[]) AND e.bpmn_element_type = 'USER_TASK'
      ORDER BY e.start_time, e.start_position`,
    [rootKeys],
  );
  const out = new Map<string, SampleCalledStep[]>();
  for (const r of res.rows as Record<string, any>[]) {
    const list = out.get(r.root) ?? [];
    list.push({
      processInstanceKey: r.key,
      bpmnProcessId: r.bpmn_process_id,
      processName: r.process_name ?? null,
      elementId: r.element_id,
      name: r.element_name ?? null,
      state: r.state,
      end: r.end_time ? r.end_time.toISOString() : null,
      completedBy: r.completed_by ?? null,
      late: Boolean(r.late),
    });
    out.set(r.root, list);
  }
  return out;
}

/**
 * Per element of a process: how many ran, median and p90 duration of the finished ones, and late
 * human steps. A case is its root process instance: the period, the scope and `calledFrom` apply to
 * the case a run belongs to (its root), so the heat map of a called process counts its runs inside
 * the cases in view. The reply also offers the processes the procedure's cases called, each to be
 * opened as its own heat map (`calledFrom` = this procedure).
 */
export async function heatmap(db: Knex, f: HeatmapQuery, scope: string[] | null): Promise<Omit<HeatmapReply, 'bpmnProcessId'>> {
  const base = db('hist_element_instances as e')
    .join('hist_process_instances as p', 'p.process_instance_key', 'e.process_instance_key')
    .join('hist_process_instances as r', 'r.process_instance_key', db.raw('COALESCE(p.root_process_instance_key, p.process_instance_key)'))
    .where('e.bpmn_process_id', f.bpmnProcessId)
    .whereNot('e.bpmn_element_type', 'PROCESS')
    .modify((b) => {
      if (f.version) b.where('p.version', f.version);
      if (f.from) b.where('r.start_time', '>=', f.from);
      if (f.to) b.where('r.start_time', '<', f.to);
      if (f.calledFrom) b.where('r.bpmn_process_id', f.calledFrom);
      if (scope) b.whereRaw(caseInUnitsSql('r'), [scope, scope]);
    });
  const calledQuery = db('hist_process_instances as c')
    .join('hist_process_instances as r', 'r.process_instance_key', 'c.root_process_instance_key')
    .where('r.bpmn_process_id', f.calledFrom ?? f.bpmnProcessId)
    .whereNotNull('c.root_process_instance_key')
    .modify((b) => {
      if (f.calledFrom) b.whereNot('c.bpmn_process_id', f.bpmnProcessId);
      else if (f.version) b.where('r.version', f.version);
      if (f.from) b.where('r.start_time', '>=', f.from);
      if (f.to) b.where('r.start_time', '<', f.to);
      if (scope) b.whereRaw(caseInUnitsSql('r'), [scope, scope]);
    })
    .groupBy('c.bpmn_process_id')
    .orderBy('c.bpmn_process_id')
    .select(
      'c.bpmn_process_id',
      db.raw('count(DISTINCT r.process_instance_key)::int AS cases'),
      db.raw('count(*)::int AS runs'),
      db.raw(
        `(SELECT d.name FROM process_definitions d WHERE d.bpmn_process_id = c.bpmn_process_id AND d.name IS NOT NULL ORDER BY d.version DESC LIMIT 1) AS process_name`,
      ),
    );
  const [rows, [{ cases }], called] = await Promise.all([
    base
      .clone()
      .leftJoin('inbox_tasks as t', 't.element_instance_key', 'e.element_instance_key')
      .groupBy('e.element_id')
      .orderBy('e.element_id')
      .select(
        'e.element_id',
        db.raw('max(e.element_name) AS name'),
        db.raw('count(*)::int AS count'),
        db.raw(
          `percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.end_time - e.start_time) * 1000) FILTER (WHERE e.end_time IS NOT NULL) AS median_ms`,
        ),
        db.raw(
          `percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM e.end_time - e.start_time) * 1000) FILTER (WHERE e.end_time IS NOT NULL) AS p90_ms`,
        ),
        db.raw(`count(*) FILTER (WHERE ${TASK_LATE_SQL('t')})::int AS breaches`),
      ),
    base.clone().countDistinct<{ cases: string }[]>({ cases: 'r.process_instance_key' }),
    calledQuery,
  ]);
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
    calledProcesses: (called as Record<string, any>[]).map((c) => ({
      bpmnProcessId: c.bpmn_process_id,
      processName: c.process_name ?? null,
      cases: c.cases,
      runs: c.runs,
    })),
  };
}

/** One case's summary row (procedure, dates, unit, late, breached steps) as the search shows it; undefined when unknown. */
export async function caseSummary(db: Knex, processInstanceKey: string): Promise<CaseSummary | undefined> {
  const row = await db('case_index as ci').where('ci.process_instance_key', processInstanceKey).first(summaryColumns(db));
  if (row) return toSummary(row);
  // A called sub-process has no case_index row (only top-level cases do): the same rules on its own rows.
  const res = await db.raw(
    `SELECT p.process_instance_key, p.bpmn_process_id, p.version, p.state, p.start_time, p.end_time,
            (SELECT d.name FROM process_definitions d WHERE d.process_definition_key = p.process_definition_key) AS process_name,
            (SELECT v.value #>> '{}' FROM hist_variables v WHERE v.scope_key = p.process_instance_key AND v.name = 'maHoSo') AS case_code,
            (SELECT v.value #>> '{}' FROM hist_variables v WHERE v.scope_key = p.process_instance_key AND v.name = 'startedByUnit') AS started_by_unit,
            ARRAY(SELECT DISTINCT t.element_id FROM inbox_tasks t WHERE t.process_instance_key = p.process_instance_key AND ${TASK_LATE_SQL('t')} ORDER BY 1) AS breached_steps,
            (EXISTS (SELECT 1 FROM inbox_tasks t WHERE t.process_instance_key = p.process_instance_key AND ${TASK_LATE_SQL('t')})
             OR EXISTS (SELECT 1 FROM case_deadlines cd WHERE cd.process_instance_key = p.process_instance_key AND COALESCE(p.end_time, eiso_now()) > cd.appointment_at)) AS late
       FROM hist_process_instances p WHERE p.process_instance_key = ?`,
    [processInstanceKey],
  );
  return res.rows[0] ? toSummary(res.rows[0]) : undefined;
}

/**
 * Every case matching the filters (same rules and scope as {@link searchCases}), newest first, read
 * in pages of `pageSize` by keyset (start_time, key) so a large export never uses deep offsets.
 */
export async function* casesForExport(db: Knex, f: CaseFilters, scope: string[] | null, pageSize = 2000): AsyncGenerator<CaseSummary[]> {
  const { q } = await filtered(db, f, scope);
  // The cursor keeps start_time as PostgreSQL's text (microseconds), which a JS Date would round.
  let after: { start: string; key: string } | null = null;
  for (;;) {
    const page = q.clone().select([...summaryColumns(db), db.raw('ci.start_time::text AS cursor_start')]);
    if (after) page.whereRaw('(ci.start_time, ci.process_instance_key) < (?::timestamptz, ?::bigint)', [after.start, after.key]);
    const rows: Record<string, any>[] = await page
      .orderBy([
        { column: 'ci.start_time', order: 'desc' },
        { column: 'ci.process_instance_key', order: 'desc' },
      ])
      .limit(pageSize);
    if (rows.length === 0) return;
    yield rows.map(toSummary);
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { start: String(last.cursor_start), key: String(last.process_instance_key) };
  }
}

/**
 * How many cases match (same rules and scope as the search); with `atMost`, the count stops after
 * atMost + 1 cases (enough to refuse a too large export without counting millions).
 */
export async function countCases(db: Knex, f: CaseFilters, scope: string[] | null, atMost?: number): Promise<number> {
  const { q } = await filtered(db, f, scope);
  const counted: Knex.QueryBuilder =
    atMost === undefined
      ? q
      : db.from(
          q
            .select(db.raw('1'))
            .limit(atMost + 1)
            .as('m'),
        );
  const [{ count }] = (await counted.count({ count: '*' })) as { count: string }[];
  return Number(count);
}
