import { localDateOf } from '../deadlines/calendar/index.js';

/**
 * The one lateness rule (issue 17 item 2), Biểu II.06a's (TT 01/2020/TT-VPCP; vn-rules §2.2, §5.3), used
 * by every figure: the II.06a statistics, the ISO sweep's automatic nonconformities, the on-time quality
 * objective, management-review input c3 and the annual report.
 *
 * - The clock stops when the result is READY (the dossier's `resolved_at`: result at the desk or found not
 *   eligible), not when the citizen collects it: collecting late is the citizen's affair.
 * - Dates are compared, not minutes (Vietnam dates): ready before the appointment date = early, on the
 *   appointment date = on time, after it = late.
 * - A dossier withdrawn or stopped (WITHDRAWN, CANCELLED_NO_SUPPLEMENT) without a result counts as on time
 *   (II.06a column 9 "bao gồm cả hồ sơ chờ bổ sung và trả lại/xin rút"), whenever it was withdrawn.
 * - Still open: past due when the appointment date is before the day asked about, unless the dossier is
 *   paused then (waiting for the citizen's supplement or for fees/taxes: "tạm dừng", counted as within).
 * - Pauses move the appointment: the case clock counts it from the receipt skipping every closed pause
 *   (domain/deadlines/cases.ts `recount`), the supplement's and the fees' alike; this rule takes the moved
 *   appointment.
 *
 * The statistics' daily rollup applies the same rule inside PostgreSQL (`onestop_outcome`, kept by a
 * trigger); test/lateness.test.ts checks both give the same answer on the hand-computed cases.
 */

export type Lateness =
  /** ready before the appointment date */
  | 'early'
  /** ready on the appointment date */
  | 'on_time'
  /** ready after the appointment date */
  | 'late'
  /** withdrawn or stopped without a result: reported as on time */
  | 'withdrawn'
  /** open, appointment date not passed */
  | 'within'
  /** open, appointment date passed, not paused */
  | 'past_due'
  /** open and waiting for the citizen (supplement) or for fees/taxes: counted as within */
  | 'paused';

export interface LatenessFacts {
  /** The appointment, already moved by the closed pauses; null: none (never late) */
  appointmentAt: Date | null;
  /** When the result was ready (or the dossier found not eligible) */
  readyAt: Date | null;
  /** When the dossier was withdrawn or stopped without a result */
  withdrawnAt: Date | null;
  /** Whether a pause (supplement, fees) is open at `at` */
  pausedAt: boolean;
}

/** Outcomes the II.06a reports as resolved on time (columns 8 and 9). */
export const ON_TIME: ReadonlySet<Lateness> = new Set(['early', 'on_time', 'withdrawn']);
/** Outcomes that make a case late (a finished late dossier, or an open one past due). */
export const LATE: ReadonlySet<Lateness> = new Set(['late', 'past_due']);

/**
 * The outcome of a dossier (or a case) as it stands at `at`: facts after `at` are ignored, so a dossier
 * ready tomorrow is open today.
 */
export function lateness(f: LatenessFacts, at: Date): Lateness {
  if (f.readyAt && f.readyAt.getTime() <= at.getTime()) {
    if (!f.appointmentAt) return 'on_time';
    const ready = localDateOf(f.readyAt);
    const due = localDateOf(f.appointmentAt);
    return ready < due ? 'early' : ready === due ? 'on_time' : 'late';
  }
  if (f.withdrawnAt && f.withdrawnAt.getTime() <= at.getTime()) return 'withdrawn';
  if (f.pausedAt) return 'paused';
  if (f.appointmentAt && localDateOf(f.appointmentAt) < localDateOf(at)) return 'past_due';
  return 'within';
}
