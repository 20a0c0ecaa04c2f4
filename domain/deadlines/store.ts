import type { TimeLimitUnit } from './calendar/index.js';
import type { Knex } from 'knex';
import { writeNotifications } from '../notifications/store.js';
import type { InstanceLinks } from '../../engine/process-binding.js';
import { CALENDAR_STAMP_SQL } from './calendar-store.js';

type Db = Knex | Knex.Transaction;

/** All SQL of step due dates, case appointments and pauses, and the notices they send. */

export interface StepDeadlineRow {
  element_instance_key: string;
  process_instance_key: string;
  process_definition_key: string;
  bpmn_process_id: string;
  element_id: string;
  unit_code: string | null;
  time_limit_days: string;
  started_at: Date;
  due_at: Date;
  remind_at: Date;
}

/** Writes the step's instants once (first delivery wins) and returns what is stored: redeliveries get the same answer. */
export async function putStepDeadline(db: Db, row: Omit<StepDeadlineRow, 'time_limit_days'> & { time_limit_days: number }): Promise<StepDeadlineRow> {
  // One round trip for the first delivery; only a redelivery reads the stored row.
  const [inserted] = await db('step_deadlines').insert(row).onConflict('element_instance_key').ignore().returning('*');
  return inserted ?? db('step_deadlines').where({ element_instance_key: row.element_instance_key }).first();
}

export interface CaseDeadlineRow {
  process_instance_key: string;
  process_definition_key: string;
  bpmn_process_id: string;
  unit_code: string | null;
  time_limit_days: string;
  time_limit_unit: TimeLimitUnit;
  received_at: Date;
  original_appointment_at: Date;
  appointment_at: Date;
  paused_days: string;
  paused_ms: string;
  finished_at: Date | null;
  on_time: boolean | null;
}

export interface CasePauseRow {
  id: string;
  process_instance_key: string;
  reason: string;
  paused_at: Date;
  paused_by: string | null;
  resumed_at: Date | null;
  resumed_by: string | null;
  working_days: string | null;
}

export async function putCaseDeadline(
  db: Db,
  row: Pick<CaseDeadlineRow, 'process_instance_key' | 'process_definition_key' | 'bpmn_process_id' | 'unit_code' | 'received_at' | 'appointment_at'> & {
    time_limit_days: number;
    time_limit_unit?: TimeLimitUnit;
  },
): Promise<CaseDeadlineRow> {
  await db('case_deadlines')
    .insert({ ...row, original_appointment_at: row.appointment_at })
    .onConflict('process_instance_key')
    .ignore();
  return (await getCaseDeadline(db, row.process_instance_key))!;
}

export async function getCaseDeadline(db: Db, processInstanceKey: string, forUpdate = false): Promise<CaseDeadlineRow | undefined> {
  const q = db('case_deadlines').where({ process_instance_key: processInstanceKey }).first();
  if (forUpdate) q.forUpdate();
  return q;
}

export async function listPauses(db: Db, processInstanceKey: string): Promise<CasePauseRow[]> {
  return db('case_pauses').where({ process_instance_key: processInstanceKey }).orderBy('paused_at').orderBy('id');
}

/**
 * What a step's deadline listener reads before it counts, in one statement: the instance's links in
 * hist_process_instances (null while not projected), the calendar's stamp (CALENDAR_STAMP_SQL) and the
 * instance's own pauses as listPauses returns them (the case's when the instance is its root).
 */
export async function stepListenerReads(
  db: Db,
  processInstanceKey: string,
): Promise<{ links: InstanceLinks | null; calendarStamp: string; pauses: CasePauseRow[] }> {
  const r = await db.raw(
    `SELECT
       (SELECT json_build_object('parent_process_instance_key', h.parent_process_instance_key::text,
                                 'root_process_instance_key', h.root_process_instance_key::text)
          FROM hist_process_instances h WHERE h.process_instance_key = ?) AS links,
       ${CALENDAR_STAMP_SQL} AS stamp,
       (SELECT coalesce(json_agg(json_build_object('id', p.id::text, 'process_instance_key', p.process_instance_key::text,
                 'reason', p.reason, 'paused_at', p.paused_at, 'paused_by', p.paused_by, 'resumed_at', p.resumed_at,
                 'resumed_by', p.resumed_by, 'working_days', p.working_days::text) ORDER BY p.paused_at, p.id), '[]'::json)
          FROM case_pauses p WHERE p.process_instance_key = ?) AS pauses`,
    [processInstanceKey, processInstanceKey],
  );
  const row = r.rows[0] as {
    links: InstanceLinks | null;
    stamp: string;
    pauses: (Omit<CasePauseRow, 'paused_at' | 'resumed_at'> & { paused_at: string; resumed_at: string | null })[];
  };
  return {
    links: row.links,
    calendarStamp: row.stamp,
    pauses: row.pauses.map((p) => ({ ...p, paused_at: new Date(p.paused_at), resumed_at: p.resumed_at === null ? null : new Date(p.resumed_at) })),
  };
}

export async function insertPause(db: Db, p: { processInstanceKey: string; reason: string; at: Date; by: string | null }): Promise<CasePauseRow> {
  const [row] = await db('case_pauses')
    .insert({ process_instance_key: p.processInstanceKey, reason: p.reason, paused_at: p.at, paused_by: p.by })
    .returning('*');
  return row;
}

export async function closePause(db: Db, id: string, p: { at: Date; by: string | null; workingDays: number }): Promise<void> {
  await db('case_pauses').where({ id }).update({ resumed_at: p.at, resumed_by: p.by, working_days: p.workingDays });
}

export async function updateCaseDeadline(
  db: Db,
  processInstanceKey: string,
  patch: Partial<Record<'appointment_at' | 'paused_days' | 'paused_ms' | 'finished_at' | 'on_time', unknown>>,
): Promise<void> {
  await db('case_deadlines')
    .where({ process_instance_key: processInstanceKey })
    .update({ ...patch, updated_at: db.raw('eiso_now()') });
}

/** The open (or completing) inbox row of a step run, newest first. */
export async function findOpenStepTask(db: Db, processInstanceKey: string, elementId: string) {
  return db('inbox_tasks')
    .where({ process_instance_key: processInstanceKey, element_id: elementId })
    .whereIn('status', ['open', 'completing'])
    .orderBy('created_at', 'desc')
    .first('job_key', 'element_instance_key', 'name', 'assignee', 'candidate_groups', 'candidate_users', 'due_date', 'reminded_at', 'overdue_at', 'variables');
}

/** Whether a step run started (its deadline was computed) but has no inbox row yet. */
export async function stepWithoutInboxRow(db: Db, processInstanceKey: string, elementId: string): Promise<boolean> {
  const r = await db.raw(
    `SELECT 1 FROM step_deadlines s
      WHERE s.process_instance_key = ? AND s.element_id = ?
        AND NOT EXISTS (SELECT 1 FROM inbox_tasks t WHERE t.element_instance_key = s.element_instance_key)
      LIMIT 1`,
    [processInstanceKey, elementId],
  );
  return r.rows.length > 0;
}

/** Sets reminded_at / overdue_at once; true when this call set it. */
export async function markTask(db: Db, jobKey: string, column: 'reminded_at' | 'overdue_at', at: Date): Promise<boolean> {
  const n = await db('inbox_tasks')
    .where({ job_key: jobKey })
    .whereNull(column)
    .update({ [column]: at, updated_at: db.raw('eiso_now()') });
  return n === 1;
}

/** Active users a task is offered to: its holder, else its candidate users and the members of its candidate groups ("UNIT" or "UNIT/role"). */
export async function taskRecipients(db: Db, t: { assignee: string | null; candidate_groups: string[]; candidate_users: string[] }): Promise<string[]> {
  if (t.assignee) return [t.assignee];
  const out = new Set<string>(t.candidate_users);
  for (const g of t.candidate_groups) {
    const [unit, role] = g.split('/');
    const q = db('users as u').join('org_units as o', 'o.id', 'u.unit_id').where({ 'o.code': unit, 'u.active': true }).select('u.username');
    if (role) q.whereRaw('? = ANY(u.roles)', [role]);
    for (const r of await q) out.add(r.username);
  }
  return [...out].sort();
}

/**
 * Leaders to tell about an overdue step: the active users with role leader in the step's unit, or
 * if it has none (other than the holder) in its parent, and so on up the organisation tree.
 */
export async function leadersAbove(db: Db, unitCode: string, except: string | null): Promise<string[]> {
  const r = await db.raw(
    `WITH RECURSIVE up(id, parent_id, depth) AS (
        SELECT id, parent_id, 0 FROM org_units WHERE code = ?
        UNION ALL
        SELECT o.id, o.parent_id, up.depth + 1 FROM org_units o JOIN up ON o.id = up.parent_id WHERE up.depth < 50
     ), leaders AS (
        SELECT u.username, up.depth FROM up JOIN users u ON u.unit_id = up.id
         WHERE u.active AND 'leader' = ANY(u.roles) AND u.username IS DISTINCT FROM ?
     )
     SELECT username FROM leaders WHERE depth = (SELECT min(depth) FROM leaders) ORDER BY username`,
    [unitCode, except],
  );
  return r.rows.map((x: { username: string }) => x.username);
}

export interface StaffNotice {
  recipient: string;
  kind: 'step_reminder' | 'step_overdue';
  subject: string;
  body: string;
  taskKey: string;
  processInstanceKey: string;
}

/** In-app notifications to officers, announced to open pages on commit (domain/notifications/store.ts writes them). */
export async function insertNotices(db: Db, notices: StaffNotice[]): Promise<void> {
  await writeNotifications(db, notices);
}

/** Whether the user holds an open task of the case (the right to pause or resume its clock). */
export async function holdsTaskOf(db: Db, processInstanceKey: string, username: string): Promise<boolean> {
  const row = await db('inbox_tasks')
    .where({ process_instance_key: processInstanceKey, assignee: username })
    .whereIn('status', ['open', 'completing'])
    .first('job_key');
  return Boolean(row);
}
