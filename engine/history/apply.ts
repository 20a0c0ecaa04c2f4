import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { processFromResource, type ExportedProcess } from './element-names.js';

/**
 * One zeebe_record row with the value fields the projection needs, extracted in SQL as text:
 * Zeebe keys exceed 2^53 from partition 4 on, so they never pass through JSON.parse.
 */
export interface ZeebeRecordRow {
  position: string;
  record_type: string;
  value_type: string;
  intent: string;
  ts: Date;
  key: string;
  bpmn_process_id: string | null;
  process_definition_key: string | null;
  version: string | null;
  process_instance_key: string | null;
  element_id: string | null;
  element_instance_key: string | null;
  flow_scope_key: string | null;
  bpmn_element_type: string | null;
  bpmn_event_type: string | null;
  parent_process_instance_key: string | null;
  parent_element_instance_key: string | null;
  scope_key: string | null;
  name: string | null;
  value: string | null;
  type: string | null;
  worker: string | null;
  retries: string | null;
  error_type: string | null;
  error_message: string | null;
  error_code: string | null;
  job_key: string | null;
  resource_name: string | null;
  deployment_key: string | null;
  resource: string | null;
  job_keys: string[] | null;
}

/** Reads the next records of a partition after `after`, in log order. */
export function selectRecords(db: Knex | Knex.Transaction, partitionId: number, after: string, limit: number): Promise<ZeebeRecordRow[]> {
  return db
    .raw(
      `SELECT r.position, r.record_type, r.value_type, r.intent, r.ts, r.record_key::text AS key,
        v->>'bpmnProcessId' AS bpmn_process_id,
        v->>'processDefinitionKey' AS process_definition_key,
        v->>'version' AS version,
        v->>'processInstanceKey' AS process_instance_key,
        v->>'elementId' AS element_id,
        v->>'elementInstanceKey' AS element_instance_key,
        v->>'flowScopeKey' AS flow_scope_key,
        v->>'bpmnElementType' AS bpmn_element_type,
        v->>'bpmnEventType' AS bpmn_event_type,
        v->>'parentProcessInstanceKey' AS parent_process_instance_key,
        v->>'parentElementInstanceKey' AS parent_element_instance_key,
        v->>'scopeKey' AS scope_key,
        v->>'name' AS name,
        CASE WHEN r.value_type = 'VARIABLE' THEN v->>'value' END AS value,
        v->>'type' AS type,
        v->>'worker' AS worker,
        v->>'retries' AS retries,
        v->>'errorType' AS error_type,
        v->>'errorMessage' AS error_message,
        v->>'errorCode' AS error_code,
        v->>'jobKey' AS job_key,
        v->>'resourceName' AS resource_name,
        v->>'deploymentKey' AS deployment_key,
        CASE WHEN r.value_type = 'PROCESS' THEN v->>'resource' END AS resource,
        CASE WHEN r.value_type = 'JOB_BATCH' THEN ARRAY(SELECT jsonb_array_elements_text(v->'jobKeys')) END AS job_keys
      FROM zeebe_record r CROSS JOIN LATERAL (SELECT r.body->'value' AS v) x
      WHERE r.partition_id = ? AND r.position > ?
      ORDER BY r.position
      LIMIT ?`,
      [partitionId, after, limit],
    )
    .then((res: { rows: ZeebeRecordRow[] }) => res.rows);
}

type Row = Record<string, unknown> & { position: string };

interface TableSpec {
  table: string;
  key: string[];
  /** ON CONFLICT target when it differs from key: partitioned tables' keys include the partition column (migrations/20261123001400) */
  conflict?: string[];
  /** every column the projection writes, in this order */
  columns: string[];
  /** columns that take a cast in VALUES */
  casts?: Record<string, string>;
}

const ELEMENTS: TableSpec = {
  table: 'hist_element_instances',
  key: ['element_instance_key'],
  conflict: ['element_instance_key', 'start_time'],
  columns: [
    'element_instance_key',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'element_id',
    'element_name',
    'bpmn_element_type',
    'bpmn_event_type',
    'flow_scope_key',
    'state',
    'start_time',
    'end_time',
    'start_position',
    'partition_id',
    'position',
  ],
};
const INSTANCES: TableSpec = {
  table: 'hist_process_instances',
  key: ['process_instance_key'],
  columns: [
    'process_instance_key',
    'bpmn_process_id',
    'process_definition_key',
    'version',
    'parent_process_instance_key',
    'parent_element_instance_key',
    'root_process_instance_key',
    'state',
    'start_time',
    'end_time',
    'partition_id',
    'position',
  ],
};
const JOBS: TableSpec = {
  table: 'hist_jobs',
  key: ['job_key'],
  conflict: ['job_key', 'created_time'],
  columns: [
    'job_key',
    'type',
    'element_instance_key',
    'element_id',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'state',
    'retries',
    'worker',
    'error_code',
    'error_message',
    'created_time',
    'ended_time',
    'updated_time',
    'partition_id',
    'position',
  ],
};
const INCIDENTS: TableSpec = {
  table: 'hist_incidents',
  key: ['incident_key'],
  columns: [
    'incident_key',
    'error_type',
    'error_message',
    'element_instance_key',
    'element_id',
    'process_instance_key',
    'process_definition_key',
    'bpmn_process_id',
    'job_key',
    'state',
    'created_time',
    'resolved_time',
    'partition_id',
    'position',
  ],
};
const VARIABLES: TableSpec = {
  table: 'hist_variables',
  key: ['scope_key', 'name'],
  columns: ['scope_key', 'name', 'variable_key', 'process_instance_key', 'value', 'updated_at', 'partition_id', 'position'],
  casts: { value: 'jsonb' },
};

const ELEMENT_STATE: Record<string, 'active' | 'completed' | 'terminated' | undefined> = {
  ELEMENT_ACTIVATING: 'active',
  ELEMENT_ACTIVATED: 'active',
  ELEMENT_COMPLETING: 'active',
  ELEMENT_TERMINATING: 'active',
  ELEMENT_COMPLETED: 'completed',
  ELEMENT_TERMINATED: 'terminated',
};
const ELEMENT_INTENTS = new Set([...Object.keys(ELEMENT_STATE), 'ELEMENT_MIGRATED']);

const JOB_STATE: Record<string, string | undefined> = {
  CREATED: 'created',
  RECURRED_AFTER_BACKOFF: 'created',
  YIELDED: 'created',
  COMPLETED: 'completed',
  FAILED: 'failed',
  TIMED_OUT: 'timed_out',
  CANCELED: 'canceled',
  ERROR_THROWN: 'error_thrown',
};
const JOB_ENDS = new Set(['COMPLETED', 'CANCELED', 'ERROR_THROWN']);

/** Zeebe writes -1 for "no key". */
function key(value: string | null): string | null {
  return value === null || value === '-1' || value === '' ? null : value;
}

function text(value: string | null): string | null {
  return value === null || value === '' ? null : value;
}

const newer = (a: string, b: string): boolean => BigInt(a) > BigInt(b);

/** process_definition_key -> element names, shared by batches (definitions never change). */
export class ElementNameCache {
  private readonly names = new Map<string, Record<string, string>>();
  constructor(private readonly max = 500) {}
  get(definitionKey: string): Record<string, string> | undefined {
    return this.names.get(definitionKey);
  }
  set(definitionKey: string, names: Record<string, string>): void {
    if (this.names.size >= this.max) this.names.delete(this.names.keys().next().value!);
    this.names.set(definitionKey, names);
  }
}

export interface BatchResult {
  /** job keys whose inbox task this batch moved to 'cancelled' */
  cancelledJobKeys: string[];
  /** job keys of open inbox tasks written before their process version was known, named by this batch */
  renamedJobKeys: string[];
}

/** Tables of other layers the projection also writes when their migrations are there. */
export interface PresentTables {
  inbox: boolean;
  caseIndex: boolean;
  /** process_definitions.origin (migrations/20261206003000): versions deployed outside the platform are recorded */
  definitions?: boolean;
}

async function existing(trx: Knex.Transaction, spec: TableSpec, keys: Iterable<string>): Promise<Map<string, Row>> {
  const list = [...new Set(keys)];
  const found = new Map<string, Row>();
  if (list.length === 0) return found;
  const column = spec.key[0];
  const rows = (await trx(spec.table).select(spec.columns).whereRaw(`${column} = ANY(?::bigint[])`, [list])) as Row[];
  for (const row of rows) found.set(String(row[column]), row);
  return found;
}

/**
 * INSERT ... ON CONFLICT DO UPDATE of whole rows, applied only when the incoming row is newer
 * (by log position): re-applying a record never changes the result.
 */
async function upsert(trx: Knex.Transaction, spec: TableSpec, rows: Row[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = spec.columns;
  const target = spec.conflict ?? spec.key;
  const set = cols
    .filter((c) => !target.includes(c))
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  const placeholder = `(${cols.map((c) => (spec.casts?.[c] ? `?::${spec.casts[c]}` : '?')).join(', ')})`;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    await trx.raw(
      `INSERT INTO ${spec.table} AS h (${cols.join(', ')}) VALUES ${chunk.map(() => placeholder).join(', ')}
       ON CONFLICT (${target.join(', ')}) DO UPDATE SET ${set} WHERE h.position < EXCLUDED.position`,
      chunk.flatMap((row) => cols.map((c) => (row[c] ?? null) as Knex.Value)),
    );
  }
}

/**
 * The root case of every called instance of the batch (a case is its root process instance): the
 * parent's root, or the parent itself when it is a root. Taken from the engine's records only
 * (parentProcessInstanceKey); a called instance is created on its caller's partition after it, so
 * the parent is in this batch or already projected.
 */
async function resolveRoots(trx: Knex.Transaction, instances: Map<string, Row>): Promise<void> {
  const pending = [...instances.values()].filter((i) => i.parent_process_instance_key && !i.root_process_instance_key);
  if (pending.length === 0) return;
  const outside = pending.map((i) => String(i.parent_process_instance_key)).filter((k) => !instances.has(k));
  const before = await existing(trx, INSTANCES, outside);
  const rootOf = (k: string, depth = 0): string => {
    const row = instances.get(k) ?? before.get(k);
    if (!row || !row.parent_process_instance_key || depth > 32) return k;
    if (row.root_process_instance_key) return String(row.root_process_instance_key);
    return rootOf(String(row.parent_process_instance_key), depth + 1);
  };
  for (const i of pending) i.root_process_instance_key = rootOf(String(i.parent_process_instance_key));
}

/**
 * Projects one batch of a partition's records (already in log order) inside `trx`: element and
 * process instances, variables, jobs, incidents, process definitions; moves the inbox tasks of
 * cancelled jobs to 'cancelled'; and refreshes the case_index rows of the cases it touched.
 */
export async function applyBatch(
  trx: Knex.Transaction,
  partitionId: number,
  records: ZeebeRecordRow[],
  names: ElementNameCache,
  present: PresentTables,
): Promise<BatchResult> {
  const events = records.filter((r) => r.record_type === 'EVENT');
  const elementKeys: string[] = [];
  const jobKeys: string[] = [];
  const incidentKeys: string[] = [];
  for (const r of events) {
    if (r.value_type === 'PROCESS_INSTANCE' && ELEMENT_INTENTS.has(r.intent)) elementKeys.push(r.key);
    else if (r.value_type === 'JOB') jobKeys.push(r.key);
    else if (r.value_type === 'JOB_BATCH' && r.intent === 'ACTIVATED') jobKeys.push(...(r.job_keys ?? []));
    else if (r.value_type === 'INCIDENT') incidentKeys.push(r.key);
  }
  const processKeys = events.filter((r) => r.value_type === 'PROCESS_INSTANCE' && r.bpmn_element_type === 'PROCESS').map((r) => r.key);
  // One connection: one query at a time.
  const elementsBefore = await existing(trx, ELEMENTS, elementKeys);
  const instancesBefore = await existing(trx, INSTANCES, processKeys);
  const jobsBefore = await existing(trx, JOBS, jobKeys);
  const incidentsBefore = await existing(trx, INCIDENTS, incidentKeys);

  const elements = new Map<string, Row>();
  const instances = new Map<string, Row>();
  const jobs = new Map<string, Row>();
  const incidents = new Map<string, Row>();
  const variables = new Map<string, Row>();
  const variableEvents: Row[] = [];
  const definitions: Record<string, unknown>[] = [];
  const exported = new Map<string, { row: Record<string, unknown>; model: ExportedProcess }>();
  const cancelledJobs: string[] = [];

  for (const r of events) {
    switch (r.value_type) {
      case 'PROCESS_INSTANCE': {
        if (!ELEMENT_INTENTS.has(r.intent)) break; // SEQUENCE_FLOW_TAKEN stays in zeebe_record
        const prev = elements.get(r.key) ?? elementsBefore.get(r.key);
        if (prev && !newer(r.position, prev.position)) break;
        const state = ELEMENT_STATE[r.intent] ?? (prev?.state as string | undefined) ?? 'active';
        const ends = r.intent === 'ELEMENT_COMPLETED' || r.intent === 'ELEMENT_TERMINATED';
        elements.set(r.key, {
          element_instance_key: r.key,
          process_instance_key: r.process_instance_key,
          process_definition_key: r.process_definition_key,
          bpmn_process_id: r.bpmn_process_id,
          element_id: r.element_id,
          element_name: prev?.element_name ?? null,
          bpmn_element_type: r.bpmn_element_type,
          bpmn_event_type: r.bpmn_event_type === 'UNSPECIFIED' ? null : text(r.bpmn_event_type),
          flow_scope_key: key(r.flow_scope_key),
          state,
          start_time: prev?.start_time ?? r.ts,
          end_time: prev?.end_time ?? (ends ? r.ts : null),
          start_position: prev?.start_position ?? r.position,
          partition_id: partitionId,
          position: r.position,
        });
        if (r.bpmn_element_type === 'PROCESS') {
          const before = instances.get(r.key) ?? instancesBefore.get(r.key);
          instances.set(r.key, {
            process_instance_key: r.key,
            bpmn_process_id: r.bpmn_process_id,
            process_definition_key: r.process_definition_key,
            version: Number(r.version),
            parent_process_instance_key: key(r.parent_process_instance_key),
            parent_element_instance_key: key(r.parent_element_instance_key),
            root_process_instance_key: (before?.root_process_instance_key as string | null | undefined) ?? null,
            state,
            start_time: before?.start_time ?? r.ts,
            end_time: before?.end_time ?? (ends ? r.ts : null),
            partition_id: partitionId,
            position: r.position,
          });
        }
        break;
      }
      case 'VARIABLE': {
        if (r.value === null || r.scope_key === null || r.name === null) break;
        variableEvents.push({
          partition_id: partitionId,
          position: r.position,
          variable_key: r.key,
          scope_key: r.scope_key,
          process_instance_key: r.process_instance_key,
          name: r.name,
          intent: r.intent,
          value: r.value,
          ts: r.ts,
        });
        variables.set(`${r.scope_key}\u0000${r.name}`, {
          scope_key: r.scope_key,
          name: r.name,
          variable_key: r.key,
          process_instance_key: r.process_instance_key,
          value: r.value,
          updated_at: r.ts,
          partition_id: partitionId,
          position: r.position,
        });
        break;
      }
      case 'JOB': {
        const prev = jobs.get(r.key) ?? jobsBefore.get(r.key);
        if (prev && !newer(r.position, prev.position)) break;
        jobs.set(r.key, {
          job_key: r.key,
          type: r.type,
          element_instance_key: r.element_instance_key,
          element_id: r.element_id ?? '',
          process_instance_key: r.process_instance_key,
          process_definition_key: r.process_definition_key,
          bpmn_process_id: r.bpmn_process_id,
          state: JOB_STATE[r.intent] ?? prev?.state ?? 'created',
          retries: Number(r.retries ?? 0),
          worker: text(r.worker) ?? prev?.worker ?? null,
          error_code: text(r.error_code) ?? prev?.error_code ?? null,
          error_message: text(r.error_message) ?? prev?.error_message ?? null,
          created_time: prev?.created_time ?? r.ts,
          ended_time: prev?.ended_time ?? (JOB_ENDS.has(r.intent) ? r.ts : null),
          updated_time: r.ts,
          partition_id: partitionId,
          position: r.position,
        });
        if (r.intent === 'CANCELED') cancelledJobs.push(r.key);
        break;
      }
      case 'JOB_BATCH': {
        if (r.intent !== 'ACTIVATED' || !text(r.worker)) break;
        for (const jobKey of r.job_keys ?? []) {
          const prev = jobs.get(jobKey) ?? jobsBefore.get(jobKey);
          if (!prev || !newer(r.position, prev.position)) continue;
          jobs.set(jobKey, { ...prev, worker: r.worker, updated_time: r.ts, position: r.position });
        }
        break;
      }
      case 'INCIDENT': {
        const prev = incidents.get(r.key) ?? incidentsBefore.get(r.key);
        if (prev && !newer(r.position, prev.position)) break;
        const resolved = r.intent === 'RESOLVED' || prev?.state === 'resolved';
        incidents.set(r.key, {
          incident_key: r.key,
          error_type: r.error_type ?? 'UNKNOWN',
          error_message: text(r.error_message),
          element_instance_key: r.element_instance_key,
          element_id: r.element_id ?? '',
          process_instance_key: r.process_instance_key,
          process_definition_key: r.process_definition_key,
          bpmn_process_id: r.bpmn_process_id,
          job_key: key(r.job_key),
          state: resolved ? 'resolved' : 'created',
          created_time: prev?.created_time ?? r.ts,
          resolved_time: prev?.resolved_time ?? (r.intent === 'RESOLVED' ? r.ts : null),
          partition_id: partitionId,
          position: r.position,
        });
        break;
      }
      case 'PROCESS': {
        if (r.intent !== 'CREATED') break;
        let model: ExportedProcess | null = null;
        try {
          model = r.resource ? await processFromResource(r.resource) : null;
        } catch {
          model = null;
        }
        const elementNames = model?.elementNames ?? {};
        names.set(r.key, elementNames);
        if (model && r.bpmn_process_id)
          exported.set(r.key, {
            model,
            row: {
              process_definition_key: r.key,
              bpmn_process_id: r.bpmn_process_id,
              name: (elementNames[r.bpmn_process_id] ?? r.bpmn_process_id).slice(0, 300),
              version: Number(r.version),
              resource_name: (r.resource_name ?? '').slice(0, 200),
              deployment_key: key(r.deployment_key) ?? '0',
              xml: model.xml,
              element_names: JSON.stringify(elementNames),
              checksum: createHash('sha256').update(model.xml).digest('hex'),
              deployed_by: null,
              deployed_at: r.ts,
              origin: 'external',
            },
          });
        definitions.push({
          process_definition_key: r.key,
          bpmn_process_id: r.bpmn_process_id,
          version: Number(r.version),
          resource_name: r.resource_name,
          deployment_key: key(r.deployment_key),
          element_names: JSON.stringify(elementNames),
          deployed_at: r.ts,
        });
        break;
      }
      default:
        break;
    }
  }

  // Element names for new rows, from the deployed XML (cache, then hist_process_definitions).
  const needNames = [...elements.values()].filter((e) => e.element_name === null);
  const missing = [...new Set(needNames.map((e) => String(e.process_definition_key)))].filter((k) => !names.get(k));
  if (missing.length > 0) {
    const rows = (await trx('hist_process_definitions')
      .whereRaw('process_definition_key = ANY(?::bigint[])', [missing])
      .select('process_definition_key', 'element_names')) as {
      process_definition_key: string;
      element_names: Record<string, string>;
    }[];
    for (const row of rows) names.set(String(row.process_definition_key), row.element_names ?? {});
    for (const k of missing) if (!names.get(k)) names.set(k, {}); // deployed before history existed
  }
  for (const e of needNames) e.element_name = names.get(String(e.process_definition_key))?.[String(e.element_id)] ?? null;

  definitions.sort((a, b) => (newer(String(a.process_definition_key), String(b.process_definition_key)) ? 1 : -1));
  for (let i = 0; i < definitions.length; i += 500) {
    await trx('hist_process_definitions')
      .insert(definitions.slice(i, i + 500))
      .onConflict('process_definition_key')
      .ignore();
  }
  // Every deployed version, whoever deployed it: a version deployed through the platform is already
  // there (or is claimed by engine/definitions.ts insertProcessDefinition when its insert comes second).
  let renamedJobKeys: string[] = [];
  if (present.definitions && exported.size > 0) {
    const rows = [...exported.values()].map((e) => e.row);
    for (let i = 0; i < rows.length; i += 100) {
      await trx('process_definitions')
        .insert(rows.slice(i, i + 100))
        .onConflict('process_definition_key')
        .ignore();
    }
    const forms = [...exported].flatMap(([definitionKey, e]) =>
      Object.entries(e.model.embeddedForms).map(([formKey, schema]) => {
        const json = JSON.stringify(schema);
        return { process_definition_key: definitionKey, form_key: formKey, schema: json, checksum: createHash('sha256').update(json).digest('hex') };
      }),
    );
    if (forms.length > 0) await trx('process_forms').insert(forms).onConflict(['process_definition_key', 'form_key']).ignore();
  }
  // An inbox row written before its version was recorded carries its element id as name. Checked on every
  // batch, not only on the batch that records the version: the inbox worker may have looked the version
  // up just before this transaction recorded it and written its row just after this statement ran (seen
  // in CI); the next batch (the task's own job records follow at once) names it.
  if (present.definitions && present.inbox) {
    const res = (await trx.raw(
      `UPDATE inbox_tasks t SET name = left(d.element_names->>t.element_id, 300), updated_at = now()
       FROM process_definitions d
       WHERE d.process_definition_key = t.process_definition_key
         AND t.status IN ('open', 'completing') AND t.name = t.element_id AND d.element_names->>t.element_id IS NOT NULL
       RETURNING t.job_key::text AS job_key`,
    )) as { rows: { job_key: string }[] };
    renamedJobKeys = res.rows.map((row) => row.job_key);
  }
  await resolveRoots(trx, instances);
  await upsert(trx, INSTANCES, [...instances.values()]);
  await upsert(trx, ELEMENTS, [...elements.values()]);
  await upsert(trx, JOBS, [...jobs.values()]);
  await upsert(trx, INCIDENTS, [...incidents.values()]);
  await upsert(trx, VARIABLES, [...variables.values()]);
  for (let i = 0; i < variableEvents.length; i += 1000) {
    const chunk = variableEvents.slice(i, i + 1000);
    await trx.raw(
      `INSERT INTO hist_variable_events (partition_id, position, variable_key, scope_key, process_instance_key, name, intent, value, ts)
       VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?)').join(', ')}
       ON CONFLICT (partition_id, position, ts) DO NOTHING`,
      chunk.flatMap((v) => [v.partition_id, v.position, v.variable_key, v.scope_key, v.process_instance_key, v.name, v.intent, v.value, v.ts] as Knex.Value[]),
    );
  }

  let cancelledJobKeys: string[] = [];
  if (present.inbox && cancelledJobs.length > 0) {
    const res = (await trx.raw(
      `UPDATE inbox_tasks SET status = 'cancelled', updated_at = now()
       WHERE job_key = ANY(?::bigint[]) AND status IN ('open', 'completing')
       RETURNING job_key::text AS job_key`,
      [cancelledJobs],
    )) as { rows: { job_key: string }[] };
    cancelledJobKeys = res.rows.map((row) => row.job_key);
  }
  // The search index of the cases whose instance row or process variables changed (inbox changes,
  // the cancellations above included, refresh it through triggers: migrations/20261123007000).
  if (present.caseIndex) {
    const cases = new Set<string>(instances.keys());
    for (const v of variables.values()) if (v.scope_key === v.process_instance_key) cases.add(String(v.scope_key));
    if (cases.size > 0) await trx.raw(`SELECT eiso_case_index_refresh(?::bigint[])`, [[...cases]]);
  }
  return { cancelledJobKeys, renamedJobKeys };
}
