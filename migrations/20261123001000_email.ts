import type { Knex } from 'knex';

/** E-mail delivery of notifications (SMTP_URL): when each one went out, so it is sent once. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.timestamp('emailed_at', { useTz: true }).comment('When the notification was sent by e-mail (SMTP_URL); null while not sent (or no e-mail)');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('emailed_at');
  });
}
