import type { Knex } from 'knex';

/**
 * Free text in the inbox (issue 4). The filter looked for the words in the step's name, the process id
 * and the case code with four ILIKEs per task; in a UTF-8 database ILIKE lower-cases both sides on every
 * comparison, which for Vietnamese words cost 16 µs per comparison (bench: 640 ms for an officer's
 * 10,000 visible tasks and "khai sinh"). search_text keeps the lower-cased text once, written with the
 * row, so the filter is one LIKE over bytes. The procedure's name is matched once per query against
 * process_definitions, not per task.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`SET LOCAL maintenance_work_mem = '512MB'`);
  await knex.raw(`
    ALTER TABLE inbox_tasks ADD COLUMN search_text text
      GENERATED ALWAYS AS (lower(name || ' ' || bpmn_process_id || ' ' || coalesce(variables->>'maHoSo', ''))) STORED`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE inbox_tasks DROP COLUMN IF EXISTS search_text');
}
