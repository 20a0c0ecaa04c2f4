import type { Knex } from 'knex';
import type { Task, TaskStatus } from '../schemas/tasks.js';

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
  const res = await db.raw(
    `INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id,
        process_version, element_id, name, assignee, candidate_groups, candidate_users, due_date, form_key, variables)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?::text[], ?, ?, ?::jsonb)
     ON CONFLICT (job_key) DO UPDATE SET variables = EXCLUDED.variables, updated_at = now()
       WHERE inbox_tasks.status = 'open'
     RETURNING (xmax = 0) AS inserted`,
    [t.jobKey, t.processInstanceKey, t.elementInstanceKey, t.processDefinitionKey, t.bpmnProcessId, t.processVersion, t.elementId,
      t.name, t.assignee, t.candidateGroups, t.candidateUsers, t.dueDate, t.formKey, JSON.stringify(t.variables)],
  );
  return Boolean(res.rows[0]?.inserted);
}

export interface Viewer {
  username: string;
  groups: string[];
}

/** SQL condition: the task is offered to the viewer (assigned, candidate user or candidate group). */
function visibleTo(q: Knex.QueryBuilder, v: Viewer): Knex.QueryBuilder {
  return q.where((w) =>
    w
      .where('t.assignee', v.username)
      .orWhereRaw('t.candidate_users @> ARRAY[?]::text[]', [v.username])
      .orWhereRaw('t.candidate_groups && ?::text[]', [v.groups]),
  );
}

const columns = ['t.*', 'p.name as process_name'];

function baseQuery(db: Knex): Knex.QueryBuilder {
  return db('inbox_tasks as t').leftJoin('process_definitions as p', 'p.process_definition_key', 't.process_definition_key');
}

export interface ListOptions {
  scope: 'mine' | 'available' | 'all';
  state: 'open' | 'done';
  q?: string;
  bpmnProcessId?: string;
  limit: number;
  offset: number;
}

export async function listTasks(db: Knex, viewer: Viewer, o: ListOptions): Promise<{ rows: InboxRow[]; total: number }> {
  const q = baseQuery(db);
  if (o.state === 'done') {
    q.where('t.status', 'completed').andWhere('t.completed_by', viewer.username);
  } else {
    q.whereIn('t.status', ['open', 'completing']);
    if (o.scope === 'mine') q.where('t.assignee', viewer.username);
    else if (o.scope === 'available') visibleTo(q.whereNull('t.assignee'), viewer);
    else visibleTo(q, viewer);
  }
  if (o.bpmnProcessId) q.where('t.bpmn_process_id', o.bpmnProcessId);
  if (o.q) {
    const like = `%${o.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.whereILike('t.name', like).orWhereILike('p.name', like).orWhereILike('t.bpmn_process_id', like));
  }
  const [{ count }] = await q.clone().clearSelect().count<{ count: string }[]>({ count: '*' });
  const rows = await q
    .select(columns)
    .orderBy(o.state === 'done' ? 't.completed_at' : 't.created_at', 'desc')
    .orderBy('t.job_key', 'desc')
    .limit(o.limit)
    .offset(o.offset);
  return { rows, total: Number(count) };
}

export async function getTask(db: Knex | Knex.Transaction, jobKey: string, forUpdate = false): Promise<InboxRow | undefined> {
  const q = baseQuery(db).first(columns).where('t.job_key', jobKey);
  if (forUpdate) q.forUpdate('t');
  return q;
}

export function canSee(row: InboxRow, v: Viewer): boolean {
  return row.assignee === v.username || row.candidate_users.includes(v.username) || row.candidate_groups.some((g) => v.groups.includes(g));
}

export async function setAssignee(db: Knex | Knex.Transaction, jobKey: string, assignee: string | null): Promise<void> {
  await db('inbox_tasks')
    .where({ job_key: jobKey })
    .update({ assignee, claimed_at: assignee ? db.fn.now() : null, updated_at: db.fn.now() });
}

/** Moves an open task to 'completing' with the user's result; false when it was not open any more. */
export async function markCompleting(db: Knex | Knex.Transaction, jobKey: string, username: string, variables: Record<string, unknown>): Promise<boolean> {
  const n = await db('inbox_tasks')
    .where({ job_key: jobKey, status: 'open', assignee: username })
    .update({ status: 'completing', result_variables: JSON.stringify(variables), completed_by: username, updated_at: db.fn.now() });
  return n === 1;
}

export async function setStatus(db: Knex | Knex.Transaction, jobKey: string, status: TaskStatus, from: TaskStatus[]): Promise<boolean> {
  const patch: Record<string, unknown> = { status, updated_at: db.fn.now() };
  if (status === 'completed') patch.completed_at = db.fn.now();
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

export function toTask(row: InboxRow): Task {
  return {
    id: String(row.job_key),
    name: row.name,
    elementId: row.element_id,
    bpmnProcessId: row.bpmn_process_id,
    processName: row.process_name ?? row.bpmn_process_id,
    processVersion: row.process_version,
    processInstanceKey: String(row.process_instance_key),
    assignee: row.assignee,
    candidateGroups: row.candidate_groups,
    candidateUsers: row.candidate_users,
    dueDate: row.due_date ? row.due_date.toISOString() : null,
    formKey: row.form_key,
    status: row.status,
    variables: { ...row.variables, ...(row.result_variables ?? {}) },
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at ? row.completed_at.toISOString() : null,
    completedBy: row.completed_by,
  };
}
