import type { Knex } from 'knex';

/**
 * A case is its root process instance (issue 16, item 3). A call activity starts a called instance
 * whose records carry parentProcessInstanceKey; the history projector now also records the top of
 * that chain:
 * - hist_process_instances.root_process_instance_key: the root case of a called instance, set by the
 *   projector from the engine's records (the parent's root, or the parent itself); NULL for a root
 *   instance (its own root), so no existing row is rewritten. Backfilled here for called instances.
 * - case_index (the auditor's search, migrations/20261123007000): a case's units, officers and late
 *   steps now include the steps of the instances it called. eiso_case_index_refresh maps the keys it
 *   is given to their roots first, so the inbox triggers and the projector, which pass a called
 *   instance's key, refresh the root case. Frozen SQL inline (migrations import no live code); down()
 *   puts the previous functions back.
 */

/** The steps of the case: its own inbox rows (before this migration). */
function ownTasks(keyIn: (column: string) => string): string {
  return `), t AS (
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
`;
}

/** The steps of the case: the inbox rows of the root instance and of every instance it called (hist_process_instances.root_process_instance_key). */
function calledTasks(): string {
  return `), m AS (
  SELECT process_instance_key AS root, process_instance_key AS member FROM p
  UNION ALL
  SELECT h.root_process_instance_key, h.process_instance_key
    FROM hist_process_instances h
   WHERE h.root_process_instance_key IN (SELECT process_instance_key FROM p)
), t AS (
  SELECT m.root AS process_instance_key,
         array_agg(DISTINCT split_part(g.g, '/', 1)) FILTER (WHERE g.g IS NOT NULL) AS group_units,
         array_agg(DISTINCT it.assignee) FILTER (WHERE it.assignee IS NOT NULL) AS assignees,
         array_agg(DISTINCT it.completed_by) FILTER (WHERE it.completed_by IS NOT NULL) AS completers,
         array_agg(DISTINCT it.element_id ORDER BY it.element_id) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached_at,
         jsonb_agg(DISTINCT jsonb_build_object('e', it.element_id, 'd', it.due_date))
           FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending_at
    FROM m
    JOIN inbox_tasks it ON it.process_instance_key = m.member
    LEFT JOIN LATERAL unnest(it.candidate_groups) AS g(g) ON true
   GROUP BY m.root`;
}

function sourceSql(keyIn: (column: string) => string, called: boolean): string {
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
${called ? calledTasks() : ownTasks(keyIn)}
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

async function defineFunctions(knex: Knex, called: boolean): Promise<void> {
  // Called instances refresh their root case (a root instance is its own root).
  const toRoots = called
    ? `keys := ARRAY(SELECT DISTINCT COALESCE(h.root_process_instance_key, k.k) FROM unnest(keys) AS k(k)
                      LEFT JOIN hist_process_instances h ON h.process_instance_key = k.k);`
    : '';
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_case_index_refresh(keys bigint[]) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      IF keys IS NULL OR cardinality(keys) = 0 THEN RETURN 0; END IF;
      ${toRoots}
      -- One lock per case, in order: a concurrent refresh of the same case waits for our commit and
      -- then reads (new statement, new snapshot) what we wrote.
      PERFORM pg_advisory_xact_lock(7007, hashint8(k)) FROM (SELECT DISTINCT unnest(keys) AS k ORDER BY 1) s;
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} = ANY(keys)`, called)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_case_index_fill(lo bigint, hi bigint) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} BETWEEN lo AND hi`, called)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(
    `COMMENT ON FUNCTION eiso_case_index_refresh(bigint[]) IS ${
      called
        ? `'Recomputes and upserts the case_index rows of the root cases of these instances (a called instance refreshes its root; its steps count in the root case)'`
        : `'Recomputes and upserts the case_index rows of these cases (top-level ones; others are ignored)'`
    }`,
  );
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw('SET LOCAL statement_timeout = 0');
  await knex.schema.alterTable('hist_process_instances', (t) => {
    t.bigInteger('root_process_instance_key').comment(
      'Root case of a called instance (top of its call chain), set by the projector from the engine records; NULL for a root instance (its own root)',
    );
  });
  await knex.raw(`
    WITH RECURSIVE r AS (
      SELECT c.process_instance_key AS k, c.parent_process_instance_key AS root
        FROM hist_process_instances c
        JOIN hist_process_instances top ON top.process_instance_key = c.parent_process_instance_key AND top.parent_process_instance_key IS NULL
      UNION ALL
      SELECT h.process_instance_key, r.root FROM hist_process_instances h JOIN r ON h.parent_process_instance_key = r.k
    )
    UPDATE hist_process_instances h SET root_process_instance_key = r.root FROM r WHERE r.k = h.process_instance_key`);
  // Called instances whose chain is not in the history (exported before it existed): their nearest known ancestor.
  await knex.raw(
    `UPDATE hist_process_instances SET root_process_instance_key = parent_process_instance_key
      WHERE parent_process_instance_key IS NOT NULL AND root_process_instance_key IS NULL`,
  );
  await knex.raw(
    `CREATE INDEX hist_process_instances_root_idx ON hist_process_instances (root_process_instance_key) WHERE root_process_instance_key IS NOT NULL`,
  );
  await defineFunctions(knex, true);
  await knex.raw(
    `SELECT eiso_case_index_refresh(ARRAY(SELECT DISTINCT root_process_instance_key FROM hist_process_instances WHERE root_process_instance_key IS NOT NULL))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await defineFunctions(knex, false);
  await knex.raw('DROP INDEX IF EXISTS hist_process_instances_root_idx');
  await knex.schema.alterTable('hist_process_instances', (t) => {
    t.dropColumn('root_process_instance_key');
  });
}
