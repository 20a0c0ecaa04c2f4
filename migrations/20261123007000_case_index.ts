import type { Knex } from 'knex';

/**
 * case_index: one row per top-level case (process instance without a parent) with everything the
 * auditor's search filters on, so a search reads one table under B-tree, GIN and trigram indexes
 * instead of EXISTS probes over hist_variables and inbox_tasks for every case of the period
 * (bench/results/audit-scale.md).
 *
 * The row is derived, never edited: eiso_case_index_refresh(keys) recomputes the rows of the given
 * cases from hist_process_instances, hist_variables (process scope), inbox_tasks and case_deadlines,
 * and upserts them. It is called
 * - by the history projector, in the transaction of the batch, for the cases whose instance or
 *   process variables the batch wrote (engine/history/projector.ts);
 * - by statement triggers on inbox_tasks and case_deadlines (transition tables: one call per
 *   statement), so claims, assignments, completions and moved appointments, which have no Zeebe
 *   record of their own, are in the index when their transaction commits.
 * Recomputing from the sources makes it idempotent (a replayed batch writes the same row). Each call
 * first takes a transaction advisory lock per case (sorted), so of two transactions refreshing the
 * same case the second reads after the first committed and never writes an older view over it.
 *
 * Lateness depends on the clock while a step is open, so the row keeps instants, not flags:
 * late_at (the case is late when late_at < now()), breached_steps (steps completed after their due
 * date: breached for good) and pending_due (open steps with a due date: breached once it passes).
 * The rules are those of domain/audit/README.md ("Rules the search uses").
 */

/** SELECT of the case_index rows of the cases whose key satisfies `keyIn(column)`. */
function sourceSql(keyIn: (column: string) => string): string {
  return `
WITH p AS (
  SELECT process_instance_key, bpmn_process_id, process_definition_key, version, state, start_time, end_time
    FROM hist_process_instances
   WHERE ${keyIn('process_instance_key')} AND parent_process_instance_key IS NULL
), v AS (
  SELECT scope_key,
         max(value #>> '{}') FILTER (WHERE name = 'maHoSo') AS case_code,
         max(value #>> '{}') FILTER (WHERE name = 'dossierCode') AS dossier_code,
         max(value #>> '{}') FILTER (WHERE name = 'startedByUnit') AS started_by_unit,
         string_agg(value #>> '{}', E'\\x1f' ORDER BY name) AS search_text
    FROM hist_variables
   WHERE ${keyIn('scope_key')}
   GROUP BY scope_key
), t AS (
  SELECT it.process_instance_key,
         array_agg(DISTINCT split_part(g.g, '/', 1)) FILTER (WHERE g.g IS NOT NULL) AS group_units,
         array_agg(DISTINCT it.assignee) FILTER (WHERE it.assignee IS NOT NULL) AS assignees,
         array_agg(DISTINCT it.completed_by) FILTER (WHERE it.completed_by IS NOT NULL) AS completers,
         array_agg(DISTINCT it.element_id ORDER BY it.element_id) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached_at,
         jsonb_agg(DISTINCT jsonb_build_object('e', it.element_id, 'd', it.due_date))
           FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending_at
    FROM inbox_tasks it
    LEFT JOIN LATERAL unnest(it.candidate_groups) AS g(g) ON true
   WHERE ${keyIn('it.process_instance_key')}
   GROUP BY it.process_instance_key
)
SELECT p.process_instance_key, p.bpmn_process_id, p.process_definition_key, p.version, p.state, p.start_time, p.end_time,
       v.case_code, v.dossier_code, v.started_by_unit,
       ARRAY(SELECT DISTINCT u FROM unnest(array_append(COALESCE(t.group_units, '{}'), v.started_by_unit)) AS u WHERE u IS NOT NULL ORDER BY 1) AS unit_codes,
       ARRAY(SELECT DISTINCT o FROM unnest(COALESCE(t.assignees, '{}') || COALESCE(t.completers, '{}')) AS o ORDER BY 1) AS officers,
       LEAST(t.breached_at, t.pending_at,
             CASE WHEN p.end_time IS NULL OR p.end_time > cd.appointment_at THEN cd.appointment_at END) AS late_at,
       COALESCE(t.breached, '{}') AS breached_steps,
       t.pending AS pending_due,
       t.pending_at AS pending_due_at,
       v.search_text,
       now() AS refreshed_at
  FROM p
  LEFT JOIN v ON v.scope_key = p.process_instance_key
  LEFT JOIN t ON t.process_instance_key = p.process_instance_key
  LEFT JOIN case_deadlines cd ON cd.process_instance_key = p.process_instance_key`;
}

const COLUMNS = `process_instance_key, bpmn_process_id, process_definition_key, version, state, start_time, end_time, case_code, dossier_code, started_by_unit,
  unit_codes, officers, late_at, breached_steps, pending_due, pending_due_at, search_text, refreshed_at`;
const UPDATE_SET = COLUMNS.split(',')
  .map((c) => c.trim())
  .filter((c) => c !== 'process_instance_key')
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/** Index definitions, created after the backfill (faster than maintaining them row by row). */
const INDEXES = [
  `CREATE INDEX case_index_start_idx ON case_index (start_time DESC, process_instance_key DESC)`,
  `CREATE INDEX case_index_process_start_idx ON case_index (bpmn_process_id, start_time DESC, process_instance_key DESC)`,
  `CREATE INDEX case_index_state_start_idx ON case_index (state, start_time DESC) WHERE state <> 'completed'`,
  `CREATE INDEX case_index_units_idx ON case_index USING gin (unit_codes)`,
  `CREATE INDEX case_index_officers_idx ON case_index USING gin (officers)`,
  `CREATE INDEX case_index_breached_idx ON case_index USING gin (breached_steps)`,
  `CREATE INDEX case_index_breached_start_idx ON case_index (start_time DESC) WHERE breached_steps <> '{}'`,
  `CREATE INDEX case_index_late_idx ON case_index (late_at) WHERE late_at IS NOT NULL`,
  `CREATE INDEX case_index_pending_due_idx ON case_index (pending_due_at) WHERE pending_due_at IS NOT NULL`,
  `CREATE INDEX case_index_text_idx ON case_index USING gin (search_text gin_trgm_ops)`,
];

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  // The backfill and index builds take minutes on a large history: no statement_timeout inside this migration.
  await knex.raw('SET LOCAL statement_timeout = 0');
  await knex.raw(`
    CREATE TABLE case_index (
      process_instance_key bigint PRIMARY KEY,
      bpmn_process_id text NOT NULL,
      process_definition_key bigint NOT NULL,
      version integer NOT NULL,
      state text NOT NULL,
      start_time timestamptz NOT NULL,
      end_time timestamptz,
      case_code text,
      dossier_code text,
      started_by_unit text,
      unit_codes text[] NOT NULL DEFAULT '{}',
      officers text[] NOT NULL DEFAULT '{}',
      late_at timestamptz,
      breached_steps text[] NOT NULL DEFAULT '{}',
      pending_due jsonb,
      pending_due_at timestamptz,
      search_text text,
      refreshed_at timestamptz NOT NULL DEFAULT now()
    )`);
  const comments: Record<string, string> = {
    '': 'One row per top-level case, derived from hist_process_instances, hist_variables, inbox_tasks and case_deadlines by eiso_case_index_refresh (projector + triggers): what the auditor search filters on.',
    unit_codes: 'Units the case belongs to: startedByUnit and the unit part of every candidate group ("UNIT" or "UNIT/role") of its steps',
    officers: 'Usernames that hold (assignee) or completed a step of the case',
    late_at:
      'The case counts as late when late_at < now(): earliest due date of a step completed late or still open, or the appointment (case_deadlines) when the case ended after it or is still open',
    breached_steps: 'Element ids of steps completed after their due date (breached for good)',
    pending_due: 'Open steps with a due date, [{"e": element id, "d": due date}]: breached once the due date has passed',
    pending_due_at: 'Earliest due date in pending_due',
    search_text: 'Text of every process variable of the case, separated by U+001F: the free-text search (trigram index)',
    case_code: 'Process variable maHoSo',
    dossier_code: 'Process variable dossierCode (one-stop dossier)',
    started_by_unit: 'Process variable startedByUnit',
  };
  for (const [col, text] of Object.entries(comments)) {
    const literal = `'${text.replace(/'/g, "''")}'`;
    await knex.raw(col ? `COMMENT ON COLUMN case_index.${col} IS ${literal}` : `COMMENT ON TABLE case_index IS ${literal}`);
  }

  await knex.raw(`
    CREATE FUNCTION eiso_case_index_refresh(keys bigint[]) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      IF keys IS NULL OR cardinality(keys) = 0 THEN RETURN 0; END IF;
      -- One lock per case, in order: a concurrent refresh of the same case waits for our commit and
      -- then reads (new statement, new snapshot) what we wrote.
      PERFORM pg_advisory_xact_lock(7007, hashint8(k)) FROM (SELECT DISTINCT unnest(keys) AS k ORDER BY 1) s;
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} = ANY(keys)`)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION eiso_case_index_refresh(bigint[]) IS 'Recomputes and upserts the case_index rows of these cases (top-level ones; others are ignored)'`,
  );
  await knex.raw(`
    CREATE FUNCTION eiso_case_index_fill(lo bigint, hi bigint) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} BETWEEN lo AND hi`)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION eiso_case_index_fill(bigint, bigint) IS 'Backfill: upserts the case_index rows of the cases with lo <= key <= hi, set-based (range scans and hash joins), without locks'`,
  );

  await backfill(knex);
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  for (const sql of INDEXES) await knex.raw(sql);
  await knex.raw('ANALYZE case_index');

  await knex.raw(`
    CREATE FUNCTION eiso_case_index_after_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM eiso_case_index_refresh(ARRAY(SELECT DISTINCT process_instance_key FROM changed WHERE process_instance_key IS NOT NULL));
      RETURN NULL;
    END $fn$`);
  // Updates refresh only the cases whose rows changed in a column the index reads (reminder and
  // overdue sweeps touch many open tasks without changing any of them).
  const watched: Record<string, { key: string; columns: string[] }> = {
    inbox_tasks: {
      key: 'job_key',
      columns: ['process_instance_key', 'element_id', 'candidate_groups', 'assignee', 'completed_by', 'due_date', 'completed_at', 'status'],
    },
    case_deadlines: { key: 'process_instance_key', columns: ['process_instance_key', 'appointment_at'] },
  };
  for (const [table, w] of Object.entries(watched)) {
    const row = (alias: string) => `(${w.columns.map((c) => `${alias}.${c}`).join(', ')})`;
    await knex.raw(`
      CREATE FUNCTION eiso_case_index_after_${table}_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM eiso_case_index_refresh(ARRAY(
          SELECT DISTINCT k FROM changed n JOIN previous o ON o.${w.key} = n.${w.key}, LATERAL (VALUES (n.process_instance_key), (o.process_instance_key)) AS x(k)
           WHERE k IS NOT NULL AND ${row('n')} IS DISTINCT FROM ${row('o')}));
        RETURN NULL;
      END $fn$`);
    await knex.raw(
      `CREATE TRIGGER ${table}_case_index_ins AFTER INSERT ON ${table} REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION eiso_case_index_after_change()`,
    );
    await knex.raw(
      `CREATE TRIGGER ${table}_case_index_upd AFTER UPDATE ON ${table} REFERENCING OLD TABLE AS previous NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION eiso_case_index_after_${table}_update()`,
    );
    await knex.raw(
      `CREATE TRIGGER ${table}_case_index_del AFTER DELETE ON ${table} REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION eiso_case_index_after_change()`,
    );
  }
}

/**
 * Fills case_index from the existing history in batches of about BATCH cases (key ranges read from
 * the primary key of hist_process_instances), each one set-based statement. Logs its progress when
 * the history is large (a 10-year province: bench/results/audit-scale.md gives the time).
 */
const BATCH = 200_000;
export async function backfill(knex: Knex): Promise<number> {
  const t0 = Date.now();
  await knex.raw(`SET LOCAL work_mem = '64MB'`);
  const total = Number((await knex.raw(`SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'hist_process_instances'::regclass`)).rows[0].n);
  let lo: string | null = (await knex.raw(`SELECT min(process_instance_key)::text AS k FROM hist_process_instances`)).rows[0].k;
  let filled = 0;
  while (lo !== null) {
    const hiRow = (
      await knex.raw(
        `SELECT process_instance_key::text AS k FROM hist_process_instances WHERE process_instance_key >= ? ORDER BY process_instance_key OFFSET ? LIMIT 1`,
        [lo, BATCH],
      )
    ).rows[0];
    const hi: string | null = hiRow?.k ?? null;
    const res = await knex.raw(`SELECT eiso_case_index_fill(?::bigint, ?::bigint) AS n`, [
      lo,
      hi === null ? '9223372036854775807' : (BigInt(hi) - 1n).toString(),
    ]);
    filled += Number(res.rows[0].n);
    if (total > 1_000_000) console.log(`case_index backfill: ${filled} cases (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    lo = hi;
  }
  return filled;
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['inbox_tasks', 'case_deadlines']) {
    for (const s of ['ins', 'upd', 'del']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_case_index_${s} ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS eiso_case_index_after_change()');
  await knex.raw('DROP FUNCTION IF EXISTS eiso_case_index_after_inbox_tasks_update()');
  await knex.raw('DROP FUNCTION IF EXISTS eiso_case_index_after_case_deadlines_update()');
  await knex.raw('DROP FUNCTION IF EXISTS eiso_case_index_fill(bigint, bigint)');
  await knex.raw('DROP FUNCTION IF EXISTS eiso_case_index_refresh(bigint[])');
  await knex.raw('DROP TABLE IF EXISTS case_index');
}
