import type { Knex } from 'knex';

/**
 * History: the raw Zeebe record stream written by the broker's PgHistoryExporter, and the
 * auditor-facing tables the HistoryProjector derives from it. Zeebe keys are bigint.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('zeebe_record', (t) => {
    t.comment('Raw Zeebe records (events and command rejections) written by the broker exporter; append-only, idempotent by (partition, position).');
    t.integer('partition_id').notNullable().comment('Zeebe partition that wrote the record');
    t.bigInteger('position').notNullable().comment('Log position within the partition: unique with partition_id, orders records');
    t.bigInteger('record_key').notNullable().comment('Record key: the key of the entity (instance, element instance, job, variable, ...); -1 when none');
    t.text('record_type').notNullable().comment('EVENT | COMMAND_REJECTION');
    t.text('value_type').notNullable().comment('PROCESS_INSTANCE, JOB, VARIABLE, INCIDENT, TIMER, ...');
    t.text('intent').notNullable().comment('ELEMENT_ACTIVATED, COMPLETED, CREATED, ...');
    t.timestamp('ts', { useTz: true }).notNullable().comment('Broker timestamp of the record');
    t.jsonb('body').notNullable().comment('Record#toJson(): the whole record, value included');
    t.primary(['partition_id', 'position'], { constraintName: 'zeebe_record_pk' });
    t.index(['record_key'], 'zeebe_record_key_idx');
  });

  await knex.schema.createTable('hist_projector_cursor', (t) => {
    t.comment('How far the history projector has read zeebe_record, per partition.');
    t.integer('partition_id').primary('hist_projector_cursor_pk').comment('Zeebe partition');
    t.bigInteger('position').notNullable().defaultTo(-1).comment('Last projected position (-1: nothing yet)');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the cursor last moved');
  });

  await knex.schema.createTable('hist_process_definitions', (t) => {
    t.comment('Process definitions seen in the record stream, with element names for the timelines.');
    t.bigInteger('process_definition_key').primary('hist_process_definitions_pk').comment('Zeebe processDefinitionKey');
    t.text('bpmn_process_id').notNullable().comment('BPMN process id');
    t.integer('version').notNullable().comment('Process version');
    t.text('resource_name').comment('File name of the deployed BPMN');
    t.bigInteger('deployment_key').comment('Zeebe deployment key');
    t.jsonb('element_names').notNullable().defaultTo('{}').comment('element id -> name, from the deployed XML');
    t.timestamp('deployed_at', { useTz: true }).notNullable().comment('Record timestamp of PROCESS CREATED');
    t.index(['bpmn_process_id', 'version'], 'hist_process_definitions_id_version_idx');
  });

  await knex.schema.createTable('hist_process_instances', (t) => {
    t.comment('One row per process instance, from the PROCESS element of PROCESS_INSTANCE records.');
    t.bigInteger('process_instance_key').primary('hist_process_instances_pk').comment('Zeebe processInstanceKey');
    t.text('bpmn_process_id').notNullable().comment('BPMN process id');
    t.bigInteger('process_definition_key').notNullable().comment('Zeebe processDefinitionKey');
    t.integer('version').notNullable().comment('Process version');
    t.bigInteger('parent_process_instance_key').comment('Calling instance, for call activities; null at the top');
    t.bigInteger('parent_element_instance_key').comment('Call activity instance in the parent; null at the top');
    t.text('state').notNullable().comment('active | completed | terminated');
    t.timestamp('start_time', { useTz: true }).notNullable().comment('Record timestamp of ELEMENT_ACTIVATING');
    t.timestamp('end_time', { useTz: true }).comment('Null while active');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Position of the last record applied (ignores older ones)');
    t.index(['process_definition_key', 'state'], 'hist_process_instances_definition_state_idx');
    t.index(['bpmn_process_id', 'start_time'], 'hist_process_instances_process_start_idx');
    t.index(['start_time'], 'hist_process_instances_start_idx');
  });
  await knex.raw(
    `CREATE INDEX hist_process_instances_parent_idx ON hist_process_instances (parent_process_instance_key) WHERE parent_process_instance_key IS NOT NULL`,
  );

  await knex.schema.createTable('hist_element_instances', (t) => {
    t.comment('Every flow element instance (process, events, tasks, gateways, subprocesses) with its lifecycle.');
    t.bigInteger('element_instance_key').primary('hist_element_instances_pk').comment('Zeebe element instance key');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey');
    t.bigInteger('process_definition_key').notNullable().comment('Zeebe processDefinitionKey');
    t.text('bpmn_process_id').notNullable().comment('BPMN process id');
    t.text('element_id').notNullable().comment('Element id in the BPMN');
    t.text('element_name').comment('Element name from the deployed XML; null when unnamed');
    t.text('bpmn_element_type').notNullable().comment('PROCESS, START_EVENT, SERVICE_TASK, USER_TASK, EXCLUSIVE_GATEWAY, ...');
    t.text('bpmn_event_type').comment('NONE, TIMER, MESSAGE, ERROR, ... for events');
    t.bigInteger('flow_scope_key').comment('Enclosing element instance; null for the process itself');
    t.text('state').notNullable().comment('active | completed | terminated');
    t.timestamp('start_time', { useTz: true }).notNullable().comment('ELEMENT_ACTIVATING');
    t.timestamp('end_time', { useTz: true }).comment('ELEMENT_COMPLETED or ELEMENT_TERMINATED');
    t.bigInteger('start_position').notNullable().comment('Position of the first record: exact order within the instance');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Position of the last record applied (ignores older ones)');
    t.index(['process_instance_key', 'start_time', 'start_position'], 'hist_element_instances_instance_start_idx');
  });
  await knex.raw(`CREATE INDEX hist_element_instances_active_idx ON hist_element_instances (process_definition_key, element_id) WHERE state = 'active'`);

  await knex.schema.createTable('hist_variables', (t) => {
    t.comment('Current value of every variable, per scope (process instance or element instance).');
    t.bigInteger('scope_key').notNullable().comment('Element instance (or process instance) that holds the variable');
    t.text('name').notNullable().comment('Variable name');
    t.bigInteger('variable_key').notNullable().comment('Zeebe variable key');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey');
    t.jsonb('value').notNullable().comment('JSON value');
    t.timestamp('updated_at', { useTz: true }).notNullable().comment('Record timestamp of the last change');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Position of the last change applied');
    t.primary(['scope_key', 'name'], { constraintName: 'hist_variables_pk' });
    t.index(['process_instance_key'], 'hist_variables_instance_idx');
  });

  await knex.schema.createTable('hist_variable_events', (t) => {
    t.comment('Every variable CREATED / UPDATED, in log order: the audit trail of data changes.');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Log position within the partition');
    t.bigInteger('variable_key').notNullable().comment('Zeebe variable key');
    t.bigInteger('scope_key').notNullable().comment('Element instance (or process instance) that holds the variable');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey');
    t.text('name').notNullable().comment('Variable name');
    t.text('intent').notNullable().comment('CREATED | UPDATED | MIGRATED');
    t.jsonb('value').notNullable().comment('JSON value');
    t.timestamp('ts', { useTz: true }).notNullable().comment('Record timestamp');
    t.primary(['partition_id', 'position'], { constraintName: 'hist_variable_events_pk' });
    t.index(['process_instance_key', 'position'], 'hist_variable_events_instance_idx');
  });

  await knex.schema.createTable('hist_jobs', (t) => {
    t.comment('Jobs (service tasks and job-based user tasks) and their latest state.');
    t.bigInteger('job_key').primary('hist_jobs_pk').comment('Zeebe job key');
    t.text('type').notNullable().comment('Job type; io.camunda.zeebe:userTask for user tasks');
    t.bigInteger('element_instance_key').notNullable().comment('Zeebe element instance key');
    t.text('element_id').notNullable().comment('Element id in the BPMN');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey');
    t.bigInteger('process_definition_key').notNullable().comment('Zeebe processDefinitionKey');
    t.text('bpmn_process_id').notNullable().comment('BPMN process id');
    t.text('state').notNullable().comment('created | completed | failed | timed_out | canceled | error_thrown');
    t.integer('retries').notNullable().comment('Retries left');
    t.text('worker').comment('Worker that activated or completed the job last');
    t.text('error_code').comment('BPMN error code (error_thrown)');
    t.text('error_message').comment('Failure or error message');
    t.timestamp('created_time', { useTz: true }).notNullable().comment('Record timestamp of CREATED');
    t.timestamp('ended_time', { useTz: true }).comment('completed, canceled or error_thrown');
    t.timestamp('updated_time', { useTz: true }).notNullable().comment('Record timestamp of the last change');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Position of the last record applied (ignores older ones)');
    t.index(['process_instance_key'], 'hist_jobs_instance_idx');
    t.index(['type', 'state'], 'hist_jobs_type_state_idx');
  });

  await knex.schema.createTable('hist_incidents', (t) => {
    t.comment('Incidents (failed jobs without retries, unmatched conditions, ...) and their resolution.');
    t.bigInteger('incident_key').primary('hist_incidents_pk').comment('Zeebe incident key');
    t.text('error_type').notNullable().comment('JOB_NO_RETRIES, CONDITION_ERROR, EXTRACT_VALUE_ERROR, ...');
    t.text('error_message').comment('Message of the incident');
    t.bigInteger('element_instance_key').notNullable().comment('Zeebe element instance key');
    t.text('element_id').notNullable().comment('Element id in the BPMN');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey');
    t.bigInteger('process_definition_key').notNullable().comment('Zeebe processDefinitionKey');
    t.text('bpmn_process_id').notNullable().comment('BPMN process id');
    t.bigInteger('job_key').comment('Job that caused the incident, if any');
    t.text('state').notNullable().comment('created | resolved');
    t.timestamp('created_time', { useTz: true }).notNullable().comment('Record timestamp of CREATED');
    t.timestamp('resolved_time', { useTz: true }).comment('Record timestamp of RESOLVED; null while open');
    t.integer('partition_id').notNullable().comment('Zeebe partition of the records');
    t.bigInteger('position').notNullable().comment('Position of the last record applied (ignores older ones)');
    t.index(['process_instance_key'], 'hist_incidents_instance_idx');
  });
  await knex.raw(`CREATE INDEX hist_incidents_open_idx ON hist_incidents (created_time) WHERE state = 'created'`);

  await knex.raw(`ALTER TABLE hist_process_instances ADD CONSTRAINT hist_process_instances_state_ck CHECK (state IN ('active','completed','terminated'))`);
  await knex.raw(`ALTER TABLE hist_element_instances ADD CONSTRAINT hist_element_instances_state_ck CHECK (state IN ('active','completed','terminated'))`);
  await knex.raw(
    `ALTER TABLE hist_jobs ADD CONSTRAINT hist_jobs_state_ck CHECK (state IN ('created','completed','failed','timed_out','canceled','error_thrown'))`,
  );
  await knex.raw(`ALTER TABLE hist_incidents ADD CONSTRAINT hist_incidents_state_ck CHECK (state IN ('created','resolved'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'hist_incidents',
    'hist_jobs',
    'hist_variable_events',
    'hist_variables',
    'hist_element_instances',
    'hist_process_instances',
    'hist_process_definitions',
    'hist_projector_cursor',
    'zeebe_record',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
