import type { Knex } from 'knex';

/**
 * Deadlines through Zeebe: the due and reminder instants computed for every human step when it
 * starts, the case's appointment (ngày hẹn trả) with its pauses, and the reminded / overdue marks
 * on inbox rows. Written by the eiso-* workers and the deadline services (domain/deadlines).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.timestamp('reminded_at', { useTz: true }).comment('When the reminder timer of the step fired (engine time); null = not reminded');
    t.timestamp('overdue_at', { useTz: true }).comment('When the due timer of the step fired (engine time): the step counts as overdue');
  });

  await knex.schema.createTable('step_deadlines', (t) => {
    t.comment(
      'Due and reminder instants of one run of a human step, computed once by the eiso-step-deadline start listener (idempotent on the element instance).',
    );
    t.bigInteger('element_instance_key').primary('step_deadlines_pk').comment('Zeebe element instance of the user task');
    t.bigInteger('process_instance_key').notNullable();
    t.bigInteger('process_definition_key').notNullable();
    t.string('bpmn_process_id', 200).notNullable();
    t.string('element_id', 200).notNullable();
    t.string('unit_code', 50).comment('Unit whose calendar was used (from the candidate group); null = national calendar');
    t.decimal('time_limit_days', 7, 1).notNullable().comment('eiso.timeLimit header: working days, half days allowed');
    t.timestamp('started_at', { useTz: true }).notNullable().comment('Engine time the step started');
    t.timestamp('due_at', { useTz: true }).notNullable().comment('End of the last counted working half-day (variable eisoStepDue)');
    t.timestamp('remind_at', { useTz: true }).notNullable().comment('When 80 % of the step working time has elapsed (variable eisoStepRemind)');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['process_instance_key', 'element_id'], 'step_deadlines_instance_element_idx');
  });

  await knex.schema.createTable('case_deadlines', (t) => {
    t.comment('One row per process instance (case, hồ sơ): the statutory limit, receipt, appointment (ngày hẹn trả) moved by pauses, finish and on-time flag.');
    t.bigInteger('process_instance_key').primary('case_deadlines_pk');
    t.bigInteger('process_definition_key').notNullable();
    t.string('bpmn_process_id', 200).notNullable();
    t.string('unit_code', 50).comment('Unit whose calendar counts the case (unit of the first human step); null = national');
    t.decimal('time_limit_days', 7, 1).notNullable().comment('eiso.timeLimit process property: statutory limit in working days');
    t.timestamp('received_at', { useTz: true })
      .notNullable()
      .comment('Receipt of the complete dossier (engine time at instance start, or variable eisoReceivedAt)');
    t.timestamp('original_appointment_at', { useTz: true }).notNullable().comment('Appointment as computed at receipt');
    t.timestamp('appointment_at', { useTz: true })
      .notNullable()
      .comment('Current appointment: receipt + limit, skipping the working half-days of closed pauses');
    t.decimal('paused_days', 7, 1).notNullable().defaultTo(0).comment('Working days paused (closed pauses), half-day resolution');
    t.bigInteger('paused_ms').notNullable().defaultTo(0).comment('Elapsed time of closed pauses, milliseconds');
    t.timestamp('finished_at', { useTz: true }).comment('Engine time the instance ended (process end listener)');
    t.boolean('on_time').comment('finished_at <= appointment_at; null while running');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['appointment_at'], 'case_deadlines_appointment_idx');
  });

  await knex.schema.createTable('case_pauses', (t) => {
    t.comment('Pauses of a case clock (waiting for the citizen, sector exclusions): the time does not count toward the appointment.');
    t.bigIncrements('id');
    t.bigInteger('process_instance_key').notNullable().references('process_instance_key').inTable('case_deadlines').onDelete('CASCADE');
    t.text('reason').notNullable();
    t.timestamp('paused_at', { useTz: true }).notNullable();
    t.string('paused_by', 100).comment('Username, or null when a worker paused it');
    t.timestamp('resumed_at', { useTz: true }).comment('Null while the case is paused');
    t.string('resumed_by', 100);
    t.decimal('working_days', 7, 1).comment('Working half-days starting inside the pause, in days; set on resume');
    t.index(['process_instance_key', 'paused_at'], 'case_pauses_instance_idx');
  });
  await knex.raw(`CREATE UNIQUE INDEX case_pauses_one_open_uq ON case_pauses (process_instance_key) WHERE resumed_at IS NULL`);
  await knex.raw(`ALTER TABLE case_pauses ADD CONSTRAINT case_pauses_order_ck CHECK (resumed_at IS NULL OR resumed_at >= paused_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('case_pauses');
  await knex.schema.dropTableIfExists('case_deadlines');
  await knex.schema.dropTableIfExists('step_deadlines');
  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.dropColumn('overdue_at');
    t.dropColumn('reminded_at');
  });
}
