import type { Knex } from 'knex';

/**
 * One-stop (một cửa) dossiers: the procedure catalogue, the dossiers with their documents, events,
 * supplements and inter-agency transfers, and the daily counters behind the dossier code.
 * The contract between reception, the BPMN procedures and the statistics is processes/ONESTOP.md.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('onestop_procedures', (t) => {
    t.comment('Catalogue of administrative procedures (thủ tục hành chính) as published, each linked to a BPMN process.');
    t.string('code', 50).primary('onestop_procedures_pk').comment('Procedure code in the national database (mã TTHC), e.g. 1.001612');
    t.string('name', 500).notNullable().comment('Tên thủ tục');
    t.string('field', 200).notNullable().comment('Lĩnh vực');
    t.string('agency_code', 50).notNullable().comment('Implementing agency: org_units.code of the resolving agency (cơ quan giải quyết)');
    t.string('agency_name', 300).notNullable().comment('Name of the implementing agency as published');
    t.string('desk_unit_code', 50).notNullable().comment('org_units.code of the one-stop desk (Bộ phận tiếp nhận và trả kết quả) that receives and returns');
    t.string('agency_eid', 35).notNullable().comment('Electronic identifier of the resolving agency (QĐ 20/2020), first segment of the dossier code');
    t.decimal('time_limit_days', 7, 1).notNullable().comment('Statutory processing time in working days (half days allowed)');
    t.jsonb('fees').notNullable().defaultTo('[]').comment('[{name, amount (VND), note}]');
    t.jsonb('required_documents').notNullable().defaultTo('[]').comment('[{code, name, copies, mandatory}] (thành phần hồ sơ)');
    t.text('result').notNullable().comment('Kết quả thực hiện');
    t.string('online_level', 10).notNullable().comment('full | partial (dịch vụ công trực tuyến toàn trình / một phần)');
    t.text('legal_basis').notNullable().defaultTo('').comment('Căn cứ pháp lý');
    t.string('bpmn_process_id', 200).notNullable().comment('Linked BPMN process');
    t.integer('process_version').comment('Linked process version; null = the latest deployed');
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE onestop_procedures ADD CONSTRAINT onestop_procedures_level_ck CHECK (online_level IN ('full','partial'))`);

  await knex.schema.createTable('dossier_code_counters', (t) => {
    t.comment('Daily sequence of the dossier code per agency e-ID and receipt date (Vietnam time).');
    t.string('agency_eid', 35).notNullable();
    t.date('day').notNullable();
    t.integer('last_seq').notNullable();
    t.primary(['agency_eid', 'day'], { constraintName: 'dossier_code_counters_pk' });
  });

  await knex.schema.createTable('dossiers', (t) => {
    t.comment('One-stop dossier (hồ sơ TTHC): status, channel, applicant, dates; the process instance works it.');
    t.bigIncrements('id').primary('dossiers_pk');
    t.string('code', 60).notNullable().unique('dossiers_code_uq').comment('Dossier code <agency e-ID>-<YYMMDD>-<sequence>, immutable once issued');
    t.string('procedure_code', 50).notNullable().references('code').inTable('onestop_procedures');
    t.string('field', 200).notNullable().comment('Lĩnh vực at submission (copied for statistics)');
    t.string('agency_code', 50).notNullable().comment('Resolving agency org_units.code (copied from the catalogue)');
    t.string('desk_unit_code', 50).notNullable().comment('One-stop desk unit');
    t.string('channel', 12).notNullable().comment('online | in_person | postal');
    t.string('status', 40).notNullable().comment('See processes/ONESTOP.md: SUBMITTED, RECEIVED, IN_PROCESSING, ...');
    t.jsonb('applicant').notNullable().comment('{name, idNumber, phone, email, address} (personal data: never on public pages)');
    t.string('lookup_token', 64).notNullable().comment('Random secret in the QR and the citizen links (supplement, evaluation)');
    t.timestamp('submitted_at', { useTz: true }).notNullable().comment('Online submission or desk receipt');
    t.timestamp('received_at', { useTz: true }).comment('Receipt of the complete dossier: the clock starts (null while SUBMITTED)');
    t.string('received_by', 100).comment('Username of the receiving officer');
    t.timestamp('original_appointment_at', { useTz: true }).comment('Appointment on the receipt slip');
    t.timestamp('appointment_at', { useTz: true }).comment('Current appointment (moved by supplement pauses; NOT by an apology)');
    t.timestamp('resolved_at', { useTz: true }).comment('Result issued or not-eligible decision (statistics compare this with appointment_at)');
    t.timestamp('returned_at', { useTz: true }).comment('Result handed to the citizen (desk) or to the post');
    t.string('return_method', 10).comment('desk | post');
    t.timestamp('closed_at', { useTz: true }).comment('Final state reached (returned, refused, withdrawn, cancelled)');
    t.text('status_reason').comment('Reason of the latest refusal / supplement / not-eligible / withdrawal');
    t.string('current_step', 300).comment('Name of the step the dossier is at (for lookup and the overdue list)');
    t.string('current_unit_code', 50).comment('Unit handling the dossier now');
    t.bigInteger('process_instance_key').unique('dossiers_instance_uq');
    t.string('bpmn_process_id', 200);
    t.integer('process_version');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE dossiers ADD CONSTRAINT dossiers_channel_ck CHECK (channel IN ('online','in_person','postal'))`);
  await knex.raw(`ALTER TABLE dossiers ADD CONSTRAINT dossiers_return_ck CHECK (return_method IS NULL OR return_method IN ('desk','post'))`);
  await knex.raw(`CREATE INDEX dossiers_received_idx ON dossiers (received_at)`);
  await knex.raw(`CREATE INDEX dossiers_status_idx ON dossiers (status, desk_unit_code)`);
  await knex.raw(`CREATE INDEX dossiers_open_idx ON dossiers (agency_code, appointment_at) WHERE closed_at IS NULL`);

  await knex.schema.createTable('dossier_documents', (t) => {
    t.comment('Documents of a dossier: submitted, supplemented, or the result; content stored like task attachments (DATA_DIR/files).');
    t.bigIncrements('id').primary('dossier_documents_pk');
    t.bigInteger('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
    t.string('requirement_code', 50).comment('required_documents[].code it satisfies; null = other');
    t.string('stage', 12).notNullable().comment('submission | supplement | result');
    t.string('file_name', 255).notNullable();
    t.string('mime_type', 100).notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    t.string('storage_path', 300).notNullable();
    t.string('uploaded_by', 100).notNullable().comment("Username, or 'citizen'");
    t.timestamp('uploaded_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['dossier_id', 'stage', 'sha256'], { indexName: 'dossier_documents_uq' });
  });

  await knex.schema.createTable('dossier_events', (t) => {
    t.comment('What happened to a dossier (seeds-onestop §5.3 event names): the citizen-facing history and the source of notifications.');
    t.bigIncrements('id').primary('dossier_events_pk');
    t.bigInteger('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
    t.string('type', 60).notNullable().comment('e.g. dossier.submitted, receipt.accepted, processing.supplement_requested, result.returned');
    t.string('status', 40).comment('Dossier status after the event');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('actor', 100).notNullable().comment("Username, 'citizen' or 'system'");
    t.string('element_id', 200);
    t.text('note');
    t.jsonb('data');
    t.string('dedupe_key', 100).comment('Job key or element instance key of the worker that wrote it: at-least-once delivery writes once');
    t.index(['dossier_id', 'at'], 'dossier_events_dossier_idx');
  });
  await knex.raw(`CREATE UNIQUE INDEX dossier_events_dedupe_uq ON dossier_events (dossier_id, type, dedupe_key) WHERE dedupe_key IS NOT NULL`);

  await knex.schema.createTable('dossier_supplements', (t) => {
    t.comment('Supplement requests during processing: the case clock pauses until the citizen supplements (BPMN message onestop-supplement).');
    t.bigIncrements('id').primary('dossier_supplements_pk');
    t.bigInteger('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
    t.bigInteger('element_instance_key')
      .notNullable()
      .unique('dossier_supplements_element_uq')
      .comment('Service task instance that requested it (idempotency)');
    t.text('reason').notNullable();
    t.string('requested_by', 100).comment('Officer who asked for it (completed the step before)');
    t.timestamp('requested_at', { useTz: true }).notNullable();
    t.timestamp('submitted_at', { useTz: true }).comment('When the citizen supplemented; null = waiting');
    t.text('citizen_note');
  });

  await knex.schema.createTable('dossier_transfers', (t) => {
    t.comment('Inter-agency legs (liên thông): each with its own time budget inside the total.');
    t.bigIncrements('id').primary('dossier_transfers_pk');
    t.bigInteger('dossier_id').notNullable().references('id').inTable('dossiers').onDelete('CASCADE');
    t.bigInteger('element_instance_key').notNullable().unique('dossier_transfers_element_uq');
    t.string('to_unit_code', 50).notNullable();
    t.decimal('budget_days', 7, 1).notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('returned_at', { useTz: true });
    t.boolean('on_time');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'dossier_transfers',
    'dossier_supplements',
    'dossier_events',
    'dossier_documents',
    'dossiers',
    'dossier_code_counters',
    'onestop_procedures',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
