import type { Knex } from 'knex';

/**
 * Transactional outbox for engine commands (engine/outbox.ts): a business write and the command that
 * must follow it commit together; the relay sends the command, records the answer and runs the
 * continuation. Two partial indexes on zeebe_record let the relay find what an uncertain command did.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('engine_outbox', (t) => {
    t.comment('Engine commands (process start, message, cancel) committed with the business write that asks for them; sent by the relay.');
    t.bigIncrements('id').primary('engine_outbox_pk').comment('Outbox id; a start carries it as variable eisoStartId = "outbox-<id>"');
    t.text('kind').notNullable().comment('start | message | cancel');
    t.text('dedupe_key').comment('Idempotency: one row per key (api:<user>:<Idempotency-Key>, dossier-accept:<id>, iso:<table>:<id>, message:<messageId>)');
    t.jsonb('request')
      .notNullable()
      .comment(
        'The command: start {bpmnProcessId, version?, variables}; message {name, correlationKey, messageId, timeToLive, variables}; cancel {processInstanceKey}',
      );
    t.text('on_done').comment('Name of the continuation run, in the transaction that records the answer');
    t.jsonb('on_done_args').notNullable().defaultTo('{}').comment('Arguments of the continuation');
    t.text('status').notNullable().defaultTo('pending').comment('pending | done | failed (refused by the engine) | cancelled (never sent)');
    t.integer('attempts').notNullable().defaultTo(0).comment('Sends tried');
    t.timestamp('in_flight_since', { useTz: true }).comment(
      'Set when a send starts, cleared when the engine clearly did not get it: set on a pending row = outcome unknown',
    );
    t.timestamp('lease_until', { useTz: true }).comment('The relay that claimed the row owns it until then');
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('Earliest next send (backoff)');
    t.jsonb('probe').comment('Probe messages sent to see the exporter past an uncertain start: {messageIds, at}');
    t.jsonb('result').comment('The answer: processInstanceKey, processDefinitionKey, version, bpmnProcessId; key of a message');
    t.boolean('adopted').notNullable().defaultTo(false).comment('True when the result was found in the exported history instead of being answered');
    t.text('last_error').comment('Last error of a send');
    t.text('created_by').comment('User who asked for the command');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now()).comment('When the row was committed');
    t.timestamp('done_at', { useTz: true }).comment('When the answer was recorded');
    t.unique(['dedupe_key'], { indexName: 'engine_outbox_dedupe_key_uq' });
  });
  await knex.raw(`CREATE INDEX engine_outbox_pending_idx ON engine_outbox (next_attempt_at) WHERE status = 'pending'`);
  await knex.raw(
    `CREATE INDEX zeebe_record_start_id_idx ON zeebe_record ((body->'value'->>'value'))
       WHERE value_type = 'VARIABLE' AND intent = 'CREATED' AND body->'value'->>'name' = 'eisoStartId'`,
  );
  await knex.raw(
    `CREATE INDEX zeebe_record_message_id_idx ON zeebe_record ((body->'value'->>'messageId')) WHERE value_type = 'MESSAGE' AND intent = 'PUBLISHED'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS zeebe_record_message_id_idx');
  await knex.raw('DROP INDEX IF EXISTS zeebe_record_start_id_idx');
  await knex.schema.dropTable('engine_outbox');
}
