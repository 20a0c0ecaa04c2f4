import type { Knex } from 'knex';
import * as clock from '../../lib/clock.js';
import { localDateOf, type LocalDate, type WorkingCalendar } from '../deadlines/calendar/index.js';
import { loadCalendar } from '../deadlines/calendar-store.js';
import { calendarUnit, previousWorkingDay } from '../onestop/apology.js';
import type { Basis } from './estimate.js';
import { buildModel, forecastDossier, type HistoryModel } from './model.js';
import { fitCalibration } from './calibration.js';
import { loadFinished, loadHistory, loadOpen } from './store.js';

/**
 * "Nguy cơ trễ hẹn": every open dossier the viewer's scope sees, with the probability of missing its
 * appointment and the expected finishing day (domain/forecast/estimate.ts says how), riskiest first. A
 * dossier forecast late (probability >= LATE_AT) is offered the apology letter (form 04) while the law still
 * allows it: no letter yet and today not after the last working day before the appointment.
 */

export const LATE_AT = 0.5;
export const MAX_LIMIT = 200;
/**
 * The history model is rebuilt at most this often per database (it reads up to HISTORY_MAX_RUNS step runs and
 * counts each on the calendar: seconds at a province's scale); the open dossiers are read on every request.
 */
export const MODEL_TTL_MS = 5 * 60_000;
const models = new WeakMap<Knex, { until: number; model: Promise<HistoryModel> }>();
/**
 * The recalibration (calibration.ts: several past dates replayed, each a model of its own) changes slowly: it is
 * refitted at most this often per database.
 */
export const CALIBRATION_TTL_MS = 6 * 3_600_000;
const calibrations = new WeakMap<Knex, { until: number; calibrate: Promise<((raw: number) => number) | undefined> }>();

function calibration(db: Knex, cal: WorkingCalendar, now: Date): Promise<((raw: number) => number) | undefined> {
  const hit = calibrations.get(db);
  if (hit && hit.until > Date.now()) return hit.calibrate;
  const calibrate = loadHistory(db, now).then((records) => fitCalibration(cal, records, now).calibrate ?? undefined);
  calibrations.set(db, { until: Date.now() + CALIBRATION_TTL_MS, calibrate });
  calibrate.catch(() => calibrations.delete(db));
  return calibrate;
}

function historyModel(db: Knex, cal: WorkingCalendar, now: Date): Promise<HistoryModel> {
  const hit = models.get(db);
  if (hit && hit.until > Date.now()) return hit.model;
  // the model from the finished history, its probability recalibrated on replays of the weeks before now
  const model = Promise.all([loadFinished(db, now), calibration(db, cal, now)]).then(([finished, calibrate]) => ({
    ...buildModel(cal, finished),
    calibrate,
  }));
  models.set(db, { until: Date.now() + MODEL_TTL_MS, model });
  // a failed load is not kept
  model.catch(() => models.delete(db));
  return model;
}

export interface DossierForecast {
  id: string;
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyCode: string;
  receivedAt: Date;
  appointmentAt: Date;
  probability: number;
  expectedDay: LocalDate;
  basis: Basis;
  samples: number;
  queueFactor: number;
  step: { taskId: string; name: string; unitCode: string | null; holder: string | null; queueAhead: number } | null;
  apology: { status: 'draft' | 'approved' | null; deadline: LocalDate; canDraft: boolean };
}

export async function forecastOpenDossiers(
  db: Knex,
  f: { agencyCodes: string[] | null; limit: number; offset: number },
  now: Date = clock.now(),
): Promise<{ asOf: Date; total: number; items: DossierForecast[] }> {
  const cal = await loadCalendar(db);
  const open = await loadOpen(db, f.agencyCodes);
  const model = open.length ? await historyModel(db, cal, now) : buildModel(cal, []);
  const today = localDateOf(now);
  const all: DossierForecast[] = open.map((d) => {
    const fc = forecastDossier(cal, model, d, now);
    const deadline = previousWorkingDay(cal, localDateOf(d.appointmentAt), calendarUnit(cal, d.agencyCode));
    return {
      id: d.id,
      code: d.code,
      procedureCode: d.procedureCode,
      procedureName: d.procedureName,
      agencyCode: d.agencyCode,
      receivedAt: d.receivedAt,
      appointmentAt: d.appointmentAt,
      probability: fc.probability,
      expectedDay: fc.expectedDay,
      basis: fc.basis,
      samples: fc.samples,
      queueFactor: fc.queueFactor,
      step: fc.step
        ? { taskId: fc.step.taskId, name: fc.step.stepName, unitCode: fc.step.unitCode, holder: fc.step.holder, queueAhead: fc.step.queueAhead }
        : null,
      apology: { status: d.apologyStatus, deadline, canDraft: !d.apologyStatus && fc.probability >= LATE_AT && today <= deadline },
    };
  });
  all.sort(
    (a, b) => b.probability - a.probability || a.appointmentAt.getTime() - b.appointmentAt.getTime() || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
  const limit = Math.min(Math.max(1, f.limit), MAX_LIMIT);
  return { asOf: now, total: all.length, items: all.slice(f.offset, f.offset + limit) };
}
