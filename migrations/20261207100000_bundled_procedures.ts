import type { Knex } from 'knex';

/**
 * The processes the platform ships (processes/*.bpmn with their forms) are procedures of the modeler
 * (issue 16, item 1). At start each bundled file becomes a procedure (procedures.bundled_file) whose
 * first version is that file; every release of a file is recorded once, keyed by the hash of its
 * content (the BPMN and its forms): 'published' when it became a version, 'offered' when the designer
 * had published a version of their own (the release waits as a draft to review), then 'accepted'
 * (loaded into the draft) or 'dismissed'.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('procedures', (t) => {
    t.string('bundled_file', 200).comment('File under processes/ the procedure was shipped as (null: drawn by a designer)');
  });
  await knex.schema.createTable('procedure_bundled_releases', (t) => {
    t.comment('Each release of a bundled process file, recorded once per content hash, and what became of it.');
    t.increments('id');
    t.integer('procedure_id').notNullable().references('id').inTable('procedures').onDelete('CASCADE');
    t.string('bpmn_process_id', 200).notNullable();
    t.string('resource_name', 200).notNullable().comment('File name under processes/');
    t.string('checksum', 64).notNullable().comment('sha256 of the file and its forms');
    t.text('xml').notNullable();
    t.jsonb('forms').notNullable().defaultTo('{}');
    t.string('outcome', 20).notNullable().comment('published | offered | accepted | dismissed');
    t.integer('version').comment('Version it was published as (outcome published)');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('decided_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('decided_at', { useTz: true });
    t.unique(['bpmn_process_id', 'checksum'], { indexName: 'procedure_bundled_releases_uq' });
    t.index(['procedure_id'], 'procedure_bundled_releases_procedure_idx');
  });
  await knex.raw(
    `ALTER TABLE procedure_bundled_releases ADD CONSTRAINT procedure_bundled_releases_outcome_ck CHECK (outcome IN ('published','offered','accepted','dismissed'))`,
  );
  await knex.raw(`ALTER TABLE procedure_events DROP CONSTRAINT procedure_events_kind_ck`);
  await knex.raw(
    `ALTER TABLE procedure_events ADD CONSTRAINT procedure_events_kind_ck CHECK (kind IN ('created','imported','info-updated','published','retired','bundled-offered','bundled-accepted','bundled-dismissed'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DELETE FROM procedure_events WHERE kind IN ('bundled-offered','bundled-accepted','bundled-dismissed')`);
  await knex.raw(`ALTER TABLE procedure_events DROP CONSTRAINT procedure_events_kind_ck`);
  await knex.raw(
    `ALTER TABLE procedure_events ADD CONSTRAINT procedure_events_kind_ck CHECK (kind IN ('created','imported','info-updated','published','retired'))`,
  );
  await knex.schema.dropTable('procedure_bundled_releases');
  await knex.schema.alterTable('procedures', (t) => {
    t.dropColumn('bundled_file');
  });
}
