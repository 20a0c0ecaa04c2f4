import type { Knex } from 'knex';

/**
 * Many agencies, one procedure (issue 17 item 10). A national procedure code is offered by every
 * competent agency (every commune, for a commune procedure), each with its own desk, its own e-ID for
 * the dossier code and possibly its own process: one row per (procedure, agency). The procedure's own
 * agency columns stay as its first agency (position 0), so older readers keep working.
 *
 * A dossier is received at any desk of the province regardless of administrative boundary (NĐ
 * 118/2025/NĐ-CP, vn-rules.md §3.1 and §4): `received_desk_code` records the desk that received it,
 * while `desk_unit_code` and `agency_code` stay the competent agency's.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('onestop_procedure_agencies', (t) => {
    t.comment('The competent agencies offering a catalogue procedure, each with its desk, e-ID and (optionally) its own process');
    t.string('procedure_code', 50).notNullable().references('code').inTable('onestop_procedures').onDelete('CASCADE');
    t.string('agency_code', 50).notNullable().comment('org_units.code of the competent agency');
    t.string('agency_name', 300).notNullable();
    t.string('desk_unit_code', 50).notNullable().comment('org_units.code of the agency desk (returns the result, accepts online submissions)');
    t.string('agency_eid', 35).notNullable().comment('Electronic identifier of the agency: first segment of its dossier codes');
    t.string('bpmn_process_id', 200).nullable().comment("The agency's own process (its units); null = the procedure's");
    t.integer('process_version').nullable().comment("Pinned version of the agency's own process; null = newest published");
    t.integer('position').notNullable().defaultTo(0).comment('0 = the procedure row agency');
    t.primary(['procedure_code', 'agency_code'], { constraintName: 'onestop_procedure_agencies_pk' });
  });
  await knex.raw(`CREATE INDEX onestop_procedure_agencies_desk_idx ON onestop_procedure_agencies (desk_unit_code)`);
  await knex.raw(`
    INSERT INTO onestop_procedure_agencies (procedure_code, agency_code, agency_name, desk_unit_code, agency_eid, position)
    SELECT code, agency_code, agency_name, desk_unit_code, agency_eid, 0 FROM onestop_procedures
    ON CONFLICT DO NOTHING`);
  await knex.schema.alterTable('dossiers', (t) => {
    t.string('received_desk_code', 50).nullable().comment('The desk that received the dossier (any desk of the province); null until received');
  });
  await knex.raw(`UPDATE dossiers SET received_desk_code = desk_unit_code WHERE received_at IS NOT NULL AND received_desk_code IS NULL`);
  await knex.raw(`CREATE INDEX dossiers_received_desk_idx ON dossiers (received_desk_code, received_at) WHERE received_desk_code IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS dossiers_received_desk_idx');
  await knex.schema.alterTable('dossiers', (t) => t.dropColumn('received_desk_code'));
  await knex.schema.dropTableIfExists('onestop_procedure_agencies');
}
