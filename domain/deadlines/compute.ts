import { addDays, instantAt, localDateOf, parseTimeOfDay, type Pause, type WorkingCalendar } from './calendar/index.js';

/** Share of a step's working time after which the reminder fires (the officer has 20 % left). */
export const REMIND_AT_SHARE = 0.8;

/** The unit of a step: the first candidate group "UNIT" or "UNIT/role" that the calendar knows; null = national. */
export function unitOfGroups(groups: readonly string[], hasUnit: (code: string) => boolean): string | null {
  for (const g of groups) {
    const unit = g.trim().split('/')[0].trim();
    if (unit && !unit.startsWith('=') && hasUnit(unit)) return unit;
  }
  return null;
}

export interface StepTimes {
  due: Date;
  remind: Date;
}

/**
 * Due and reminder instants of a step of `days` working days started at `start`.
 * Due: the calendar's due (end of the last counted working half-day). Reminder: the working instant
 * at which REMIND_AT_SHARE of the counted working time has elapsed, to the minute; when that falls
 * on the end of a half-day it moves to the start of the next counted one (same working moment,
 * but during office hours).
 */
export function stepTimes(cal: WorkingCalendar, start: Date, days: number, unit: string | null, pauses: readonly Pause[] = []): StepTimes {
  const why = cal.explainDue(start, days, unit, { pauses });
  return { due: why.due, remind: remindIn(why.counted, why.countingFrom.getTime(), why.due.getTime()) };
}

/** The working instant at which REMIND_AT_SHARE of the counted half-days (each from `from`, up to `until`) has elapsed. */
function remindIn(counted: readonly { start: Date; end: Date }[], from: number, until: number): Date {
  const slots = counted.map((s) => ({ start: Math.max(s.start.getTime(), from), end: Math.min(s.end.getTime(), until) })).filter((s) => s.end > s.start);
  const total = slots.reduce((n, s) => n + (s.end - s.start), 0);
  const target = Math.round((total * REMIND_AT_SHARE) / 60_000) * 60_000;
  let elapsed = 0;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i];
    const len = s.end - s.start;
    if (elapsed + len >= target) {
      const at = s.start + (target - elapsed);
      const next = slots[i + 1];
      return new Date(at === s.end && next ? next.start : at);
    }
    elapsed += len;
  }
  return new Date(until);
}

/**
 * stepTimes of a step that must end by `cap` (a step of a called process ends by the root case's
 * appointment: a case is its root process instance). When the step's own due is later, it is due at
 * the cap, and its reminder falls at REMIND_AT_SHARE of the working time it still has before the cap
 * (at the cap itself when none is left: the case is already late).
 */
export function stepTimesWithin(
  cal: WorkingCalendar,
  start: Date,
  days: number,
  unit: string | null,
  pauses: readonly Pause[],
  cap: Date | null,
): StepTimes & { capped: boolean } {
  const own = stepTimes(cal, start, days, unit, pauses);
  if (!cap || own.due.getTime() <= cap.getTime()) return { ...own, capped: false };
  const left = cal.workingTimeBetween(start, cap, unit, { pauses });
  if (left === 0) return { due: cap, remind: cap, capped: true };
  const why = cal.explainDue(start, left, unit, { pauses });
  return { due: cap, remind: remindIn(why.counted, why.countingFrom.getTime(), cap.getTime()), capped: true };
}

/**
 * Working time inside a pause, in days at half-day resolution: the working half-days that start in
 * [from, to) — the same half-days addWorkingDays skips for this pause.
 */
export function pausedWorkingDays(cal: WorkingCalendar, from: Date, to: Date, unit: string | null): number {
  if (to <= from) return 0;
  const s = cal.settingsFor(unit);
  const starts = [parseTimeOfDay(s.morningStart)!, parseTimeOfDay(s.afternoonStart)!];
  let halves = 0;
  const last = localDateOf(to);
  for (let d = localDateOf(from); d <= last; d = addDays(d, 1)) {
    if (!cal.isWorkingDay(d, unit)) continue;
    for (const m of starts) {
      const at = instantAt(d, m);
      if (at >= from && at < to) halves++;
    }
  }
  return halves / 2;
}
