import type { Knex } from 'knex';

/**
 * Issue 19 (PostgreSQL's time per human task): the statement trigger on inbox_tasks refreshes a case's
 * case_index row when a row of the case changed "in a column the index reads" (20261123007000). It compared the
 * columns themselves, so two changes the index cannot see each cost a full refresh of the case (~1.4 ms):
 * - open → completing (the officer's completion, saved before it is sent to the engine): the index reads the status
 *   only as "still pending" (status IN ('open', 'completing'));
 * - completed_by set to the officer who holds the task: the index reads the people of a task as the set of its
 *   holder and its completer (officers, and the units of people), and that set does not change.
 * It now compares what the index reads: the pending flag, and the set {assignee, completed_by}. It also watches
 * candidate_users, which the index reads since 20261208020000 (units of the people a step is offered to) and the
 * old comparison left out. Frozen SQL inline (migrations import no live code); down() restores the old comparison.
 */

const KEY_OF_CASE = `SELECT DISTINCT k FROM changed n JOIN previous o ON o.job_key = n.job_key, LATERAL (VALUES (n.process_instance_key), (o.process_instance_key)) AS x(k)`;

/** What case_index reads of one inbox_tasks row (see sourceSql of 20261213010000_case_search_text). */
const read = (a: string) =>
  `(${a}.process_instance_key, ${a}.element_id, ${a}.candidate_groups, ${a}.candidate_users,
    ARRAY(SELECT DISTINCT p FROM unnest(ARRAY[${a}.assignee, ${a}.completed_by]) AS p WHERE p IS NOT NULL ORDER BY 1),
    ${a}.due_date, ${a}.completed_at, ${a}.status IN ('open', 'completing'))`;

/** 20261123007000's comparison. */
const OLD = (a: string) =>
  `(${a}.process_instance_key, ${a}.element_id, ${a}.candidate_groups, ${a}.assignee, ${a}.completed_by, ${a}.due_date, ${a}.completed_at, ${a}.status)`;

async function define(knex: Knex, row: (alias: string) => string): Promise<void> {
  await knex.raw(`
      CREATE OR REPLACE FUNCTION eiso_case_index_after_inbox_tasks_update() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        PERFORM eiso_case_index_refresh(ARRAY(
          ${KEY_OF_CASE}
           WHERE k IS NOT NULL AND ${row('n')} IS DISTINCT FROM ${row('o')}));
        RETURN NULL;
      END $fn$`);
}

export async function up(knex: Knex): Promise<void> {
  await define(knex, read);
}

export async function down(knex: Knex): Promise<void> {
  await define(knex, OLD);
}
