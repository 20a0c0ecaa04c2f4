import type { Knex } from 'knex';

export interface ProcessDefinitionRow {
  process_definition_key: string;
  bpmn_process_id: string;
  name: string;
  version: number;
  resource_name: string;
  deployment_key: string;
  xml: string;
  element_names: Record<string, string>;
  checksum: string;
  deployed_by: number | null;
  deployed_at: Date;
}

/** Where a recorded version comes from: deployed through the API, or learned from the exported stream (engine/history/apply.ts). */
export type DefinitionOrigin = 'platform' | 'external';

/**
 * Records a version deployed through the platform. The projector may have recorded it first from the
 * exported PROCESS record (origin 'external'): the platform's deploy then claims it (same key, same XML).
 */
export async function insertProcessDefinition(db: Knex | Knex.Transaction, row: Omit<ProcessDefinitionRow, 'deployed_at'>): Promise<void> {
  // The history projector records every deployed version too (origin 'external', engine/history/apply.ts).
  // When its insert commits while ours is under way, PostgreSQL refuses ours on the other unique index
  // (bpmn_process_id, version), which ON CONFLICT does not arbitrate: tried again in a savepoint, the row
  // is there and ours takes it over.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction((sp) => upsertDefinition(sp, row));
      return;
    } catch (err) {
      if (attempt >= 3 || (err as { code?: string }).code !== '23505') throw err;
    }
  }
}

async function upsertDefinition(db: Knex.Transaction, row: Omit<ProcessDefinitionRow, 'deployed_at'>): Promise<void> {
  const hasOrigin = await hasOriginColumn(db);
  const q = db('process_definitions')
    .insert({ ...row, element_names: JSON.stringify(row.element_names) })
    .onConflict('process_definition_key');
  if (!hasOrigin) {
    await q.ignore();
    return;
  }
  await q
    .merge({
      origin: 'platform',
      name: row.name,
      resource_name: row.resource_name,
      element_names: JSON.stringify(row.element_names),
      deployed_by: row.deployed_by,
    } as never)
    .where('process_definitions.origin', 'external');
}

/** Whether process_definitions has its origin column (migrations/20261206003000), asked once per database. */
const originColumn = new WeakMap<object, Promise<boolean>>();
function hasOriginColumn(db: Knex | Knex.Transaction): Promise<boolean> {
  const client = db.client as object;
  let hit = originColumn.get(client);
  if (!hit) {
    hit = db.schema.hasColumn('process_definitions', 'origin');
    originColumn.set(client, hit);
    hit.catch(() => originColumn.delete(client));
  }
  return hit;
}

/** Step and process names for an inbox row; falls back to ids for processes deployed outside the platform. */
export async function findNames(
  db: Knex,
  bpmnProcessId: string,
  version: number,
): Promise<{ processDefinitionKey?: string; elementNames: Record<string, string> }> {
  const row = await db<ProcessDefinitionRow>('process_definitions')
    .where({ bpmn_process_id: bpmnProcessId, version })
    .first('process_definition_key', 'element_names');
  return { processDefinitionKey: row?.process_definition_key, elementNames: row?.element_names ?? {} };
}

/** Whether the process is deployed (the given version, or any): a deployed version, or undefined. */
export async function deployedVersion(db: Knex, bpmnProcessId: string, version?: number): Promise<number | undefined> {
  const row = await db<ProcessDefinitionRow>('process_definitions')
    .where({ bpmn_process_id: bpmnProcessId })
    .modify((q) => {
      if (version) q.where({ version });
    })
    .first('version');
  return row?.version;
}

export async function listProcessDefinitions(
  db: Knex,
): Promise<(ProcessDefinitionRow & { deployed_by_username: string | null; active_instances: string; origin: DefinitionOrigin })[]> {
  const hasHistory = await db.schema.hasTable('hist_process_instances');
  const active = hasHistory
    ? db.raw(
        `(SELECT count(*) FROM hist_process_instances h WHERE h.process_definition_key = d.process_definition_key AND h.state = 'active') AS active_instances`,
      )
    : db.raw(`0 AS active_instances`);
  return db('process_definitions as d')
    .leftJoin('users as u', 'u.id', 'd.deployed_by')
    .select(
      'd.process_definition_key',
      'd.bpmn_process_id',
      'd.name',
      'd.version',
      'd.resource_name',
      'd.deployed_at',
      'u.username as deployed_by_username',
      active,
      (await hasOriginColumn(db)) ? 'd.origin' : db.raw(`'platform' AS origin`),
    )
    .orderBy([{ column: 'd.bpmn_process_id' }, { column: 'd.version', order: 'desc' }]);
}

export async function upsertForm(db: Knex | Knex.Transaction, formKey: string, schema: unknown, checksum: string): Promise<void> {
  await db('forms')
    .insert({ form_key: formKey, schema: JSON.stringify(schema), checksum })
    .onConflict('form_key')
    .merge({ schema: JSON.stringify(schema), checksum, updated_at: db.raw('eiso_now()') });
}

export async function insertProcessForm(
  db: Knex | Knex.Transaction,
  processDefinitionKey: string,
  formKey: string,
  schema: unknown,
  checksum: string,
): Promise<void> {
  await db('process_forms')
    .insert({ process_definition_key: processDefinitionKey, form_key: formKey, schema: JSON.stringify(schema), checksum })
    .onConflict(['process_definition_key', 'form_key'])
    .ignore();
}

/**
 * A form by key: the schema deployed with the given process version when one is named, else the
 * latest schema for that key.
 */
export async function findForm(
  db: Knex,
  formKey: string,
  version?: { bpmnProcessId: string; version: number },
): Promise<{ form_key: string; schema: Record<string, unknown> } | undefined> {
  if (version) {
    const pinned = await db('process_forms as f')
      .join('process_definitions as d', 'd.process_definition_key', 'f.process_definition_key')
      .where({ 'd.bpmn_process_id': version.bpmnProcessId, 'd.version': version.version, 'f.form_key': formKey })
      .first('f.form_key', 'f.schema');
    if (pinned) return pinned;
  }
  return db('forms').where({ form_key: formKey }).first('form_key', 'schema');
}
