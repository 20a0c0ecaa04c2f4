import type { Knex } from 'knex';
import { addDays, instantAt, localDateOf, type LocalDate } from '../deadlines/calendar/index.js';
import { subtreeCodes } from '../audit/case-search.js';
import * as clock from '../../lib/clock.js';

/**
 * One-stop statistics as Biểu II.06a reports them (processes/ONESTOP.md "Statistics", vn-rules §5.3),
 * for a period [from, to] of Vietnam dates, per agency, procedure, field or month.
 *
 * - Received in the period (online / in person + postal) and carried over (received before `from`,
 *   not finished before `from`), and resolved in the period (early / on time / late by the date of
 *   `resolved_at` against the date of `appointment_at`; withdrawn and cancelled dossiers count as on
 *   time) come from the daily rollup `dossier_stats_daily`, kept exact by a trigger on `dossiers`.
 * - In progress at the end of the period (or now, if the period has not ended) = received (with carried
 *   over) - resolved; past deadline = appointment date before the end date and not finished then, read
 *   from `dossiers` through a GiST index; dossiers paused then (waiting for a supplement, or for fees or
 *   taxes: a case pause open at that instant) count as within.
 * These are the rule of domain/onestop/lateness.ts (the one definition, used by the ISO figures too) in
 * SQL, for the rollup trigger; test/lateness.test.ts checks both agree on hand-computed dossiers.
 * An apology never changes `appointment_at`, so an apologised dossier still counts as late.
 */

export type StatsGroupBy = 'agency' | 'procedure' | 'field' | 'month' | 'none';

export interface StatsFilter {
  from: LocalDate;
  to: LocalDate;
  /** Agencies the viewer may see (a subtree); null = all */
  agencyCodes: string[] | null;
  procedureCode?: string;
  field?: string;
}

export interface StatsCounts {
  received: { total: number; online: number; direct: number; carriedOver: number };
  resolved: { total: number; early: number; onTime: number; late: number; withdrawn: number };
  inProgress: { total: number; withinDeadline: number; pastDeadline: number };
}

export interface StatsRow extends StatsCounts {
  key: string;
  label: string;
}

export interface StatsReport {
  from: LocalDate;
  to: LocalDate;
  groupBy: StatsGroupBy;
  /** The date the in-progress columns are counted at: `to`, or today while the period runs */
  asOf: LocalDate;
  rows: StatsRow[];
  totals: StatsCounts;
}

const zero = (): StatsCounts => ({
  received: { total: 0, online: 0, direct: 0, carriedOver: 0 },
  resolved: { total: 0, early: 0, onTime: 0, late: 0, withdrawn: 0 },
  inProgress: { total: 0, withinDeadline: 0, pastDeadline: 0 },
});

function add(into: StatsCounts, c: StatsCounts): void {
  for (const part of ['received', 'resolved', 'inProgress'] as const) {
    const dst = into[part] as unknown as Record<string, number>;
    const src = c[part] as unknown as Record<string, number>;
    for (const k of Object.keys(src)) dst[k] = (dst[k] ?? 0) + src[k];
  }
}

const GROUP_SQL: Record<Exclude<StatsGroupBy, 'month'>, string> = {
  agency: 'agency_code',
  procedure: 'procedure_code',
  field: 'field',
  none: `''`,
};

function filterSql(f: StatsFilter, alias: string): { sql: string; bindings: Knex.Value[] } {
  const parts: string[] = [];
  const bindings: Knex.Value[] = [];
  if (f.agencyCodes) {
    parts.push(`${alias}.agency_code = ANY(?::text[])`);
    bindings.push(f.agencyCodes);
  }
  if (f.procedureCode) {
    parts.push(`${alias}.procedure_code = ?`);
    bindings.push(f.procedureCode);
  }
  if (f.field) {
    parts.push(`${alias}.field = ?`);
    bindings.push(f.field);
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', bindings };
}

interface RollupRow {
  key: string;
  online: number;
  direct: number;
  carried: number;
  early: number;
  on_time: number;
  late: number;
  withdrawn: number;
}

/** Received, carried over and resolved in [from, to] per group, from the daily rollup. */
async function rollupPart(db: Knex, f: StatsFilter, groupSql: string): Promise<RollupRow[]> {
  const where = filterSql(f, 's');
  const rollup = await db.raw(
    `SELECT ${groupSql} AS key,
            coalesce(sum(received_online) FILTER (WHERE day >= ?), 0)::int AS online,
            coalesce(sum(received_direct) FILTER (WHERE day >= ?), 0)::int AS direct,
            coalesce(sum(received_online + received_direct - resolved_early - resolved_on_time - resolved_late - withdrawn) FILTER (WHERE day < ?), 0)::int AS carried,
            coalesce(sum(resolved_early) FILTER (WHERE day >= ?), 0)::int AS early,
            coalesce(sum(resolved_on_time) FILTER (WHERE day >= ?), 0)::int AS on_time,
            coalesce(sum(resolved_late) FILTER (WHERE day >= ?), 0)::int AS late,
            coalesce(sum(withdrawn) FILTER (WHERE day >= ?), 0)::int AS withdrawn
       FROM dossier_stats_daily s
      WHERE day <= ?${where.sql}
      GROUP BY 1`,
    [f.from, f.from, f.from, f.from, f.from, f.from, f.from, f.to, ...where.bindings],
  );
  return rollup.rows;
}

/**
 * The dossiers past their appointment date and still in progress at the end of the period (or now,
 * while it runs), per group: appointment date before the report date and not finished at that instant;
 * waiting for a supplement counts as within. (The in-progress total comes from the rollup.)
 */
async function pastDuePart(db: Knex, f: StatsFilter, groupSql: string, now: Date): Promise<{ asOf: LocalDate; rows: { key: string; past: number }[] }> {
  const endOfPeriod = instantAt(addDays(f.to, 1), 0);
  const running = endOfPeriod.getTime() > now.getTime();
  const at = running ? now : endOfPeriod;
  const asOf = running ? localDateOf(now) : f.to;
  const where = filterSql(f, 'd');
  const r = await db.raw(
    `SELECT ${groupSql === `''` ? groupSql : `d.${groupSql}`} AS key, count(*)::int AS past
       FROM dossiers d
      WHERE d.received_at IS NOT NULL AND d.appointment_at IS NOT NULL
        AND onestop_past_due_range(d.appointment_at, d.resolved_at, d.status, d.closed_at) @> tstzrange(?::timestamptz, ?::timestamptz, '[]')
        AND NOT ((? AND d.status IN ('SUPPLEMENT_REQUESTED_IN_PROCESSING', 'AWAITING_FEES'))
                 OR EXISTS (SELECT 1 FROM dossier_supplements ds WHERE ds.dossier_id = d.id AND ds.requested_at < ? AND (ds.submitted_at IS NULL OR ds.submitted_at >= ?))
                 OR (d.process_instance_key IS NOT NULL AND EXISTS (SELECT 1 FROM case_pauses cp WHERE cp.process_instance_key = d.process_instance_key
                                                                     AND cp.paused_at < ? AND (cp.resumed_at IS NULL OR cp.resumed_at >= ?))))${where.sql}
      GROUP BY 1`,
    [instantAt(asOf, 0), at, running, at, at, at, at, ...where.bindings],
  );
  return { asOf, rows: r.rows };
}

/** Received and resolved from the rollup; in progress = received (incl. carried over) - resolved, all past due until told otherwise. */
function fromRollup(c: StatsCounts, r: Omit<RollupRow, 'key'>): void {
  c.received = { online: r.online, direct: r.direct, carriedOver: r.carried, total: r.online + r.direct + r.carried };
  c.resolved = { early: r.early, onTime: r.on_time + r.withdrawn, late: r.late, withdrawn: r.withdrawn, total: r.early + r.on_time + r.late + r.withdrawn };
  const open = c.received.total - c.resolved.total;
  c.inProgress = { total: open, withinDeadline: open, pastDeadline: 0 };
}

function setPast(c: StatsCounts, past: number): void {
  c.inProgress = { total: c.inProgress.total, pastDeadline: past, withinDeadline: c.inProgress.total - past };
}

const isEmpty = (c: StatsCounts) => c.received.total === 0 && c.resolved.total === 0 && c.inProgress.total === 0;

/** The report for one period, grouped by agency, procedure, field or nothing. */
async function periodReport(
  db: Knex,
  f: StatsFilter,
  groupBy: Exclude<StatsGroupBy, 'month'>,
  now: Date,
): Promise<{ asOf: LocalDate; byKey: Map<string, StatsCounts> }> {
  const g = GROUP_SQL[groupBy];
  const [rollup, open] = [await rollupPart(db, f, g), await pastDuePart(db, f, g, now)];
  const byKey = new Map<string, StatsCounts>();
  const get = (k: string) => byKey.get(k) ?? byKey.set(k, zero()).get(k)!;
  for (const r of rollup) fromRollup(get(r.key), r);
  for (const r of open.rows) setPast(get(r.key), r.past);
  for (const [k, c] of byKey) if (isEmpty(c)) byKey.delete(k);
  return { asOf: open.asOf, byKey };
}

/**
 * Month by month: one pass over the rollup grouped by month (carried over of a month = carried over of
 * the one before + its received - its resolved), and the in-progress split at the end of each month.
 */
async function monthlyReport(db: Knex, f: StatsFilter, now: Date): Promise<StatsReport> {
  const slices = monthSlices(f.from, f.to);
  const rollup = await rollupPart(db, f, `to_char(day, 'YYYY-MM')`);
  const byMonth = new Map(rollup.map((r) => [r.key, r]));
  const carriedBefore = rollup.reduce((n, r) => n + r.carried, 0);
  const rows: StatsRow[] = [];
  let carried = carriedBefore;
  for (const m of slices) {
    const r = byMonth.get(m.key) ?? { key: m.key, online: 0, direct: 0, carried: 0, early: 0, on_time: 0, late: 0, withdrawn: 0 };
    const c = zero();
    fromRollup(c, { ...r, carried });
    if (m.from <= localDateOf(now)) setPast(c, (await pastDuePart(db, { ...f, from: m.from, to: m.to }, `''`, now)).rows[0]?.past ?? 0);
    carried = carried + c.received.online + c.received.direct - c.resolved.total;
    rows.push({ key: m.key, label: `${m.key.slice(5, 7)}/${m.key.slice(0, 4)}`, ...c });
  }
  const totals = zero();
  const sum = rollup.reduce(
    (a, r) => ({
      ...a,
      online: a.online + r.online,
      direct: a.direct + r.direct,
      early: a.early + r.early,
      on_time: a.on_time + r.on_time,
      late: a.late + r.late,
      withdrawn: a.withdrawn + r.withdrawn,
    }),
    {
      online: 0,
      direct: 0,
      carried: carriedBefore,
      early: 0,
      on_time: 0,
      late: 0,
      withdrawn: 0,
    },
  );
  fromRollup(totals, sum);
  setPast(totals, rows.at(-1)?.inProgress.pastDeadline ?? 0);
  const endOfPeriod = instantAt(addDays(f.to, 1), 0);
  const asOf = endOfPeriod.getTime() > now.getTime() ? localDateOf(now) : f.to;
  return { from: f.from, to: f.to, groupBy: 'month', asOf, rows, totals };
}

async function labels(db: Knex, groupBy: StatsGroupBy, keys: string[]): Promise<Map<string, string>> {
  if (groupBy === 'agency') {
    const rows = await db('org_units').whereIn('code', keys).select('code', 'name');
    const out = new Map<string, string>(rows.map((r: { code: string; name: string }) => [r.code, r.name]));
    // Agencies only named in the catalogue
    const missing = keys.filter((k) => !out.has(k));
    if (missing.length)
      for (const r of await db('onestop_procedures').whereIn('agency_code', missing).distinct('agency_code', 'agency_name'))
        out.set(r.agency_code, r.agency_name);
    return out;
  }
  if (groupBy === 'procedure') {
    const rows = await db('onestop_procedures').whereIn('code', keys).select('code', 'name');
    return new Map(rows.map((r: { code: string; name: string }) => [r.code, r.name]));
  }
  return new Map(keys.map((k) => [k, k]));
}

/** Months of a period as [from, to] slices ("2026-01" .. ). */
function monthSlices(from: LocalDate, to: LocalDate): { key: string; from: LocalDate; to: LocalDate }[] {
  const out = [];
  let start = from;
  while (start <= to) {
    const [y, m] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
    const end = addDays(next, -1);
    out.push({ key: start.slice(0, 7), from: start, to: end < to ? end : to });
    start = next;
  }
  return out;
}

/**
 * The agencies a report on `agency` covers: a unit with its subtree, or an agency known only from the
 * procedure catalogue on its own; labelled with the unit's name (or the code). Undefined: no such agency.
 */
export async function agencyScope(db: Knex, agency: string): Promise<{ codes: string[]; label: string } | undefined> {
  const unit = await db('org_units').where({ code: agency }).first('name');
  if (!unit && !(await db('onestop_procedures').where({ agency_code: agency }).first('code'))) return undefined;
  return { codes: unit ? await subtreeCodes(db, agency) : [agency], label: unit?.name ?? agency };
}

/** The unit and the units above it. */
async function ancestorCodes(db: Knex, unitCode: string): Promise<string[]> {
  const r = await db.raw(
    `WITH RECURSIVE up AS (SELECT id, code, parent_id FROM org_units WHERE code = ? UNION SELECT o.id, o.code, o.parent_id FROM org_units o JOIN up ON o.id = up.parent_id) SELECT code FROM up`,
    [unitCode],
  );
  return r.rows.map((x: { code: string }) => x.code);
}

/**
 * The agencies whose overdue dossiers an officer sees: an officer of a division works for the agencies
 * above it (their dossiers are the ones it may apologise for), and for the units below it.
 */
export async function officerAgencyCodes(db: Knex, unitCode: string): Promise<string[]> {
  return [...(await ancestorCodes(db, unitCode)), ...(await subtreeCodes(db, unitCode))];
}

/** The statistics of a period, grouped as asked, with the totals row. */
export async function onestopStatistics(db: Knex, f: StatsFilter, groupBy: StatsGroupBy, now: Date = clock.now()): Promise<StatsReport> {
  if (groupBy === 'month') return monthlyReport(db, f, now);
  const { asOf, byKey } = await periodReport(db, f, groupBy, now);
  const names = await labels(db, groupBy, [...byKey.keys()]);
  const rows = [...byKey.entries()]
    .map(([key, c]) => ({ key, label: names.get(key) ?? key, ...c }))
    .sort((a, b) => a.label.localeCompare(b.label, 'vi') || a.key.localeCompare(b.key));
  const totals = zero();
  for (const r of rows) add(totals, r);
  return { from: f.from, to: f.to, groupBy, asOf, rows, totals };
}

export interface OverdueDossier {
  id: string;
  code: string;
  procedureCode: string;
  procedureName: string;
  agencyCode: string;
  status: string;
  receivedAt: Date;
  appointmentAt: Date;
  daysLate: number;
  currentStep: string | null;
  currentUnitCode: string | null;
  currentUnitName: string | null;
  /** Officer holding the open step, if claimed */
  holder: string | null;
  /** When the open step started (how long it has been stuck) */
  stepSince: Date | null;
  apology: { status: string; newDate: string } | null;
}

/**
 * Open dossiers past their appointment date (not resolved, not waiting for the citizen's supplement or fees),
 * most late first, with the step each is stuck at: `current_step` / `current_unit_code` of the dossier,
 * and the open inbox task of its process when there is one. Days late are calendar days.
 */
export async function overdueDossiers(
  db: Knex,
  f: { agencyCodes: string[] | null; procedureCode?: string; limit: number; offset: number },
  now: Date = clock.now(),
): Promise<{ items: OverdueDossier[]; total: number }> {
  const today = localDateOf(now);
  const startOfToday = instantAt(today, 0);
  const base = db('dossiers as d')
    .whereNull('d.resolved_at')
    .whereNull('d.closed_at')
    .whereNotNull('d.received_at')
    .where('d.appointment_at', '<', startOfToday)
    .whereNotIn('d.status', ['SUPPLEMENT_REQUESTED_IN_PROCESSING', 'AWAITING_FEES']);
  if (f.agencyCodes) base.whereIn('d.agency_code', f.agencyCodes);
  if (f.procedureCode) base.where('d.procedure_code', f.procedureCode);
  const [{ n }] = await base.clone().count<{ n: string }[]>({ n: '*' });
  const rows = await base
    .clone()
    .leftJoin('onestop_procedures as p', 'p.code', 'd.procedure_code')
    .leftJoin('dossier_apologies as a', 'a.dossier_id', 'd.id')
    .select(
      'd.id',
      'd.code',
      'd.procedure_code',
      'p.name as procedure_name',
      'd.agency_code',
      'd.status',
      'd.received_at',
      'd.appointment_at',
      'd.current_step',
      'd.current_unit_code',
      'a.status as apology_status',
      db.raw(`to_char(a.new_date, 'YYYY-MM-DD') AS apology_new_date`),
      db.raw(`(?::date - onestop_vn_day(d.appointment_at)) AS days_late`, [today]),
      db.raw(`(SELECT name FROM org_units o WHERE o.code = d.current_unit_code) AS current_unit_name`),
      db.raw(`t.name AS task_name, t.assignee AS task_holder, t.created_at AS task_since, t.candidate_groups AS task_groups`),
    )
    .joinRaw(
      `LEFT JOIN LATERAL (SELECT it.name, it.assignee, it.created_at, it.candidate_groups FROM inbox_tasks it
                           WHERE d.process_instance_key IS NOT NULL AND it.process_instance_key = d.process_instance_key AND it.status IN ('open','completing')
                           ORDER BY it.created_at DESC LIMIT 1) t ON true`,
    )
    .orderBy('d.appointment_at', 'asc')
    .orderBy('d.id', 'asc')
    .limit(f.limit)
    .offset(f.offset);
  return {
    total: Number(n),
    items: rows.map((r: Record<string, any>) => ({
      id: String(r.id),
      code: r.code,
      procedureCode: r.procedure_code,
      procedureName: r.procedure_name ?? r.procedure_code,
      agencyCode: r.agency_code,
      status: r.status,
      receivedAt: r.received_at,
      appointmentAt: r.appointment_at,
      daysLate: Number(r.days_late),
      currentStep: r.current_step ?? r.task_name ?? null,
      currentUnitCode: r.current_unit_code ?? r.task_groups?.[0]?.split('/')[0] ?? null,
      currentUnitName: r.current_unit_name ?? null,
      holder: r.task_holder ?? null,
      stepSince: r.task_since ?? null,
      apology: r.apology_status ? { status: r.apology_status, newDate: r.apology_new_date } : null,
    })),
  };
}

/**
 * Recomputes the daily rollup from `dossiers` in one set-based statement (the same definitions as the
 * trigger): for bulk loads done with the trigger disabled, and to check the rollup
 * (`statsRollupDrift` compares without writing).
 */
const ROLLUP_FROM_DOSSIERS = `
  SELECT day, agency_code, procedure_code, field,
         sum(received_online)::int AS received_online, sum(received_direct)::int AS received_direct,
         sum(resolved_early)::int AS resolved_early, sum(resolved_on_time)::int AS resolved_on_time,
         sum(resolved_late)::int AS resolved_late, sum(withdrawn)::int AS withdrawn
    FROM (
      SELECT onestop_vn_day(received_at) AS day, agency_code, procedure_code, field,
             (channel = 'online')::int AS received_online, (channel <> 'online')::int AS received_direct,
             0 AS resolved_early, 0 AS resolved_on_time, 0 AS resolved_late, 0 AS withdrawn
        FROM dossiers WHERE received_at IS NOT NULL
      UNION ALL
      SELECT onestop_vn_day(onestop_end_at(resolved_at, status, closed_at)), agency_code, procedure_code, field, 0, 0,
             (o = 'early')::int, (o = 'on_time')::int, (o = 'late')::int, (o = 'withdrawn')::int
        FROM (SELECT *, onestop_outcome(resolved_at, appointment_at, status, closed_at) AS o FROM dossiers WHERE received_at IS NOT NULL) x
       WHERE o IS NOT NULL
    ) parts
   GROUP BY 1, 2, 3, 4`;

export async function rebuildStatsRollup(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('LOCK TABLE dossier_stats_daily IN EXCLUSIVE MODE');
    await trx.raw('DELETE FROM dossier_stats_daily');
    await trx.raw(
      `INSERT INTO dossier_stats_daily (day, agency_code, procedure_code, field, received_online, received_direct, resolved_early, resolved_on_time, resolved_late, withdrawn) ${ROLLUP_FROM_DOSSIERS}`,
    );
  });
}

/** Rollup rows that differ from a recomputation (0 = exact). */
export async function statsRollupDrift(db: Knex): Promise<number> {
  const cols = 'received_online, received_direct, resolved_early, resolved_on_time, resolved_late, withdrawn';
  const r = await db.raw(
    `WITH fresh AS (${ROLLUP_FROM_DOSSIERS}),
          kept AS (SELECT day, agency_code, procedure_code, field, ${cols} FROM dossier_stats_daily
                    WHERE received_online <> 0 OR received_direct <> 0 OR resolved_early <> 0 OR resolved_on_time <> 0 OR resolved_late <> 0 OR withdrawn <> 0)
     SELECT count(*)::int AS n FROM ((SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept) UNION ALL (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh)) d`,
  );
  return r.rows[0].n;
}
