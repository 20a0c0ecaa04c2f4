import type { Knex } from 'knex';

/**
 * Codes at receipt (TT 03/2025/TT-VPCP Art. 13: "YYMMDD là ngày tiếp nhận hồ sơ", the sequence counts the
 * dossiers RECEIVED that day). An online submission is not received yet: it gets a tracking reference
 * (mã tra cứu, "TN-XXXX-XXXX-XXXX") at submission and its dossier code only when the desk receives it, so a
 * refused or withdrawn submission uses no number of the day. Existing dossiers keep their codes and get a
 * reference too (every dossier has one; the citizen's links work with either).
 */
export async function up(knex: Knex): Promise<void> {
  // The default (random, for rows written without one: older rows, direct inserts) is the same format;
  // the platform writes a reference from a cryptographic source (domain/onestop/code.ts newTrackingReference).
  const group = `upper(substr(md5(random()::text || clock_timestamp()::text), 1, 4))`;
  // Existing rows get a reference derived from their id (unique by construction: 48 random bits would collide
  // somewhere in a province's ten years of dossiers and fail this migration); they already have their codes.
  await knex.raw(`ALTER TABLE dossiers ADD COLUMN reference varchar(20)`);
  const hex = `lpad(upper(to_hex(id)), 12, '0')`;
  await knex.raw(`UPDATE dossiers SET reference = 'TN-' || substr(${hex}, 1, 4) || '-' || substr(${hex}, 5, 4) || '-' || substr(${hex}, 9, 4)`);
  await knex.raw(`ALTER TABLE dossiers ALTER COLUMN reference SET DEFAULT ('TN-' || ${group} || '-' || ${group} || '-' || ${group})`);
  await knex.raw(`ALTER TABLE dossiers ALTER COLUMN reference SET NOT NULL`);
  await knex.raw(`COMMENT ON COLUMN dossiers.reference IS 'Tracking reference of the submission (mã tra cứu), TN-XXXX-XXXX-XXXX; not a dossier code'`);
  await knex.raw(`ALTER TABLE dossiers ADD CONSTRAINT dossiers_reference_uq UNIQUE (reference)`);
  await knex.raw(`ALTER TABLE dossiers ALTER COLUMN code DROP NOT NULL`);
  await knex.raw(
    `COMMENT ON COLUMN dossiers.code IS 'Dossier code <agency e-ID>-<YYMMDD of receipt>-<sequence of the day>, issued when the desk receives the dossier (null before), immutable once issued'`,
  );
  await knex.raw(`ALTER TABLE dossiers ADD CONSTRAINT dossiers_code_received_ck CHECK (code IS NOT NULL OR received_at IS NULL)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE dossiers DROP CONSTRAINT IF EXISTS dossiers_code_received_ck`);
  await knex.raw(`DELETE FROM dossiers WHERE code IS NULL`);
  await knex.raw(`ALTER TABLE dossiers ALTER COLUMN code SET NOT NULL`);
  await knex.raw(`ALTER TABLE dossiers DROP CONSTRAINT IF EXISTS dossiers_reference_uq`);
  await knex.schema.alterTable('dossiers', (t) => t.dropColumn('reference'));
}
