import type { Knex } from 'knex';

/**
 * Anonymous submissions ("Every input is hostile"): a count of online submissions per client address
 * and Vietnam day (the quota, ONESTOP_SUBMISSIONS_PER_DAY), and when the files of a refused or
 * withdrawn submission were removed from the file store (ONESTOP_REFUSED_FILES_DAYS); the row stays
 * (name, size, sha256) as the record of what was sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('public_submission_quota', (t) => {
    t.text('client_ip').notNullable();
    t.date('day').notNullable().comment('Vietnam local date');
    t.integer('submissions').notNullable().defaultTo(0);
    t.primary(['client_ip', 'day']);
  });
  await knex.schema.alterTable('dossier_documents', (t) => {
    t.timestamp('purged_at', { useTz: true }).nullable().comment('File removed from the store (refused or withdrawn submission past its keeping time)');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_documents', (t) => t.dropColumn('purged_at'));
  await knex.schema.dropTableIfExists('public_submission_quota');
}
