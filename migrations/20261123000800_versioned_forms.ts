import type { Knex } from 'knex';

/** Forms as deployed with each process version, so running instances keep the form they started with. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_forms', (t) => {
    t.comment('form-js schemas deployed with a process version (formKey "app:<id>"), by Zeebe processDefinitionKey.');
    t.bigInteger('process_definition_key').notNullable().references('process_definition_key').inTable('process_definitions').onDelete('CASCADE');
    t.string('form_key', 200).notNullable().comment('"app:<id>" as referenced by zeebe:formDefinition formKey');
    t.jsonb('schema').notNullable();
    t.string('checksum', 64).notNullable().comment('sha256 of the schema JSON');
    t.primary(['process_definition_key', 'form_key'], { constraintName: 'process_forms_pk' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('process_forms');
}
