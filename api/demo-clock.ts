import type { Knex } from 'knex';
import { clockOffsetMs, nowMs, setClockOffsetMs } from '../lib/clock.js';
import type { ZeebeClient } from '../engine/client.js';

/**
 * The demo's time machine (npm start --demo only): moves the platform's business time, in this process
 * (lib/clock.ts), in the database (platform_clock, read by eiso_now()) and in Zeebe (the broker started
 * with its controlled clock; actuator `clock`, bound to loopback), by one offset from the system time.
 *
 * Zeebe 8.6 keeps its own timers (BPMN timers, job time-outs) on a timer wheel that never goes back:
 * once the clock is moved a year back they wait until it has caught up with the moment the broker
 * started. So while the demo lives through its past year, the reminder and escalation timers of the
 * steps do not fire; when the offset returns to 0 (reset) the broker clock is on the system time again
 * and every timer still pending and due fires at once (open steps past their due time are escalated then).
 */
export class DemoClock {
  constructor(
    private readonly db: Knex,
    /** the broker's actuator base URL; undefined with an external engine (the broker keeps its time) */
    private readonly managementAddress: string | undefined,
  ) {}

  private async broker(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<void> {
    if (!this.managementAddress) return;
    const r = await fetch(`${this.managementAddress}/actuator/clock${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (r.status !== 200) throw new Error(`the broker's clock (${method} ${path}): ${r.status} ${(await r.text()).slice(0, 200)}`);
  }

  /** Business time now (ms). */
  now(): number {
    return nowMs();
  }

  /** Moves business time to `atMs` (only forward, except the first move back from the system time). */
  async moveTo(atMs: number): Promise<void> {
    const next = Math.min(0, Math.round(atMs - Date.now()));
    const delta = next - clockOffsetMs();
    if (delta === 0) return;
    await this.db('platform_clock').where({ id: true }).update({ offset_ms: next });
    setClockOffsetMs(next);
    // the broker's clock runs (not pinned) with an offset that `add` moves by the difference
    await this.broker('POST', '/add', { offsetMilli: delta });
  }

  /** Back to the system time everywhere. */
  async reset(): Promise<void> {
    await this.db('platform_clock').where({ id: true }).update({ offset_ms: 0 });
    setClockOffsetMs(0);
    await this.broker('DELETE', '');
  }
}

/**
 * While the demo's clock is behind the system time, Zeebe's job time-outs do not fire (its timer wheel
 * waits for the clock to catch up, see above). And each move forward expires at once the gateway's
 * requests in flight ("Request timed out after PT15S": their time-out is on the same clock): a job
 * activated for such a poll never reaches its worker, and would stay activated, its step never appearing,
 * until the end of the year. This hands such jobs out again:
 * every `everyMs`, the jobs the history shows waiting for a worker (created, timed out or failed with
 * retries left) that no inbox row holds, when they were seen so for `afterMs` of system time, are failed
 * with their retries unchanged and no backoff (a job not activated refuses that: nothing happens). A job
 * a worker is still doing is then done twice at worst; every handler is idempotent (at-least-once).
 * Runs only while the offset is not 0; returns the function that stops it.
 */
export function rescueLostJobs(
  db: Knex,
  zeebe: Pick<ZeebeClient, 'failJob'>,
  opts: { everyMs?: number; afterMs?: number; say?: (m: string) => void } = {},
): () => void {
  const afterMs = opts.afterMs ?? 12_000;
  const seen = new Map<string, number>();
  let busy = false;
  let handedOut = 0;
  const pass = async () => {
    if (busy || clockOffsetMs() === 0) return;
    busy = true;
    try {
      const rows: { job_key: string; retries: number }[] = await db('hist_jobs as j')
        .leftJoin('inbox_tasks as t', 't.job_key', 'j.job_key')
        .whereNull('t.job_key')
        .where((q) => q.whereIn('j.state', ['created', 'timed_out']).orWhere((f) => f.where('j.state', 'failed').where('j.retries', '>', 0)))
        .orderBy('j.job_key')
        .limit(500)
        .select('j.job_key', 'j.retries');
      const at = Date.now();
      const live = new Set<string>();
      for (const r of rows) {
        const key = String(r.job_key);
        live.add(key);
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, at);
          continue;
        }
        if (at - first < afterMs) continue;
        seen.set(key, at); // once more after another `afterMs` if it is still waiting then
        const failed = await zeebe
          .failJob({
            jobKey: key,
            retries: Math.max(1, Number(r.retries)),
            errorMessage: 'Demo: activation lost while the clock was moved back; handed out again',
            retryBackOff: 0,
          })
          .then(
            () => true,
            () => false,
          );
        if (failed) handedOut++;
      }
      for (const k of [...seen.keys()]) if (!live.has(k)) seen.delete(k);
    } catch {
      /* the next pass tries again */
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void pass(), opts.everyMs ?? 4_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (handedOut) opts.say?.(`Demo clock: ${handedOut} job(s) handed out again after a lost activation`);
  };
}
