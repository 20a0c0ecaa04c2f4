/**
 * The platform clock: business time (a dossier received, a step due, a report's period) is the system
 * time moved by an offset. The offset is 0 except while the demo's filler lives through a past year
 * (api/demo-clock.ts moves it together with the database's `eiso_now()` and Zeebe's controlled clock).
 * Durations, timeouts, caches, logging, tokens and login throttling stay on the system time.
 */
let offsetMs = 0;

/** Business time now. */
export function now(): Date {
  return new Date(Date.now() + offsetMs);
}

/** Business time now, in milliseconds since the epoch. */
export function nowMs(): number {
  return Date.now() + offsetMs;
}

/** The current offset from the system time (ms, 0 or negative). */
export function clockOffsetMs(): number {
  return offsetMs;
}

/** Moves this process's business time (the database's is moved by its own row: platform_clock). */
export function setClockOffsetMs(ms: number): void {
  if (!Number.isFinite(ms) || ms > 0) throw new Error(`platform clock offset must be 0 or negative (${ms})`);
  offsetMs = Math.round(ms);
}
