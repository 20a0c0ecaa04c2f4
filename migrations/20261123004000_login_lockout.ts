import type { Knex } from 'knex';

/** Login lockout: consecutive failed sign-ins per account and the time a lock ends. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('failed_logins').notNullable().defaultTo(0).comment('Consecutive failed sign-ins since the last success or lock');
    t.timestamp('locked_until', { useTz: true }).comment('Sign-in refused until this time after too many failures; null = not locked');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('locked_until');
    t.dropColumn('failed_logins');
  });
}
