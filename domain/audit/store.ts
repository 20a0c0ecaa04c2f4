import type { Knex } from 'knex';
import type { AuditRow } from './chain.js';
import { rootInstanceKey } from '../../engine/process-binding.js';
import { drawnModel } from '../deadlines/drawn-model.js';
import type {
  AuditEntry,
  AuditLogQuery,
  AuditorScope,
  ElementStats,
  RootCase,
  SavedQuery,
  TimelineCalledStep,
  TimelineElement,
  TimelineEvent,
  TimelineReply,
  TimelineVariable,
} from '../../api/schemas/audit.js';

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);
const ms = (a: Date, b: Date | null): number | null => (b ? Math.max(0, b.getTime() - a.getTime()) : null);

export function toAuditEntry(r: AuditRow): AuditEntry {
  return {
    seq: String(r.seq),
    at: r.at.toISOString(),
    actor: r.actor,
    actorRoles: r.actor_roles,
    actorUnit: r.actor_unit,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    reason: r.reason,
    ip: r.ip,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** The audit log, newest first. `actorUnits` limits it to actors of those units (an auditor's scope); null: all. */
export async function listAuditLog(db: Knex, f: AuditLogQuery, actorUnits: string[] | null): Promise<{ rows: AuditRow[]; total: number }> {
  const q = db('audit_log').modify((b) => {
    if (actorUnits) b.whereIn('actor_unit', actorUnits);
    if (f.actor) b.where('actor', f.actor);
    if (f.action) b.where('action', f.action);
    if (f.targetType) b.where('target_type', f.targetType);
    if (f.targetId) b.where('target_id', f.targetId);
    if (f.from) b.where('at', '>=', f.from);
    if (f.to) b.where('at', '<', f.to);
  });
  const [{ count }] = await q.clone().count<{ count: string }[]>({ count: '*' });
  const rows = await q
    .orderBy('seq', 'desc')
    .limit(f.limit ?? 50)
    .offset(f.offset ?? 0)
    .select('*');
  return { rows, total: Number(count) };
}

// ---- auditor scopes ----

export async function listAuditorScopes(db: Knex, username?: string): Promise<AuditorScope[]> {
  const rows = await db('auditor_scopes as s')
    .join('users as u', 'u.id', 's.user_id')
    .join('org_units as o', 'o.id', 's.unit_id')
    .modify((b) => {
      if (username) b.where('u.username', username);
    })
    .orderBy([{ column: 'u.username' }, { column: 'o.code' }])
    .select('u.username', 'o.code', 'o.name', 's.granted_by', 's.granted_at');
  return rows.map((r: Record<string, any>) => ({
    username: r.username,
    unitCode: r.code,
    unitName: r.name,
    grantedBy: r.granted_by,
    grantedAt: r.granted_at.toISOString(),
  }));
}

/** Adds a scope; returns 'no-user' | 'not-auditor' | 'no-unit' | 'exists' | 'added'. */
export async function addAuditorScope(
  db: Knex,
  username: string,
  unitCode: string,
  grantedBy: string,
): Promise<'no-user' | 'not-auditor' | 'no-unit' | 'exists' | 'added'> {
  const user = await db('users').where({ username }).first('id', 'roles');
  if (!user) return 'no-user';
  if (!(user.roles as string[]).includes('auditor')) return 'not-auditor';
  const unit = await db('org_units').where({ code: unitCode }).first('id');
  if (!unit) return 'no-unit';
  const inserted = await db('auditor_scopes')
    .insert({ user_id: user.id, unit_id: unit.id, granted_by: grantedBy })
    .onConflict(['user_id', 'unit_id'])
    .ignore()
    .returning('user_id');
  return inserted.length ? 'added' : 'exists';
}

export async function removeAuditorScope(db: Knex, username: string, unitCode: string): Promise<boolean> {
  const n = await db('auditor_scopes')
    .whereIn('user_id', db('users').where({ username }).select('id'))
    .whereIn('unit_id', db('org_units').where({ code: unitCode }).select('id'))
    .del();
  return n > 0;
}

// ---- saved queries ----

const toSaved = (r: { id: number; name: string; query: Record<string, unknown>; created_at: Date }): SavedQuery => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.created_at.toISOString(),
});

export async function listSavedQueries(db: Knex, userId: number): Promise<SavedQuery[]> {
  return (await db('audit_saved_queries').where({ user_id: userId }).orderBy('name')).map(toSaved);
}

/** Saves (or replaces, by name) one of the user's searches. */
export async function saveQuery(db: Knex, userId: number, name: string, query: Record<string, unknown>): Promise<SavedQuery> {
  const [row] = await db('audit_saved_queries')
    .insert({ user_id: userId, name, query: JSON.stringify(query) })
    .onConflict(['user_id', 'name'])
    .merge({ query: JSON.stringify(query), created_at: db.raw('eiso_now()') })
    .returning('*');
  return toSaved(row);
}

export async function deleteSavedQuery(db: Knex, userId: number, id: number): Promise<boolean> {
  return (await db('audit_saved_queries').where({ user_id: userId, id }).del()) > 0;
}

// ---- case timeline ----

/** SQL: a human step is late when completed after its due date, or still open past it. */
export const TASK_LATE_SQL = (t: string) =>
  `(${t}.due_date IS NOT NULL AND COALESCE(${t}.completed_at, CASE WHEN ${t}.status IN ('open','completing') THEN eiso_now() END) > ${t}.due_date)`;

const CAUGHT_EVENT_KINDS: Record<string, TimelineEvent['kind']> = { SIGNAL: 'signal', ESCALATION: 'escalation', ERROR: 'error' };
const CATCH_EVENT_TYPES = new Set(['BOUNDARY_EVENT', 'INTERMEDIATE_CATCH_EVENT', 'START_EVENT']);

/** Everything the history holds about one case, in order; null when the instance is unknown. */
export async function loadTimeline(db: Knex, key: string): Promise<Omit<TimelineReply, 'units'> | null> {
  const inst = await db('hist_process_instances as p')
    .leftJoin('process_definitions as d', 'd.process_definition_key', 'p.process_definition_key')
    .where('p.process_instance_key', key)
    .first('p.*', 'd.name as process_name', 'd.xml');
  if (!inst) return null;
  // The case's months: its history lies between its start and its end (a day of margin for clock
  // adjustments), so the monthly partitions outside them are pruned (migrations/20261123001400).
  const from = new Date(inst.start_time.getTime() - 86_400_000);
  const until = inst.end_time ? new Date(inst.end_time.getTime() + 86_400_000) : null; // open cases: up to now

  // The processes this case called (call activities, any depth) and the case this one belongs to.
  const called = (
    await db.raw(
      `WITH RECURSIVE c AS (
         SELECT process_instance_key, 1 AS depth FROM hist_process_instances WHERE parent_process_instance_key = ?
         UNION ALL
         SELECT h.process_instance_key, c.depth + 1 FROM hist_process_instances h JOIN c ON h.parent_process_instance_key = c.process_instance_key WHERE c.depth < 16
       ) SELECT process_instance_key::text AS key, depth FROM c`,
      [key],
    )
  ).rows as { key: string; depth: number }[];
  const depthOf = new Map(called.map((c) => [c.key, c.depth]));
  const members = [key, ...called.map((c) => c.key)];
  const rootKey = await rootInstanceKey(db, key);
  const rootCaseQuery: Promise<RootCase | null> =
    rootKey === key
      ? Promise.resolve(null)
      : db('hist_process_instances as p')
          .leftJoin('process_definitions as d', 'd.process_definition_key', 'p.process_definition_key')
          .where('p.process_instance_key', rootKey)
          .first(
            'd.name as process_name',
            db.raw(`(SELECT v.value #>> '{}' FROM hist_variables v WHERE v.scope_key = p.process_instance_key AND v.name = 'maHoSo') AS case_code`),
          )
          .then((r: { process_name: string | null; case_code: string | null } | undefined) => ({
            processInstanceKey: rootKey,
            caseCode: r?.case_code ?? null,
            processName: r?.process_name ?? null,
          }));
  const calledStepsQuery: Promise<Record<string, any>[]> =
    called.length === 0
      ? Promise.resolve([])
      : db('hist_element_instances as e')
          .leftJoin('inbox_tasks as t', 't.element_instance_key', 'e.element_instance_key')
          .leftJoin('process_definitions as d', 'd.process_definition_key', 'e.process_definition_key')
          .whereIn(
            'e.process_instance_key',
            called.map((c) => c.key),
          )
          .where('e.bpmn_element_type', 'USER_TASK')
          .orderBy([{ column: 'e.start_time' }, { column: 'e.start_position' }])
          .select(
            'e.*',
            'd.name as process_name',
            't.job_key as task_key',
            't.assignee',
            't.completed_by',
            't.due_date',
            db.raw(`${TASK_LATE_SQL('t')} AS late`),
          )
          .then((rows) => rows);
  // The reads are independent (the audit entries need the task keys only): they run concurrently on the pool.
  const elementsQuery: Promise<Record<string, any>[]> = db('hist_element_instances as e')
    .leftJoin('inbox_tasks as t', 't.element_instance_key', 'e.element_instance_key')
    .where('e.process_instance_key', key)
    .where('e.start_time', '>=', from)
    .modify((q) => {
      if (until) q.where('e.start_time', '<=', until);
    })
    .orderBy([{ column: 'e.start_time' }, { column: 'e.start_position' }])
    .select('e.*', 't.job_key as task_key', 't.assignee', 't.completed_by', 't.due_date', db.raw(`${TASK_LATE_SQL('t')} AS late`))
    .then((rows) => rows);
  const variablesQuery: Promise<Record<string, any>[]> = db('hist_variable_events')
    .where({ process_instance_key: key })
    .where('ts', '>=', from)
    .modify((q) => {
      if (until) q.where('ts', '<=', until);
    })
    .orderBy([{ column: 'partition_id' }, { column: 'position' }])
    .then((rows) => rows);
  // Timers fired, messages correlated and sequence flows taken: from the raw stream (partial index zeebe_record_case_events_idx).
  const rawQuery = db
    .raw(
      `SELECT value_type, intent, ts, body->'value' AS v FROM zeebe_record
      WHERE (body->'value'->>'processInstanceKey') = ?
        AND ((value_type = 'TIMER' AND intent = 'TRIGGERED') OR (value_type = 'PROCESS_MESSAGE_SUBSCRIPTION' AND intent = 'CORRELATED') OR (value_type = 'PROCESS_INSTANCE' AND intent = 'SEQUENCE_FLOW_TAKEN'))
      ORDER BY partition_id, position`,
      [key],
    )
    .then((res: { rows: unknown[] }) => res);
  const incidentsQuery: Promise<Record<string, any>[]> = db('hist_incidents')
    .where({ process_instance_key: key })
    .orderBy('created_time')
    .then((rows) => rows);
  const caseCodeQuery: Promise<{ value: unknown } | undefined> = db('hist_variables')
    .where({ scope_key: key, name: 'maHoSo' })
    .first('value')
    .then((row) => row);
  // Entries about the case or its tasks come after its start (exports and views by auditors may come
  // years later). Their months first (audit_log_target_months, migrations/20261123007010), then only
  // those monthly partitions of audit_log: a constant range per month, so the planner prunes the
  // others. Runs alongside the other reads (the case's tasks by subquery, not from the elements).
  const about = (w: Knex.QueryBuilder) => {
    w.where({ target_type: 'case', target_id: key }).orWhere((o) =>
      o.where('target_type', 'task').whereIn('target_id', db('inbox_tasks').whereIn('process_instance_key', members).select(db.raw('job_key::text'))),
    );
  };
  const auditQuery: Promise<AuditRow[]> = (async () => {
    const months: string[] = (await db('audit_log_target_months').where(about).distinct(db.raw(`to_char(month, 'YYYY-MM') AS m`))).map(
      (r: { m: string }) => r.m,
    );
    if (months.length === 0) return [];
    return db('audit_log')
      .where('at', '>=', from)
      .where((w) => {
        for (const m of months) {
          const start = new Date(`${m}-01T00:00:00.000Z`);
          const end = new Date(start);
          end.setUTCMonth(end.getUTCMonth() + 1);
          w.orWhere((o) => o.where('at', '>=', start).where('at', '<', end));
        }
      })
      .where(about)
      .orderBy('seq')
      .then((r) => r as AuditRow[]);
  })();
  const [elementRows, variableRows, raw, incidentRows, auditRows, caseCode, rootCase, calledRows] = await Promise.all([
    elementsQuery,
    variablesQuery,
    rawQuery,
    incidentsQuery,
    auditQuery,
    caseCodeQuery,
    rootCaseQuery,
    calledStepsQuery,
  ]);
  const calledSteps: TimelineCalledStep[] = calledRows.map((e) => ({
    processInstanceKey: String(e.process_instance_key),
    bpmnProcessId: e.bpmn_process_id,
    processName: e.process_name ?? null,
    depth: depthOf.get(String(e.process_instance_key)) ?? 1,
    elementId: e.element_id,
    name: e.element_name,
    state: e.state,
    start: e.start_time.toISOString(),
    end: iso(e.end_time),
    taskKey: e.task_key ? String(e.task_key) : null,
    assignee: e.assignee ?? null,
    completedBy: e.completed_by ?? null,
    dueDate: iso(e.due_date),
    late: Boolean(e.late),
  }));

  const elements: TimelineElement[] = elementRows.map((e) => ({
    elementInstanceKey: String(e.element_instance_key),
    elementId: e.element_id,
    name: e.element_name,
    type: e.bpmn_element_type,
    eventType: e.bpmn_event_type,
    state: e.state,
    start: e.start_time.toISOString(),
    end: iso(e.end_time),
    durationMs: ms(e.start_time, e.end_time),
    taskKey: e.task_key ? String(e.task_key) : null,
    assignee: e.assignee ?? null,
    completedBy: e.completed_by ?? null,
    dueDate: iso(e.due_date),
    late: Boolean(e.late),
  }));
  const elementIdOf = new Map(elements.map((e) => [e.elementInstanceKey, e.elementId]));

  const variables: TimelineVariable[] = variableRows.map((v) => ({
    name: v.name,
    intent: v.intent,
    value: v.value,
    at: v.ts.toISOString(),
    scopeKey: String(v.scope_key),
    elementId: String(v.scope_key) === key ? null : (elementIdOf.get(String(v.scope_key)) ?? null),
  }));

  const events: TimelineEvent[] = [];
  const flowsTaken = new Set<string>();
  for (const r of raw.rows as { value_type: string; intent: string; ts: Date; v: Record<string, unknown> }[]) {
    if (r.value_type === 'PROCESS_INSTANCE') {
      flowsTaken.add(String(r.v.elementId));
      continue;
    }
    const elementInstanceKey = r.v.elementInstanceKey !== undefined && r.v.elementInstanceKey !== -1 ? String(r.v.elementInstanceKey) : null;
    events.push({
      kind: r.value_type === 'TIMER' ? 'timer' : 'message',
      at: r.ts.toISOString(),
      elementInstanceKey,
      elementId:
        (r.v.targetElementId as string | undefined) ??
        (r.v.elementId as string | undefined) ??
        (elementInstanceKey ? (elementIdOf.get(elementInstanceKey) ?? null) : null),
      detail:
        r.value_type === 'TIMER'
          ? typeof r.v.dueDate === 'number'
            ? new Date(r.v.dueDate).toISOString()
            : null
          : ((r.v.messageName as string | undefined) ?? null),
    });
  }

  // Signals, escalations and BPMN errors leave no record of their own on the case: the catch events
  // (boundary, intermediate, event sub-process start) that completed say what the case received.
  for (const e of elements) {
    const kind = CAUGHT_EVENT_KINDS[e.eventType ?? ''];
    if (kind && CATCH_EVENT_TYPES.has(e.type) && e.state === 'completed') {
      events.push({ kind, at: e.start, elementInstanceKey: e.elementInstanceKey, elementId: e.elementId, detail: e.name ?? null });
    }
  }
  // In time order; the stream's own order among events of the same millisecond (a stable sort).
  events.sort((a, b) => a.at.localeCompare(b.at));

  const incidents = incidentRows.map((i) => ({
    incidentKey: String(i.incident_key),
    elementId: i.element_id,
    errorType: i.error_type,
    errorMessage: i.error_message,
    state: i.state,
    created: i.created_time.toISOString(),
    resolved: iso(i.resolved_time),
  }));

  const stats = new Map<string, ElementStats>();
  for (const e of elements) {
    if (e.type === 'PROCESS') continue;
    const s = stats.get(e.elementId) ?? { elementId: e.elementId, name: e.name, count: 0, totalMs: 0, late: 0, active: false };
    s.count++;
    s.totalMs += e.durationMs ?? 0;
    if (e.late) s.late++;
    if (e.state === 'active') s.active = true;
    stats.set(e.elementId, s);
  }

  return {
    processInstanceKey: String(inst.process_instance_key),
    bpmnProcessId: inst.bpmn_process_id,
    processName: inst.process_name ?? null,
    version: inst.version,
    state: inst.state,
    start: inst.start_time.toISOString(),
    end: iso(inst.end_time),
    durationMs: ms(inst.start_time, inst.end_time),
    caseCode: caseCode ? String(caseCode.value) : null,
    rootCase,
    elements,
    calledSteps,
    variables,
    events,
    incidents,
    audit: auditRows.map(toAuditEntry),
    elementStats: [...stats.values()],
    flowsTaken: [...flowsTaken],
    xml: inst.xml ?? null,
    drawing: inst.xml ? await drawnModel(String(inst.process_definition_key), inst.xml) : null,
  };
}
