/**
 * How good is the lateness forecast (issue 20 item 2)? Measured honestly: train on the history up to a date,
 * predict the dossiers open on that date, compare with what happened.
 *
 *   npx tsx bench/forecast.ts            (about a minute; BENCH_DOSSIERS, BENCH_SEED to change the history)
 *
 * The history is GENERATED IN MEMORY, not through the platform's write paths: a year of dossiers through the
 * engine and the API would take days on this machine (the demo fill makes ~120 dossiers in minutes), and the
 * demo lives "now" (api/demo-fill.ts: Zeebe's controlled clock cannot go back), so it has no finished past
 * year to train and test on. The generator is a small queueing model of a province on the real national
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
 * the result came after the appointment day (II.06a). Compared with simple rules "late when the working time
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
import { buildModel, forecastDossier, type FinishedDossier, type OpenDossier } from '../domain/forecast/model.js';
import { LATE_AT } from '../domain/forecast/forecast.js';
import { machine } from './lib.js';

const DOSSIERS = Number(process.env.BENCH_DOSSIERS ?? 24_000);
const SEED = Number(process.env.BENCH_SEED ?? 20);
const PROCEDURES = 16;
const READING = '<!-- reading: written by hand, kept by bench/forecast.ts -->';
const CUTOFFS: LocalDate[] = ['2025-05-12', '2025-07-14', '2025-09-15', '2025-11-17', '2025-12-15'];

const cal = createWorkingCalendar(nationalCalendarConfig());

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

function predictAt(sims: Sim[], cutoff: LocalDate): Prediction[] {
  const T = instantAt(cutoff, 10 * 60);
  const t = T.getTime();
  const finished: FinishedDossier[] = sims
    .filter((d) => d.ready.getTime() <= t && d.ready.getTime() > t - 400 * 86_400_000)
    .map((d) => ({
      procedureCode: d.proc.code,
      readyAt: d.ready,
      pauses: [],
      steps: d.steps.map((x, j) => ({
        stepId: d.proc.steps[j].id,
        unitCode: d.proc.steps[j].unit,
        startedAt: toInstant(x.arriveW),
        endedAt: toInstant(x.endW),
      })),
    }));
  const model = buildModel(cal, finished);
  const open = sims.filter((d) => d.received.getTime() <= t && d.ready.getTime() > t);
  // open tasks per step at T, for the queue ahead
  const openAt = new Map<string, number[]>();
  for (const d of open)
    d.steps.forEach((x, j) => {
      if (toInstant(x.arriveW).getTime() <= t && toInstant(x.endW).getTime() > t) {
        const k = `${d.proc.code}/${j}`;
        (openAt.get(k) ?? openAt.set(k, []).get(k)!).push(x.arriveW);
      }
    });
  return open.map((d) => {
    const j = d.steps.findIndex((x) => toInstant(x.arriveW).getTime() <= t && toInstant(x.endW).getTime() > t);
    const x = d.steps[j];
    const od: OpenDossier = {
      procedureCode: d.proc.code,
      appointmentAt: d.appointment,
      pauses: [],
      steps:
        j < 0
          ? []
          : [
              {
                taskId: '0',
                stepId: d.proc.steps[j].id,
                stepName: d.proc.steps[j].id,
                unitCode: d.proc.steps[j].unit,
                startedAt: toInstant(x.arriveW),
                dueAt: null,
                holder: null,
                queueAhead: (openAt.get(`${d.proc.code}/${j}`) ?? []).filter((a) => a < x.arriveW).length,
              },
            ],
    };
    const f = forecastDossier(cal, model, od, T);
    const elapsed = cal.workingTimeBetween(d.received, T, null) / d.proc.limit;
    const dayError = Math.abs(Date.parse(f.expectedDay) - Date.parse(localDateOf(d.ready))) / 86_400_000;
    return {
      p: f.probability,
      rule50: elapsed > 0.5,
      rule75: elapsed > 0.75,
      late: d.late,
      pastDue: localDateOf(d.appointment) < cutoff,
      dayError,
      basis: f.basis,
    };
  });
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
function calibration(ps: Prediction[]): string[] {
  const bins = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0001];
  const out = ['| predicted probability | dossiers | mean predicted | observed late |', '|---|---:|---:|---:|'];
  for (let i = 0; i < bins.length - 1; i++) {
    const inBin = ps.filter((p) => p.p >= bins[i] && p.p < bins[i + 1]);
    const label = `${bins[i].toFixed(1)}–${Math.min(1, bins[i + 1]).toFixed(1)}`;
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

function main() {
  const t0 = Date.now();
  const sims = generate();
  const lateAll = sims.filter((d) => d.late).length / sims.length;
  const genMs = Date.now() - t0;
  const all: Prediction[] = [];
  const per: string[] = [
    '| cut-off (10:00) | open | past due | forecast precision / recall (not past due) | rule 75 % precision / recall (not past due) |',
    '|---|---:|---:|---|---|',
  ];
  for (const c of CUTOFFS) {
    const ps = predictAt(sims, c);
    all.push(...ps);
    const fresh = ps.filter((p) => !p.pastDue);
    const f = scores(fresh, (p) => p.p >= LATE_AT);
    const r = scores(fresh, (p) => p.rule75);
    per.push(
      `| ${c.split('-').reverse().join('/')} | ${ps.length} | ${ps.length - fresh.length} | ${pct(f.precision)} / ${pct(f.recall)} | ${pct(r.precision)} / ${pct(r.recall)} |`,
    );
  }
  const fresh = all.filter((p) => !p.pastDue);
  const bases = ['unit', 'procedure', 'drawn'].map((b) => `${b} ${fresh.filter((p) => p.basis === b).length}`).join(', ');
  const dayErr = fresh.map((p) => p.dayError).sort((a, b) => a - b);
  const lines = [
    `## Lateness forecast, ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${machine()}. Generated history (in memory, see bench/forecast.ts): ${sims.length} dossiers received over 2025 in ${PROCEDURES} procedures, ${pct(lateAll)} of them late; seed ${SEED}; generated in ${(genMs / 1000).toFixed(1)} s, evaluated in ${((Date.now() - t0 - genMs) / 1000).toFixed(1)} s.`,
    `Cut-offs: ${CUTOFFS.map((c) => c.split('-').reverse().join('/')).join(', ')} (10:00); every prediction of the five pooled below.`,
    '',
    '### Per cut-off',
    '',
    ...per,
    '',
    '### Dossiers not yet past their appointment at the cut-off (the predictions that matter)',
    '',
    ...table(fresh),
    '',
    `Basis of the estimates: ${bases}. Expected finishing day against the real one: median error ${dayErr[Math.floor(dayErr.length / 2)]} days, 90th percentile ${dayErr[Math.floor(dayErr.length * 0.9)]} days (calendar days).`,
    '',
    'Calibration (predicted probability bins against the observed late rate):',
    '',
    ...calibration(fresh),
    '',
    '### All open dossiers (including those already past their appointment: p = 1, and the rules say late too)',
    '',
    ...table(all),
    '',
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  // The hand-written reading of the figures below the marker survives a new run.
  const file = path.resolve('bench/results/forecast.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const reading = previous.includes(READING) ? previous.slice(previous.indexOf(READING)) : `${READING}\n`;
  writeFileSync(file, `# Lateness forecast: measured (bench/forecast.ts)\n\n${text}\n${reading}`);
}

main();
