import type { Knex } from 'knex';

/**
 * Process versions deployed outside the platform (issue 16, "Deployments learned from the engine"): a
 * model deployed to the broker by zbctl, the Camunda Modeler or the SDK is recorded in
 * process_definitions by the history projector from its exported PROCESS record, with origin
 * 'external', so its steps and its process get their names in the inbox like the platform's own.
 * Versions already exported before this migration are taken from zeebe_record (names from
 * hist_process_definitions). A small partial index lets the projector give names to the inbox rows
 * written before the PROCESS record was projected (the row then carries the element id as name).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_definitions', (t) => {
    t.string('origin', 20).notNullable().defaultTo('platform').comment("'platform': deployed through the API; 'external': learned from the exported stream");
  });
  await knex.raw(`ALTER TABLE process_definitions ADD CONSTRAINT process_definitions_origin_ck CHECK (origin IN ('platform', 'external'))`);
  await knex.raw(`CREATE INDEX inbox_tasks_unnamed_idx ON inbox_tasks (process_definition_key) WHERE status IN ('open', 'completing') AND name = element_id`);
  const hasRecords = await knex.schema.hasTable('zeebe_record');
  const hasHistory = await knex.schema.hasTable('hist_process_definitions');
  if (!hasRecords || !hasHistory) return;
  await knex.raw(`
    INSERT INTO process_definitions (process_definition_key, bpmn_process_id, name, version, resource_name, deployment_key,
        xml, element_names, checksum, deployed_by, deployed_at, origin)
    SELECT DISTINCT ON (r.record_key) r.record_key, v->>'bpmnProcessId',
        left(coalesce(nullif(h.element_names->>(v->>'bpmnProcessId'), ''), v->>'bpmnProcessId'), 300),
        (v->>'version')::int, left(coalesce(v->>'resourceName', ''), 200), coalesce((v->>'deploymentKey')::bigint, 0),
        x.xml, coalesce(h.element_names, '{}'::jsonb), encode(sha256(convert_to(x.xml, 'UTF8')), 'hex'), NULL, r.ts, 'external'
    FROM zeebe_record r
    CROSS JOIN LATERAL (SELECT r.body->'value' AS v) b
    CROSS JOIN LATERAL (SELECT convert_from(decode(v->>'resource', 'base64'), 'UTF8') AS xml) x
    LEFT JOIN hist_process_definitions h ON h.process_definition_key = r.record_key
    WHERE r.value_type = 'PROCESS' AND r.record_type = 'EVENT' AND r.intent = 'CREATED' AND v->>'resource' IS NOT NULL
    ORDER BY r.record_key
    ON CONFLICT DO NOTHING`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS inbox_tasks_unnamed_idx`);
  await knex.raw(`DELETE FROM process_forms f USING process_definitions d WHERE d.process_definition_key = f.process_definition_key AND d.origin = 'external'`);
  await knex.raw(
    `DELETE FROM process_definitions d WHERE d.origin = 'external' AND NOT EXISTS (SELECT 1 FROM procedure_versions v WHERE v.process_definition_key = d.process_definition_key)`,
  );
  await knex.schema.alterTable('process_definitions', (t) => {
    t.dropColumn('origin');
  });
}
