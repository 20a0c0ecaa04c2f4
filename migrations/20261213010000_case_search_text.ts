import type { Knex } from 'knex';

/**
 * Issue 19, item 2 ("fewer triggers per inbox write"): the statement triggers on inbox_tasks refresh the
 * case's case_index row on every claim, completion and new step (four times per human step). Each refresh
 * rewrote the whole row, and a row rewritten with a changed indexed column (officers, pending_due_at...) is
 * written again into every index of the table, among them the trigram index over search_text (every
 * process variable's text of the case): one entry per trigram, for a text the inbox write never changes.
 * PostgreSQL spent about 20 ms per human step there (bench/RESULTS.md, "where PostgreSQL's time goes").
 *
 * Now
 * - the text the auditor searches lives in its own table, case_search (one row per case, its own trigram
 *   index), written only when the text changed (the projector writing process variables), never by an
 *   inbox write;
 * - a refresh that computes the same row as the one stored writes nothing (a reminder, a renamed task, a
 *   completion the index does not see), so refreshed_at is the time the row last changed.
 * The rows are computed exactly as before (20261208020000_case_units_of_people); the search reads the text
 * through case_search (domain/audit/case-search.ts). Frozen SQL inline (migrations import no live code);
 * down() puts the text back into case_index and the functions of 20261208020000.
 */

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
), m AS (
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
         array_agg(DISTINCT cu.u) FILTER (WHERE cu.u IS NOT NULL) AS candidate_users,
         array_agg(DISTINCT it.element_id ORDER BY it.element_id) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached_at,
         jsonb_agg(DISTINCT jsonb_build_object('e', it.element_id, 'd', it.due_date))
           FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending_at
    FROM m
    JOIN inbox_tasks it ON it.process_instance_key = m.member
    LEFT JOIN LATERAL unnest(it.candidate_groups) AS g(g) ON true
    LEFT JOIN LATERAL unnest(it.candidate_users) AS cu(u) ON true
   GROUP BY m.root
)
SELECT p.process_instance_key, p.bpmn_process_id, p.process_definition_key, p.version, p.state, p.start_time, p.end_time,
       v.case_code, v.dossier_code, v.started_by_unit,
       ARRAY(SELECT DISTINCT u FROM unnest(array_append(COALESCE(t.group_units, '{}'), v.started_by_unit)
               || ARRAY(SELECT o.code FROM users us JOIN org_units o ON o.id = us.unit_id
                         WHERE us.username = ANY(COALESCE(t.assignees, '{}') || COALESCE(t.completers, '{}') || COALESCE(t.candidate_users, '{}')))) AS u
              WHERE u IS NOT NULL ORDER BY 1) AS unit_codes,
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

/** The columns of case_index that the source computes, without the text and the refresh time. */
const DERIVED = [
  'bpmn_process_id',
  'process_definition_key',
  'version',
  'state',
  'start_time',
  'end_time',
  'case_code',
  'dossier_code',
  'started_by_unit',
  'unit_codes',
  'officers',
  'late_at',
  'breached_steps',
  'pending_due',
  'pending_due_at',
];
const list = (cols: string[], alias = '') => cols.map((c) => `${alias}${c}`).join(', ');

/** After: the row written only when it changed, the text into case_search only when it changed. */
function upsertSplit(source: string): string {
  return `
      WITH s AS (${source}
      ), text AS (
        INSERT INTO case_search AS cs (process_instance_key, search_text)
        SELECT process_instance_key, search_text FROM s
        ON CONFLICT (process_instance_key) DO UPDATE SET search_text = EXCLUDED.search_text
         WHERE cs.search_text IS DISTINCT FROM EXCLUDED.search_text
      )
      INSERT INTO case_index AS ci (process_instance_key, ${list(DERIVED)}, refreshed_at)
      SELECT process_instance_key, ${list(DERIVED)}, refreshed_at FROM s
      ON CONFLICT (process_instance_key) DO UPDATE SET ${DERIVED.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, refreshed_at = EXCLUDED.refreshed_at
       WHERE (${list(DERIVED, 'ci.')}) IS DISTINCT FROM (${list(DERIVED, 'EXCLUDED.')});`;
}

/** Before (20261208020000): the whole row, text included, rewritten on every refresh. */
function upsertWhole(source: string): string {
  const cols = [...DERIVED, 'search_text', 'refreshed_at'];
  return `
      INSERT INTO case_index AS ci (process_instance_key, ${list(cols)})
      ${source}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${cols.map((c) => `${c} = EXCLUDED.${c}`).join(', ')};`;
}

async function defineFunctions(knex: Knex, upsert: (source: string) => string): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_case_index_refresh(keys bigint[]) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      IF keys IS NULL OR cardinality(keys) = 0 THEN RETURN 0; END IF;
      keys := ARRAY(SELECT DISTINCT COALESCE(h.root_process_instance_key, k.k) FROM unnest(keys) AS k(k)
                      LEFT JOIN hist_process_instances h ON h.process_instance_key = k.k);
      -- One lock per case, in order: a concurrent refresh of the same case waits for our commit and
      -- then reads (new statement, new snapshot) what we wrote.
      PERFORM pg_advisory_xact_lock(7007, hashint8(k)) FROM (SELECT DISTINCT unnest(keys) AS k ORDER BY 1) s;
      ${upsert(sourceSql((c) => `${c} = ANY(keys)`))}
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_case_index_fill(lo bigint, hi bigint) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      ${upsert(sourceSql((c) => `${c} BETWEEN lo AND hi`))}
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw('SET LOCAL statement_timeout = 0');
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(`
    CREATE TABLE case_search (
      process_instance_key bigint PRIMARY KEY,
      search_text text
    )`);
  await knex.raw(
    `COMMENT ON TABLE case_search IS 'The text of every process variable of a top-level case (one row per case_index row), searched by the auditor under its trigram index; written by eiso_case_index_refresh only when it changed'`,
  );
  await knex.raw(`INSERT INTO case_search (process_instance_key, search_text) SELECT process_instance_key, search_text FROM case_index`);
  await knex.raw(`CREATE INDEX case_search_text_idx ON case_search USING gin (search_text gin_trgm_ops)`);
  await knex.raw(`ALTER TABLE case_index DROP COLUMN search_text`);
  await defineFunctions(knex, upsertSplit);
  await knex.raw('ANALYZE case_search');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('SET LOCAL statement_timeout = 0');
  await knex.raw(`ALTER TABLE case_index ADD COLUMN search_text text`);
  await knex.raw(`UPDATE case_index ci SET search_text = cs.search_text FROM case_search cs WHERE cs.process_instance_key = ci.process_instance_key`);
  await knex.raw(`CREATE INDEX case_index_text_idx ON case_index USING gin (search_text gin_trgm_ops)`);
  await knex.raw('DROP TABLE case_search');
  await defineFunctions(knex, upsertWhole);
}
