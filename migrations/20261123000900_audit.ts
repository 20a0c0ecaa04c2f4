import type { Knex } from 'knex';

/**
 * Audit: the hash-chained, append-only log of human actions; the chain head that serializes appends;
 * auditors' extra scopes; auditors' saved searches; and the indexes the case timeline and the
 * auditor search need on the history tables.
 *
 * Append-only is enforced by triggers, whatever role the application connects as. When the
 * application runs as a dedicated non-owner role, an operator also revokes the rights:
 *   REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM eiso_app;
 *   GRANT SELECT, INSERT ON audit_log TO eiso_app;
 *   GRANT SELECT, UPDATE ON audit_chain_head TO eiso_app;
 * (test/audit.test.ts creates such a role and shows that UPDATE is refused to it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.comment(
      'Append-only log of human actions. Each entry carries sha256(canonical entry + prev_hash): any altered, inserted or deleted entry breaks the chain (domain/audit/chain.ts).',
    );
    t.bigInteger('seq')
      .primary('audit_log_pk')
      .comment(
        'Position in the chain: 1, 2, 3, ... without gaps (assigned from audit_chain_head under its row lock, not from a sequence, so rolled-back appends leave no holes)',
      );
    t.timestamp('at', { useTz: true }).notNullable().comment('When the action happened (set under the chain lock, so non-decreasing with seq)');
    t.string('actor', 100).comment(
      'Username of the person; null for an unknown user (failed login of a non-existent name keeps the attempted name in target_id)',
    );
    t.specificType('actor_roles', 'text[]').notNullable().defaultTo('{}').comment('Roles of the actor at the time');
    t.string('actor_unit', 50).comment('Unit code of the actor at the time');
    t.string('action', 100)
      .notNullable()
      .comment('What was done: auth.login, auth.login_failed, process.deploy, case.start, case.cancel, task.claim, access.denied, audit.search, ...');
    t.string('target_type', 50).comment('Kind of object acted on: case, task, process, user, procedure, calendar, audit, ...');
    t.string('target_id', 200).comment('Id of the object (process instance key for a case, job key for a task, ...)');
    t.jsonb('before').comment('State before the action, when it changed something');
    t.jsonb('after').comment('State after the action, or the parameters of a query');
    t.text('reason').comment('Why, as the person wrote it (or the refusal message for access.denied)');
    t.string('ip', 64).comment('Client address');
    t.string('prev_hash', 64).notNullable().comment('hash of the entry seq-1 (64 zeros for the first)');
    t.string('hash', 64).notNullable().comment('sha256 hex over the canonical entry including prev_hash');
    t.index(['target_type', 'target_id', 'seq'], 'audit_log_target_idx');
    t.index(['actor', 'at'], 'audit_log_actor_at_idx');
    t.index(['at'], 'audit_log_at_idx');
    t.index(['hash'], 'audit_log_hash_idx');
  });

  await knex.schema.createTable('audit_chain_head', (t) => {
    t.comment('The single row that serializes appends to audit_log (SELECT ... FOR UPDATE) and remembers the last entry, so a truncated tail is detected.');
    t.integer('id').primary('audit_chain_head_pk').comment('Always 1');
    t.bigInteger('last_seq').notNullable().defaultTo(0).comment('seq of the last entry appended');
    t.string('last_hash', 64).notNullable().comment('hash of the last entry appended');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the last entry was appended');
  });
  await knex.raw(`ALTER TABLE audit_chain_head ADD CONSTRAINT audit_chain_head_single_ck CHECK (id = 1)`);
  await knex('audit_chain_head').insert({ id: 1, last_seq: 0, last_hash: '0'.repeat(64) });

  // Append-only: refuse UPDATE, DELETE and TRUNCATE of the log for every role (a superuser can still
  // disable the trigger; that is what the hash chain is for). The head may only move forward by one.
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await knex.raw(`COMMENT ON FUNCTION audit_log_append_only() IS 'Trigger function: refuses any change to audit_log other than INSERT'`);
  await knex.raw(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);
  await knex.raw(`
    CREATE FUNCTION audit_chain_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'UPDATE' OR NEW.last_seq <> OLD.last_seq + 1 THEN
        RAISE EXCEPTION 'audit_chain_head only moves forward by one entry: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`COMMENT ON FUNCTION audit_chain_head_forward_only() IS 'Trigger function: the chain head only advances by one entry per append'`);
  await knex.raw(
    `CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward_only()`,
  );
  await knex.raw(
    `CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_forward_only()`,
  );

  await knex.schema.createTable('auditor_scopes', (t) => {
    t.comment('Extra organisations an auditor audits, besides the subtree of its own unit. Each unit includes its subtree. Managed by administrators.');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').comment('The auditor');
    t.integer('unit_id').notNullable().references('id').inTable('org_units').onDelete('CASCADE').comment('A unit (with its subtree) the auditor may read');
    t.string('granted_by', 100).notNullable().comment('Username of the administrator who granted it');
    t.timestamp('granted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'unit_id'], { constraintName: 'auditor_scopes_pk' });
  });

  await knex.schema.createTable('audit_saved_queries', (t) => {
    t.comment('Case searches an auditor saved under a name (the filters of GET /api/audit/cases).');
    t.increments('id').primary('audit_saved_queries_pk');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE').comment('Owner: only they see it');
    t.string('name', 200).notNullable().comment('Name the auditor gave it');
    t.jsonb('query').notNullable().comment('Filters, as in the search URL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'name'], { indexName: 'audit_saved_queries_user_name_uq' });
  });

  // Case timeline: timers fired, messages correlated and sequence flows taken, read from the raw stream by instance.
  await knex.raw(`CREATE INDEX zeebe_record_case_events_idx ON zeebe_record (((body->'value'->>'processInstanceKey')), partition_id, position)
    WHERE (value_type = 'TIMER' AND intent = 'TRIGGERED') OR (value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' AND intent = 'CORRELATED')
       OR (value_type = 'PROCESS_INSTANCE' AND intent = 'SEQUENCE_FLOW_TAKEN')`);
  // Timeline: who completed each element; heat map and lateness: finished steps per element.
  await knex.raw(`CREATE INDEX inbox_tasks_element_instance_idx ON inbox_tasks (element_instance_key)`);
  await knex.raw(
    `CREATE INDEX hist_element_instances_definition_element_idx ON hist_element_instances (bpmn_process_id, element_id) WHERE end_time IS NOT NULL`,
  );
  // Search by variable value (name=value) at the process scope.
  await knex.raw(`CREATE INDEX hist_variables_name_value_idx ON hist_variables (name, (value #>> '{}'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const idx of [
    'hist_variables_name_value_idx',
    'hist_element_instances_definition_element_idx',
    'inbox_tasks_element_instance_idx',
    'zeebe_record_case_events_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${idx}`);
  }
  await knex.schema.dropTableIfExists('audit_saved_queries');
  await knex.schema.dropTableIfExists('auditor_scopes');
  // DROP TABLE is not refused by the row/TRUNCATE triggers; it needs the owner, as every down() does.
  await knex.schema.dropTableIfExists('audit_chain_head');
  await knex.schema.dropTableIfExists('audit_log');
  await knex.raw('DROP FUNCTION IF EXISTS audit_chain_head_forward_only()');
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
