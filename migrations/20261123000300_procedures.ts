import type { Knex } from 'knex';

/**
 * The modeler's server side: procedures (quy trình) with one autosaved draft each, their published
 * and retired versions (each one a Zeebe process version), the record of who changed what, and the
 * in-app notifications written by the notify-citizen worker.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('procedures', (t) => {
    t.comment('Administrative procedures designed in the modeler: one BPMN process id each.');
    t.increments('id');
    t.string('bpmn_process_id', 200).notNullable().unique('procedures_bpmn_process_id_uq').comment('BPMN process id: the Zeebe bpmnProcessId of every version');
    t.string('name', 300).notNullable().comment('Vietnamese name of the procedure');
    t.string('code', 50).notNullable().defaultTo('').comment('Document code printed on the procedure sheet, e.g. QT-DD-01');
    t.text('purpose').notNullable().defaultTo('').comment('Sheet section 1: Mục đích');
    t.text('scope').notNullable().defaultTo('').comment('Sheet section 2: Phạm vi áp dụng');
    t.text('legal_basis').notNullable().defaultTo('').comment('Sheet section 3: Căn cứ pháp lý, one document per line');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('procedure_drafts', (t) => {
    t.comment('The one current draft of a procedure, saved by the modeler autosave with an optimistic revision.');
    t.integer('procedure_id').primary('procedure_drafts_pk').references('id').inTable('procedures').onDelete('CASCADE');
    t.text('xml').notNullable().comment('BPMN XML as last saved (may be invalid: work in progress)');
    t.jsonb('forms').notNullable().defaultTo('{}').comment('form-js schemas keyed by form id (formKey app:<id>)');
    t.integer('revision').notNullable().defaultTo(1).comment('Grows by one on every save; a save naming an older revision is refused');
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('procedure_versions', (t) => {
    t.comment('Versions of a procedure published to Zeebe; retired versions accept no new instances.');
    t.increments('id');
    t.integer('procedure_id').notNullable().references('id').inTable('procedures').onDelete('RESTRICT');
    t.integer('version').notNullable().comment('Zeebe version of the process id');
    t.bigInteger('process_definition_key').notNullable().references('process_definition_key').inTable('process_definitions').onDelete('RESTRICT');
    t.jsonb('forms').notNullable().defaultTo('{}').comment('form-js schemas published with this version');
    t.string('checksum', 64).notNullable().comment('sha256 of the deployed XML');
    t.integer('draft_revision').notNullable().comment('Draft revision that was published');
    t.string('state', 20).notNullable().defaultTo('published').comment('published | retired');
    t.integer('published_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('published_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('retired_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('retired_at', { useTz: true });
    t.unique(['procedure_id', 'version'], { indexName: 'procedure_versions_procedure_version_uq' });
    t.index(['process_definition_key'], 'procedure_versions_definition_idx');
  });
  await knex.raw(`ALTER TABLE procedure_versions ADD CONSTRAINT procedure_versions_state_ck CHECK (state IN ('published','retired'))`);

  await knex.schema.createTable('procedure_events', (t) => {
    t.comment('Who created, imported, published (deployed), retired or edited a procedure, and when.');
    t.bigIncrements('id');
    t.integer('procedure_id').notNullable().references('id').inTable('procedures').onDelete('CASCADE');
    t.string('kind', 30).notNullable().comment('created | imported | info-updated | published | retired');
    t.integer('version').comment('Zeebe version concerned, for published and retired');
    t.integer('actor_id').references('id').inTable('users').onDelete('SET NULL');
    t.jsonb('details').notNullable().defaultTo('{}').comment('File name, deployment key, changed fields, ...');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['procedure_id', 'created_at'], 'procedure_events_procedure_at_idx');
  });
  await knex.raw(
    `ALTER TABLE procedure_events ADD CONSTRAINT procedure_events_kind_ck CHECK (kind IN ('created','imported','info-updated','published','retired'))`,
  );

  await knex.schema.createTable('notifications', (t) => {
    t.comment('Messages to citizens and officers; written by the notify-citizen worker (channel in-app for now).');
    t.bigIncrements('id');
    t.text('recipient').notNullable().comment('Who it is for: citizen id, phone, e-mail or username');
    t.string('channel', 20).notNullable().defaultTo('in-app').comment('in-app (sms, email later)');
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.bigInteger('process_instance_key').comment('Instance the message is about');
    t.bigInteger('job_key').comment('Zeebe job that wrote it: makes the worker idempotent');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['job_key'], { indexName: 'notifications_job_key_uq' });
    t.index(['recipient', 'created_at'], 'notifications_recipient_at_idx');
    t.index(['process_instance_key'], 'notifications_instance_idx');
  });
  await knex.raw(`ALTER TABLE notifications ADD CONSTRAINT notifications_channel_ck CHECK (channel IN ('in-app'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('notifications');
  await knex.schema.dropTableIfExists('procedure_events');
  await knex.schema.dropTableIfExists('procedure_versions');
  await knex.schema.dropTableIfExists('procedure_drafts');
  await knex.schema.dropTableIfExists('procedures');
}
