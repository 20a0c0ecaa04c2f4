import type { Knex } from 'knex';
import { clockOffsetMs, nowMs, setClockOffsetMs } from '../lib/clock.js';

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
