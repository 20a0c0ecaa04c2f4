import { localDateOf, type WorkingCalendar } from '../deadlines/calendar/index.js';
import type { EstimateOptions } from './estimate.js';
import { buildModel, forecastDossier, replayAt, type DossierRecord } from './model.js';

/**
 * Recalibration of the forecast on the history itself, with nothing recorded after `at` (issue 20 item 2).
 *
 * The raw probability (the share of past runs that would end after the appointment) is too low for the
 * dossiers seen open on a day: those are more often the slow ones (a slow dossier is open on more days), busy
 * seasons load every step at once, and the history pools quiet and busy months. Rather than model each cause,
 * the platform replays its own past: at LOOKBACK_DAYS before `at` (and further back for a small history) it rebuilds the model from the dossiers
 * finished by then, forecasts the dossiers open then (not yet past their appointment), and compares with what
 * happened by `at` (dossiers whose outcome is still unknown at `at` are left out). The pairs (raw probability,
 * late or not) give a monotone map: a logistic curve on the raw probability's logit (Platt scaling, two numbers,
 * steady on a small history), or, measured as an alternative in bench/forecast.ts, isotonic regression
 * (pool-adjacent-violators, each block pulled towards its raw mean by PRIOR_WEIGHT pseudo-dossiers, straight
 * lines between the blocks' centres). Fewer than MIN_POINTS pairs, fewer than MIN_EACH late or on time, or a
 * curve that would reverse the order: no map (the raw probability is shown).
 */

export const LOOKBACK_DAYS = [28, 42, 56, 70] as const;
/**
 * A small history (a commune, the demo) gives few pairs at those dates: further dates are replayed a week apart,
 * up to MAX_LOOKBACK_DAYS back, until ENOUGH_POINTS pairs are there (a large history stops after the first four;
 * a small one is cheap to replay).
 */
export const ENOUGH_POINTS = 200;
export const MAX_LOOKBACK_DAYS = 364;
/**
 * The pairs are not independent (a dossier open for weeks is replayed at several dates): below this many the
 * map is noise. At 30, on the 960-dossier demo year, it made the Brier score and the precision worse than at
 * 100 (bench/results/forecast.md; chosen after seeing that run).
 */
export const MIN_POINTS = 100;
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
  const first = opts.lookbackDays ?? LOOKBACK_DAYS;
  const last = first[first.length - 1] ?? 0;
  const further = opts.lookbackDays ? [] : Array.from({ length: Math.floor((MAX_LOOKBACK_DAYS - last) / 7) }, (_, i) => last + 7 * (i + 1));
  for (const back of [...first, ...further]) {
    if (back > last && out.length >= ENOUGH_POINTS) break;
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

const logit = (p: number) => {
  const c = Math.min(0.98, Math.max(0.02, p));
  return Math.log(c / (1 - c));
};

/**
 * Logistic (Platt) fit: late ~ sigmoid(a · logit(p) + b), p clipped to [0.02, 0.98]; Newton steps halved until
 * the (slightly penalised: a towards 1) log-loss decreases.
 */
export function plattFit(points: readonly { p: number; late: boolean }[]): { a: number; b: number } {
  const xs = points.map((pt) => ({ x: logit(pt.p), y: pt.late ? 1 : 0 }));
  const lambda = 1e-3;
  const loss = (a: number, b: number) =>
    xs.reduce((acc, { x, y }) => {
      const u = a * x + b;
      // log(1 + e^u) - y·u, computed without overflow
      return acc + (u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u))) - y * u;
    }, 0) +
    (lambda / 2) * (a - 1) ** 2;
  let a = 1;
  let b = 0;
  let current = loss(a, b);
  for (let it = 0; it < 100; it++) {
    let ga = lambda * (a - 1);
    let gb = 0;
    let haa = lambda;
    let hab = 0;
    let hbb = 1e-9;
    for (const { x, y } of xs) {
      const q = 1 / (1 + Math.exp(-(a * x + b)));
      const w = q * (1 - q);
      ga += (q - y) * x;
      gb += q - y;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1;
    let next = loss(a - da, b - db);
    while (!(next <= current) && step > 1e-6) {
      step /= 2;
      next = loss(a - step * da, b - step * db);
    }
    if (!(next <= current)) break;
    a -= step * da;
    b -= step * db;
    const gain = current - next;
    current = next;
    if (gain < 1e-12) break;
  }
  return { a, b };
}

/** The Platt map; null when the fit is not increasing (it would reverse the forecast's order). */
export function platt(points: readonly { p: number; late: boolean }[]): ((raw: number) => number) | null {
  const { a, b } = plattFit(points);
  if (!(a > 0) || !Number.isFinite(b)) return null;
  return (raw: number) => 1 / (1 + Math.exp(-(a * logit(raw) + b)));
}

/** The recalibration at `at` from the records (nothing after `at` is read: replayAt cuts there). */
export function fitCalibration(
  cal: WorkingCalendar,
  records: readonly DossierRecord[],
  at: Date,
  opts: { method?: CalibrationMethod; lookbackDays?: readonly number[]; estimate?: EstimateOptions; windowDays?: number } = {},
): Calibration {
  // the default method is Platt's (bench/results/forecast.md: isotonic missed the recall target)
  const t = at.getTime();
  // what was recorded after `at` does not exist yet
  const known = records.filter((r) => r.receivedAt.getTime() <= t);
  const points = calibrationPoints(cal, known, at, opts);
  return fitFromPoints(points, opts.method ?? 'platt');
}

/** The map from the pairs, or none when they are too few (MIN_POINTS, MIN_EACH). */
export function fitFromPoints(points: readonly { p: number; late: boolean }[], method: CalibrationMethod = 'platt'): Calibration {
  const late = points.filter((p) => p.late).length;
  if (points.length < MIN_POINTS || late < MIN_EACH || points.length - late < MIN_EACH) return { calibrate: null, points: points.length, late };
  return { calibrate: method === 'platt' ? platt(points) : isotonic(points), points: points.length, late };
}
