import type { Knex } from 'knex';
import { currentConfig } from '../lib/config.js';

/**
 * Which business record a job works on: the record whose process_instance_key is the job's process
 * instance (for an instance called by a call activity, the root of its call chain). The key is put
 * on the record by the server (the outbox continuation of reception or of an ISO register), never
 * taken from a process variable: variables are set by whoever starts an instance or completes a task.
 *
 * The continuation may commit a moment after the instance's first job is activated. A job of an
 * instance that is not bound yet waits a little in the worker; if it is still not bound, it fails
 * with a backoff: keeping its retries while the instance's own start (its platform-owned variable
 * eisoStartId = "outbox-<id>") is still pending in the outbox, losing one otherwise, so that an
 * instance nobody will ever bind (started outside the record's flow) ends in an incident and
 * changes nothing. eisoStartId only decides how long to wait; it never names the record.
 */

type Db = Knex | Knex.Transaction;

export type Binding<T> =
  | { kind: 'bound'; row: T; rootKey: string }
  /** not bound yet, its start is still in the outbox: try again without losing a retry */
  | { kind: 'pending'; message: string }
  /** bound to nothing: an incident after the retries */
  | { kind: 'unbound'; message: string };

const MAX_DEPTH = 16;

/**
 * The root case of an instance: the top of its call chain (a case is its root process instance),
 * recorded by the history projector from the engine's records (hist_process_instances.root_process_instance_key,
 * migrations/20261207110000_case_root.ts); the instance itself when history has no parent.
 */
export async function rootInstanceKey(db: Db, processInstanceKey: string): Promise<string> {
  let key = String(processInstanceKey);
  for (let i = 0; i < MAX_DEPTH; i++) {
    const row = await db('hist_process_instances').where({ process_instance_key: key }).first('parent_process_instance_key', 'root_process_instance_key');
    if (row?.root_process_instance_key) return String(row.root_process_instance_key);
    if (!row?.parent_process_instance_key) return key;
    key = String(row.parent_process_instance_key);
  }
  return key;
}

/** An instance's links in hist_process_instances (keys as text). */
export interface InstanceLinks {
  parent_process_instance_key: string | null;
  root_process_instance_key: string | null;
}

/** The instance's links as the projector recorded them; undefined while it has not. */
async function linksOf(db: Db, processInstanceKey: string): Promise<InstanceLinks | undefined> {
  return db('hist_process_instances').where({ process_instance_key: processInstanceKey }).first('parent_process_instance_key', 'root_process_instance_key');
}

/**
 * The root case of an instance as the engine itself reports it, for workers that may run before the
 * history projector has recorded the instance (the start listener of a called process's first step
 * runs a few milliseconds after the call activity created it). Walks up the call chain through
 * hist_process_instances where the projector has been, and through the exported record stream
 * (zeebe_record: the PROCESS element's record of an instance carries parentProcessInstanceKey, -1
 * for a root) where it has not. Never a process variable. Null while the instance's own record
 * has not been exported yet (the exporter flushes every few tens of milliseconds): the caller waits
 * or retries. `firstRead`: the instance's own hist_process_instances row as the caller just read it
 * (null: not there yet), instead of reading it here.
 */
export async function engineRootInstanceKey(db: Db, processInstanceKey: string, firstRead?: InstanceLinks | null): Promise<string | null> {
  let key = String(processInstanceKey);
  for (let i = 0; i < MAX_DEPTH; i++) {
    const hist = i === 0 && firstRead !== undefined ? firstRead : await linksOf(db, key);
    let parent: string | null;
    if (hist) {
      if (hist.root_process_instance_key) return String(hist.root_process_instance_key);
      parent = hist.parent_process_instance_key ? String(hist.parent_process_instance_key) : null;
    } else {
      const r = await db.raw(
        `SELECT body->'value'->>'parentProcessInstanceKey' AS parent
           FROM zeebe_record
          WHERE record_key = ? AND value_type = 'PROCESS_INSTANCE' AND body->'value'->>'bpmnElementType' = 'PROCESS'
          ORDER BY partition_id, position
          LIMIT 1`,
        [key],
      );
      const row = r.rows[0] as { parent: string | null } | undefined;
      // Not exported yet. Only the instance asked about can be missing: a parent's records precede its child's.
      if (!row) return i === 0 ? null : key;
      parent = row.parent && row.parent !== '-1' ? row.parent : null;
    }
    if (!parent) return key;
    key = parent;
  }
  return key;
}

/**
 * SQL for the root case key of the instance in `column` (a case is its root process instance): for
 * queries that read many rows at once. Same rule as rootInstanceKey.
 */
export function rootKeySql(column: string): string {
  return `COALESCE((SELECT h.root_process_instance_key FROM hist_process_instances h WHERE h.process_instance_key = ${column}), ${column})`;
}

/** The outbox start named by eisoStartId, if it is still pending (its instance key not recorded yet). */
async function startStillPending(db: Db, variables: Record<string, unknown>): Promise<boolean> {
  const m = typeof variables.eisoStartId === 'string' ? /^outbox-([0-9]{1,18})$/.exec(variables.eisoStartId) : null;
  if (!m) return false;
  const row = await db('engine_outbox').where({ id: m[1], kind: 'start' }).first('status');
  return row?.status === 'pending';
}

export interface BindingJob {
  processInstanceKey: string | number;
  variables: Record<string, unknown>;
}

/**
 * The row of `table` bound to the job's (root) process instance. Waits up to `waitMs` for a binding
 * that is about to be committed (the outbox continuation, or the history of a called instance).
 */
export async function boundRecord<T = Record<string, any>>(
  db: Db,
  table: string,
  job: BindingJob,
  what: { vi: string; en: string },
  waitMs = currentConfig().jobUnboundWaitMs,
): Promise<Binding<T>> {
  const own = String(job.processInstanceKey);
  const until = Date.now() + waitMs;
  for (;;) {
    const direct = (await db(table).where({ process_instance_key: own }).first()) as T | undefined;
    if (direct) return { kind: 'bound', row: direct, rootKey: own };
    // A called instance (call activity) works on the record of the root of its call chain.
    const root = await rootInstanceKey(db, own);
    if (root !== own) {
      const called = (await db(table).where({ process_instance_key: root }).first()) as T | undefined;
      if (called) return { kind: 'bound', row: called, rootKey: root };
    }
    if (Date.now() >= until) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const message = `Quy trình ${own} không gắn với ${what.vi} nào (chỉ máy chủ gắn hồ sơ với quy trình khi tiếp nhận/khởi tạo; biến quy trình không được dùng để tìm hồ sơ) / Instance ${own} is not bound to any ${what.en} (only the server binds a record to its instance; process variables never name the record)`;
  if (await startStillPending(db, job.variables)) return { kind: 'pending', message };
  return { kind: 'unbound', message };
}

/** What a worker does with a job whose record is not bound: fail with a backoff (retries kept while its start is pending). */
export function failUnbound(
  job: { retries: number; fail: (o: { errorMessage: string; retries: number; retryBackOff: number }) => any },
  b: Exclude<Binding<unknown>, { kind: 'bound' }>,
) {
  return b.kind === 'pending'
    ? job.fail({ errorMessage: b.message, retries: job.retries, retryBackOff: 1000 })
    : job.fail({ errorMessage: b.message, retries: Math.max(0, job.retries - 1), retryBackOff: currentConfig().jobUnboundBackoffMs });
}
