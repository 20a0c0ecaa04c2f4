import { addDays, instantAt, localDateOf, MAX_DAYS, type LocalDate, type Pause, type WorkingCalendar } from '../deadlines/calendar/index.js';
import { estimate, type Basis, type EstimateOptions, type StepSample } from './estimate.js';

/**
 * From records to estimates, on the platform's working calendar (domain/deadlines): every duration is the
 * working time the calendar counts between two instants (half-days, holidays, make-up days, the cut-off,
 * the dossier's closed pauses skipped), never clock hours. Pure: domain/forecast/store.ts loads the records
 * from the database, bench/forecast.ts generates them.
 */

/** One finished run of a human step of a dossier whose result is ready. */
export interface StepRun {
  stepId: string;
  /** unit of the step (its calendar and its queue); null: national */
  unitCode: string | null;
  startedAt: Date;
  endedAt: Date;
}

export interface FinishedDossier {
  procedureCode: string;
  /** when the result was ready (the II.06a clock stops there) */
  readyAt: Date;
  /** closed pauses (supplement, fees): not counted */
  pauses: Pause[];
  steps: StepRun[];
}

export interface OpenStep {
  taskId: string;
  stepId: string;
  stepName: string;
  unitCode: string | null;
  startedAt: Date;
  /** the step's own drawn due (step_deadlines), null: none */
  dueAt: Date | null;
  holder: string | null;
  /** open tasks of the same procedure, step and unit created before this one */
  queueAhead: number;
}

export interface OpenDossier {
  procedureCode: string;
  appointmentAt: Date;
  pauses: Pause[];
  /** open human steps (several when branches run in parallel; none between steps) */
  steps: OpenStep[];
}

export interface Forecast {
  probability: number;
  /** the expected finishing day (the median sample counted on the calendar from now) */
  expectedDay: LocalDate;
  basis: Basis;
  samples: number;
  queueFactor: number;
  /** the step the estimate is about (the riskiest open one), null when no human step is open */
  step: OpenStep | null;
}

const SEP = '\u0000';
const unitKey = (proc: string, step: string, unit: string | null) => [proc, step, unit ?? ''].join(SEP);
const procKey = (proc: string, step: string) => [proc, step].join(SEP);

export interface HistoryModel {
  byUnit: Map<string, StepSample[]>;
  byProcedure: Map<string, StepSample[]>;
  /**
   * The recalibration fitted on the history itself (domain/forecast/calibration.ts): the share of samples
   * late (the raw probability) mapped to the late rate observed for such shares at past dates. Absent: raw.
   */
  calibrate?: (raw: number) => number;
  /** the estimate's variants (bench/forecast.ts measures them; the platform uses the defaults) */
  options?: EstimateOptions;
}

const calUnit = (cal: WorkingCalendar, unit: string | null) => (unit && cal.hasUnit(unit) ? unit : null);

/**
 * The samples of every procedure/step/unit. The queue ahead of a past run is counted among the runs given
 * (runs of the same procedure, step and unit started before it and not yet ended when it started).
 */
export function buildModel(cal: WorkingCalendar, finished: readonly FinishedDossier[]): HistoryModel {
  const runs: { key: string; proc: string; step: string; start: number; end: number; sample: StepSample }[] = [];
  for (const d of finished) {
    for (const s of d.steps) {
      if (s.endedAt > d.readyAt || s.endedAt < s.startedAt) continue;
      const unit = calUnit(cal, s.unitCode);
      const stepDays = cal.workingTimeBetween(s.startedAt, s.endedAt, unit, { pauses: d.pauses });
      const restDays = Math.max(stepDays, cal.workingTimeBetween(s.startedAt, d.readyAt, unit, { pauses: d.pauses }));
      runs.push({
        key: unitKey(d.procedureCode, s.stepId, s.unitCode),
        proc: d.procedureCode,
        step: s.stepId,
        start: s.startedAt.getTime(),
        end: s.endedAt.getTime(),
        sample: { stepDays, restDays, queueAhead: 0 },
      });
    }
  }
  // Queue ahead: per key, in start order, the earlier runs whose end is after this start (ends kept sorted).
  const groups = new Map<string, typeof runs>();
  for (const r of runs) (groups.get(r.key) ?? groups.set(r.key, []).get(r.key)!).push(r);
  for (const g of groups.values()) {
    g.sort((a, b) => a.start - b.start);
    const ends: number[] = [];
    for (const r of g) {
      let lo = 0;
      let hi = ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid] <= r.start) lo = mid + 1;
        else hi = mid;
      }
      r.sample.queueAhead = ends.length - lo;
      ends.splice(lo, 0, r.end);
    }
  }
  const byUnit = new Map<string, StepSample[]>();
  const byProcedure = new Map<string, StepSample[]>();
  for (const r of runs) {
    (byUnit.get(r.key) ?? byUnit.set(r.key, []).get(r.key)!).push(r.sample);
    const pk = procKey(r.proc, r.step);
    (byProcedure.get(pk) ?? byProcedure.set(pk, []).get(pk)!).push(r.sample);
  }
  return { byUnit, byProcedure };
}

/** The forecast of one open dossier at `now`: the riskiest of its open steps. */
export function forecastDossier(cal: WorkingCalendar, model: HistoryModel, d: OpenDossier, now: Date): Forecast {
  const appointmentDay = localDateOf(d.appointmentAt);
  const endOfAppointmentDay = instantAt(addDays(appointmentDay, 1), 0);
  const pastDue = appointmentDay < localDateOf(now);
  let best: Forecast | null = null;
  for (const s of d.steps.length ? d.steps : [null]) {
    const unit = calUnit(cal, s?.unitCode ?? null);
    const daysLeft = cal.workingTimeBetween(now, endOfAppointmentDay, unit);
    const e = estimate(
      {
        unit: s ? (model.byUnit.get(unitKey(d.procedureCode, s.stepId, s.unitCode)) ?? []) : [],
        procedure: s ? (model.byProcedure.get(procKey(d.procedureCode, s.stepId)) ?? []) : [],
      },
      {
        elapsedDays: s ? cal.workingTimeBetween(s.startedAt, now, unit, { pauses: d.pauses }) : 0,
        daysLeft,
        queueAhead: s?.queueAhead ?? 0,
        stepDueDaysLeft: s?.dueAt ? cal.workingTimeBetween(now, s.dueAt, unit) : null,
        stepDueAfterAppointment: Boolean(s?.dueAt && localDateOf(s.dueAt) > appointmentDay),
      },
      model.options,
    );
    // the drawn limits' 0/1 answer is a rule, not a share of samples: it is not recalibrated
    const probability = pastDue ? 1 : model.calibrate && e.basis !== 'drawn' ? model.calibrate(e.probability) : e.probability;
    const expectedDay = localDateOf(cal.addWorkingDays(now, Math.min(e.remainingDays, MAX_DAYS), unit));
    const f: Forecast = { probability, expectedDay, basis: e.basis, samples: e.samples, queueFactor: e.queueFactor, step: s };
    if (!best || f.probability > best.probability || (f.probability === best.probability && f.expectedDay > best.expectedDay)) best = f;
  }
  return best!;
}

/**
 * Everything recorded of one dossier, finished or not: what a past date is replayed from (the recalibration in
 * domain/forecast/calibration.ts, and bench/forecast.ts on the demo's database). Only instants are kept, so
 * that the state at any earlier date can be rebuilt without anything recorded after it.
 */
export interface DossierRecord {
  procedureCode: string;
  receivedAt: Date;
  appointmentAt: Date;
  /** result ready; null: not (yet) */
  readyAt: Date | null;
  /** withdrawn or closed without a result; null: not */
  closedAt: Date | null;
  /** pauses (supplement, fees); `to` null: still paused */
  pauses: { from: Date; to: Date | null }[];
  /** human steps; `endedAt` null: still open */
  steps: { stepId: string; unitCode: string | null; startedAt: Date; endedAt: Date | null }[];
}

/** How far back a model's history reaches (domain/forecast/store.ts reads the same window). */
export const HISTORY_WINDOW_DAYS = 400;

/**
 * The platform as it stood at `at`: the dossiers finished by then (the model's history, within
 * HISTORY_WINDOW_DAYS) and the dossiers open then as domain/forecast/store.ts loadOpen would have read them
 * (received, no result, not closed, not paused; their steps open at `at` with the queue ahead counted among
 * them), each with its outcome as known at `knownAt` (>= at): late when the result came after the appointment
 * day, or when there is still no result and the appointment day has passed; null when not known yet (still
 * running with its appointment ahead, or closed without a result).
 */
export function replayAt(
  records: readonly DossierRecord[],
  at: Date,
  knownAt: Date,
  windowDays = HISTORY_WINDOW_DAYS,
): { finished: FinishedDossier[]; open: { dossier: OpenDossier; late: boolean | null; record: DossierRecord }[] } {
  const t = at.getTime();
  const k = knownAt.getTime();
  const since = t - windowDays * 86_400_000;
  const closedBy = (p: { from: Date; to: Date | null }, ms: number) => p.to !== null && p.to.getTime() <= ms;
  const finished: FinishedDossier[] = [];
  const openRecords: DossierRecord[] = [];
  for (const r of records) {
    if (r.readyAt && r.readyAt.getTime() <= t) {
      if (r.readyAt.getTime() > since)
        finished.push({
          procedureCode: r.procedureCode,
          readyAt: r.readyAt,
          pauses: r.pauses.filter((p) => closedBy(p, t)).map((p) => ({ from: p.from, to: p.to! })),
          steps: r.steps.filter((s) => s.endedAt !== null && s.endedAt.getTime() <= t).map((s) => ({ ...s, endedAt: s.endedAt! })),
        });
      continue;
    }
    if (r.receivedAt.getTime() > t || (r.closedAt && r.closedAt.getTime() <= t)) continue;
    if (r.pauses.some((p) => p.from.getTime() <= t && (p.to === null || p.to.getTime() > t))) continue;
    openRecords.push(r);
  }
  const openAt = (s: DossierRecord['steps'][number]) => s.startedAt.getTime() <= t && (s.endedAt === null || s.endedAt.getTime() > t);
  const starts = new Map<string, number[]>();
  for (const r of openRecords)
    for (const s of r.steps.filter(openAt)) {
      const key = unitKey(r.procedureCode, s.stepId, s.unitCode);
      (starts.get(key) ?? starts.set(key, []).get(key)!).push(s.startedAt.getTime());
    }
  const knownDay = localDateOf(knownAt);
  const open = openRecords.map((r) => {
    const appointmentDay = localDateOf(r.appointmentAt);
    const late =
      r.readyAt && r.readyAt.getTime() <= k
        ? localDateOf(r.readyAt) > appointmentDay
        : r.closedAt && r.closedAt.getTime() <= k
          ? null
          : appointmentDay < knownDay
            ? true
            : null;
    const dossier: OpenDossier = {
      procedureCode: r.procedureCode,
      appointmentAt: r.appointmentAt,
      pauses: r.pauses.filter((p) => closedBy(p, t)).map((p) => ({ from: p.from, to: p.to! })),
      steps: r.steps.filter(openAt).map((s, i) => ({
        taskId: String(i),
        stepId: s.stepId,
        stepName: s.stepId,
        unitCode: s.unitCode,
        startedAt: s.startedAt,
        dueAt: null,
        holder: null,
        queueAhead: (starts.get(unitKey(r.procedureCode, s.stepId, s.unitCode)) ?? []).filter((x) => x < s.startedAt.getTime()).length,
      })),
    };
    return { dossier, late, record: r };
  });
  return { finished, open };
}
