import type { Knex } from 'knex';

/**
 * Notices to the citizen about their dossier (one per dossier event that concerns them). Always shown
 * on the public lookup page ("in-app"); e-mailed through SMTP when it is configured and the applicant
 * gave an address (emailed_at marks it sent, once).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('dossier_notices', (t) => {
    t.comment('Citizen notices of dossier events: visible on the lookup page, e-mailed when SMTP is configured and the applicant has an address.');
    t.bigIncrements('id').primary('dossier_notices_pk');
    t.bigInteger('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
    t.bigInteger('event_id').notNullable().references('id').inTable('dossier_events').onDelete('CASCADE');
    t.string('email', 254).comment("Applicant's address at the time of the event; null = in-app only");
    t.string('subject', 300).notNullable();
    t.text('body').notNullable().comment('Plain text, may contain the citizen links (lookup, supplement, evaluation)');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('emailed_at', { useTz: true }).comment('Sent by e-mail (null: not yet, or in-app only)');
    t.integer('attempts').notNullable().defaultTo(0).comment('Failed e-mail attempts');
    t.unique(['event_id'], { indexName: 'dossier_notices_event_uq' });
  });
  await knex.raw(`CREATE INDEX dossier_notices_pending_idx ON dossier_notices (created_at) WHERE emailed_at IS NULL AND email IS NOT NULL`);
  await knex.raw(`CREATE INDEX dossier_notices_dossier_idx ON dossier_notices (dossier_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dossier_notices');
}
