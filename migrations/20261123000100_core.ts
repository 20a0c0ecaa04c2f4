import type { Knex } from 'knex';

/** Organisation tree, users, deployed process versions, forms and the officers' inbox. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('org_units', (t) => {
    t.comment('Organisation tree: province, departments, divisions, communes (any depth).');
    t.increments('id');
    t.string('code', 50).notNullable().unique('org_units_code_uq').comment('Stable code used in BPMN candidate groups');
    t.string('name', 300).notNullable().comment('Vietnamese name');
    t.string('kind', 30).notNullable().defaultTo('unit').comment('province | department | division | commune | unit');
    t.integer('parent_id').references('id').inTable('org_units').onDelete('RESTRICT').comment('Parent unit; null for the root');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['parent_id'], 'org_units_parent_idx');
  });

  await knex.schema.createTable('users', (t) => {
    t.comment('People who sign in: officers, leaders, designers, administrators, auditors.');
    t.increments('id');
    t.string('username', 100).notNullable().unique('users_username_uq');
    t.text('password_hash').notNullable().comment('argon2id hash');
    t.string('full_name', 200).notNullable();
    t.string('email', 200);
    t.integer('unit_id').notNullable().references('id').inTable('org_units').onDelete('RESTRICT').comment('The unit the person works in');
    t.specificType('roles', 'text[]').notNullable().comment('admin | designer | officer | leader | auditor');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['unit_id'], 'users_unit_idx');
  });
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_roles_ck CHECK (roles <@ ARRAY['admin','designer','officer','leader','auditor']::text[] AND cardinality(roles) > 0)`,
  );

  await knex.schema.createTable('process_definitions', (t) => {
    t.comment('Every BPMN process version deployed to Zeebe through the platform.');
    t.bigInteger('process_definition_key').primary('process_definitions_pk').comment('Zeebe processDefinitionKey');
    t.string('bpmn_process_id', 200).notNullable();
    t.string('name', 300).notNullable();
    t.integer('version').notNullable().comment('Zeebe version of this process id');
    t.string('resource_name', 200).notNullable();
    t.bigInteger('deployment_key').notNullable();
    t.text('xml').notNullable().comment('BPMN XML as deployed');
    t.jsonb('element_names').notNullable().defaultTo('{}').comment('element id -> name, for inbox rows and timelines');
    t.string('checksum', 64).notNullable().comment('sha256 of the XML');
    t.integer('deployed_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('deployed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['bpmn_process_id', 'version'], { indexName: 'process_definitions_id_version_uq' });
  });

  await knex.schema.createTable('forms', (t) => {
    t.comment('form-js schemas referenced by user tasks as formKey "app:<id>".');
    t.string('form_key', 200).primary('forms_pk');
    t.jsonb('schema').notNullable();
    t.string('checksum', 64).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('inbox_tasks', (t) => {
    t.comment('One row per BPMN user task (Zeebe job of type io.camunda.zeebe:userTask), written idempotently by the inbox worker.');
    t.bigInteger('job_key').primary('inbox_tasks_pk').comment('Zeebe job key: the task id');
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('element_instance_key').notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.string('bpmn_process_id', 200).notNullable();
    t.integer('process_version').notNullable();
    t.string('element_id', 200).notNullable();
    t.string('name', 300).notNullable().comment('Step name from the model');
    t.string('assignee', 100).comment('Username who holds the task; null while unclaimed');
    t.specificType('candidate_groups', 'text[]').notNullable().defaultTo('{}').comment('"<unitCode>" or "<unitCode>/<role>"');
    t.specificType('candidate_users', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('due_date', { useTz: true });
    t.string('form_key', 200);
    t.jsonb('variables').notNullable().defaultTo('{}').comment('Snapshot of the process variables at activation');
    t.string('status', 20).notNullable().defaultTo('open').comment('open | completing | completed | cancelled');
    t.jsonb('result_variables').comment('Variables sent on completion');
    t.string('completed_by', 100);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('claimed_at', { useTz: true });
    t.timestamp('completed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE inbox_tasks ADD CONSTRAINT inbox_tasks_status_ck CHECK (status IN ('open','completing','completed','cancelled'))`);
  await knex.raw(`CREATE INDEX inbox_tasks_open_assignee_idx ON inbox_tasks (assignee, created_at DESC) WHERE status IN ('open','completing')`);
  await knex.raw(`CREATE INDEX inbox_tasks_open_groups_idx ON inbox_tasks USING gin (candidate_groups) WHERE status IN ('open','completing')`);
  await knex.raw(`CREATE INDEX inbox_tasks_done_by_idx ON inbox_tasks (completed_by, completed_at DESC) WHERE status = 'completed'`);
  await knex.raw(`CREATE INDEX inbox_tasks_instance_idx ON inbox_tasks (process_instance_key)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('inbox_tasks');
  await knex.schema.dropTable('forms');
  await knex.schema.dropTable('process_definitions');
  await knex.schema.dropTable('users');
  await knex.schema.dropTable('org_units');
}
