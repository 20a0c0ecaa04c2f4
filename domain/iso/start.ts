import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { publishedVersionToStart } from '../procedures/bundled.js';
import { isoRoleVariables } from './agencies.js';
import { CommandQueuedError, enqueueCommand, sendAndWait, type Continuation, type StartCommand, type StartResult } from '../../engine/outbox.js';

/** Outbox continuation of an ISO record's process start: the instance key on the record, once. */
export const ISO_STARTED = 'iso.record.started';

const TABLES = new Set(['iso_nonconformities', 'iso_document_versions', 'iso_document_proposals', 'iso_complaints', 'iso_audits', 'iso_reviews', 'iso_risks']);

/**
 * Starts the process of an ISO record through the engine outbox: `build` locks the record and returns
 * the start (or null when the record has its process already); the start commits in the same
 * transaction (one outbox row per record: iso:<table>:<id>) and is sent right after. Throws a 503-type
 * error when the engine did not answer: the relay starts it later, exactly once.
 */
export async function startIsoProcess(
  db: Knex,
  zeebe: ZeebeClient,
  table: string,
  id: string,
  build: (trx: Knex.Transaction) => Promise<StartCommand | null>,
): Promise<void> {
  if (!TABLES.has(table)) throw new Error(`not an ISO register: ${table}`);
  const outboxId = await db.transaction(async (trx) => {
    const built = await build(trx);
    if (!built) return null;
    // The roles of the record's agency (its ISO secretaries, representative, Office, leaders), resolved now.
    const roles = await isoRoleVariables(trx, await recordAgency(trx, table, id));
    built.variables = { ...built.variables, ...roles };
    // The ISO process is a procedure of the modeler: a record starts its newest published version.
    const version = built.version ?? (await publishedVersionToStart(trx, built.bpmnProcessId));
    const request: StartCommand = version ? { ...built, version } : built;
    return (await enqueueCommand(trx, { kind: 'start', dedupeKey: `iso:${table}:${id}`, request, onDone: ISO_STARTED, args: { table, id } })).id;
  });
  if (!outboxId) return;
  const row = await sendAndWait(db, zeebe, outboxId);
  if (row.status === 'pending') throw new CommandQueuedError(outboxId, row.last_error);
  if (row.status === 'failed' || row.status === 'cancelled')
    throw new Error(`Máy chủ quy trình từ chối khởi tạo quy trình của ${table} ${id}: ${row.last_error} / The engine refused the start`);
}

/** The agency whose quality system keeps the record (a document's version or proposal: the document's). */
export async function recordAgency(db: Knex | Knex.Transaction, table: string, id: string): Promise<string> {
  const row =
    table === 'iso_document_versions' || table === 'iso_document_proposals'
      ? await db(`${table} as x`).join('iso_documents as d', 'd.id', 'x.document_id').where('x.id', id).first('d.agency')
      : await db(table).where({ id }).first('agency');
  if (!row) throw new Error(`Không có bản ghi ${table} ${id} / No record ${table} ${id}`);
  return row.agency;
}

/** Declared by domain/iso/index.ts under ISO_STARTED: the instance key on the record, once. */
export const onIsoStarted: Continuation = async (trx, { result, args }) => {
  const { table, id } = args as { table: string; id: string };
  if (!TABLES.has(table)) throw new Error(`not an ISO register: ${table}`);
  const patch: Record<string, unknown> = { process_instance_key: (result as StartResult).processInstanceKey };
  if (table === 'iso_nonconformities') patch.updated_at = trx.raw('eiso_now()');
  await trx(table).where({ id }).whereNull('process_instance_key').update(patch);
};
