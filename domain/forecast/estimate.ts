/**
 * The lateness estimate of one open dossier, pure arithmetic on working days (half-day resolution, as the
 * platform's calendar counts them; domain/forecast/forecast.ts turns instants into working days with it).
 *
 * What it does, so that a leader can be told why:
 * 1. History: every finished run of the dossier's current step in dossiers whose result is ready gives a
 *    sample: how long the step took (`stepDays`) and how long from the step's start to the result
 *    (`restDays`: this step and every later one, whatever path the dossier took), and how many tasks of
 *    the same step and unit were waiting ahead of it when it started (`queueAhead`).
 * 2. The samples are taken from the same procedure, step and unit when there are at least MIN_SAMPLES of
 *    them; else from the same procedure and step in any unit; else there is no history and the drawn
 *    limits decide (basis 'drawn'): late exactly when the open step's own due date falls after the
 *    appointment (the apology window's "forecast late" rule).
 * 3. Conditioning on what is known: the step has already run `elapsedDays`. Only the samples whose step
 *    lasted at least that long are kept (the runs that were still going at this point); when fewer than
 *    MIN_SAMPLES remain, the step has overrun nearly every recorded run and it is assumed to end within
 *    OVERRUN_DAYS, followed by the recorded rest of each sample.
 * 4. Queue factor: the rest of the current step is stretched by (1 + tasks ahead now) / (1 + the median
 *    tasks ahead in the samples), kept within [QUEUE_MIN, QUEUE_MAX]; later steps are not stretched.
 * 5. Each sample then gives a remaining working time r; the dossier is late in that sample when r exceeds
 *    the working time left until the end of the appointment day (`daysLeft`). The probability is the share
 *    of such samples (an empirical distribution: no fitted curve); the expected remaining time is the
 *    median sample (the lower middle one for an even count), counted on the calendar to a finishing day.
 * 6. That share is too low for the dossiers seen open on a day (bench/results/forecast.md): the probability
 *    shown is the share mapped through a recalibration fitted on the platform's own past
 *    (domain/forecast/calibration.ts); the expected day is not changed by it. (Stretching the later steps by
 *    the queue factor too, `queueOnRest`, was measured and made it worse: not used.)
 */

/** Fewer samples than this at a level: fall back to the next level. */
export const MIN_SAMPLES = 4;
/** An overrunning step is assumed to end within this many working days. */
export const OVERRUN_DAYS = 0.5;
export const QUEUE_MIN = 0.5;
export const QUEUE_MAX = 3;

export interface StepSample {
  /** working days the step took */
  stepDays: number;
  /** working days from the step's start to the dossier's result (>= stepDays) */
  restDays: number;
  /** open tasks of the same step and unit created before it and still open when it started */
  queueAhead: number;
}

export interface OpenStepFacts {
  /** working days the open step has run */
  elapsedDays: number;
  /** working days from now to the end of the appointment day (0 when it has passed) */
  daysLeft: number;
  /** open tasks of the same step and unit created before this one */
  queueAhead: number;
  /** working days from now to the open step's own due (its drawn limit); null: no limit drawn */
  stepDueDaysLeft: number | null;
  /** the step's due falls on a later day than the appointment */
  stepDueAfterAppointment: boolean;
}

export type Basis = 'unit' | 'procedure' | 'drawn';

export interface Estimate {
  /** probability of missing the appointment, 0..1 */
  probability: number;
  /** median remaining working days */
  remainingDays: number;
  basis: Basis;
  /** samples the estimate rests on (0 for 'drawn') */
  samples: number;
  queueFactor: number;
}

const lowerMedian = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
};

/** Rounded to the half day the calendar counts in. */
const toHalfDays = (d: number): number => Math.max(0, Math.round(d * 2) / 2);

/** Variants measured by bench/forecast.ts (the defaults are what the platform uses). */
export interface EstimateOptions {
  /** stretch the later steps too by the queue factor (default false: measured, see bench/results/forecast.md) */
  queueOnRest?: boolean;
}

/** The estimate for one open step from the samples of its procedure+step+unit and of its procedure+step. */
export function estimate(
  history: { unit: readonly StepSample[]; procedure: readonly StepSample[] },
  open: OpenStepFacts,
  opts: EstimateOptions = {},
): Estimate {
  const pick: { basis: Basis; samples: readonly StepSample[] } | null =
    history.unit.length >= MIN_SAMPLES
      ? { basis: 'unit', samples: history.unit }
      : history.procedure.length >= MIN_SAMPLES
        ? { basis: 'procedure', samples: history.procedure }
        : null;
  if (!pick) {
    const late = open.stepDueAfterAppointment;
    return {
      probability: late ? 1 : 0,
      remainingDays: late && open.stepDueDaysLeft !== null ? open.stepDueDaysLeft : open.daysLeft,
      basis: 'drawn',
      samples: 0,
      queueFactor: 1,
    };
  }
  const typicalQueue = lowerMedian(pick.samples.map((s) => s.queueAhead));
  const queueFactor = Math.min(QUEUE_MAX, Math.max(QUEUE_MIN, (1 + open.queueAhead) / (1 + typicalQueue)));
  const restFactor = opts.queueOnRest ? queueFactor : 1;
  const running = pick.samples.filter((s) => s.stepDays >= open.elapsedDays);
  const remaining =
    running.length >= MIN_SAMPLES
      ? running.map((s) => toHalfDays((s.stepDays - open.elapsedDays) * queueFactor + (s.restDays - s.stepDays) * restFactor))
      : pick.samples.map((s) => toHalfDays(OVERRUN_DAYS * queueFactor + (s.restDays - s.stepDays) * restFactor));
  const late = remaining.filter((r) => r > open.daysLeft).length;
  return {
    probability: late / remaining.length,
    remainingDays: lowerMedian(remaining),
    basis: pick.basis,
    samples: remaining.length,
    queueFactor,
  };
}
