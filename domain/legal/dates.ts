import { instantAt, type Pause, type TimeLimit, type WorkingCalendar } from '../deadlines/calendar/index.js';
import { stepTimes, type StepTimes } from '../deadlines/compute.js';

/**
 * How a law change moves the due dates of a dossier already running (issue 20, item 1). The designer
 * chose the rule when publishing the version:
 *
 * - 'received-after': the new limits apply only to dossiers received on or after the change date;
 *   a dossier received before keeps its appointment and its steps' due dates.
 * - 'from-change-date': the new limits apply from the change date to every dossier. A dossier (or a
 *   step) that began on or after that day is counted under the new limit from its own start; one that
 *   began before keeps the working time it has already used: what the new limit leaves after it is
 *   counted from the change date (nothing left: due on the change date itself).
 *
 * Pure (no database): the calendar, the instants and the limits are given. A limit that did not change
 * leaves the date as it is.
 */
export type DueDatePolicy = 'from-change-date' | 'received-after';

export interface LawChangeRule {
  policy: DueDatePolicy;
  /** YYYY-MM-DD, Vietnam date: the change applies from its start (00:00 in Vietnam) */
  changeDate: string;
}

/** 00:00 of the change date in Vietnam. */
export const changeInstant = (changeDate: string): Date => instantAt(changeDate, 0);

export interface NewDate {
  /** the date as it is */
  before: Date;
  /** the date the rule gives */
  after: Date;
  /** why: 'unchanged-limit' | 'received-before' (kept) | 'new-limit-from-start' | 'remaining-from-change' */
  rule: 'unchanged-limit' | 'received-before' | 'new-limit-from-start' | 'remaining-from-change';
}

/** The case's appointment under the rule: received at `receivedAt`, limit `oldLimit` -> `newLimit`. */
export function newAppointment(
  cal: WorkingCalendar,
  c: { receivedAt: Date; appointmentAt: Date; unit: string | null; pauses: readonly Pause[] },
  oldLimit: TimeLimit,
  newLimit: TimeLimit,
  rule: LawChangeRule,
): NewDate {
  const before = c.appointmentAt;
  if (oldLimit.value === newLimit.value && oldLimit.unit === newLimit.unit) return { before, after: before, rule: 'unchanged-limit' };
  const change = changeInstant(rule.changeDate);
  if (c.receivedAt.getTime() >= change.getTime())
    return { before, after: cal.dueOf(c.receivedAt, newLimit, c.unit, { pauses: c.pauses }), rule: 'new-limit-from-start' };
  if (rule.policy === 'received-after') return { before, after: before, rule: 'received-before' };
  if (newLimit.unit !== 'working_days') {
    // a limit in days, hours or "within the day" has no working time to carry over: counted again from the receipt
    return { before, after: cal.dueOf(c.receivedAt, newLimit, c.unit, { pauses: c.pauses }), rule: 'new-limit-from-start' };
  }
  const used = cal.workingTimeBetween(c.receivedAt, change, c.unit, { pauses: c.pauses });
  const left = Math.max(0, newLimit.value - used);
  return { before, after: left === 0 ? change : cal.addWorkingDays(change, left, c.unit, { pauses: c.pauses }), rule: 'remaining-from-change' };
}

export interface NewStepTimes extends Omit<NewDate, 'after'> {
  after: StepTimes;
}

/**
 * A running step's due and reminder instants under the rule: started at `startedAt` with `oldDays`
 * working days, the new version gives it `newDays`. `receivedAt` is the case's receipt (the
 * 'received-after' rule looks at the dossier, not at the step).
 */
export function newStepTimes(
  cal: WorkingCalendar,
  s: { startedAt: Date; due: Date; remind: Date; unit: string | null; pauses: readonly Pause[]; receivedAt: Date },
  oldDays: number,
  newDays: number,
  rule: LawChangeRule,
): NewStepTimes {
  const before = s.due;
  const kept = { due: s.due, remind: s.remind };
  if (oldDays === newDays) return { before, after: kept, rule: 'unchanged-limit' };
  const change = changeInstant(rule.changeDate);
  if (rule.policy === 'received-after' && s.receivedAt.getTime() < change.getTime()) return { before, after: kept, rule: 'received-before' };
  if (s.startedAt.getTime() >= change.getTime()) return { before, after: stepTimes(cal, s.startedAt, newDays, s.unit, s.pauses), rule: 'new-limit-from-start' };
  const used = cal.workingTimeBetween(s.startedAt, change, s.unit, { pauses: s.pauses });
  const left = Math.max(0, newDays - used);
  if (left === 0) return { before, after: { due: change, remind: change }, rule: 'remaining-from-change' };
  return { before, after: stepTimes(cal, change, left, s.unit, s.pauses), rule: 'remaining-from-change' };
}
