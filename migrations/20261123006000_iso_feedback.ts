import type { Knex } from 'knex';

/**
 * Complaints and feedback from citizens (public form, no login) and from any staff member, next to
 * the ones an officer records: where each came from, the citizen's tracking key, and the one-stop
 * dossier it is about. Quality objectives gain formulas over the one-stop data (on-time, online,
 * satisfaction) and the complaints count (domain/iso/objectives.ts).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('iso_complaints', (t) => {
    t.string('origin', 10)
      .notNullable()
      .defaultTo('officer')
      .comment('officer (recorded by an officer for someone) | public (sent by a citizen on the public form) | staff (internal feedback of a staff member)');
    t.string('kind', 20).comment('What the sender called it: gop-y | phan-anh | khieu-nai (the Office classifies it again)');
    t.string('lookup_token', 64).comment('Random secret of the citizen tracking link (public ones only); compared in constant time');
    t.string('dossier_code', 60).comment('Code of the one-stop dossier it is about, if the sender gave one (checked to exist)');
    t.index(['dossier_code'], 'iso_complaints_dossier_idx');
  });
  await knex.raw(`ALTER TABLE iso_complaints ALTER COLUMN received_by DROP NOT NULL`);
  await knex.raw(
    `COMMENT ON COLUMN iso_complaints.received_by IS 'Username of the officer who recorded it, or of the staff member who sent it; null for the public form'`,
  );
  await knex.raw(
    `COMMENT ON COLUMN iso_objectives.metric IS 'on_time_rate | nc_closed_rate | complaints_upheld | overdue_open | onestop_on_time_rate | online_rate | satisfaction_rate | complaints_count (formulas in domain/iso/objectives.ts)'`,
  );
  await knex.raw(
    `ALTER TABLE iso_complaints ADD CONSTRAINT iso_complaints_origin_ck CHECK (origin IN ('officer', 'public', 'staff') AND (origin = 'public' OR received_by IS NOT NULL) AND (origin <> 'public' OR lookup_token IS NOT NULL))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('iso_objectives').whereIn('metric', ['onestop_on_time_rate', 'online_rate', 'satisfaction_rate', 'complaints_count']).delete();
  await knex.raw(`COMMENT ON COLUMN iso_objectives.metric IS 'on_time_rate | nc_closed_rate | complaints_upheld | overdue_open'`);
  await knex.raw(`ALTER TABLE iso_complaints DROP CONSTRAINT iso_complaints_origin_ck`);
  await knex('iso_complaints').whereNull('received_by').update({ received_by: 'public' });
  await knex.raw(`ALTER TABLE iso_complaints ALTER COLUMN received_by SET NOT NULL`);
  await knex.schema.alterTable('iso_complaints', (t) => {
    t.dropIndex(['dossier_code'], 'iso_complaints_dossier_idx');
    t.dropColumn('dossier_code');
    t.dropColumn('lookup_token');
    t.dropColumn('kind');
    t.dropColumn('origin');
  });
}
