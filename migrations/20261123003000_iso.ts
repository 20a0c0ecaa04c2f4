import type { Knex } from 'knex';

/**
 * ISO 9001:2015 registers kept by the ISO system processes (processes/iso-*.bpmn): nonconformities
 * and corrective actions (sổ theo dõi hành động khắc phục), controlled documents with their versions
 * and distribution, and the stage log every register write leaves (one row per Zeebe job, so a
 * redelivered job changes nothing).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('iso_nonconformities', (t) => {
    t.comment(
      'Register of nonconformities and corrective actions (Sổ theo dõi hành động khắc phục, ISO 9001:2015 clause 10.2). One row per NC, one process instance of iso-hanh-dong-khac-phuc each.',
    );
    t.bigIncrements('id');
    t.string('code', 40).notNullable().unique('iso_nonconformities_code_uq').comment('KP-YYYY-<id>: the number written on the request form');
    t.string('title', 300).notNullable();
    t.text('description').notNullable();
    t.string('source_type', 30).notNullable().comment('manual | late_case | audit_finding | complaint');
    t.string('source_key', 100).comment('What opened it: the late case (process instance key), the audit finding or the complaint; null for manual ones');
    t.string('source_process_id', 200).comment('bpmn process id of the source case (late_case)');
    t.string('unit_code', 50).comment('Responsible unit (CQCM); set by the Office');
    t.string('reported_by', 100).comment('Username of the finder; null when the system opened it');
    t.bigInteger('process_instance_key').comment('The iso-hanh-dong-khac-phuc instance; null until it started');
    t.string('status', 20).notNullable().defaultTo('recorded').comment('recorded | analysing | implementing | verifying | closing | closed');
    t.text('root_cause');
    t.text('corrective_action');
    t.text('mr_opinion').comment('Opinion of the management representative (optional step)');
    t.text('implementation');
    t.text('verification').comment('Last verification note');
    t.boolean('effective').comment('Result of the last verification of effectiveness; null before the first');
    t.integer('verifications').notNullable().defaultTo(0).comment('How many times the action was verified (more than 1 = an ineffective action looped back)');
    t.timestamp('opened_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['status', 'opened_at'], 'iso_nonconformities_status_idx');
    t.index(['process_instance_key'], 'iso_nonconformities_instance_idx');
  });
  // Once per source: a late case, a finding or a complaint opens at most one NC.
  await knex.raw(`CREATE UNIQUE INDEX iso_nonconformities_source_uq ON iso_nonconformities (source_type, source_key) WHERE source_key IS NOT NULL`);

  await knex.schema.createTable('iso_documents', (t) => {
    t.comment('Register of controlled documents (danh mục tài liệu kiểm soát, clause 7.5): one row per document, its versions in iso_document_versions.');
    t.bigIncrements('id');
    t.string('code', 60).notNullable().unique('iso_documents_code_uq').comment('Document code, e.g. QT-KSTL-01');
    t.string('title', 300).notNullable();
    t.string('doc_type', 30).notNullable().comment('quy-trinh | huong-dan | bieu-mau | chinh-sach | so-tay | khac');
    t.string('owner_unit_code', 50).notNullable().comment('Drafting unit');
    t.string('status', 20).notNullable().defaultTo('draft').comment('draft | effective | withdrawn');
    t.integer('effective_version').comment('Version in force; null before the first issue');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('iso_document_versions', (t) => {
    t.comment('One issue, revision or withdrawal of a controlled document, each run by one iso-kiem-soat-tai-lieu instance.');
    t.bigIncrements('id');
    t.bigInteger('document_id').notNullable().references('id').inTable('iso_documents').onDelete('CASCADE');
    t.integer('version').notNullable().comment('1, 2, ... (a withdrawal request carries the version it withdraws)');
    t.string('kind', 20).notNullable().comment('issue | revision | withdrawal');
    t.string('status', 30)
      .notNullable()
      .defaultTo('drafting')
      .comment('drafting | reviewing | rework | issued | superseded | withdrawn (the step in progress is the open inbox task of the instance)');
    t.text('change_summary').comment('What the version changes (or why it is withdrawn)');
    t.jsonb('distribute_to')
      .notNullable()
      .defaultTo('[]')
      .comment('Unit codes the issued version (or the withdrawal notice) goes to, each confirming it read it');
    t.string('requested_by', 100).notNullable();
    t.bigInteger('process_instance_key');
    t.integer('rework_count').notNullable().defaultTo(0).comment('Times a reviewer sent the draft back');
    t.string('issued_by', 100);
    t.timestamp('issued_at', { useTz: true });
    t.date('effective_from');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['document_id', 'version', 'kind'], { indexName: 'iso_document_versions_uq' });
    t.index(['process_instance_key'], 'iso_document_versions_instance_idx');
  });

  await knex.schema.createTable('iso_document_distribution', (t) => {
    t.comment('Distribution of an issued version to units, with the read confirmation (xác nhận đã đọc) of each.');
    t.bigInteger('version_id').notNullable().references('id').inTable('iso_document_versions').onDelete('CASCADE');
    t.string('unit_code', 50).notNullable();
    t.timestamp('distributed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('confirmed_by', 100);
    t.timestamp('confirmed_at', { useTz: true });
    t.primary(['version_id', 'unit_code'], { constraintName: 'iso_document_distribution_pk' });
  });

  await knex.schema.createTable('iso_register_events', (t) => {
    t.comment('Every stage an ISO process wrote to a register (iso-register worker), keyed by the Zeebe job: the evidence trail of the annual report.');
    t.bigInteger('job_key')
      .primary('iso_register_events_pk')
      .comment('Zeebe job of the iso-register service task (at-least-once delivery: the second time inserts nothing)');
    t.string('register', 20).notNullable().comment('nc | document | complaint | audit');
    t.bigInteger('record_id').notNullable().comment('iso_nonconformities.id or iso_document_versions.id');
    t.string('stage', 40).notNullable();
    t.bigInteger('process_instance_key').notNullable();
    t.jsonb('data').notNullable().defaultTo('{}').comment('What the stage recorded');
    t.timestamp('at', { useTz: true }).notNullable().comment('Engine time of the stage');
    t.index(['register', 'record_id', 'at'], 'iso_register_events_record_idx');
  });

  await knex.schema.createTable('iso_complaints', (t) => {
    t.comment(
      'Complaints and feedback from citizens and staff (clause 9.1.2, 8.2.1), each handled by one iso-xu-ly-phan-anh instance; an upheld one opens a nonconformity.',
    );
    t.bigIncrements('id');
    t.string('code', 40).notNullable().unique('iso_complaints_code_uq').comment('PA-YYYY-<id>');
    t.string('title', 300).notNullable();
    t.text('content').notNullable();
    t.string('submitter', 200).notNullable().comment('Name of the citizen or staff member who complained');
    t.string('contact', 200);
    t.string('channel', 20).notNullable().comment('truc-tiep | dien-thoai | truc-tuyen | noi-bo');
    t.string('case_key', 40).comment('The case (process instance) the complaint is about, if any');
    t.string('received_by', 100).notNullable();
    t.string('unit_code', 50).comment('Unit that verifies it (set by the Office)');
    t.string('status', 20).notNullable().defaultTo('received').comment('received | verifying | concluded | answered');
    t.boolean('upheld').comment('Conclusion of the leader: the complaint is founded');
    t.text('findings');
    t.text('conclusion');
    t.text('answer');
    t.bigInteger('nc_id').references('id').inTable('iso_nonconformities').comment('Nonconformity opened because it was upheld');
    t.bigInteger('process_instance_key');
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('answered_at', { useTz: true });
    t.index(['status', 'received_at'], 'iso_complaints_status_idx');
  });

  await knex.schema.createTable('iso_audits', (t) => {
    t.comment('Internal audits (clause 9.2): the yearly programme, its plan and conclusion; one iso-danh-gia-noi-bo instance each.');
    t.bigIncrements('id');
    t.string('code', 40).notNullable().unique('iso_audits_code_uq').comment('DGNB-YYYY-<id>');
    t.integer('year').notNullable();
    t.text('scope').notNullable();
    t.jsonb('departments').notNullable().comment('Unit codes audited (one audit per unit, multi-instance)');
    t.string('created_by', 100).notNullable();
    t.string('status', 20).notNullable().defaultTo('programme').comment('programme | planning | auditing | concluding | closed');
    t.text('programme').comment('Objectives, criteria and timing of the programme');
    t.text('plan').comment('Schedule of the round');
    t.string('approved_by', 100);
    t.text('conclusion');
    t.bigInteger('process_instance_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
  });

  await knex.schema.createTable('iso_audit_units', (t) => {
    t.comment('The audit of one unit in an internal audit: the clauses checked (checklist) and who audited.');
    t.bigInteger('audit_id').notNullable().references('id').inTable('iso_audits').onDelete('CASCADE');
    t.string('unit_code', 50).notNullable();
    t.jsonb('clauses_checked').notNullable().defaultTo('[]');
    t.text('notes');
    t.string('audited_by', 100);
    t.timestamp('audited_at', { useTz: true });
    t.primary(['audit_id', 'unit_code'], { constraintName: 'iso_audit_units_pk' });
  });

  await knex.schema.createTable('iso_audit_findings', (t) => {
    t.comment('Findings of an internal audit; each nonconformity finding opens one corrective action (iso_nonconformities, source audit_finding).');
    t.bigIncrements('id');
    t.bigInteger('audit_id').notNullable().references('id').inTable('iso_audits').onDelete('CASCADE');
    t.string('unit_code', 50).notNullable();
    t.integer('seq').notNullable().comment("Position in the unit's list of findings");
    t.string('clause', 20).notNullable();
    t.text('description').notNullable();
    t.bigInteger('nc_id').references('id').inTable('iso_nonconformities');
    t.unique(['audit_id', 'unit_code', 'seq'], { indexName: 'iso_audit_findings_uq' });
  });

  await knex.schema.createTable('iso_objectives', (t) => {
    t.comment('Quality objectives (clause 6.2) per unit and year with a formula over the platform data (metric); measured per quarter on read.');
    t.bigIncrements('id');
    t.string('unit_code', 50).notNullable().comment('Unit the objective belongs to (measured over its subtree)');
    t.integer('year').notNullable();
    t.string('title', 300).notNullable();
    t.string('metric', 30).notNullable().comment('on_time_rate | nc_closed_rate | complaints_upheld | overdue_open');
    t.decimal('target', 10, 2).notNullable();
    t.string('direction', 10).notNullable().comment('at_least (value >= target) | at_most (value <= target)');
    t.string('created_by', 100).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['year', 'unit_code'], 'iso_objectives_year_idx');
  });

  await knex.schema.createTable('iso_reviews', (t) => {
    t.comment(
      'Management reviews (clause 9.3), one iso-xem-xet-lanh-dao instance each; inputs = the clause 9.3.2 inputs taken from live data when the review starts.',
    );
    t.bigIncrements('id');
    t.string('code', 40).notNullable().unique('iso_reviews_code_uq').comment('XXLD-YYYY-<id>');
    t.integer('year').notNullable();
    t.string('title', 300).notNullable();
    t.jsonb('departments').notNullable().comment('Units whose heads report');
    t.jsonb('inputs').comment('Clause 9.3.2 inputs: [{key, title, value, note}] (value null = not available, with the reason in note)');
    t.string('status', 20).notNullable().defaultTo('notice').comment('notice | reporting | consolidating | closed');
    t.text('notice');
    t.text('consolidated');
    t.text('minutes');
    t.text('conclusion');
    t.text('actions').comment('Decisions and actions (clause 9.3.3)');
    t.string('created_by', 100).notNullable();
    t.bigInteger('process_instance_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
  });

  await knex.schema.createTable('iso_review_reports', (t) => {
    t.comment('The report of one department head to a management review.');
    t.bigInteger('review_id').notNullable().references('id').inTable('iso_reviews').onDelete('CASCADE');
    t.string('unit_code', 50).notNullable();
    t.text('report').notNullable();
    t.string('submitted_by', 100);
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.primary(['review_id', 'unit_code'], { constraintName: 'iso_review_reports_pk' });
  });

  await knex.schema.createTable('iso_risks', (t) => {
    t.comment(
      'Register of risks and opportunities (clause 6.1) scored likelihood x severity; one iso-xu-ly-rui-ro instance each (assessment, treatment task with a deadline, periodic review).',
    );
    t.bigIncrements('id');
    t.string('code', 40).notNullable().unique('iso_risks_code_uq').comment('RR-YYYY-<id>');
    t.string('unit_code', 50).notNullable();
    t.string('kind', 20).notNullable().comment('risk | opportunity');
    t.string('title', 300).notNullable();
    t.text('description').notNullable();
    t.integer('likelihood').comment('1..5, latest assessment');
    t.integer('severity').comment('1..5, latest assessment');
    t.integer('initial_score').comment('likelihood x severity at the first assessment');
    t.text('treatment');
    t.date('treatment_due');
    t.text('treatment_result');
    t.text('review_note');
    t.integer('reviews').notNullable().defaultTo(0);
    t.integer('review_cycle_days').notNullable().defaultTo(90).comment('Days between periodic reviews while monitored');
    t.timestamp('next_review_at', { useTz: true }).comment('When a monitored risk comes back for assessment');
    t.string('status', 20).notNullable().defaultTo('identified').comment('identified | treating | reviewing | monitoring | closed');
    t.string('created_by', 100).notNullable();
    t.bigInteger('process_instance_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
  });
  await knex.raw(
    `ALTER TABLE iso_risks ADD CONSTRAINT iso_risks_scale_ck CHECK ((likelihood IS NULL OR likelihood BETWEEN 1 AND 5) AND (severity IS NULL OR severity BETWEEN 1 AND 5))`,
  );

  await knex.schema.createTable('iso_document_proposals', (t) => {
    t.comment(
      'Staff proposals to revise or withdraw a controlled document (đề xuất sửa đổi, hủy bỏ): considered by the ISO secretary, approved by the quality leader, then a revision or withdrawal request of the owner unit.',
    );
    t.bigIncrements('id');
    t.bigInteger('document_id').notNullable().references('id').inTable('iso_documents').onDelete('CASCADE');
    t.string('kind', 20).notNullable().comment('revision | withdrawal');
    t.text('reason').notNullable();
    t.string('proposed_by', 100).notNullable();
    t.string('status', 20).notNullable().defaultTo('proposed').comment('proposed | rejected | accepted');
    t.text('opinion');
    t.bigInteger('version_id').references('id').inTable('iso_document_versions').comment('The request it opened when accepted');
    t.bigInteger('process_instance_key');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('iso_document_proposals');
  await knex.schema.dropTableIfExists('iso_risks');
  await knex.schema.dropTableIfExists('iso_review_reports');
  await knex.schema.dropTableIfExists('iso_reviews');
  await knex.schema.dropTableIfExists('iso_objectives');
  await knex.schema.dropTableIfExists('iso_audit_findings');
  await knex.schema.dropTableIfExists('iso_audit_units');
  await knex.schema.dropTableIfExists('iso_audits');
  await knex.schema.dropTableIfExists('iso_complaints');
  await knex.schema.dropTableIfExists('iso_register_events');
  await knex.schema.dropTableIfExists('iso_document_distribution');
  await knex.schema.dropTableIfExists('iso_document_versions');
  await knex.schema.dropTableIfExists('iso_documents');
  await knex.schema.dropTableIfExists('iso_nonconformities');
}
