import type { Knex } from 'knex';

/**
 * Workers find the business record of a job by the job's (root) process instance key, never by a
 * process variable (engine/process-binding.ts). dossiers.process_instance_key is unique already and
 * iso_nonconformities / iso_document_versions are indexed on it; the other ISO registers get their index.
 */
const TABLES = ['iso_complaints', 'iso_audits', 'iso_reviews', 'iso_risks', 'iso_document_proposals'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const t of TABLES) await knex.raw(`CREATE INDEX IF NOT EXISTS ${t}_instance_idx ON ${t} (process_instance_key) WHERE process_instance_key IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  for (const t of TABLES) await knex.raw(`DROP INDEX IF EXISTS ${t}_instance_idx`);
}
