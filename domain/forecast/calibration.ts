import { localDateOf, type WorkingCalendar } from '../deadlines/calendar/index.js';
import type { EstimateOptions } from './estimate.js';
import { buildModel, forecastDossier, replayAt, type DossierRecord } from './model.js';

/**
 * Recalibration of the forecast on the history itself, with nothing recorded after `at` (issue 20 item 2).
 *
 * The raw probability (the share of past runs that would end after the appointment) is too low for the
 * dossiers seen open on a day: those are more often the slow ones (a slow dossier is open on more days), busy
 * seasons load every step at once, and the history pools quiet and busy months. Rather than model each cause,
 * the platform replays its own past: at LOOKBACK_DAYS before `at` it rebuilds the model from the dossiers
 * finished by then, forecasts the dossiers open then (not yet past their appointment), and compares with what
 * happened by `at` (dossiers whose outcome is still unknown at `at` are left out). The pairs (raw probability,
 * late or not) give a monotone map, fitted by isotonic regression (pool-adjacent-violators), each pooled block
 * pulled towards its own raw mean by PRIOR_WEIGHT pseudo-dossiers (few pairs: close to raw), and read between
 * the blocks' centres by straight lines. Fewer than MIN_POINTS pairs, or fewer than MIN_EACH late or on time:
 * no map (the raw probability is shown). bench/forecast.ts measures it and a logistic (Platt) alternative.
 */

export const LOOKBACK_DAYS = [28, 42, 56, 70] as const;
export const MIN_POINTS = 30;
export const MIN_EACH = 3;
export const PRIOR_WEIGHT = 2;

export type CalibrationMethod = 'isotonic' | 'platt';

export interface Calibration {
  calibrate: ((raw: number) => number) | null;
  /** the (raw probability, late) pairs the map was fitted on */
  points: number;
  late: number;
}

/** The pairs of the replayed past dates. */
export function calibrationPoints(
  cal: WorkingCalendar,
  records: readonly DossierRecord[],
  at: Date,
  opts: { lookbackDays?: readonly number[]; estimate?: EstimateOptions; windowDays?: number } = {},
): { p: number; late: boolean }[] {
  const out: { p: number; late: boolean }[] = [];
  for (const back of opts.lookbackDays ?? LOOKBACK_DAYS) {
    const past = new Date(at.getTime() - back * 86_400_000);
    const { finished, open } = replayAt(records, past, at, opts.windowDays);
    if (!open.length) continue;
    const model = { ...buildModel(cal, finished), options: opts.estimate };
    const pastDay = localDateOf(past);
    for (const o of open) {
      if (o.late === null || localDateOf(o.dossier.appointmentAt) < pastDay) continue;
      const f = forecastDossier(cal, model, o.dossier, past);
      if (f.basis === 'drawn') continue;
      out.push({ p: f.probability, late: o.late });
    }
  }
  return out;
}

/** Isotonic regression of late on p: blocks of increasing late rate, each {x: mean p, y: late rate, n}. */
export function isotonic(points: readonly { p: number; late: boolean }[], prior = PRIOR_WEIGHT): (raw: number) => number {
  const sorted = [...points].sort((a, b) => a.p - b.p);
  const blocks: { sx: number; sy: number; n: number }[] = [];
  for (const pt of sorted) {
    const last = blocks[blocks.length - 1];
    // equal raw probabilities are one block (the map is a function of p)
    if (last && last.sx / last.n === pt.p) {
      last.sx += pt.p;
      last.sy += pt.late ? 1 : 0;
      last.n += 1;
    } else blocks.push({ sx: pt.p, sy: pt.late ? 1 : 0, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sy / a.n < b.sy / b.n) break;
      blocks.splice(blocks.length - 2, 2, { sx: a.sx + b.sx, sy: a.sy + b.sy, n: a.n + b.n });
    }
  }
  const knots = blocks.map((b) => ({ x: b.sx / b.n, y: (b.sy + (prior * b.sx) / b.n) / (b.n + prior) }));
  // the prior can break monotonicity between neighbours: keep the running maximum
  for (let i = 1; i < knots.length; i++) knots[i].y = Math.max(knots[i].y, knots[i - 1].y);
  return (raw: number) => {
    if (!knots.length) return raw;
    if (raw <= knots[0].x) return knots[0].y;
    const last = knots[knots.length - 1];
    if (raw >= last.x) return last.y;
    let i = 1;
    while (knots[i].x < raw) i++;
    const a = knots[i - 1];
    const b = knots[i];
    return a.y + ((b.y - a.y) * (raw - a.x)) / (b.x - a.x);
  };
}

/** Logistic (Platt) map: late ~ sigmoid(a · logit(p) + b), p clipped to [0.02, 0.98], fitted by Newton steps. */
export function platt(points: readonly { p: number; late: boolean }[]): (raw: number) => number {
  const z = (p: number) => {
    const c = Math.min(0.98, Math.max(0.02, p));
    return Math.log(c / (1 - c));
  };
  let a = 1;
  let b = 0;
  const lambda = 1e-3;
  for (let it = 0; it < 50; it++) {
    let ga = lambda * (a - 1);
    let gb = 0;
    let haa = lambda;
    let hab = 0;
    let hbb = 1e-9;
    for (const pt of points) {
      const x = z(pt.p);
      const q = 1 / (1 + Math.exp(-(a * x + b)));
      const r = q - (pt.late ? 1 : 0);
      const w = q * (1 - q);
      ga += r * x;
      gb += r;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-9) break;
  }
  return (raw: number) => 1 / (1 + Math.exp(-(a * z(raw) + b)));
}

/** The recalibration at `at` from the records (nothing after `at` is read: replayAt cuts there). */
export function fitCalibration(
  cal: WorkingCalendar,
  records: readonly DossierRecord[],
  at: Date,
  opts: { method?: CalibrationMethod; lookbackDays?: readonly number[]; estimate?: EstimateOptions; windowDays?: number } = {},
): Calibration {
  const t = at.getTime();
  // what was recorded after `at` does not exist yet
  const known = records.filter((r) => r.receivedAt.getTime() <= t);
  const points = calibrationPoints(cal, known, at, opts);
  const late = points.filter((p) => p.late).length;
  return fitFromPoints(points, opts.method);
}

/** The map from the pairs, or none when they are too few (MIN_POINTS, MIN_EACH). */
export function fitFromPoints(points: readonly { p: number; late: boolean }[], method: CalibrationMethod = 'isotonic'): Calibration {
  const late = points.filter((p) => p.late).length;
  if (points.length < MIN_POINTS || late < MIN_EACH || points.length - late < MIN_EACH) return { calibrate: null, points: points.length, late };
  return { calibrate: method === 'platt' ? platt(points) : isotonic(points), points: points.length, late };
}
