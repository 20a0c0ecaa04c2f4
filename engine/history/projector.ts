import { EventEmitter } from 'node:events';
import { listenWithReconnect, type Listener } from '../../lib/listen.js';
import type { Knex } from 'knex';
import { applyBatch, ElementNameCache, selectRecords, type PresentTables } from './apply.js';

export interface HistoryLogger {
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
}

export interface HistoryProjectorOptions {
  /** fallback poll when no notification arrives (default 1000 ms) */
  pollMs?: number;
  /** records per transaction (default 500) */
  batchSize?: number;
  /**
   * Least time between the starts of two runs woken by notifications (default 100 ms). The exporter
   * notifies on every commit (every 50 ms under load); gathering a little more per run saves the
   * fixed round trips of a run (partitions, transaction, cursor) several times over, and a cancelled
   * task still leaves the open inboxes well within a second.
   */
  minIntervalMs?: number;
  logger?: HistoryLogger;
}

/** Emitted after each committed batch. */
export interface ProjectedEvent {
  /** records consumed by the batch (events and rejections) */
  count: number;
  /** job keys whose inbox task the batch moved from open/completing to 'cancelled' */
  cancelledJobKeys: string[];
  /** job keys of open inbox tasks the batch gave their step name (written before their process version was recorded) */
  renamedJobKeys: string[];
}

const CHANNEL = 'zeebe_record';
const silent: HistoryLogger = { info: () => {}, warn: (o, m) => console.warn(m, o), error: (o, m) => console.error(m, o) };

/**
 * Turns the raw records the broker exporter writes into `zeebe_record` into the hist_* tables.
 * Per partition it reads the records after its cursor in log order, in batches; each batch and the
 * cursor move commit together (the cursor row is locked, so several projector processes never apply
 * the same batch twice). Wakes on `NOTIFY zeebe_record` (sent by the exporter on commit) and polls as
 * a fallback.
 */
export class HistoryProjector extends EventEmitter<{ projected: [ProjectedEvent] }> {
  private readonly pollMs: number;
  private readonly batchSize: number;
  private readonly minIntervalMs: number;
  private lastRunAt = 0;
  private delayTimer?: NodeJS.Timeout;
  /** partitions whose cursor row is known to exist */
  private readonly cursors = new Set<number>();
  private readonly log: HistoryLogger;
  private readonly names = new ElementNameCache();
  private tail: Promise<unknown> = Promise.resolve();
  private queued = false;
  private running = false;
  private stopping = false;
  private timer?: NodeJS.Timeout;
  private listener?: Listener;
  /** Tables of other features the projection also maintains, when their migrations ran. */
  private present?: PresentTables;
  private lastError = { message: '', at: 0 };

  constructor(
    private readonly knex: Knex,
    opts: HistoryProjectorOptions = {},
  ) {
    super();
    this.pollMs = opts.pollMs ?? 1000;
    this.batchSize = opts.batchSize ?? 500;
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.log = opts.logger ?? silent;
  }

  /** Starts listening and polling; catches up at once. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    // A dedicated connection that LISTENs (lib/listen.ts); records committed while it was down are caught up at once.
    this.listener = await listenWithReconnect(this.knex, {
      channel: CHANNEL,
      name: 'eiso-history-listener',
      onNotification: () => this.trigger(),
      onListening: () => this.trigger(),
      onLost: (err) => this.reportError(err),
    });
    this.timer = setInterval(() => this.trigger(), this.pollMs);
    this.timer.unref();
    this.trigger();
  }

  /** Stops listening and polling; resolves once the batch in progress has committed. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.delayTimer);
    this.queued = false; // a delayed run that never started must not block the next start()
    const listener = this.listener;
    this.listener = undefined;
    await listener?.stop();
    await this.tail;
  }

  /** Projects everything available now; returns the number of records consumed. Serialized with the loop. */
  runOnce(): Promise<number> {
    return this.serialize(() => this.projectAll(false));
  }

  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * A loop run: at most one waits behind the current one, whatever the number of wake-ups, and it
   * starts no sooner than minIntervalMs after the previous run started.
   */
  private trigger(): void {
    if (this.queued || this.stopping) return;
    this.queued = true;
    const wait = this.lastRunAt + this.minIntervalMs - Date.now();
    if (wait > 0) {
      this.delayTimer = setTimeout(() => this.enqueue(), wait);
      this.delayTimer.unref();
    } else this.enqueue();
  }

  private enqueue(): void {
    if (this.stopping) {
      this.queued = false;
      return;
    }
    this.serialize(() => {
      this.queued = false;
      this.lastRunAt = Date.now();
      return this.projectAll(true);
    }).then(
      () => {
        this.lastError.message = '';
      },
      (err: unknown) => this.reportError(err),
    );
  }

  private reportError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    const now = Date.now();
    // One line per distinct problem per minute: an outage polls every pollMs.
    if (message !== this.lastError.message || now - this.lastError.at > 60_000) {
      this.lastError = { message, at: now };
      this.log.warn({ err: message }, 'history projection failed; retrying');
    }
  }

  private async projectAll(loop: boolean): Promise<number> {
    let total = 0;
    for (const partitionId of await this.partitions()) {
      for (;;) {
        if (loop && this.stopping) return total;
        const n = await this.projectBatch(partitionId);
        total += n;
        if (n < this.batchSize) break;
      }
    }
    return total;
  }

  /** Partitions present in zeebe_record (a skip scan over the primary key), with a cursor row each. */
  private async partitions(): Promise<number[]> {
    const res = (await this.knex.raw(`
      WITH RECURSIVE p AS (
        (SELECT partition_id FROM zeebe_record ORDER BY partition_id LIMIT 1)
        UNION ALL
        SELECT (SELECT z.partition_id FROM zeebe_record z WHERE z.partition_id > p.partition_id ORDER BY z.partition_id LIMIT 1)
        FROM p WHERE p.partition_id IS NOT NULL
      )
      SELECT partition_id FROM p WHERE partition_id IS NOT NULL`)) as { rows: { partition_id: number }[] };
    const ids = res.rows.map((r) => r.partition_id);
    const fresh = ids.filter((id) => !this.cursors.has(id));
    if (fresh.length > 0) {
      await this.knex('hist_projector_cursor')
        .insert(fresh.map((partition_id) => ({ partition_id, position: -1 })))
        .onConflict('partition_id')
        .ignore();
      for (const id of fresh) this.cursors.add(id);
    }
    if (this.present === undefined) {
      const reg = (await this.knex.raw(
        `SELECT to_regclass('inbox_tasks') IS NOT NULL AS inbox, to_regprocedure('eiso_case_index_refresh(bigint[])') IS NOT NULL AS case_index,
          EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'process_definitions' AND column_name = 'origin') AS definitions`,
      )) as { rows: { inbox: boolean; case_index: boolean; definitions: boolean }[] };
      this.present = { inbox: reg.rows[0]?.inbox ?? false, caseIndex: reg.rows[0]?.case_index ?? false, definitions: reg.rows[0]?.definitions ?? false };
    }
    return ids;
  }

  private async projectBatch(partitionId: number): Promise<number> {
    let result: ProjectedEvent | undefined;
    await this.knex.transaction(async (trx) => {
      const cursor = await trx('hist_projector_cursor').where({ partition_id: partitionId }).forUpdate().first('position');
      if (!cursor) {
        this.cursors.delete(partitionId); // removed behind our back: the next run creates it again
        return;
      }
      const after = String(cursor.position);
      const records = await selectRecords(trx, partitionId, after, this.batchSize);
      if (records.length === 0) return;
      const { cancelledJobKeys, renamedJobKeys } = await applyBatch(trx, partitionId, records, this.names, this.present ?? { inbox: false, caseIndex: false });
      await trx('hist_projector_cursor')
        .where({ partition_id: partitionId })
        .update({ position: records[records.length - 1].position, updated_at: trx.fn.now() });
      result = { count: records.length, cancelledJobKeys, renamedJobKeys };
    });
    if (!result) return 0;
    this.emit('projected', result);
    return result.count;
  }
}
