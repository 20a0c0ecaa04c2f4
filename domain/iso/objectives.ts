import type { Knex } from 'knex';
import { subtreeCodes } from '../audit/case-search.js';
import { casesWithLateness, caseFactsQuery } from '../onestop/case-lateness.js';
import { ON_TIME } from '../onestop/lateness.js';
import { agencyOfUnit } from './agencies.js';
import * as clock from '../../lib/clock.js';

/**
 * Quality objectives measured from the platform's own data, per quarter of the objective's year
 * (Vietnam time), over the unit's subtree. A period with nothing to measure has value null.
 */
export const METRICS = {
  on_time_rate: {
    unit: '%',
    label:
      'Tỷ lệ hồ sơ giải quyết đúng hạn (có kết quả hoặc rút trong kỳ, so ngày có kết quả với ngày hẹn trả như Biểu II.06a) / Share of cases resolved on time (II.06a rule)',
  },
  nc_closed_rate: { unit: '%', label: 'Tỷ lệ sự không phù hợp mở trong kỳ đã khắc phục xong / Share of nonconformities opened in the period that are closed' },
  complaints_upheld: { unit: 'count', label: 'Số phản ánh, khiếu nại được kết luận đúng / Complaints upheld' },
  overdue_open: { unit: 'count', label: 'Số hồ sơ quá hạn chưa giải quyết (đến cuối kỳ) / Cases past their appointment still open at the end of the period' },
  onestop_on_time_rate: {
    unit: '%',
    label:
      'Tỷ lệ hồ sơ một cửa giải quyết đúng hạn (trước hạn + đúng hạn, kể cả hồ sơ rút, / đã giải quyết trong kỳ, như Biểu II.06a) / Share of one-stop dossiers resolved on time in the period (II.06a: withdrawn count as on time)',
  },
  online_rate: {
    unit: '%',
    label:
      'Tỷ lệ hồ sơ một cửa tiếp nhận trực tuyến (trên tổng số tiếp nhận trong kỳ) / Share of one-stop dossiers received in the period that were submitted online',
  },
  satisfaction_rate: {
    unit: '%',
    label:
      'Tỷ lệ người dân hài lòng (đánh giá tổng thể từ 4/5 trở lên, trên số đánh giá trong kỳ) / Share of citizen evaluations in the period rating overall 4 or 5 of 5',
  },
  complaints_count: {
    unit: 'count',
    label:
      'Số phản ánh, khiếu nại, góp ý tiếp nhận trong kỳ (đơn vị xác minh hoặc hồ sơ của đơn vị) / Complaints and feedback received in the period about the unit',
  },
} as const;
export type Metric = keyof typeof METRICS;

export interface Period {
  label: string;
  from: Date;
  to: Date;
}

/** The four quarters and the whole year, in Vietnam time (UTC+7, no daylight saving). */
export function periodsOf(year: number): Period[] {
  const at = (y: number, m: number) => new Date(Date.UTC(y, m, 1, -7));
  return [
    ...[0, 1, 2, 3].map((q) => ({ label: `Q${q + 1}`, from: at(year, q * 3), to: at(year, q * 3 + 3) })),
    { label: String(year), from: at(year, 0), to: at(year + 1, 0) },
  ];
}

const pct = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 10 : null);

/** The value of a metric for the units over [from, to); null when there is nothing to measure yet. */
export async function measure(db: Knex, metric: Metric, units: string[], from: Date, to: Date, now = clock.now()): Promise<number | null> {
  if (from > now) return null;
  switch (metric) {
    case 'on_time_rate': {
      // Cases that stopped counting in the period (result ready, or withdrawn), judged by the II.06a rule.
      const cases = await casesWithLateness(
        caseFactsQuery(db, now)
          .whereIn('f.unit_code', units)
          .whereNot('f.bpmn_process_id', 'like', 'iso-%')
          .where('f.end_at', '>=', from)
          .andWhere('f.end_at', '<', to),
        now,
      );
      return pct(cases.filter((c) => ON_TIME.has(c.outcome)).length, cases.length);
    }
    case 'nc_closed_rate': {
      const [r] = await db('iso_nonconformities')
        .whereIn('unit_code', units)
        .where('opened_at', '>=', from)
        .andWhere('opened_at', '<', to)
        .select(db.raw('count(*)::int AS n'), db.raw(`(count(*) FILTER (WHERE status = 'closed'))::int AS ok`));
      return pct(r.ok, r.n);
    }
    case 'complaints_upheld': {
      const [r] = await db('iso_complaints')
        .whereIn('unit_code', units)
        .where('upheld', true)
        .where('received_at', '>=', from)
        .andWhere('received_at', '<', to)
        .count<{ n: string }[]>({ n: '*' });
      return Number(r.n);
    }
    // The one-stop statistics: the daily rollup (dossier_stats_daily) by Vietnam date, and the citizens' evaluations.
    case 'onestop_on_time_rate':
      return (await onestopFigures(db, from, to, units)).onTimeRate;
    case 'online_rate':
      return (await onestopFigures(db, from, to, units)).onlineRate;
    case 'satisfaction_rate':
      return (await onestopFigures(db, from, to, units)).satisfiedPct;
    case 'complaints_count': {
      const [r] = await db('iso_complaints as c')
        .where('c.received_at', '>=', from)
        .andWhere('c.received_at', '<', to)
        .andWhere((w) => w.whereIn('c.unit_code', units).orWhereExists(db('dossiers as d').whereRaw('d.code = c.dossier_code').whereIn('d.agency_code', units)))
        .count<{ n: string }[]>({ n: '*' });
      return Number(r.n);
    }
    case 'overdue_open': {
      // Open at the end of the period (or now), its appointment date passed then and not paused then.
      const end = to < now ? to : now;
      const cases = await casesWithLateness(
        caseFactsQuery(db, end)
          .whereIn('f.unit_code', units)
          .whereNot('f.bpmn_process_id', 'like', 'iso-%')
          .where('f.appointment_at', '<', end)
          .andWhere((q) => q.whereNull('f.end_at').orWhere('f.end_at', '>', end)),
        end,
      );
      return cases.filter((c) => c.outcome === 'past_due').length;
    }
  }
}

export interface ObjectiveResult {
  id: string;
  unitCode: string;
  year: number;
  title: string;
  metric: Metric;
  metricLabel: string;
  unit: string;
  target: number;
  direction: 'at_least' | 'at_most';
  periods: { label: string; value: number | null; met: boolean | null }[];
}

/** Records a quality objective of a unit for a year; returns its id. */
export async function createObjective(
  db: Knex,
  o: { unitCode: string; year: number; title: string; metric: Metric; target: number; direction: 'at_least' | 'at_most'; createdBy: string },
): Promise<string> {
  const [row] = await db('iso_objectives')
    .insert({
      unit_code: o.unitCode,
      agency: await agencyOfUnit(db, o.unitCode),
      year: o.year,
      title: o.title,
      metric: o.metric,
      target: o.target,
      direction: o.direction,
      created_by: o.createdBy,
    })
    .returning('id');
  return String(row.id);
}

/** The objectives of a year (of the given units; of the given agencies' quality systems; null: all), measured. */
export async function objectiveResults(db: Knex, year: number, unitCodes?: string[], agencies?: string[] | null): Promise<ObjectiveResult[]> {
  const rows = await db('iso_objectives')
    .where({ year })
    .modify((q) => {
      if (unitCodes) q.whereIn('unit_code', unitCodes);
      if (agencies) q.whereIn('agency', agencies);
    })
    .orderBy(['unit_code', 'id']);
  const out: ObjectiveResult[] = [];
  for (const o of rows) {
    const units = await subtreeCodes(db, o.unit_code);
    const target = Number(o.target);
    const periods = [];
    for (const p of periodsOf(year)) {
      const value = await measure(db, o.metric as Metric, units, p.from, p.to);
      periods.push({ label: p.label, value, met: value === null ? null : o.direction === 'at_least' ? value >= target : value <= target });
    }
    out.push({
      id: String(o.id),
      unitCode: o.unit_code,
      year: o.year,
      title: o.title,
      metric: o.metric,
      metricLabel: METRICS[o.metric as Metric].label,
      unit: METRICS[o.metric as Metric].unit,
      target,
      direction: o.direction,
      periods,
    });
  }
  return out;
}

export interface OnestopFigures {
  received: number;
  receivedOnline: number;
  /** share submitted online, % (null: nothing received) */
  onlineRate: number | null;
  resolved: number;
  /** early + on the appointment date + withdrawn (II.06a column 9 counts withdrawn dossiers as on time) */
  resolvedOnTime: number;
  resolvedLate: number;
  /** % of resolved, withdrawn counted on time as II.06a does (domain/onestop/lateness.ts) */
  onTimeRate: number | null;
  evaluations: number;
  /** % of evaluations with overall >= 4 */
  satisfiedPct: number | null;
  /** mean overall score (1..5), 2 decimals */
  averageOverall: number | null;
}

/** One-stop figures of [from, to) over all agencies, or over the given ones: the same formulas as the objectives. */
export async function onestopFigures(db: Knex, from: Date, to: Date, units?: string[]): Promise<OnestopFigures> {
  const [s] = await db('dossier_stats_daily')
    .modify((q) => {
      if (units) q.whereIn('agency_code', units);
    })
    .whereRaw('day >= onestop_vn_day(?::timestamptz) AND day < onestop_vn_day(?::timestamptz)', [from, to])
    .select(
      db.raw('coalesce(sum(received_online), 0)::int AS online'),
      db.raw('coalesce(sum(received_direct), 0)::int AS direct'),
      db.raw('coalesce(sum(resolved_early + resolved_on_time + withdrawn), 0)::int AS ok'),
      db.raw('coalesce(sum(resolved_late), 0)::int AS late'),
    );
  const [e] = await db('dossier_evaluations')
    .modify((q) => {
      if (units) q.whereIn('agency_code', units);
    })
    .where('submitted_at', '>=', from)
    .andWhere('submitted_at', '<', to)
    .select(db.raw('count(*)::int AS n'), db.raw('(count(*) FILTER (WHERE overall >= 4))::int AS ok'), db.raw('avg(overall)::float AS avg'));
  const received = s.online + s.direct;
  const resolved = s.ok + s.late;
  return {
    received,
    receivedOnline: s.online,
    onlineRate: pct(s.online, received),
    resolved,
    resolvedOnTime: s.ok,
    resolvedLate: s.late,
    onTimeRate: pct(s.ok, resolved),
    evaluations: e.n,
    satisfiedPct: pct(e.ok, e.n),
    averageOverall: e.n ? Math.round(e.avg * 100) / 100 : null,
  };
}
