import type { Knex } from 'knex';
import { Grpc, grpcCode, isEngineUnavailable, type ZeebeClient } from './client.js';
import { currentConfig } from '../lib/config.js';

/**
 * Transactional outbox for engine commands (table engine_outbox).
 *
 * A business write and the engine command it needs commit in ONE transaction (`enqueueCommand`);
 * right after the commit the caller makes the first attempt (`sendCommand`), and the relay of the
 * runtime (`startOutboxRelay`) sends whatever is still pending after a crash or an outage. The answer
 * is recorded, and the row's continuation runs, in one transaction: continuations are idempotent.
 *
 * Exactly one process instance per start, even when the engine's answer is lost:
 * - every start carries the variable `eisoStartId` = "outbox-<id>";
 * - a send marks the row in flight first (committed); a clear "not delivered" (no connection,
 *   back-pressure) clears the mark, anything else (deadline exceeded, connection cut, a crash of this
 *   process) leaves it: the outcome is unknown;
 * - before sending again a start whose outcome is unknown, the relay looks in the exported history
 *   (zeebe_record, written by our exporter) for the instance with that eisoStartId and adopts it.
 *   It decides "not started" only when (1) the grace period (OUTBOX_GRACE_MS, 30 s) has passed since
 *   the uncertain send, so no command of it is still on its way, and (2) the exporter has caught up
 *   on every partition: it publishes a probe message (TTL 0) to each partition (the partition is read
 *   from the message key) and waits until every probe is in zeebe_record. The exporter writes each
 *   partition in log order, so an instance created before the probe would have been found.
 * - messages carry a messageId: while the first is buffered (its TTL), Zeebe refuses a second
 *   message with the same id, so a message is re-sent at once within its TTL; later the same
 *   history check as for starts applies (MESSAGE PUBLISHED with that messageId).
 * - a cancel is idempotent by nature (NOT_FOUND = already gone).
 */

export type OutboxKind = 'start' | 'message' | 'cancel';

export interface StartCommand {
  bpmnProcessId: string;
  version?: number;
  variables: Record<string, unknown>;
}
export interface MessageCommand {
  name: string;
  correlationKey: string;
  messageId: string;
  timeToLive: number;
  variables?: Record<string, unknown>;
}
export interface CancelCommand {
  processInstanceKey: string;
}

export type OutboxCommand =
  { kind: 'start'; request: StartCommand } | { kind: 'message'; request: MessageCommand } | { kind: 'cancel'; request: CancelCommand };

export interface StartResult {
  processInstanceKey: string;
  processDefinitionKey: string;
  version: number;
  bpmnProcessId: string;
}

export interface OutboxRow {
  id: string;
  kind: OutboxKind;
  dedupe_key: string | null;
  request: any;
  on_done: string | null;
  on_done_args: any;
  status: 'pending' | 'done' | 'failed' | 'cancelled';
  attempts: number;
  in_flight_since: Date | null;
  lease_until: Date | null;
  next_attempt_at: Date;
  probe: { messageIds: string[]; at: string } | null;
  result: any;
  adopted: boolean;
  last_error: string | null;
  created_by: string | null;
  created_at: Date;
  done_at: Date | null;
}

export interface ContinuationContext {
  row: OutboxRow;
  /** start: StartResult; message: { key }; cancel: {} */
  result: any;
  args: any;
  /** Queue a follow-up command in the same transaction; it is sent right after the commit. */
  enqueue: (cmd: OutboxCommand & { dedupeKey?: string; onDone?: string; args?: unknown; createdBy?: string | null }) => Promise<string>;
}
export type Continuation = (trx: Knex.Transaction, ctx: ContinuationContext) => Promise<void>;

const continuations = new Map<string, Continuation>();

/** Registers what runs when a command of this name is done (module load time; idempotent code only). */
export function registerContinuation(name: string, fn: Continuation): void {
  continuations.set(name, fn);
}

export const startIdOf = (outboxId: string | number) => `outbox-${outboxId}`;

export interface OutboxOptions {
  /** how long after an uncertain send before the relay may decide "not started" (ms) */
  graceMs: number;
  /** how long a claimed row belongs to the relay that claimed it (ms) */
  leaseMs: number;
  log?: { info: (o: object, m?: string) => void; warn: (o: object, m?: string) => void };
}

export function outboxOptions(over: Partial<OutboxOptions> = {}): OutboxOptions {
  return {
    graceMs: currentConfig().outboxGraceMs,
    leaseMs: currentConfig().outboxLeaseMs,
    ...over,
  };
}

/**
 * Adds a command to the outbox inside the caller's transaction. With a dedupeKey the command is
 * added once: a second call returns the first row's id (created = false).
 */
export async function enqueueCommand(
  trx: Knex | Knex.Transaction,
  cmd: OutboxCommand & { dedupeKey?: string; onDone?: string; args?: unknown; createdBy?: string | null },
): Promise<{ id: string; created: boolean }> {
  const res = await trx.raw(
    `INSERT INTO engine_outbox (kind, dedupe_key, request, on_done, on_done_args, created_by)
     VALUES (?, ?, ?::jsonb, ?, ?::jsonb, ?)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [cmd.kind, cmd.dedupeKey ?? null, JSON.stringify(cmd.request), cmd.onDone ?? null, JSON.stringify(cmd.args ?? {}), cmd.createdBy ?? null],
  );
  if (res.rows.length) return { id: String(res.rows[0].id), created: true };
  const existing = await trx('engine_outbox').where({ dedupe_key: cmd.dedupeKey }).first('id');
  return { id: String(existing.id), created: false };
}

export async function getCommand(db: Knex | Knex.Transaction, id: string): Promise<OutboxRow | undefined> {
  const row = await db('engine_outbox').where({ id }).first();
  return row ? { ...row, id: String(row.id) } : undefined;
}

/** How a failed send ended: refused for good, clearly not delivered, or unknown. */
export function classifySendError(err: unknown): 'refused' | 'not-delivered' | 'unknown' {
  const code = grpcCode(err);
  if (code === Grpc.NOT_FOUND || code === Grpc.INVALID_ARGUMENT || code === Grpc.FAILED_PRECONDITION || code === 6 || code === 7) return 'refused';
  if (code === Grpc.RESOURCE_EXHAUSTED) return 'not-delivered';
  const msg = String((err as Error)?.message ?? err);
  if (/No connection established|ECONNREFUSED|Channel has been shut down|Failed to connect/i.test(msg)) return 'not-delivered';
  return 'unknown';
}

/** Thrown to a caller whose command is saved but not answered yet: an outage (503) for the error handler. */
export class CommandQueuedError extends Error {
  readonly code = Grpc.UNAVAILABLE;
  constructor(
    readonly outboxId: string,
    lastError: string | null,
  ) {
    super(`14 UNAVAILABLE: engine command ${outboxId} queued in the outbox${lastError ? ` (${lastError})` : ''}`);
  }
}

const errorText = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);

/**
 * One pass over one command: claims it (skips it if another relay holds it), then sends it, or
 * settles an uncertain earlier send, and records the outcome. Returns the row as it is afterwards.
 * Safe to call from any number of processes at once.
 */
export async function sendCommand(db: Knex, zeebe: ZeebeClient, id: string, opts: OutboxOptions = outboxOptions()): Promise<OutboxRow> {
  const claim = await db.raw(
    `UPDATE engine_outbox o SET lease_until = now() + (? * interval '1 millisecond')
       FROM (SELECT id, in_flight_since AS prev, extract(epoch FROM now() - in_flight_since) * 1000 AS uncertain_ms FROM engine_outbox WHERE id = ? FOR UPDATE) p
      WHERE o.id = p.id AND o.status = 'pending' AND (o.lease_until IS NULL OR o.lease_until < now())
      RETURNING o.*, p.uncertain_ms`,
    [opts.leaseMs, id],
  );
  const claimed = claim.rows[0] as (OutboxRow & { uncertain_ms: number | null }) | undefined;
  if (!claimed) return (await getCommand(db, id))!;
  const row: OutboxRow = { ...claimed, id: String(claimed.id) };
  try {
    if (claimed.uncertain_ms !== null) {
      const settled = await settleUncertain(db, zeebe, row, Number(claimed.uncertain_ms), opts);
      if (settled !== 'send') return (await getCommand(db, id))!;
    }
    const marked = await db('engine_outbox')
      .where({ id, status: 'pending' })
      .update({ in_flight_since: db.fn.now(), attempts: db.raw('attempts + 1'), probe: null });
    if (!marked) return (await getCommand(db, id))!;
    let result: unknown;
    try {
      result = await send(zeebe, row);
    } catch (err) {
      const how = classifySendError(err);
      if (row.kind === 'message' && grpcCode(err) === 6) {
        result = { duplicate: true }; // ALREADY_EXISTS: the message with this id is published
      } else if (how === 'refused') {
        await db('engine_outbox')
          .where({ id })
          .update({ status: 'failed', last_error: errorText(err), lease_until: null, in_flight_since: null, done_at: db.fn.now() });
        opts.log?.warn({ outboxId: id, err: errorText(err) }, 'engine refused an outbox command');
        return (await getCommand(db, id))!;
      } else {
        const attempts = row.attempts + 1;
        const backoff = how === 'unknown' ? 1000 : Math.min(10_000, 500 * 2 ** Math.min(attempts, 5));
        await db('engine_outbox')
          .where({ id })
          .update({
            last_error: errorText(err),
            lease_until: null,
            next_attempt_at: db.raw(`now() + (? * interval '1 millisecond')`, [backoff]),
            ...(how === 'not-delivered' ? { in_flight_since: null } : {}),
          });
        return (await getCommand(db, id))!;
      }
    }
    await recordDone(db, zeebe, row, result, false, opts);
  } catch (err) {
    // The database failed under us: leave the row to the relay (the lease runs out).
    opts.log?.warn({ outboxId: id, err: errorText(err) }, 'outbox command not settled');
    throw err;
  }
  return (await getCommand(db, id))!;
}

async function send(zeebe: ZeebeClient, row: OutboxRow): Promise<unknown> {
  if (row.kind === 'start') {
    const r = row.request as StartCommand;
    const res = await zeebe.createProcessInstance({
      bpmnProcessId: r.bpmnProcessId,
      ...(r.version ? { version: r.version } : {}),
      variables: { ...r.variables, eisoStartId: startIdOf(row.id) },
    });
    return {
      processInstanceKey: String(res.processInstanceKey),
      processDefinitionKey: String(res.processDefinitionKey),
      version: Number(res.version),
      bpmnProcessId: res.bpmnProcessId,
    } satisfies StartResult;
  }
  if (row.kind === 'message') {
    const m = row.request as MessageCommand;
    const res = await zeebe.publishMessage({
      name: m.name,
      correlationKey: m.correlationKey,
      messageId: m.messageId,
      timeToLive: m.timeToLive,
      variables: (m.variables ?? {}) as never,
    });
    return { key: String(res.key) };
  }
  try {
    await zeebe.cancelProcessInstance((row.request as CancelCommand).processInstanceKey);
    return { cancelled: true };
  } catch (err) {
    if (grpcCode(err) === Grpc.NOT_FOUND) return { cancelled: false };
    throw err;
  }
}

/** Records the answer and runs the continuation in one transaction; follow-up commands are sent after it. */
async function recordDone(db: Knex, zeebe: ZeebeClient, row: OutboxRow, result: unknown, adopted: boolean, opts: OutboxOptions): Promise<void> {
  const followUps: string[] = [];
  await db.transaction(async (trx) => {
    const cur = await trx('engine_outbox').where({ id: row.id }).forUpdate().first('status');
    if (cur?.status !== 'pending') return;
    await trx('engine_outbox')
      .where({ id: row.id })
      .update({
        status: 'done',
        result: JSON.stringify(result),
        adopted,
        done_at: trx.fn.now(),
        lease_until: null,
        in_flight_since: null,
        probe: null,
        last_error: null,
      });
    if (!row.on_done) return;
    const fn = continuations.get(row.on_done);
    if (!fn) throw new Error(`no outbox continuation "${row.on_done}" is registered in this process`);
    await fn(trx, {
      row,
      result,
      args: row.on_done_args,
      enqueue: async (cmd) => {
        const { id } = await enqueueCommand(trx, cmd);
        followUps.push(id);
        return id;
      },
    });
  });
  if (adopted) opts.log?.info({ outboxId: row.id, result }, 'outbox: uncertain command found in the exported history, adopted');
  for (const f of followUps) await sendCommand(db, zeebe, f, opts).catch(() => {});
}

/** What the exported history says an earlier send did: the result, or undefined when nothing is exported. */
export async function findInHistory(db: Knex, row: OutboxRow): Promise<unknown> {
  if (row.kind === 'start') {
    const v = await db.raw(
      `SELECT body->'value'->>'processInstanceKey' AS pik FROM zeebe_record
        WHERE value_type = 'VARIABLE' AND intent = 'CREATED' AND body->'value'->>'name' = 'eisoStartId' AND body->'value'->>'value' = ?
        ORDER BY ts, position LIMIT 1`,
      [JSON.stringify(startIdOf(row.id))],
    );
    const pik = v.rows[0]?.pik as string | undefined;
    if (!pik) return undefined;
    const p = await db.raw(
      `SELECT body->'value'->>'processDefinitionKey' AS pdk, body->'value'->>'version' AS version, body->'value'->>'bpmnProcessId' AS bpmn
         FROM zeebe_record WHERE record_key = ?::bigint AND value_type = 'PROCESS_INSTANCE' LIMIT 1`,
      [pik],
    );
    const d = p.rows[0] ?? {};
    return {
      processInstanceKey: pik,
      processDefinitionKey: String(d.pdk ?? ''),
      version: Number(d.version ?? 0),
      bpmnProcessId: d.bpmn ?? (row.request as StartCommand).bpmnProcessId,
    } satisfies StartResult;
  }
  if (row.kind === 'message') {
    const m = await db.raw(
      `SELECT record_key::text AS key FROM zeebe_record WHERE value_type = 'MESSAGE' AND intent = 'PUBLISHED' AND body->'value'->>'messageId' = ? LIMIT 1`,
      [(row.request as MessageCommand).messageId],
    );
    return m.rows[0] ? { key: m.rows[0].key, adopted: true } : undefined;
  }
  return undefined;
}

const PROBE_MESSAGE = 'eiso-outbox-probe';
/** A Zeebe key holds its partition id in the bits above 51. */
export const partitionOfKey = (key: string | number | bigint) => Number(BigInt(key) >> 51n);

/**
 * An earlier send of this row may or may not have reached the engine. 'send' = it certainly did not
 * (send now); 'done' = it did (adopted); 'wait' = not decidable yet (the row is released for later).
 */
async function settleUncertain(db: Knex, zeebe: ZeebeClient, row: OutboxRow, uncertainMs: number, opts: OutboxOptions): Promise<'send' | 'done' | 'wait'> {
  const release = (afterMs: number, patch: Record<string, unknown> = {}) =>
    db('engine_outbox')
      .where({ id: row.id })
      .update({ lease_until: null, next_attempt_at: db.raw(`now() + (? * interval '1 millisecond')`, [Math.max(0, Math.round(afterMs))]), ...patch });
  if (row.kind === 'cancel') return 'send';
  const found = await findInHistory(db, row);
  if (found) {
    await recordDone(db, zeebe, row, found, true, opts);
    return 'done';
  }
  // Within its TTL a message with the same messageId is refused by Zeebe: sending again is safe.
  if (row.kind === 'message' && uncertainMs < (row.request as MessageCommand).timeToLive - 5000) return 'send';
  if (uncertainMs < opts.graceMs) {
    await release(opts.graceMs - uncertainMs);
    return 'wait';
  }
  if (!row.probe) {
    try {
      const messageIds = await publishProbes(zeebe, row);
      if (!messageIds) {
        await release(1000);
        return 'wait';
      }
      await release(300, { probe: JSON.stringify({ messageIds, at: new Date().toISOString() }) });
    } catch (err) {
      await release(2000, { last_error: errorText(err) });
    }
    return 'wait';
  }
  const exported = await db.raw(
    `SELECT count(DISTINCT body->'value'->>'messageId') AS n FROM zeebe_record WHERE value_type = 'MESSAGE' AND intent = 'PUBLISHED' AND body->'value'->>'messageId' = ANY(?)`,
    [row.probe.messageIds],
  );
  if (Number(exported.rows[0].n) < row.probe.messageIds.length) {
    // Not exported yet; a probe older than two minutes is sent again (a broker may have lost it).
    await release(500, Date.now() - Date.parse(row.probe.at) > 120_000 ? { probe: null } : {});
    return 'wait';
  }
  // The exporter is past the probe on every partition: look once more, then it was never created.
  const again = await findInHistory(db, row);
  if (again) {
    await recordDone(db, zeebe, row, again, true, opts);
    return 'done';
  }
  opts.log?.info({ outboxId: row.id }, 'outbox: uncertain command not in the exported history after the grace period; sending it again');
  return 'send';
}

/** One probe message per partition (TTL 0); undefined when the partitions were not all reached. */
async function publishProbes(zeebe: ZeebeClient, row: OutboxRow): Promise<string[] | undefined> {
  const topology = await zeebe.topology();
  const partitions = Number(topology.partitionsCount) || 1;
  const byPartition = new Map<number, string>();
  const stamp = Date.now().toString(36);
  for (let i = 0; i < partitions * 12 && byPartition.size < partitions; i++) {
    const messageId = `probe-${row.id}-${stamp}-${i}`;
    const res = await zeebe.publishMessage({ name: PROBE_MESSAGE, correlationKey: messageId, messageId, timeToLive: 0, variables: {} });
    const p = partitionOfKey(res.key);
    if (!byPartition.has(p)) byPartition.set(p, messageId);
  }
  return byPartition.size >= partitions ? [...byPartition.values()] : undefined;
}

/** Waits until the command is no longer pending, or the time is up; returns the row. */
export async function waitForCommand(db: Knex, id: string, ms: number): Promise<OutboxRow> {
  const until = Date.now() + ms;
  for (;;) {
    const row = (await getCommand(db, id))!;
    if (row.status !== 'pending' || Date.now() >= until) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The runtime's relay: every `pollMs`, sends the pending commands that are due. Returns the stop function. */
export function startOutboxRelay(
  db: Knex,
  zeebe: ZeebeClient,
  opts: OutboxOptions & { pollMs?: number } = outboxOptions(),
): { stop(): Promise<void>; runOnce(): Promise<number> } {
  let running: Promise<number> | null = null;
  let lastWarned = 0;
  const runOnce = async () => {
    const due: string[] = await db('engine_outbox')
      .where({ status: 'pending' })
      .where('next_attempt_at', '<=', db.fn.now())
      .where((w) => w.whereNull('lease_until').orWhere('lease_until', '<', db.fn.now()))
      .orderBy('id')
      .limit(50)
      .pluck('id');
    let n = 0;
    for (const id of due) {
      const row = await sendCommand(db, zeebe, String(id), opts).catch(() => undefined);
      if (row && row.status !== 'pending') n++;
    }
    return n;
  };
  const tick = () => {
    if (running) return;
    running = runOnce()
      .then((n) => {
        if (n > 0) opts.log?.info({ settled: n }, 'outbox: pending engine commands sent');
        return n;
      })
      .catch((err) => {
        // During a database outage every pass fails: say so once every 30 s, not every second.
        if (Date.now() - lastWarned > 30_000) {
          lastWarned = Date.now();
          opts.log?.warn({ err: errorText(err) }, 'outbox relay pass failed');
        }
        return 0;
      })
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, opts.pollMs ?? 1000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** True when an error is the engine being unreachable or a command that is queued for it. */
export const isQueuedOrUnavailable = (err: unknown) => err instanceof CommandQueuedError || isEngineUnavailable(err);

/**
 * The first attempt right after the commit, as the request path makes it: sends the command and,
 * if another process holds it at that moment, waits up to `waitMs` for its outcome.
 */
export async function sendAndWait(db: Knex, zeebe: ZeebeClient, id: string, waitMs = 5000, opts: OutboxOptions = outboxOptions()): Promise<OutboxRow> {
  const row = await sendCommand(db, zeebe, id, opts);
  if (row.status === 'pending' && row.lease_until && row.lease_until.getTime() > Date.now()) return waitForCommand(db, id, waitMs);
  return row;
}
