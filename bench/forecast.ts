/**
 * How good is the lateness forecast (issue 20 item 2)? Measured honestly: train on the history up to a date,
 * predict the dossiers open on that date, compare with what happened.
 *
 *   npx tsx bench/forecast.ts            (4–12 minutes; BENCH_DOSSIERS, BENCH_SEED to change the history)
 *   BENCH_FORECAST_DB=postgres://…/eiso [BENCH_FORECAST_NAME=…] npx tsx bench/forecast.ts
 *       (a platform's database, e.g. the demo's lived-in year after `npm start --demo`: its embedded
 *       database is DATA_DIR/pg, the port in DATA_DIR/pg/postmaster.opts, the superuser's password in
 *       DATA_DIR/pg-superuser-password; minutes)
 *
 * Two histories. (1) A platform's own database, read by domain/forecast/store.ts loadHistory: every dossier as
 * instants (received, appointment, result, steps, pauses), from which any past date is replayed
 * (domain/forecast/model.ts replayAt); cut-offs every working day from 10 weeks after the first receipt, the
 * outcome read at the end of the data. (2) GENERATED IN MEMORY, not through the platform's write paths (a
 * province's year through the engine would take days here). Each history has its own section in the results
 * file, written by its own run (the other sections and the hand-written reading are kept).
 * The generator is a small queueing model of a province on the real national
 * calendar of 2025 (holidays, make-up days, half-days: domain/deadlines/calendar):
 * - PROCEDURES procedures, each of 2–4 human steps in sequence, each step in a unit of its own whose
 *   officers (as many as a yearly average use of 55–90 % needs) work its queue first come first served; a step's work takes a lognormal number of working
 *   half-days (median per step, spread 0.6), 4 % of works are "stuck" three times as long;
 * - arrivals on working days, with a seasonal swell (March–April and October–December busier) so queues
 *   build and drain; statutory limits of 5–15 working days with the appointment counted by the calendar;
 * - the inbox row of a step exists from the moment the dossier reaches the step (waiting included), as in
 *   the platform, so a step's recorded duration includes its queue.
 * The estimator and the calendar code are the platform's own (domain/forecast/model.ts, estimate.ts): the
 * records fed to them are what domain/forecast/store.ts reads from the database.
 *
 * At each cut-off date T: training = the dossiers whose result was ready by T; predicted = the dossiers
 * received by T without a result at T (their open step, its elapsed time and queue at T); truth = whether
 * the result came after the appointment day (II.06a). Variants (SETTINGS × METHODS) are measured side by side:
 * the estimate's options, the history window, and the recalibration (domain/forecast/calibration.ts, fitted at
 * T on replays of earlier dates only); CHOSEN is what the platform does. Compared with simple rules "late when the working time
 * elapsed since receipt exceeds x % of the limit" (x = 50, 75), and reported separately for the dossiers not
 * yet past their appointment at T (for the ones already past it, every method says "late" and is right).
 * Writes bench/results/forecast.md.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  createWorkingCalendar,
  nationalCalendarConfig,
  addDays,
  instantAt,
  localDateOf,
  parseTimeOfDay,
  type LocalDate,
} from '../domain/deadlines/calendar/index.js';
import { buildModel, forecastDossier, replayAt, type DossierRecord } from '../domain/forecast/model.js';
import {
  calibrationPoints,
  ENOUGH_POINTS,
  fitFromPoints,
  LOOKBACK_DAYS,
  MIN_EACH,
  MIN_POINTS,
  type CalibrationMethod,
} from '../domain/forecast/calibration.js';
import type { EstimateOptions } from '../domain/forecast/estimate.js';
import { LATE_AT } from '../domain/forecast/forecast.js';
import { loadHistory } from '../domain/forecast/store.js';
import { loadCalendar } from '../domain/deadlines/calendar-store.js';
import type { WorkingCalendar } from '../domain/deadlines/calendar/index.js';
import knexFactory from 'knex';
import { machine } from './lib.js';

const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 24_000);
const SEED = Number(process.env.BENCH_SEED ?? 20);
const PROCEDURES = 16;
const READING = '<!-- reading: written by hand, kept by bench/forecast.ts -->';
const CUTOFFS: LocalDate[] = ['2025-05-12', '2025-07-14', '2025-09-15', '2025-11-17', '2025-12-15'];

const nationalCal = createWorkingCalendar(nationalCalendarConfig());
const cal = nationalCal;

// --- deterministic randomness (mulberry32) -----------------------------------------------------------
let state = SEED >>> 0;
const rand = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

// --- working half-days of the calendar as a continuous working clock -----------------------------------
// Working time w (in half-days, real number) ↔ instants: slot i starts at slots[i].start, lasts its length.
const s = cal.settingsFor(null);
const [ms, me, as, ae] = [s.morningStart, s.morningEnd, s.afternoonStart, s.afternoonEnd].map((x) => parseTimeOfDay(x)!);
const slots: { start: number; end: number }[] = [];
for (let d: LocalDate = '2024-12-01'; d <= '2027-06-30'; d = addDays(d, 1)) {
  if (!cal.isWorkingDay(d, null)) continue;
  slots.push({ start: instantAt(d, ms).getTime(), end: instantAt(d, me).getTime() });
  slots.push({ start: instantAt(d, as).getTime(), end: instantAt(d, ae).getTime() });
}
const toInstant = (w: number): Date => {
  const i = Math.min(Math.floor(w), slots.length - 1);
  const sl = slots[i];
  return new Date(sl.start + (w - i) * (sl.end - sl.start));
};
const W2025 = slots.findIndex((x) => x.start >= instantAt('2025-01-01', 0).getTime());
const W2026 = slots.findIndex((x) => x.start >= instantAt('2026-01-01', 0).getTime());

// --- the generated province ----------------------------------------------------------------------------
interface Proc {
  code: string;
  limit: number;
  steps: { id: string; unit: string; officers: number; medianHalfDays: number }[];
  weight: number;
}
const procs: Proc[] = Array.from({ length: PROCEDURES }, (_, p) => {
  const n = 2 + Math.floor(rand() * 3);
  const limit = pick([5, 7, 10, 12, 15]);
  // step medians sum to about 45–80 % of the limit: most dossiers make it, queues and stuck works do not
  const share = (0.45 + rand() * 0.35) * limit * 2;
  const raw = Array.from({ length: n }, () => 0.5 + rand());
  const total = raw.reduce((a, b) => a + b, 0);
  return {
    code: `P${p + 1}`,
    limit,
    weight: 0.5 + rand() * 1.5,
    steps: raw.map((r, j) => ({ id: `B${j + 1}`, unit: `U${p + 1}-${j + 1}`, officers: 1, medianHalfDays: Math.max(0.3, (share * r) / total) })),
  };
});
// Officers per step: enough for a yearly average use of 55–90 % (the busy months go above it: queues build).
{
  const totalWeight = procs.reduce((a, p) => a + p.weight, 0);
  const halfDays2025 = W2026 - W2025;
  const meanFactor = Math.exp(0.18) * (1 + 0.04 * 2);
  for (const p of procs) {
    const perHalfDay = (DOSSIERS * p.weight) / totalWeight / halfDays2025;
    for (const st of p.steps) st.officers = Math.max(1, Math.ceil((perHalfDay * st.medianHalfDays * meanFactor) / (0.55 + rand() * 0.35)));
  }
}

interface Sim {
  proc: Proc;
  receivedW: number;
  received: Date;
  appointment: Date;
  steps: { arriveW: number; endW: number }[];
  readyW: number;
  ready: Date;
  late: boolean;
}

const season = (w: number) => {
  const month = Number(localDateOf(toInstant(w)).slice(5, 7));
  return [3, 4, 10, 11, 12].includes(month) ? 1.35 : month === 2 ? 0.6 : 0.9;
};

function generate(): Sim[] {
  const sims: Sim[] = [];
  const totalWeight = procs.reduce((a, p) => a + p.weight, 0);
  const span = W2026 - W2025;
  for (const proc of procs) {
    const count = Math.round((DOSSIERS * proc.weight) / totalWeight);
    const arrivals: number[] = [];
    while (arrivals.length < count) {
      const w = W2025 + rand() * span;
      if (rand() < season(w) / 1.35) arrivals.push(w);
    }
    arrivals.sort((a, b) => a - b);
    const list: Sim[] = arrivals.map((w) => {
      const received = toInstant(w);
      return {
        proc,
        receivedW: w,
        received,
        appointment: cal.dueOf(received, { value: proc.limit, unit: 'working_days' }, null),
        steps: [],
        readyW: 0,
        ready: received,
        late: false,
      };
    });
    // tandem of multi-officer FIFO queues
    let at = list.map((d) => d.receivedW);
    for (const step of proc.steps) {
      const order = list.map((_, i) => i).sort((a, b) => at[a] - at[b]);
      const free = Array<number>(step.officers).fill(0);
      const next = [...at];
      for (const i of order) {
        const k = free.indexOf(Math.min(...free));
        const start = Math.max(at[i], free[k]);
        let work = step.medianHalfDays * Math.exp(0.6 * normal());
        if (rand() < 0.04) work *= 3;
        free[k] = start + work;
        list[i].steps.push({ arriveW: at[i], endW: start + work });
        next[i] = start + work;
      }
      at = next;
    }
    for (const [i, d] of list.entries()) {
      d.readyW = at[i];
      d.ready = toInstant(at[i]);
      d.late = localDateOf(d.ready) > localDateOf(d.appointment);
    }
    sims.push(...list);
  }
  return sims;
}

// --- evaluation -----------------------------------------------------------------------------------------
interface Prediction {
  p: number;
  rule50: boolean;
  rule75: boolean;
  late: boolean;
  pastDue: boolean;
  dayError: number;
  basis: string;
}

/** The generated dossiers as the platform records them (domain/forecast/model.ts DossierRecord). */
const toRecords = (sims: Sim[]): DossierRecord[] =>
  sims.map((d) => ({
    procedureCode: d.proc.code,
    receivedAt: d.received,
    appointmentAt: d.appointment,
    readyAt: d.ready,
    closedAt: null,
    pauses: [],
    steps: d.steps.map((x, j) => ({ stepId: d.proc.steps[j].id, unitCode: d.proc.steps[j].unit, startedAt: toInstant(x.arriveW), endedAt: toInstant(x.endW) })),
  }));

/** The variants measured: the estimate's options, the history window, and the recalibration. */
interface Setting {
  name: string;
  estimate: EstimateOptions;
  windowDays?: number;
}
const SETTINGS: Setting[] = [
  { name: 'as before', estimate: {} },
  { name: 'queue factor on every remaining step', estimate: { queueOnRest: true } },
  { name: 'history of the last 90 days only', estimate: {}, windowDays: 90 },
];
const METHODS: (CalibrationMethod | 'raw')[] = ['raw', 'isotonic', 'platt'];
/** What the platform does (domain/forecast/forecast.ts): the setting and the method of the chosen variant. */
const CHOSEN = { setting: 'as before', method: 'platt' as const };
const variantName = (s: string, m: string) => `${s}${m === 'raw' ? ', raw' : `, ${m} recalibration`}`;

/**
 * At `T`: every variant's predictions of the dossiers open at T (their outcome read at `end`, the end of the
 * data), each trained on what was finished by T and recalibrated on replays of dates before T only.
 */
function predictAt(
  cal: WorkingCalendar,
  records: readonly DossierRecord[],
  T: Date,
  end: Date,
  unknown: { n: number; fitted: number; points: number[] },
): Map<string, Prediction[]> {
  const out = new Map<string, Prediction[]>();
  const seenByT = records.filter((r) => r.receivedAt.getTime() <= T.getTime());
  const cutoff = localDateOf(T);
  for (const setting of SETTINGS) {
    const { finished, open } = replayAt(records, T, end, setting.windowDays);
    const model = { ...buildModel(cal, finished), options: setting.estimate };
    const points = calibrationPoints(cal, seenByT, T, { estimate: setting.estimate, windowDays: setting.windowDays });
    const maps = new Map(METHODS.map((m) => [m, m === 'raw' ? null : fitFromPoints(points, m).calibrate]));
    if (setting === SETTINGS[0]) {
      unknown.n += open.filter((o) => o.late === null).length;
      unknown.points.push(points.length);
      if (maps.get(CHOSEN.method)) unknown.fitted += 1;
    }
    for (const o of open) {
      if (o.late === null) continue;
      const f = forecastDossier(cal, model, o.dossier, T);
      const limit = Math.max(0.5, cal.workingTimeBetween(o.record.receivedAt, o.record.appointmentAt, null));
      const elapsed = cal.workingTimeBetween(o.record.receivedAt, T, null) / limit;
      const readyDay = o.record.readyAt ? localDateOf(o.record.readyAt) : null;
      const pastDue = localDateOf(o.record.appointmentAt) < cutoff;
      for (const m of METHODS) {
        const map = maps.get(m);
        const p = pastDue ? 1 : map && f.basis !== 'drawn' ? map(f.probability) : f.probability;
        const key = variantName(setting.name, m);
        (out.get(key) ?? out.set(key, []).get(key)!).push({
          p,
          rule50: elapsed > 0.5,
          rule75: elapsed > 0.75,
          late: o.late,
          pastDue,
          dayError: readyDay ? Math.abs(Date.parse(f.expectedDay) - Date.parse(readyDay)) / 86_400_000 : NaN,
          basis: f.basis,
        });
      }
    }
  }
  return out;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : 'n/a');
function scores(ps: Prediction[], flag: (p: Prediction) => boolean) {
  const tp = ps.filter((p) => flag(p) && p.late).length;
  const fp = ps.filter((p) => flag(p) && !p.late).length;
  const fn = ps.filter((p) => !flag(p) && p.late).length;
  return { precision: tp / (tp + fp), recall: tp / (tp + fn), flagged: tp + fp };
}
function brier(ps: Prediction[], prob: (p: Prediction) => number) {
  return ps.reduce((a, p) => a + (prob(p) - (p.late ? 1 : 0)) ** 2, 0) / ps.length;
}
function table(ps: Prediction[]): string[] {
  const lateRate = ps.filter((p) => p.late).length / ps.length;
  const f = scores(ps, (p) => p.p >= LATE_AT);
  const r50 = scores(ps, (p) => p.rule50);
  const r75 = scores(ps, (p) => p.rule75);
  return [
    `dossiers ${ps.length}, late ${pct(lateRate)}`,
    '',
    '| method | flagged late | precision | recall | Brier score |',
    '|---|---:|---:|---:|---:|',
    `| forecast, p ≥ ${LATE_AT} | ${f.flagged} | ${pct(f.precision)} | ${pct(f.recall)} | ${brier(ps, (p) => p.p).toFixed(3)} |`,
    ...[0.3, 0.2].map((x) => {
      const g = scores(ps, (p) => p.p >= x);
      return `| forecast, p ≥ ${x} | ${g.flagged} | ${pct(g.precision)} | ${pct(g.recall)} | (same) |`;
    }),
    `| rule: elapsed > 50 % of the limit | ${r50.flagged} | ${pct(r50.precision)} | ${pct(r50.recall)} | ${brier(ps, (p) => (p.rule50 ? 1 : 0)).toFixed(3)} |`,
    `| rule: elapsed > 75 % of the limit | ${r75.flagged} | ${pct(r75.precision)} | ${pct(r75.recall)} | ${brier(ps, (p) => (p.rule75 ? 1 : 0)).toFixed(3)} |`,
    `| base rate (everyone at ${pct(lateRate)}) | – | – | – | ${brier(ps, () => lateRate).toFixed(3)} |`,
  ];
}
const BINS = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001];
function calibration(ps: Prediction[]): string[] {
  const out = ['| predicted probability | dossiers | mean predicted | observed late |', '|---|---:|---:|---:|'];
  for (let i = 0; i < BINS.length - 1; i++) {
    const inBin = ps.filter((p) => p.p >= BINS[i] && p.p < BINS[i + 1]);
    const label = `${BINS[i].toFixed(1)}–${Math.min(1, BINS[i + 1]).toFixed(1)}`;
    if (!inBin.length) {
      out.push(`| ${label} | 0 | – | – |`);
      continue;
    }
    out.push(
      `| ${label} | ${inBin.length} | ${pct(inBin.reduce((a, p) => a + p.p, 0) / inBin.length)} | ${pct(inBin.filter((p) => p.late).length / inBin.length)} |`,
    );
  }
  return out;
}
/** The largest |observed − mean predicted| over the bins holding at least `min` dossiers (points). */
function worstGap(ps: Prediction[], min: number): number {
  let worst = 0;
  for (let i = 0; i < BINS.length - 1; i++) {
    const inBin = ps.filter((p) => p.p >= BINS[i] && p.p < BINS[i + 1]);
    if (inBin.length < min) continue;
    const gap = Math.abs(inBin.filter((p) => p.late).length / inBin.length - inBin.reduce((a, p) => a + p.p, 0) / inBin.length);
    worst = Math.max(worst, gap);
  }
  return 100 * worst;
}

/** The same tables for any history: the variants compared, then the chosen one in full. */
function report(cal: WorkingCalendar, records: readonly DossierRecord[], cutoffs: Date[], end: Date, minBin: number): string[] {
  const all = new Map<string, Prediction[]>();
  const unknown = { n: 0, fitted: 0, points: [] as number[] };
  // per cut-off, or per month of cut-offs when there are many (the demo: every working day)
  const monthly = cutoffs.length > 12;
  const per: string[] = [
    `| ${monthly ? 'cut-offs in' : 'cut-off'} | open (outcome known) | past due | late (not past due) | forecast precision / recall (not past due) | rule 50 % precision / recall (not past due) |`,
    '|---|---:|---:|---:|---|---|',
  ];
  const chosen = variantName(CHOSEN.setting, CHOSEN.method);
  const groups = new Map<string, Prediction[]>();
  for (const T of cutoffs) {
    const byVariant = predictAt(cal, records, T, end, unknown);
    for (const [k, ps] of byVariant) all.set(k, [...(all.get(k) ?? []), ...ps]);
    const label = monthly ? localDateOf(T).slice(0, 7).split('-').reverse().join('/') : localDateOf(T).split('-').reverse().join('/');
    groups.set(label, [...(groups.get(label) ?? []), ...(byVariant.get(chosen) ?? [])]);
  }
  for (const [label, ps] of groups) {
    const fresh = ps.filter((p) => !p.pastDue);
    const f = scores(fresh, (p) => p.p >= LATE_AT);
    const r = scores(fresh, (p) => p.rule50);
    per.push(
      `| ${label} | ${ps.length} | ${ps.length - fresh.length} | ${fresh.filter((p) => p.late).length} | ${pct(f.precision)} / ${pct(f.recall)} | ${pct(r.precision)} / ${pct(r.recall)} |`,
    );
  }
  const variants = [
    '| variant | Brier | flagged at p ≥ 0.5 | precision | recall | largest calibration gap (bins ≥ ' + minBin + ') |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const [k, ps] of all) {
    const fresh = ps.filter((p) => !p.pastDue);
    const f = scores(fresh, (p) => p.p >= LATE_AT);
    variants.push(
      `| ${k === chosen ? `**${k}** (the platform)` : k} | ${brier(fresh, (p) => p.p).toFixed(3)} | ${f.flagged} | ${pct(f.precision)} | ${pct(f.recall)} | ${worstGap(fresh, minBin).toFixed(1)} points |`,
    );
  }
  const fresh50 = (all.get(chosen) ?? []).filter((p) => !p.pastDue);
  const r50 = scores(fresh50, (p) => p.rule50);
  variants.push(
    `| rule: elapsed > 50 % of the limit | ${brier(fresh50, (p) => (p.rule50 ? 1 : 0)).toFixed(3)} | ${r50.flagged} | ${pct(r50.precision)} | ${pct(r50.recall)} | – |`,
  );
  const ps = all.get(chosen) ?? [];
  const fresh = ps.filter((p) => !p.pastDue);
  const raw = (all.get(variantName(CHOSEN.setting, 'raw')) ?? []).filter((p) => !p.pastDue);
  const bases = ['unit', 'procedure', 'drawn'].map((b) => `${b} ${fresh.filter((p) => p.basis === b).length}`).join(', ');
  const dayErr = fresh
    .map((p) => p.dayError)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  return [
    `Cut-offs (${cutoffs.length}): ${(cutoffs.length > 12 ? [cutoffs[0], cutoffs[cutoffs.length - 1]] : cutoffs).map((c) => localDateOf(c).split('-').reverse().join('/')).join(cutoffs.length > 12 ? ' to ' : ', ')} (10:00${cutoffs.length > 12 ? ', every working day' : ''}); every prediction pooled below. Outcome read at ${localDateOf(end).split('-').reverse().join('/')}: ${unknown.n} open dossier-dates left out (still running with the appointment ahead, or closed without a result).`,
    '',
    '### Variants (dossiers not yet past their appointment at the cut-off)',
    '',
    `Each row is one change measured alone against "as before, raw" (the model of issue 20's first version). Recalibration: fitted at each cut-off on replays of ${LOOKBACK_DAYS.join(', ')} days before it, then weekly further back while fewer than ${ENOUGH_POINTS} pairs (nothing after the cut-off), domain/forecast/calibration.ts. Pairs per cut-off: median ${[...unknown.points].sort((a, b) => a - b)[Math.floor(unknown.points.length / 2)] ?? 0}, fewest ${Math.min(...unknown.points)}; the Platt map was fitted at ${unknown.fitted} of ${cutoffs.length} cut-offs (fewer than ${MIN_POINTS} pairs, or fewer than ${MIN_EACH} late or on time: the raw probability).`,
    '',
    ...variants,
    '',
    `### The platform's variant (${chosen}): per ${monthly ? 'month of cut-offs' : 'cut-off'}`,
    '',
    ...per,
    '',
    '### Dossiers not yet past their appointment at the cut-off (the predictions that matter)',
    '',
    ...table(fresh),
    '',
    `Basis of the estimates: ${bases}. Expected finishing day against the real one (dossiers finished): median error ${dayErr[Math.floor(dayErr.length / 2)] ?? 'n/a'} days, 90th percentile ${dayErr[Math.floor(dayErr.length * 0.9)] ?? 'n/a'} days (calendar days).`,
    '',
    'Calibration, recalibrated (what the platform shows):',
    '',
    ...calibration(fresh),
    '',
    'Calibration, raw (the share of samples late, as before):',
    '',
    ...calibration(raw),
    '',
    '### All open dossiers (including those already past their appointment: p = 1, and the rules say late too)',
    '',
    ...table(ps),
    '',
  ];
}

async function demoSection(url: string, name: string): Promise<string[]> {
  const db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 2 } });
  try {
    const end = new Date(Date.now());
    const demoCal = await loadCalendar(db);
    const records = await loadHistory(db, end);
    if (!records.length) throw new Error('no dossiers in that database');
    const first = Math.min(...records.map((r) => r.receivedAt.getTime()));
    // a cut-off every working day at 10:00, from 10 weeks after the first receipt (history to learn from and
    // to replay for the recalibration) to a week before the end: the demo's dossiers are open for days only
    const cutoffs: Date[] = [];
    for (let day = localDateOf(new Date(first + 70 * 86_400_000)); instantAt(day, 10 * 60).getTime() < end.getTime() - 7 * 86_400_000; day = addDays(day, 1))
      if (demoCal.isWorkingDay(day, null)) cutoffs.push(instantAt(day, 10 * 60));
    const finished = records.filter((r) => r.readyAt).length;
    const late = records.filter((r) => r.readyAt && localDateOf(r.readyAt) > localDateOf(r.appointmentAt)).length;
    const procsN = new Set(records.map((r) => r.procedureCode)).size;
    const t0 = Date.now();
    const body = report(demoCal, records, cutoffs, end, 5);
    return [
      `## The demo's lived-in year (${name}), ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Machine: ${machine()}. History read from a platform database by domain/forecast/store.ts loadHistory (BENCH_FORECAST_DB): ${records.length} dossiers received ${localDateOf(new Date(first)).split('-').reverse().join('/')}–${localDateOf(end).split('-').reverse().join('/')} in ${procsN} procedures, ${finished} with a result (${late} of them late), ${records.length - finished} without; evaluated in ${((Date.now() - t0) / 1000).toFixed(1)} s. A cut-off every working day: the same dossier is open at several cut-offs, so the predictions below are not independent, and the counts are small.`,
      '',
      ...body,
    ];
  } finally {
    await db.destroy();
  }
}

function generatedSection(): string[] {
  const t0 = Date.now();
  const sims = generate();
  const lateAll = sims.filter((d) => d.late).length / sims.length;
  const genMs = Date.now() - t0;
  const body = report(
    cal,
    toRecords(sims),
    CUTOFFS.map((c) => instantAt(c, 10 * 60)),
    instantAt('2027-06-30', 0),
    20,
  );
  return [
    `## Lateness forecast on a generated history, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Generated history (in memory, see bench/forecast.ts): ${sims.length} dossiers received over 2025 in ${PROCEDURES} procedures, ${pct(lateAll)} of them late; seed ${SEED}; generated in ${(genMs / 1000).toFixed(1)} s, evaluated in ${((Date.now() - t0 - genMs) / 1000).toFixed(1)} s.`,
    '',
    ...body,
  ];
}

const DEMO_START = '<!-- demo section: ';
const DEMO_END = '<!-- end of demo section -->';

async function main() {
  const url = process.env.BENCH_FORECAST_DB;
  // the demo sections are kept by name: the default demo, a larger fill (BENCH_FORECAST_NAME)
  const name = (process.env.BENCH_FORECAST_NAME ?? 'npm start --demo').replace(/-->/g, '');
  const file = path.resolve('bench/results/forecast.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const readingAt = previous.includes(READING) ? previous.indexOf(READING) : previous.length;
  const reading = previous.includes(READING) ? previous.slice(readingAt) : `${READING}\n`;
  const head = previous.slice(0, readingAt);
  const firstDemo = head.includes(DEMO_START) ? head.indexOf(DEMO_START) : head.length;
  const genAt = head.indexOf('## Lateness forecast on a generated history');
  let generated = genAt >= 0 && genAt < firstDemo ? head.slice(genAt, firstDemo).trimEnd() : '';
  const demos = new Map<string, string>();
  for (let i = head.indexOf(DEMO_START); i >= 0; i = head.indexOf(DEMO_START, i + 1)) {
    const end = head.indexOf(DEMO_END, i);
    if (end < 0) break;
    const key = head.slice(i + DEMO_START.length, head.indexOf(' -->', i));
    demos.set(key, head.slice(i, end + DEMO_END.length));
  }
  if (url) {
    const text = (await demoSection(url, name)).join('\n');
    process.stdout.write(`${text}\n`);
    demos.set(name, `${DEMO_START}${name} -->\n\n${text}\n${DEMO_END}`);
  } else {
    generated = generatedSection().join('\n');
    process.stdout.write(`${generated}\n`);
  }
  // The hand-written reading below the marker, and the other sections, survive a new run.
  writeFileSync(file, `# Lateness forecast: measured (bench/forecast.ts)\n\n${[generated, ...demos.values(), reading].join('\n\n')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
