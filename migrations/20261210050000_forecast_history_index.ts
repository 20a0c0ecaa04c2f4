import type { Knex } from 'knex';

/**
 * The lateness forecast (issue 20 item 2, domain/forecast/store.ts) reads the newest finished dossiers
 * (ORDER BY resolved_at DESC within the last 400 days): an index on the result instant of the dossiers that
 * have one, so it reads the newest first instead of sorting the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX dossiers_resolved_at_idx ON dossiers (resolved_at DESC) WHERE resolved_at IS NOT NULL`);
  await knex.raw(`COMMENT ON INDEX dossiers_resolved_at_idx IS 'Newest finished dossiers first: the history the lateness forecast learns from'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS dossiers_resolved_at_idx`);
}
