import type { Knex } from 'knex';

/**
 * Task view extras: files and comments of a case (attached to the task they were added on and to its
 * process instance, so every later step sees them), the outcome of a step sent back to the previous
 * one, and an index to read the sequence flows an instance has taken from the raw record stream.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('task_attachments', (t) => {
    t.comment('Files attached to a case on one of its tasks; the content is stored once on disk under DATA_DIR/files/<sha256 prefix>/<sha256>.');
    t.bigIncrements('id').primary('task_attachments_pk');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey: the case the file belongs to');
    t.bigInteger('job_key').notNullable().comment('Task (inbox_tasks.job_key) the file was uploaded on');
    t.string('element_id', 200).notNullable().comment('BPMN element id of that task');
    t.string('file_name', 255).notNullable().comment('File name as given by the uploader, cleaned of paths and control characters');
    t.string('mime_type', 100).notNullable().comment('Content type derived from the allowed extension (never from the client)');
    t.bigInteger('size_bytes').notNullable().comment('Size in bytes');
    t.string('sha256', 64).notNullable().comment('sha256 of the content, hex: the storage name and the idempotency key per case');
    t.string('storage_path', 300).notNullable().comment('Path relative to DATA_DIR/files');
    t.string('uploaded_by', 100).notNullable().comment('Username of the uploader');
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the file was attached');
    t.unique(['process_instance_key', 'sha256'], { indexName: 'task_attachments_case_sha_uq' });
    t.index(['job_key'], 'task_attachments_job_idx');
  });

  await knex.schema.createTable('task_comments', (t) => {
    t.comment('Plain-text comments on a case, written on one of its tasks and shown on all of them.');
    t.bigIncrements('id').primary('task_comments_pk');
    t.bigInteger('process_instance_key').notNullable().comment('Zeebe processInstanceKey: the case');
    t.bigInteger('job_key').notNullable().comment('Task (inbox_tasks.job_key) the comment was written on');
    t.string('element_id', 200).notNullable().comment('BPMN element id of that task');
    t.string('step_name', 300).notNullable().comment('Step name at the time, for the case timeline');
    t.string('author', 100).notNullable().comment('Username of the author');
    t.string('author_name', 200).notNullable().comment('Full name of the author at the time');
    t.text('body').notNullable().comment('Plain text (never interpreted as HTML), at most 4000 characters');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When it was written');
    t.index(['process_instance_key', 'created_at'], 'task_comments_case_time_idx');
  });
  await knex.raw(`ALTER TABLE task_comments ADD CONSTRAINT task_comments_body_ck CHECK (char_length(body) BETWEEN 1 AND 4000)`);

  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.string('outcome', 20).comment(
      'null: completed normally (or still open); sending_back: a send-back is committed and not yet confirmed by Zeebe; sent_back: the step was sent back (status completed)',
    );
    t.text('send_back_reason').comment('Why the holder sent the step back (sendBackReason in the process)');
  });
  await knex.raw(`ALTER TABLE inbox_tasks ADD CONSTRAINT inbox_tasks_outcome_ck CHECK (outcome IS NULL OR outcome IN ('sending_back','sent_back'))`);
  await knex.raw(`CREATE INDEX inbox_tasks_sending_back_idx ON inbox_tasks (updated_at) WHERE outcome = 'sending_back'`);

  // The path so far on the diagram: SEQUENCE_FLOW_TAKEN records of one instance, without a scan of the stream.
  await knex.raw(
    `CREATE INDEX zeebe_record_flow_taken_idx ON zeebe_record (((body->'value'->>'processInstanceKey'))) WHERE value_type = 'PROCESS_INSTANCE' AND intent = 'SEQUENCE_FLOW_TAKEN'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS zeebe_record_flow_taken_idx');
  await knex.raw('DROP INDEX IF EXISTS inbox_tasks_sending_back_idx');
  await knex.raw('ALTER TABLE inbox_tasks DROP CONSTRAINT IF EXISTS inbox_tasks_outcome_ck');
  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.dropColumn('send_back_reason');
    t.dropColumn('outcome');
  });
  await knex.schema.dropTable('task_comments');
  await knex.schema.dropTable('task_attachments');
}
