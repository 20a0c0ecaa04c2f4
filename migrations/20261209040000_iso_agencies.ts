import type { Knex } from 'knex';

/**
 * One ISO quality system per agency (issue 17, item 5). Until now the seven ISO processes named the
 * units of Sở Nông nghiệp và Môi trường (SNNMT-ISO, SNNMT-VP, SNNMT) and every register was one
 * province-wide list. Now:
 * - iso_systems: the org data of each agency's quality system: the unit of its ISO secretariat
 *   (officers: ISO secretaries; leader: management representative) and its Office (receives
 *   nonconformities and complaints). One agency is the default: records that cannot be attributed to
 *   an agency (a unit above every department and commune) go to its register. Seeded with the
 *   department the processes were wired to.
 * - iso_agency_of(unit): the agency a unit belongs to: the unit itself or its nearest ancestor that is
 *   a department or a commune (or has a quality system of its own); else the default agency.
 * - an `agency` column on every ISO register row, backfilled to that department (every existing record
 *   was kept by its quality system); a row written without one goes to the default agency.
 */
const TABLES = ['iso_nonconformities', 'iso_documents', 'iso_complaints', 'iso_audits', 'iso_reviews', 'iso_risks', 'iso_objectives'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('iso_systems', (t) => {
    t.comment('The quality system (ISO 9001) of one agency: who holds its ISO roles. Process roles are resolved from it when an ISO process starts.');
    t.string('agency_code', 50).primary('iso_systems_pk').comment('org_units.code of the agency (department or commune)');
    t.string('secretariat_unit_code', 50)
      .notNullable()
      .comment('Unit of the ISO secretariat: its officers are the ISO secretaries, its leader the management representative');
    t.string('office_unit_code', 50).notNullable().comment('Unit (Office) that receives nonconformities and complaints, verifies and closes them');
    t.boolean('is_default').notNullable().defaultTo(false).comment('Register of the records no agency can be found for (at most one)');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`CREATE UNIQUE INDEX iso_systems_default_uq ON iso_systems (is_default) WHERE is_default`);
  await knex('iso_systems').insert({ agency_code: 'SNNMT', secretariat_unit_code: 'SNNMT-ISO', office_unit_code: 'SNNMT-VP', is_default: true });

  await knex.raw(`
    CREATE FUNCTION iso_default_agency() RETURNS varchar LANGUAGE sql STABLE AS $$
      SELECT agency_code FROM iso_systems WHERE is_default LIMIT 1
    $$`);
  await knex.raw(`
    CREATE FUNCTION iso_agency_of(unit text) RETURNS varchar LANGUAGE sql STABLE AS $$
      WITH RECURSIVE up AS (
        SELECT id, code, kind, parent_id, 0 AS depth FROM org_units WHERE code = unit
        UNION ALL
        SELECT o.id, o.code, o.kind, o.parent_id, up.depth + 1 FROM org_units o JOIN up ON o.id = up.parent_id WHERE up.depth < 30
      )
      SELECT coalesce(
        (SELECT up.code FROM up
          WHERE up.kind IN ('department', 'commune') OR EXISTS (SELECT 1 FROM iso_systems s WHERE s.agency_code = up.code)
          ORDER BY up.depth LIMIT 1),
        iso_default_agency())
    $$`);

  for (const table of TABLES) {
    await knex.schema.alterTable(table, (t) => {
      t.string('agency', 50).comment('The agency whose quality system keeps this record (iso_systems.agency_code; org_units.code)');
    });
    await knex(table).update({ agency: 'SNNMT' });
    await knex.raw(`ALTER TABLE ?? ALTER COLUMN agency SET DEFAULT iso_default_agency(), ALTER COLUMN agency SET NOT NULL`, [table]);
    await knex.raw(`CREATE INDEX ?? ON ?? (agency)`, [`${table}_agency_idx`, table]);
  }
  // Each agency's document register has its own codes (two agencies may both have QT-KSTL-01).
  await knex.raw('ALTER TABLE iso_documents DROP CONSTRAINT iso_documents_code_uq');
  await knex.raw('ALTER TABLE iso_documents ADD CONSTRAINT iso_documents_agency_code_uq UNIQUE (agency, code)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE iso_documents DROP CONSTRAINT iso_documents_agency_code_uq');
  await knex.raw('ALTER TABLE iso_documents ADD CONSTRAINT iso_documents_code_uq UNIQUE (code)');
  for (const table of TABLES) await knex.schema.alterTable(table, (t) => t.dropColumn('agency'));
  await knex.raw('DROP FUNCTION IF EXISTS iso_agency_of(text)');
  await knex.raw('DROP FUNCTION IF EXISTS iso_default_agency()');
  await knex.schema.dropTableIfExists('iso_systems');
}
