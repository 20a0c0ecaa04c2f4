import type { Knex } from 'knex';

/**
 * A case also belongs to the units of the people its steps were given to by name (issue 16, item 4).
 * A human step may be offered to a person instead of a group: an assignee (e.g. a multi-instance step
 * with one assignee per item, `assignee="=nguoi"`) or candidate users. Until now the case's units
 * (case_index.unit_codes: the auditor's scope and the leaders' timelines) counted only the unit that
 * started it and the units of its candidate groups, so a case started outside the platform whose
 * steps all named people belonged to no unit, and no auditor found it. Now the units of the step's
 * assignees, candidate users and completers (users.unit_id at refresh time) count too.
 * Frozen SQL inline (migrations import no live code): eiso_case_index_refresh and
 * eiso_case_index_fill as in 20261207110000_case_root plus those units; down() puts that version back.
 */

function sourceSql(keyIn: (column: string) => string, people: boolean): string {
  const peopleUnits = people
    ? ` || ARRAY(SELECT o.code FROM users us JOIN org_units o ON o.id = us.unit_id
                  WHERE us.username = ANY(COALESCE(t.assignees, '{}') || COALESCE(t.completers, '{}') || COALESCE(t.candidate_users, '{}')))`
    : '';
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
         ${people ? `array_agg(DISTINCT cu.u) FILTER (WHERE cu.u IS NOT NULL) AS candidate_users,` : ''}
         array_agg(DISTINCT it.element_id ORDER BY it.element_id) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at > it.due_date) AS breached_at,
         jsonb_agg(DISTINCT jsonb_build_object('e', it.element_id, 'd', it.due_date))
           FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending,
         min(it.due_date) FILTER (WHERE it.due_date IS NOT NULL AND it.completed_at IS NULL AND it.status IN ('open', 'completing')) AS pending_at
    FROM m
    JOIN inbox_tasks it ON it.process_instance_key = m.member
    LEFT JOIN LATERAL unnest(it.candidate_groups) AS g(g) ON true
    ${people ? 'LEFT JOIN LATERAL unnest(it.candidate_users) AS cu(u) ON true' : ''}
   GROUP BY m.root
)
SELECT p.process_instance_key, p.bpmn_process_id, p.process_definition_key, p.version, p.state, p.start_time, p.end_time,
       v.case_code, v.dossier_code, v.started_by_unit,
       ARRAY(SELECT DISTINCT u FROM unnest(array_append(COALESCE(t.group_units, '{}'), v.started_by_unit)${peopleUnits}) AS u WHERE u IS NOT NULL ORDER BY 1) AS unit_codes,
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

async function defineFunctions(knex: Knex, people: boolean): Promise<void> {
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
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} = ANY(keys)`, people)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION eiso_case_index_fill(lo bigint, hi bigint) RETURNS integer LANGUAGE plpgsql AS $fn$
    DECLARE n integer;
    BEGIN
      INSERT INTO case_index AS ci (${COLUMNS})
      ${sourceSql((c) => `${c} BETWEEN lo AND hi`, people)}
      ON CONFLICT (process_instance_key) DO UPDATE SET ${UPDATE_SET};
      GET DIAGNOSTICS n = ROW_COUNT;
      RETURN n;
    END $fn$`);
}

/**
 * The cases with a step offered to no group (given to people by name only): the ones that may have
 * lacked a unit. Others gain their completers' units at their next refresh.
 */
const NAMED_STEP_CASES = `ARRAY(SELECT DISTINCT COALESCE(h.root_process_instance_key, h.process_instance_key)
    FROM inbox_tasks it JOIN hist_process_instances h ON h.process_instance_key = it.process_instance_key
   WHERE cardinality(it.candidate_groups) = 0)`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw('SET LOCAL statement_timeout = 0');
  await defineFunctions(knex, true);
  await knex.raw(`SELECT eiso_case_index_refresh(${NAMED_STEP_CASES})`);
}

export async function down(knex: Knex): Promise<void> {
  await defineFunctions(knex, false);
  await knex.raw(`SELECT eiso_case_index_refresh(${NAMED_STEP_CASES})`);
}
