import type { Knex } from 'knex';
import { WorkingCalendar, type CalendarDayEntry, type CalendarSettings, type DayKind, type Occasion } from './calendar/index.js';
import type { CalendarChange, CalendarEntry } from '../../api/schemas/calendar.js';

/** All SQL of the working calendar: entries, settings, the audit trail, and the cached loader. */

export interface Actor {
  id: number;
  username: string;
}

interface DayRow {
  id: number;
  day: string;
  kind: DayKind;
  name: string;
  occasion: Occasion | null;
  unit_id: number | null;
  unit_code: string | null;
  source: string | null;
  updated_at: Date;
}

interface SettingsRow {
  id: number;
  unit_id: number | null;
  unit_code: string | null;
  morning_start: string;
  morning_end: string;
  afternoon_start: string;
  afternoon_end: string;
  cutoff: string | null;
  culture_day: boolean | null;
}

const dayColumns = (db: Knex) => [
  'd.id',
  db.raw(`d.day::text as day`),
  'd.kind',
  'd.name',
  'd.occasion',
  'd.unit_id',
  'o.code as unit_code',
  'd.source',
  'd.updated_at',
];

const toEntry = (r: DayRow): CalendarEntry => ({
  id: r.id,
  date: r.day,
  kind: r.kind,
  name: r.name,
  occasion: r.occasion,
  unitCode: r.unit_code,
  source: r.source,
  updatedAt: r.updated_at.toISOString(),
});

/** Audit image of an entry: what people compare in before/after. */
const auditImage = (e: CalendarEntry) => ({ date: e.date, kind: e.kind, name: e.name, occasion: e.occasion, unitCode: e.unitCode, source: e.source });

const hhmm = (t: string | null) => (t === null ? null : t.slice(0, 5));
const toSettings = (r: SettingsRow): CalendarSettings => ({
  morningStart: hhmm(r.morning_start)!,
  morningEnd: hhmm(r.morning_end)!,
  afternoonStart: hhmm(r.afternoon_start)!,
  afternoonEnd: hhmm(r.afternoon_end)!,
  cutoff: hhmm(r.cutoff),
});

export async function findUnitId(db: Knex, code: string): Promise<number | undefined> {
  const row = await db('org_units').where({ code }).first('id');
  return row?.id;
}

export async function getEntry(db: Knex, id: number, forUpdate = false): Promise<CalendarEntry | undefined> {
  const q = db('calendar_days as d').leftJoin('org_units as o', 'o.id', 'd.unit_id').where('d.id', id).first(dayColumns(db));
  if (forUpdate) q.forUpdate('d');
  const row = (await q) as DayRow | undefined;
  return row && toEntry(row);
}

/** The entry on a date for a unit (null = national), if any. */
export async function findEntry(db: Knex, date: string, unitId: number | null): Promise<CalendarEntry | undefined> {
  const q = db('calendar_days as d').leftJoin('org_units as o', 'o.id', 'd.unit_id').where('d.day', date).first(dayColumns(db));
  if (unitId === null) q.whereNull('d.unit_id');
  else q.where('d.unit_id', unitId);
  const row = (await q) as DayRow | undefined;
  return row && toEntry(row);
}

async function recordChange(
  db: Knex,
  c: {
    actor: Actor;
    action: 'create' | 'update' | 'delete';
    entity: 'day' | 'settings';
    unitId: number | null;
    unitCode: string | null;
    date: string | null;
    before: object | null;
    after: object | null;
    reason: string;
  },
): Promise<void> {
  await db('calendar_changes').insert({
    user_id: c.actor.id,
    username: c.actor.username,
    action: c.action,
    entity: c.entity,
    unit_id: c.unitId,
    unit_code: c.unitCode,
    day: c.date,
    before: c.before === null ? null : JSON.stringify(c.before),
    after: c.after === null ? null : JSON.stringify(c.after),
    reason: c.reason,
  });
}

export interface NewEntry {
  date: string;
  kind: DayKind;
  name: string;
  unitId: number | null;
  unitCode: string | null;
  occasion: Occasion | null;
  source: string | null;
}

/** Inserts an entry and its audit record (call inside a transaction). */
export async function createEntry(trx: Knex, e: NewEntry, actor: Actor, reason: string): Promise<CalendarEntry> {
  const [row] = await trx('calendar_days')
    .insert({ day: e.date, kind: e.kind, name: e.name, unit_id: e.unitId, occasion: e.occasion, source: e.source, created_by: actor.id, updated_by: actor.id })
    .returning('id');
  const created = (await getEntry(trx, row.id))!;
  await recordChange(trx, {
    actor,
    action: 'create',
    entity: 'day',
    unitId: e.unitId,
    unitCode: e.unitCode,
    date: e.date,
    before: null,
    after: auditImage(created),
    reason,
  });
  return created;
}

export async function updateEntry(
  trx: Knex,
  before: CalendarEntry,
  patch: Partial<Pick<CalendarEntry, 'date' | 'kind' | 'name' | 'occasion' | 'source'>>,
  unitId: number | null,
  actor: Actor,
  reason: string,
): Promise<CalendarEntry> {
  await trx('calendar_days')
    .where({ id: before.id })
    .update({
      ...(patch.date !== undefined ? { day: patch.date } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.occasion !== undefined ? { occasion: patch.occasion } : {}),
      ...(patch.source !== undefined ? { source: patch.source } : {}),
      updated_by: actor.id,
      updated_at: trx.raw('eiso_now()'),
    });
  const after = (await getEntry(trx, before.id))!;
  await recordChange(trx, {
    actor,
    action: 'update',
    entity: 'day',
    unitId,
    unitCode: before.unitCode,
    date: after.date,
    before: auditImage(before),
    after: auditImage(after),
    reason,
  });
  return after;
}

export async function deleteEntry(trx: Knex, before: CalendarEntry, unitId: number | null, actor: Actor, reason: string): Promise<void> {
  await trx('calendar_days').where({ id: before.id }).delete();
  await recordChange(trx, {
    actor,
    action: 'delete',
    entity: 'day',
    unitId,
    unitCode: before.unitCode,
    date: before.date,
    before: auditImage(before),
    after: null,
    reason,
  });
}

const settingsQuery = (db: Knex) =>
  db('calendar_settings as s')
    .leftJoin('org_units as o', 'o.id', 's.unit_id')
    .select(
      's.id',
      's.unit_id',
      'o.code as unit_code',
      db.raw('s.morning_start::text'),
      db.raw('s.morning_end::text'),
      db.raw('s.afternoon_start::text'),
      db.raw('s.afternoon_end::text'),
      db.raw('s.cutoff::text'),
      's.culture_day',
    );

/** The unit's own settings row (null = national), as settings plus the national Culture Day flag. */
export async function getOwnSettings(
  db: Knex,
  unitId: number | null,
  forUpdate = false,
): Promise<(CalendarSettings & { cultureDay: boolean | null }) | undefined> {
  const q = settingsQuery(db).first();
  if (unitId === null) q.whereNull('s.unit_id');
  else q.where('s.unit_id', unitId);
  if (forUpdate) q.forUpdate('s');
  const row = (await q) as SettingsRow | undefined;
  return row && { ...toSettings(row), cultureDay: row.culture_day };
}

/** Creates or replaces a unit's (or the national) settings and records the change. */
export async function putSettings(
  trx: Knex,
  target: { unitId: number | null; unitCode: string | null },
  settings: CalendarSettings & { cultureDay?: boolean },
  actor: Actor,
  reason: string,
): Promise<void> {
  const before = await getOwnSettings(trx, target.unitId, true);
  const values = {
    morning_start: settings.morningStart,
    morning_end: settings.morningEnd,
    afternoon_start: settings.afternoonStart,
    afternoon_end: settings.afternoonEnd,
    cutoff: settings.cutoff,
    culture_day: target.unitId === null ? (settings.cultureDay ?? before?.cultureDay ?? true) : null,
    updated_by: actor.id,
    updated_at: trx.raw('eiso_now()'),
  };
  const scope = (q: Knex.QueryBuilder) => (target.unitId === null ? q.whereNull('unit_id') : q.where('unit_id', target.unitId));
  if (before) await scope(trx('calendar_settings')).update(values);
  else await trx('calendar_settings').insert({ ...values, unit_id: target.unitId });
  const after = (await getOwnSettings(trx, target.unitId))!;
  await recordChange(trx, {
    actor,
    action: before ? 'update' : 'create',
    entity: 'settings',
    unitId: target.unitId,
    unitCode: target.unitCode,
    date: null,
    before: before ?? null,
    after,
    reason,
  });
}

/** Removes a unit's own settings (it inherits again); false when it had none. */
export async function deleteUnitSettings(trx: Knex, target: { unitId: number; unitCode: string }, actor: Actor, reason: string): Promise<boolean> {
  const before = await getOwnSettings(trx, target.unitId, true);
  if (!before) return false;
  await trx('calendar_settings').where({ unit_id: target.unitId }).delete();
  await recordChange(trx, {
    actor,
    action: 'delete',
    entity: 'settings',
    unitId: target.unitId,
    unitCode: target.unitCode,
    date: null,
    before,
    after: null,
    reason,
  });
  return true;
}

/* ------------------------------------------------------------------------------------------------
 * Changes as the administrators make them: each runs in one transaction with its audit record (on a
 * refusal or any error nothing changes), and the cached calendars are dropped after commit.
 * --------------------------------------------------------------------------------------------- */

/** Why a change was refused; nothing was written. `date` and `unitCode` name the entry a duplicate collides with, or the unknown unit. */
export class CalendarChangeRefused extends Error {
  constructor(
    readonly reason: 'NO_ENTRY' | 'DUPLICATE' | 'OCCASION_NOT_NATIONAL' | 'UNKNOWN_UNIT' | 'CONCURRENT',
    readonly date: string | null = null,
    readonly unitCode: string | null = null,
  ) {
    super(reason);
    this.name = 'CalendarChangeRefused';
  }
}

/** PostgreSQL unique_violation */
const UNIQUE_VIOLATION = '23505';

/** Runs a change in a transaction; a unique violation (a concurrent twin) becomes `onUnique()`; the cache is dropped after commit. */
async function inChange<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>, onUnique: () => CalendarChangeRefused): Promise<T> {
  try {
    const out = await db.transaction(work);
    invalidateCalendarCache(db);
    return out;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) throw onUnique();
    throw err;
  }
}

/** The unit id of a stored entry's unit (null: national); refused when the unit is unknown. */
async function unitIdOf(db: Knex, unitCode: string | null): Promise<number | null> {
  if (unitCode === null) return null;
  const id = await findUnitId(db, unitCode);
  if (id === undefined) throw new CalendarChangeRefused('UNKNOWN_UNIT', null, unitCode);
  return id;
}

/** Adds a national schedule day or an organisation override; refused when the unit already has an entry on that date. */
export async function addDay(db: Knex, e: NewEntry, actor: Actor, reason: string): Promise<CalendarEntry> {
  const duplicate = () => new CalendarChangeRefused('DUPLICATE', e.date, e.unitCode);
  return inChange(
    db,
    async (trx) => {
      if (await findEntry(trx, e.date, e.unitId)) throw duplicate();
      return createEntry(trx, e, actor, reason);
    },
    duplicate,
  );
}

/** Changes a stored day; refused when it is gone, when a unit's day would get an occasion, or when its new date is taken. */
export async function changeDay(
  db: Knex,
  id: number,
  patch: Partial<Pick<CalendarEntry, 'date' | 'kind' | 'name' | 'occasion' | 'source'>>,
  actor: Actor,
  reason: string,
): Promise<CalendarEntry> {
  const current = await getEntry(db, id);
  if (!current) throw new CalendarChangeRefused('NO_ENTRY');
  const date = patch.date ?? current.date;
  return inChange(
    db,
    async (trx) => {
      const before = await getEntry(trx, id, true);
      if (!before) throw new CalendarChangeRefused('NO_ENTRY');
      const unitId = await unitIdOf(trx, before.unitCode);
      if (unitId !== null && patch.occasion) throw new CalendarChangeRefused('OCCASION_NOT_NATIONAL');
      if (date !== before.date && (await findEntry(trx, date, unitId))) throw new CalendarChangeRefused('DUPLICATE', date, before.unitCode);
      return updateEntry(trx, before, patch, unitId, actor, reason);
    },
    () => new CalendarChangeRefused('DUPLICATE', date, current.unitCode),
  );
}

/** Removes a stored day; returns it as it was. */
export async function removeDay(db: Knex, id: number, actor: Actor, reason: string): Promise<CalendarEntry> {
  if (!(await getEntry(db, id))) throw new CalendarChangeRefused('NO_ENTRY');
  return inChange(
    db,
    async (trx) => {
      const before = await getEntry(trx, id, true);
      if (!before) throw new CalendarChangeRefused('NO_ENTRY');
      await deleteEntry(trx, before, await unitIdOf(trx, before.unitCode), actor, reason);
      return before;
    },
    () => new CalendarChangeRefused('CONCURRENT'),
  );
}

/** Sets the working hours and cut-off of a unit or national (putSettings in its own transaction). */
export async function saveSettings(
  db: Knex,
  target: { unitId: number | null; unitCode: string | null },
  settings: CalendarSettings & { cultureDay?: boolean },
  actor: Actor,
  reason: string,
): Promise<void> {
  await inChange(
    db,
    (trx) => putSettings(trx, target, settings, actor, reason),
    () => new CalendarChangeRefused('CONCURRENT'),
  );
}

/** Removes a unit's own settings so it inherits again; false when it had none. */
export async function removeUnitSettings(db: Knex, target: { unitId: number; unitCode: string }, actor: Actor, reason: string): Promise<boolean> {
  return inChange(
    db,
    (trx) => deleteUnitSettings(trx, target, actor, reason),
    () => new CalendarChangeRefused('CONCURRENT'),
  );
}

export async function listChanges(
  db: Knex,
  f: { unitId?: number | null; year?: number; limit: number; offset: number },
): Promise<{ items: CalendarChange[]; total: number }> {
  const base = db('calendar_changes as c');
  if (f.unitId === null) base.whereNull('c.unit_id');
  else if (f.unitId !== undefined) base.where('c.unit_id', f.unitId);
  if (f.year !== undefined) base.whereRaw('EXTRACT(YEAR FROM c.day) = ?', [f.year]);
  const [{ total }] = await base.clone().count<{ total: string }[]>('* as total');
  const rows = await base
    .clone()
    .orderBy([
      { column: 'c.changed_at', order: 'desc' },
      { column: 'c.id', order: 'desc' },
    ])
    .limit(f.limit)
    .offset(f.offset)
    .select('c.id', 'c.changed_at', 'c.username', 'c.action', 'c.entity', 'c.unit_code', db.raw('c.day::text as day'), 'c.before', 'c.after', 'c.reason');
  return {
    total: Number(total),
    items: rows.map((r) => ({
      id: String(r.id),
      changedAt: (r.changed_at as Date).toISOString(),
      username: r.username,
      action: r.action,
      entity: r.entity,
      unitCode: r.unit_code,
      date: r.day,
      before: r.before,
      after: r.after,
      reason: r.reason,
    })),
  };
}

/* ------------------------------------------------------------------------------------------------
 * Loader with cache. A calendar is rebuilt when the audit trail or the organisation tree has grown
 * since it was built (so other processes' changes are seen too), when it is older than MAX_AGE_MS,
 * or after invalidateCalendarCache (called after each committed change above).
 * --------------------------------------------------------------------------------------------- */

const MAX_AGE_MS = 60_000;
const cache = new WeakMap<Knex, { stamp: string; builtAt: number; calendar: WorkingCalendar }>();

export function invalidateCalendarCache(db: Knex): void {
  cache.delete(db);
}

/**
 * What tells whether a cached calendar is stale, as an SQL expression: the last calendar change and the
 * organisation's units (count and last id). A worker that reads other things at the same moment puts it
 * into its own statement and hands the result to loadCalendar.
 */
export const CALENDAR_STAMP_SQL = `(SELECT coalesce(max(id), 0) FROM calendar_changes)::text || ':' || (SELECT count(*) || '/' || coalesce(max(id), 0) FROM org_units)`;

async function stampOf(db: Knex): Promise<string> {
  const r = await db.raw(`SELECT ${CALENDAR_STAMP_SQL} AS stamp`);
  return r.rows[0].stamp as string;
}

async function buildCalendar(db: Knex): Promise<WorkingCalendar> {
  const units = await db('org_units as u').leftJoin('org_units as p', 'p.id', 'u.parent_id').select('u.code', 'p.code as parent');
  const rows = (await db('calendar_days as d').leftJoin('org_units as o', 'o.id', 'd.unit_id').select(dayColumns(db))) as DayRow[];
  const days: CalendarDayEntry[] = rows.map((r) => ({
    id: r.id,
    date: r.day,
    kind: r.kind,
    name: r.name,
    unit: r.unit_code,
    occasion: r.occasion,
    source: r.source,
  }));
  const settingsRows = (await settingsQuery(db)) as SettingsRow[];
  const national = settingsRows.find((r) => r.unit_id === null);
  const unitSettings: Record<string, CalendarSettings> = {};
  for (const r of settingsRows) if (r.unit_code) unitSettings[r.unit_code] = toSettings(r);
  return WorkingCalendar.create({
    units: units.map((u) => ({ code: u.code, parent: u.parent ?? null })),
    days,
    settings: national ? toSettings(national) : undefined,
    cultureDay: national?.culture_day ?? true,
    unitSettings,
  });
}

/**
 * The working calendar from the database, seen from `unitCode` (its overrides, its ancestors',
 * its settings) or national when omitted. Throws CalendarError UNKNOWN_UNIT for an unknown code.
 * `stampRead`: CALENDAR_STAMP_SQL as the caller just read it (otherwise read here).
 */
export async function loadCalendar(db: Knex, unitCode?: string | null, stampRead?: string): Promise<WorkingCalendar> {
  const stamp = stampRead ?? (await stampOf(db));
  let hit = cache.get(db);
  if (!hit || hit.stamp !== stamp || Date.now() - hit.builtAt > MAX_AGE_MS) {
    hit = { stamp, builtAt: Date.now(), calendar: await buildCalendar(db) };
    cache.set(db, hit);
  }
  return hit.calendar.forUnit(unitCode ?? null);
}
