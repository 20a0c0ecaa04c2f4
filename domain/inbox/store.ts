import type { Knex } from 'knex';
import { rootInstanceKey } from '../../engine/process-binding.js';
import type { TaskBucket, TaskSort, TaskStatus, TaskTiming, TaskUrge } from '../../api/schemas/tasks.js';
import type { OrgScope } from '../org/units.js';
import type { Viewer } from './visibility.js';
import { inboxChangeNotifySql, type InboxChangeKind } from './live.js';
import * as clock from '../../lib/clock.js';

export interface InboxRow {
  job_key: string;
  process_instance_key: string;
  element_instance_key: string;
  process_definition_key: string;
  bpmn_process_id: string;
  process_version: number;
  element_id: string;
  name: string;
  assignee: string | null;
  candidate_groups: string[];
  candidate_users: string[];
  due_date: Date | null;
  form_key: string | null;
  variables: Record<string, unknown>;
  status: TaskStatus;
  result_variables: Record<string, unknown> | null;
  completed_by: string | null;
  created_at: Date;
  claimed_at: Date | null;
  completed_at: Date | null;
  process_name?: string | null;
  assignee_name?: string | null;
  assigned_by_name?: string | null;
  /** last urge to the current holder (migration 20261123000600_inbox) */
  urged_at?: Date | null;
  assigned_by?: string | null;
  /** set by the deadline reminders when that migration is present */
  reminded_at?: Date | null;
  /** the root case of a task of a called process (ROOT_CASE_SQL) */
  root_case?: { key: string; code: string | null; name: string | null } | null;
}

export interface NewInboxTask {
  jobKey: string;
  processInstanceKey: string;
  elementInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  processVersion: number;
  elementId: string;
  name: string;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: Date | null;
  formKey: string | null;
  variables: Record<string, unknown>;
}

/**
 * Writes the inbox row of a user-task job. Idempotent on the job key: a redelivered job refreshes the
 * variables of a still-open task and never revives a completed or cancelled one.
 * Returns true when the row was created by this call.
 */
export async function upsertInboxTask(db: Knex, t: NewInboxTask): Promise<boolean> {
  // A new row is announced to open inboxes by the same statement (domain/inbox/live.ts).
  const res = await db.raw(
    `WITH t AS (
       INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id,
          process_version, element_id, name, assignee, candidate_groups, candidate_users, due_date, form_key, variables)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?::jsonb)
       ON CONFLICT (job_key) DO UPDATE SET variables = EXCLUDED.variables, updated_at = now()
         WHERE inbox_tasks.status = 'open'
       RETURNING *, (xmax = 0) AS inserted
     ), announced AS (SELECT ? FROM t WHERE t.inserted)
     SELECT t.inserted, (SELECT count(*) FROM announced) AS announced FROM t`,
    [
      t.jobKey,
      t.processInstanceKey,
      t.elementInstanceKey,
      t.processDefinitionKey,
      t.bpmnProcessId,
      t.processVersion,
      t.elementId,
      t.name,
      t.assignee,
      t.candidateGroups,
      t.candidateUsers,
      t.dueDate,
      t.formKey,
      JSON.stringify(t.variables),
      inboxChangeNotifySql(db, 'created'),
    ],
  );
  return Boolean(res.rows[0]?.inserted);
}

/**
 * How notifications name the case of a step: the root case's code (maHoSo, else its key) for a step
 * of a called process (a case is its root process instance), else the step's own maHoSo, else its key.
 */
export async function caseLabelOf(db: Knex, processInstanceKey: string, variables?: Record<string, unknown> | null): Promise<string> {
  const key = String(processInstanceKey);
  const root = await rootInstanceKey(db, key);
  if (root !== key) {
    const code = (await db('hist_variables').where({ scope_key: root, name: 'maHoSo' }).first('value')) as { value: unknown } | undefined;
    return typeof code?.value === 'string' ? code.value : root;
  }
  return typeof variables?.maHoSo === 'string' ? variables.maHoSo : key;
}

/**
 * The root case of a task of a called process (a case is its root process instance): key, code and
 * procedure, from the history the projector recorded from the engine's records
 * (hist_process_instances.root_process_instance_key); null for a task of a root case.
 */
const ROOT_CASE_SQL = `(SELECT jsonb_build_object(
      'key', h.root_process_instance_key::text,
      'code', (SELECT v.value #>> '{}' FROM hist_variables v WHERE v.scope_key = h.root_process_instance_key AND v.name = 'maHoSo'),
      'name', (SELECT d.name FROM hist_process_instances r JOIN process_definitions d ON d.process_definition_key = r.process_definition_key
                WHERE r.process_instance_key = h.root_process_instance_key))
    FROM hist_process_instances h WHERE h.process_instance_key = t.process_instance_key AND h.root_process_instance_key IS NOT NULL) AS root_case`;

const columns = (db: Knex | Knex.Transaction) => [
  't.*',
  'p.name as process_name',
  'ua.full_name as assignee_name',
  'ub.full_name as assigned_by_name',
  db.raw(ROOT_CASE_SQL),
];

/** Tasks with their procedure's name and the names of the people holding and assigning them (unused joins are dropped by the planner). */
function baseQuery(db: Knex, from = 'inbox_tasks as t'): Knex.QueryBuilder {
  return db(from)
    .leftJoin('process_definitions as p', 'p.process_definition_key', 't.process_definition_key')
    .leftJoin('users as ua', 'ua.username', 't.assignee')
    .leftJoin('users as ub', 'ub.username', 't.assigned_by');
}

export type TaskView = 'personal' | 'unit';

/** Filters shared by the list and the counts. Dates are already parsed; unitGroups come from a unit filter. */
export interface TaskFilter {
  view: TaskView;
  q?: string;
  bpmnProcessId?: string;
  unitGroups?: string[];
  createdFrom?: Date;
  createdTo?: Date;
  caseCode?: string;
  /** The finished bucket covers tasks completed within this period (default DEFAULT_FINISHED_PERIOD). */
  finishedWithin?: FinishedPeriod;
}

/** Totals above this are not counted to the end: the list and the badges say "1000+". */
export const COUNT_CAP = 1000;
/**
 * A free-text search's total is counted up to this: each candidate's text must be read, and a search that
 * finds more than 200 tasks is one to narrow ("200+"), not to count (bench: a leader's subtree, 5,000 rows
 * read for 1,000 matches, 60-90 ms).
 */
export const TEXT_COUNT_CAP = 200;

/** How far back the finished bucket reaches; 'all' is the whole history (slow for big subtrees). */
export const FINISHED_PERIODS = ['30d', '90d', '365d', 'all'] as const;
export type FinishedPeriod = (typeof FINISHED_PERIODS)[number];
export const DEFAULT_FINISHED_PERIOD: FinishedPeriod = '30d';
const PERIOD_DAYS: Record<Exclude<FinishedPeriod, 'all'>, number> = { '30d': 30, '90d': 90, '365d': 365 };
const DAY_MS = 86_400_000;

/** Start of the finished period (null: no limit). */
export function finishedSince(period: FinishedPeriod = DEFAULT_FINISHED_PERIOD, now = clock.nowMs()): Date | null {
  return period === 'all' ? null : new Date(now - PERIOD_DAYS[period] * DAY_MS);
}

export interface ListOptions extends TaskFilter {
  /** undefined: every open task of the view */
  bucket?: TaskBucket;
  timing?: TaskTiming;
  sort?: TaskSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Raw SQL with its bindings, to combine into WHERE and FILTER clauses. */
interface Cond {
  sql: string;
  bindings: Knex.RawBinding[];
}
const cond = (sql: string, bindings: Knex.RawBinding[] = []): Cond => ({ sql, bindings });
const and = (...cs: Cond[]): Cond =>
  cond(
    cs.map((c) => `(${c.sql})`).join(' AND '),
    cs.flatMap((c) => c.bindings),
  );

const OPEN_SQL = `t.status IN ('open','completing')`;
const OVERDUE_OPEN = cond('t.due_date < eiso_now()');
const ON_TIME_OPEN = cond('(t.due_date IS NULL OR t.due_date >= eiso_now())');
const OVERDUE_DONE = cond('t.completed_at > t.due_date');
const ON_TIME_DONE = cond('(t.due_date IS NULL OR t.completed_at <= t.due_date)');

/** Vietnamese collation for sorting by name when the server has ICU ("vi-x-icu"); else the database default. */
const viCollation = new WeakMap<object, Promise<string>>();
async function nameCollation(db: Knex): Promise<string> {
  let p = viCollation.get(db);
  if (!p) {
    p = db
      .raw(`SELECT EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'vi-x-icu') AS present`)
      .then((r: { rows: { present: boolean }[] }) => (r.rows[0]?.present ? ' COLLATE "vi-x-icu"' : ''));
    viCollation.set(db, p);
  }
  return p;
}

/**
 * Finished tasks of a subtree completed on or after `since`: the rows of inbox_done_scopes under the
 * subtree's root (alias d; migrations/20261123009000_inbox_done_scopes.ts), one index range newest first.
 */
function subtreeDone(s: OrgScope, since: Date | null): Cond {
  return and(cond('d.unit_code = ?', [s.rootCode]), ...(since ? [cond('d.completed_at >= ?', [since])] : []));
}

/**
 * Where a list or count reads its tasks: t = inbox_tasks itself; d / s = a leader's subtree through the
 * unit-filed copies of finished / open tasks, joined to the tasks only when a filter reads them.
 */
type Source = 't' | 'd' | 's';
const SOURCE_TABLE: Record<Source, string> = { t: 'inbox_tasks AS t', d: 'inbox_done_scopes AS d', s: 'inbox_open_scopes AS s' };
const fromSource = (src: Source, joinTasks: boolean) =>
  src === 't' || !joinTasks ? SOURCE_TABLE[src] : `${SOURCE_TABLE[src]} JOIN inbox_tasks AS t ON t.job_key = ${src}.job_key`;
/** On time / overdue as each source can tell it (the copies keep the flag or the due date). */
function timingCond(src: Source, finished: boolean, overdue: boolean): Cond {
  if (src === 'd') return overdue ? cond('d.late') : cond('NOT d.late');
  if (src === 's') return overdue ? cond('s.due_date < eiso_now()') : cond('(s.due_date IS NULL OR s.due_date >= eiso_now())');
  if (finished) return overdue ? OVERDUE_DONE : ON_TIME_DONE;
  return overdue ? OVERDUE_OPEN : ON_TIME_OPEN;
}

/**
 * Open tasks of a subtree, in one bucket or all, through inbox_open_scopes (alias s; migration
 * 20261123009100): the same tasks as openSet's unit view, filed under the root by a trigger.
 */
function openScopeSet(scope: OrgScope, bucket: OpenBucket | undefined): Cond {
  const unit = cond('s.unit_code = ?', [scope.rootCode]);
  if (bucket === 'not_started') return and(unit, cond('NOT s.held'));
  if (bucket === 'in_progress') return and(unit, cond('s.held'));
  if (bucket === 'reminded') return and(unit, cond('s.flagged'));
  return unit;
}

/** Finished tasks a view covers (completed on or after `since`). */
function doneSet(v: Viewer, view: TaskView, since: Date | null): Cond {
  if (view === 'unit') return v.scope ? subtreeDone(v.scope, since) : cond('false');
  return and(cond(`t.status = 'completed'`), cond('t.completed_by = ?', [v.username]), ...(since ? [cond('t.completed_at >= ?', [since])] : []));
}

type OpenBucket = 'not_started' | 'in_progress' | 'reminded';

/**
 * Open tasks a view covers, in one bucket or all of them. Each bucket is written as the narrowest
 * condition that is equivalent to "visible to the viewer and in the bucket" (a task I hold is visible
 * to me; an unassigned one is not held by anyone), so that the planner can use the small partial
 * indexes (holder, unassigned by due date, reminded) instead of reading every open task of the unit.
 */
function openSet(v: Viewer, view: TaskView, bucket: OpenBucket | undefined): Cond {
  const open = cond(OPEN_SQL);
  const reminded = 't.reminded_at IS NOT NULL';
  if (view === 'unit') {
    const s = v.scope;
    if (!s) return cond('false');
    const [G, U] = [s.groups, s.usernames];
    const offered = cond('t.candidate_groups && ?::text[] OR t.candidate_users && ?::text[]', [G, U]);
    if (bucket === 'not_started') return and(open, cond('t.assignee IS NULL'), offered);
    // Held by someone of the subtree, or held by anyone and offered to the subtree.
    if (bucket === 'in_progress')
      return and(
        open,
        cond('t.assignee = ANY(?::text[]) OR (t.assignee IS NOT NULL AND (t.candidate_groups && ?::text[] OR t.candidate_users && ?::text[]))', [U, G, U]),
      );
    if (bucket === 'reminded') {
      // (urged or reminded) and in the subtree, spelled out so that each part has its partial index.
      return and(
        open,
        cond(
          `(t.urged_at IS NOT NULL AND t.assignee = ANY(?::text[])) OR (${reminded} AND t.assignee = ANY(?::text[]))
           OR ((t.urged_at IS NOT NULL OR ${reminded}) AND (t.candidate_groups && ?::text[] OR t.candidate_users && ?::text[]))`,
          [U, U, G, U],
        ),
      );
    }
    return and(open, cond('t.candidate_groups && ?::text[] OR t.candidate_users && ?::text[] OR t.assignee = ANY(?::text[])', [G, U, U]));
  }
  const me = v.username;
  const offeredToMe = cond('t.candidate_users @> ARRAY[?]::text[] OR t.candidate_groups && ?::text[]', [me, v.groups]);
  if (bucket === 'not_started') return and(open, cond('t.assignee IS NULL'), offeredToMe);
  if (bucket === 'in_progress') return and(open, cond('t.assignee = ?', [me]));
  if (bucket === 'reminded') {
    // An urge is to the holder; a deadline reminder reaches the holder, or the group while nobody holds it.
    return and(
      open,
      cond(
        `(t.urged_at IS NOT NULL AND t.assignee = ?) OR (${reminded} AND t.assignee = ?) OR (${reminded} AND t.assignee IS NULL AND (t.candidate_users @> ARRAY[?]::text[] OR t.candidate_groups && ?::text[]))`,
        [me, me, me, v.groups],
      ),
    );
  }
  return and(open, cond('t.assignee = ? OR t.candidate_users @> ARRAY[?]::text[] OR t.candidate_groups && ?::text[]', [me, me, v.groups]));
}

function filterConds(f: TaskFilter): Cond[] {
  const out: Cond[] = [];
  if (f.bpmnProcessId) out.push(cond('t.bpmn_process_id = ?', [f.bpmnProcessId]));
  if (f.unitGroups) out.push(cond('t.candidate_groups && ?::text[]', [f.unitGroups]));
  if (f.createdFrom) out.push(cond('t.created_at >= ?', [f.createdFrom]));
  if (f.createdTo) out.push(cond('t.created_at <= ?', [f.createdTo]));
  if (f.caseCode) {
    // A case is its root process instance: its code or key also finds the steps of the processes it called.
    const called = (roots: string) =>
      `t.process_instance_key IN (SELECT h.process_instance_key FROM hist_process_instances h WHERE h.root_process_instance_key IN (${roots}))`;
    out.push(
      /^[0-9]{1,19}$/.test(f.caseCode)
        ? cond(`t.variables->>'maHoSo' = ? OR t.process_instance_key = ?::bigint OR ${called('?::bigint')}`, [f.caseCode, f.caseCode, f.caseCode])
        : cond(`t.variables->>'maHoSo' = ? OR ${called(`SELECT r.process_instance_key FROM inbox_tasks r WHERE r.variables->>'maHoSo' = ?`)}`, [
            f.caseCode,
            f.caseCode,
          ]),
    );
  }
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // search_text is lower(name, process id, case code), kept with the row (migration 20261123009200).
    out.push(
      cond(
        `t.search_text LIKE lower(?) OR t.process_definition_key IN (SELECT pd.process_definition_key FROM process_definitions AS pd WHERE pd.name ILIKE ?)`,
        [like, like],
      ),
    );
  }
  return out;
}

const SORT_COLUMN: Record<TaskSort, string> = { created: 't.created_at', due: 't.due_date', name: 't.name', completed: 't.completed_at' };

/** A count that stops at `cap`: exact below it, "at least cap" (capped) at it. */
export interface CappedCount {
  n: number;
  capped: boolean;
}

/** SQL of a count that stops after cap + 1 matching rows (the rows are not all visited when there are more). */
function cappedCountSql(from: string, where: Cond, cap: number): Cond {
  return cond(`SELECT count(*) FROM (SELECT 1 FROM ${from} WHERE ${where.sql} LIMIT ${cap + 1}) AS capped`, where.bindings);
}
const capped = (raw: string | number, cap: number): CappedCount => (Number(raw) > cap ? { n: cap, capped: true } : { n: Number(raw), capped: false });

/** Whether the view is a leader's subtree, read through the unit-filed copies. */
const scopedView = (v: Viewer, view: TaskView) => view === 'unit' && Boolean(v.scope);

export interface TaskPage {
  rows: InboxRow[];
  /** Number of matching tasks; when totalCapped, at least this many (counting stopped there). */
  total: number;
  totalCapped: boolean;
  /** The finished bucket: start of the period it covers (null: everything). */
  finishedSince?: Date | null;
}

export async function listTasks(db: Knex, viewer: Viewer, o: ListOptions): Promise<TaskPage> {
  const finished = o.bucket === 'finished';
  // A leader's lists come from the unit-filed copies: d (finished) or s (open), joined to the tasks. An open
  // list narrowed by procedure, unit, period or case code is read as before, through the tasks' own
  // indexes (the subtree's copies in arrival order would be walked far to find a narrow page).
  const narrowed = filterConds({ ...o, q: undefined }).length > 0;
  const alias: Source = !scopedView(viewer, o.view) ? 't' : finished ? 'd' : narrowed ? 't' : 's';
  const since = finished ? finishedSince(o.finishedWithin) : null;
  const rest = filterConds(o);
  const timing = o.timing ? [timingCond(alias, finished, o.timing === 'overdue')] : [];
  const set =
    alias === 's'
      ? openScopeSet(viewer.scope!, o.bucket as OpenBucket | undefined)
      : finished
        ? doneSet(viewer, o.view, since)
        : openSet(viewer, o.view, o.bucket as OpenBucket | undefined);
  const where = and(set, ...rest, ...timing);
  // The total stops at COUNT_CAP, TEXT_COUNT_CAP for free text (or at the page asked for, when it lies
  // further): exact below, "1000+" / "200+" above.
  const cap = Math.max(o.q ? TEXT_COUNT_CAP : COUNT_CAP, o.offset + o.limit);
  const countQ = cappedCountSql(fromSource(alias, rest.length > 0), where, cap);
  const sort = o.sort ?? (finished ? 'completed' : 'created');
  const order = o.order ?? (sort === 'created' || sort === 'completed' ? 'desc' : 'asc');
  const collate = sort === 'name' ? await nameCollation(db) : '';
  // Creation and completion times are never null: without NULLS LAST the order is the one of the indexes
  // (inbox_done_scopes_unit_at_idx, inbox_open_scopes_created_idx, inbox_tasks_done_by_due_idx), read in
  // order and stopped after the page, instead of sorting every match.
  const orderSql =
    finished && sort === 'completed'
      ? `${alias}.completed_at ${order}`
      : sort === 'created' && alias !== 't'
        ? `${alias}.created_at ${order}`
        : sort === 'due' && alias === 's'
          ? `s.due_date ${order} NULLS LAST`
          : `${SORT_COLUMN[sort]}${collate} ${order} NULLS LAST`;
  const pageQ = db
    .from(db.raw(fromSource(alias, true)))
    .leftJoin('process_definitions as p', 'p.process_definition_key', 't.process_definition_key')
    .leftJoin('users as ua', 'ua.username', 't.assignee')
    .leftJoin('users as ub', 'ub.username', 't.assigned_by')
    .whereRaw(where.sql, where.bindings)
    .select(columns(db))
    .orderByRaw(orderSql)
    .orderBy(`${alias}.job_key`, order)
    .limit(o.limit)
    .offset(o.offset) as Promise<InboxRow[]>;
  const [counted, rows] = await Promise.all([db.raw(countQ.sql, countQ.bindings), pageQ]);
  const total = capped(counted.rows[0].count, cap);
  return { rows, total: total.n, totalCapped: total.capped, ...(finished ? { finishedSince: since } : {}) };
}

export interface BucketTally {
  total: number;
  onTime: number;
  overdue: number;
  /** The numbers that are lower bounds because counting stopped at COUNT_CAP (absent: all exact). */
  atLeast?: ('total' | 'onTime' | 'overdue')[];
}

/**
 * Badge numbers: every bucket with its on-time and overdue split, under the same filters as the list.
 * Each part is counted up to COUNT_CAP: below it the numbers are exact, from it on they are marked as
 * lower bounds (atLeast), so a big unit's badge reads "1000+" instead of costing a count of all its rows.
 */
export async function countTasks(db: Knex, viewer: Viewer, f: TaskFilter): Promise<Record<TaskBucket, BucketTally>> {
  const since = finishedSince(f.finishedWithin);
  const scoped = scopedView(viewer, f.view);
  const filters = filterConds(f);
  // A leader's plain badges count the unit-filed copies (one index range each); filtered ones the tasks.
  const openSrc: Source = scoped && filters.length === 0 ? 's' : 't';
  const doneSrc: Source = scoped ? 'd' : 't';
  const parts: [string, Cond, string][] = [];
  const split = (b: TaskBucket, set: Cond, src: Source, finished: boolean) => {
    const from = fromSource(src, filters.length > 0);
    parts.push([`${b}_on_time`, and(set, timingCond(src, finished, false)), from], [`${b}_overdue`, and(set, timingCond(src, finished, true)), from]);
  };
  for (const b of ['not_started', 'in_progress', 'reminded'] as const) {
    split(b, openSrc === 's' ? openScopeSet(viewer.scope!, b) : and(openSet(viewer, f.view, b), ...filters), openSrc, false);
  }
  split('finished', and(doneSet(viewer, f.view, since), ...filters), doneSrc, true);
  // One statement, one round trip: a capped count per part.
  const subs = parts.map(([name, c, from]) => {
    const q = cappedCountSql(from, c, COUNT_CAP);
    return cond(`(${q.sql}) AS ${name}`, q.bindings);
  });
  const res = await db.raw(
    `SELECT ${subs.map((x) => x.sql).join(', ')}`,
    subs.flatMap((x) => x.bindings),
  );
  const row = res.rows[0] as Record<string, string>;
  const tally = (b: string): BucketTally => {
    const onTime = capped(row[`${b}_on_time`], COUNT_CAP);
    const overdue = capped(row[`${b}_overdue`], COUNT_CAP);
    const atLeast: BucketTally['atLeast'] = [];
    if (onTime.capped || overdue.capped) atLeast.push('total');
    if (onTime.capped) atLeast.push('onTime');
    if (overdue.capped) atLeast.push('overdue');
    return { total: onTime.n + overdue.n, onTime: onTime.n, overdue: overdue.n, ...(atLeast.length ? { atLeast } : {}) };
  };
  return { not_started: tally('not_started'), in_progress: tally('in_progress'), reminded: tally('reminded'), finished: tally('finished') };
}

export async function getTask(db: Knex | Knex.Transaction, jobKey: string, forUpdate = false): Promise<InboxRow | undefined> {
  const q = baseQuery(db).first(columns(db)).where('t.job_key', jobKey);
  if (forUpdate) q.forUpdate('t');
  return q;
}

/** The first row of a task query with getTask's columns, and open inboxes told of its change by the same statement (domain/inbox/live.ts). */
async function firstAnnounced(db: Knex, query: Knex.QueryBuilder, kind: InboxChangeKind): Promise<InboxRow | undefined> {
  const row = await query.first([...columns(db), db.raw('? AS announced', [inboxChangeNotifySql(db, kind)])]);
  if (row) delete (row as { announced?: unknown }).announced; // pg_notify's empty value
  return row;
}

/** The task as getTask reads it, announced. */
export async function getTaskAnnounced(db: Knex, jobKey: string, kind: InboxChangeKind): Promise<InboxRow | undefined> {
  return firstAnnounced(db, baseQuery(db).where('t.job_key', jobKey), kind);
}

/**
 * Runs an update of one task and answers the task as changed, read as getTask reads it, with open
 * inboxes told of the change: one statement (the update, its row with its names, and the NOTIFY).
 * Undefined when the update's conditions matched no row (nothing changed, nothing announced).
 */
async function updateTaskAnnounced(db: Knex, update: Knex.QueryBuilder, kind: InboxChangeKind): Promise<InboxRow | undefined> {
  return firstAnnounced(db, baseQuery(db, 'changed as t').with('changed', update.returning('*')), kind);
}

/**
 * A claim that holds only if the task is still as the claimant saw it: open, held by nobody, offered to
 * the same groups and people. The claimed task, or undefined when it changed meanwhile.
 */
export async function claimIfUnchanged(db: Knex, seen: InboxRow, username: string): Promise<InboxRow | undefined> {
  const update = db('inbox_tasks')
    .where({ job_key: seen.job_key, status: 'open' })
    .whereNull('assignee')
    .whereRaw('candidate_groups = ?::text[] AND candidate_users = ?::text[]', [seen.candidate_groups, seen.candidate_users])
    .update({ assignee: username, claimed_at: db.raw('eiso_now()'), assigned_by: null, urged_at: null, updated_at: db.fn.now() });
  return updateTaskAnnounced(db, update, 'claimed');
}

/** Settles a completion the engine took ('completing' → 'completed') and answers the task as settled, announced. */
export async function settleCompletedAnnounced(db: Knex, jobKey: string): Promise<InboxRow | undefined> {
  const update = db('inbox_tasks').where({ job_key: jobKey, status: 'completing' }).update(completedPatch(db));
  return updateTaskAnnounced(db, update, 'completed');
}

/** Several tasks locked for an all-or-nothing change, in key order (the same order everywhere: no deadlocks). */
export async function getTasksForUpdate(trx: Knex.Transaction, jobKeys: string[]): Promise<InboxRow[]> {
  return baseQuery(trx).select(columns(trx)).whereIn('t.job_key', jobKeys).orderBy('t.job_key').forUpdate('t');
}

/** Claim (assignee = the user), unclaim (null) or assignment by a leader (assignedBy). A new holder starts un-urged. */
export async function setAssignee(db: Knex | Knex.Transaction, jobKey: string, assignee: string | null, assignedBy: string | null = null): Promise<void> {
  await db('inbox_tasks')
    .where({ job_key: jobKey })
    .update({
      assignee,
      claimed_at: assignee ? db.raw('eiso_now()') : null,
      assigned_by: assignee ? assignedBy : null,
      urged_at: null,
      updated_at: db.fn.now(),
    });
}

/** Records an urge to the holder and puts the task in their "reminded" bucket. */
export async function insertUrge(
  db: Knex | Knex.Transaction,
  u: { jobKey: string; by: string; byName: string; to: string; message: string },
): Promise<TaskUrge> {
  const [row] = await db('task_urges').insert({ job_key: u.jobKey, by_user: u.by, to_user: u.to, message: u.message }).returning('created_at');
  await db('inbox_tasks').where({ job_key: u.jobKey }).update({ urged_at: row.created_at, updated_at: db.fn.now() });
  return { by: u.by, byName: u.byName, to: u.to, message: u.message, at: row.created_at.toISOString() };
}

/** The latest urge to the current holder of each task that has one. */
export async function lastUrges(db: Knex | Knex.Transaction, rows: InboxRow[]): Promise<Map<string, TaskUrge>> {
  const urged = rows.filter((r) => r.urged_at && r.assignee);
  const out = new Map<string, TaskUrge>();
  if (urged.length === 0) return out;
  const res = await db.raw(
    `SELECT DISTINCT ON (u.job_key) u.job_key::text AS job_key, u.by_user, coalesce(b.full_name, u.by_user) AS by_name, u.to_user, u.message, u.created_at
     FROM task_urges u JOIN inbox_tasks t ON t.job_key = u.job_key AND t.assignee = u.to_user LEFT JOIN users b ON b.username = u.by_user
     WHERE u.job_key = ANY(?::bigint[]) ORDER BY u.job_key, u.created_at DESC`,
    [urged.map((r) => String(r.job_key))],
  );
  for (const r of res.rows) out.set(r.job_key, { by: r.by_user, byName: r.by_name, to: r.to_user, message: r.message, at: r.created_at.toISOString() });
  return out;
}

/** Moves an open task to 'completing' with the user's result; false when it was not open any more. */
export async function markCompleting(db: Knex | Knex.Transaction, jobKey: string, username: string, variables: Record<string, unknown>): Promise<boolean> {
  const n = await db('inbox_tasks')
    .where({ job_key: jobKey, status: 'open', assignee: username })
    .whereNull('outcome') // not while a send-back of this task is pending
    .update({ status: 'completing', result_variables: JSON.stringify(variables), completed_by: username, updated_at: db.fn.now() });
  return n === 1;
}

const completedPatch = (db: Knex | Knex.Transaction) => ({ status: 'completed', updated_at: db.fn.now(), completed_at: db.raw('eiso_now()') });

export async function setStatus(db: Knex | Knex.Transaction, jobKey: string, status: TaskStatus, from: TaskStatus[]): Promise<boolean> {
  const patch: Record<string, unknown> = status === 'completed' ? completedPatch(db) : { status, updated_at: db.fn.now() };
  const n = await db('inbox_tasks').where({ job_key: jobKey }).whereIn('status', from).update(patch);
  return n === 1;
}

/** Rows stuck in 'completing' (the engine was unreachable or we crashed mid-way), oldest first. */
export async function listCompleting(db: Knex, olderThanMs: number, limit = 100): Promise<InboxRow[]> {
  return db('inbox_tasks as t')
    .select('t.*')
    .where('t.status', 'completing')
    .andWhere('t.updated_at', '<', db.raw(`now() - (? || ' milliseconds')::interval`, [olderThanMs]))
    .orderBy('t.updated_at')
    .limit(limit);
}
