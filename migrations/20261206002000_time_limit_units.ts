import type { Knex } from 'knex';

/**
 * Time limits in their legal unit (issue 17.1): the catalogue and the case clock record the unit the
 * legal basis states — working_days (ngày làm việc), calendar_days (ngày, Civil Code art. 147–148),
 * hours (giờ làm việc), within_day (trong ngày, value 0). Existing rows keep working days.
 */
const UNITS = `('working_days','calendar_days','hours','within_day')`;

export async function up(knex: Knex): Promise<void> {
  for (const table of ['onestop_procedures', 'case_deadlines']) {
    await knex.schema.alterTable(table, (t) => {
      t.string('time_limit_unit', 20)
        .notNullable()
        .defaultTo('working_days')
        .comment('Legal unit of time_limit_days: working_days | calendar_days | hours | within_day (value 0)');
    });
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_time_limit_unit_ck CHECK (time_limit_unit IN ${UNITS})`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['onestop_procedures', 'case_deadlines']) {
    await knex.schema.alterTable(table, (t) => t.dropColumn('time_limit_unit'));
  }
}
