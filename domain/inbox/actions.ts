import type { Knex } from 'knex';
import type { Role } from '../../api/schemas/auth.js';
import type { TaskUrge } from '../../api/schemas/tasks.js';
import { candidateGroupsOf } from '../org/users.js';
import type { OrgScope } from '../org/units.js';
import { claimIfUnchanged, getTask, getTasksForUpdate, insertUrge, setAssignee, type InboxRow } from './store.js';
import { canSee, inScope, type Viewer } from './visibility.js';
import { publishInboxChange } from './live.js';

/**
 * What people do with a task in the inbox: claim it, give it back, and, for leaders, assign it and urge
 * its holder. Each runs in one transaction with the task rows locked, but a claim, which is one conditional
 * statement. A refusal is returned (nothing was written before it) and the caller answers it; the
 * transaction then ends without a change.
 */

/**
 * A notice to one person about a task, in the shape domain/notifications delivers. The caller passes
 * the delivery in (notifications come after the inbox in the module order); it runs inside the
 * transaction of the change.
 */
export interface TaskNotice {
  recipient: string;
  kind: 'task_assigned' | 'task_urged';
  subject: string;
  body: string;
  taskKey?: string;
  processInstanceKey?: string;
}
export type DeliverNotice = (trx: Knex.Transaction, n: TaskNotice) => Promise<void>;

/** Why a claim or unclaim was refused. not_offered: the task is neither offered to the user nor done by them. */
export type ClaimRefusal =
  { refused: 'not_found' } | { refused: 'not_offered' } | { refused: 'closed' } | { refused: 'held'; by: string } | { refused: 'not_holder' };

/** The task locked, if the user may see it: offered to them or done by them. */
async function lockVisible(trx: Knex.Transaction, jobKey: string, v: Viewer): Promise<InboxRow | ClaimRefusal> {
  const row = await getTask(trx, jobKey, true);
  if (!row) return { refused: 'not_found' };
  if (!canSee(row, v) && row.completed_by !== v.username) return { refused: 'not_offered' };
  return row;
}

/**
 * Takes an open task into the user's hands (nothing changes when they hold it already); returns the task as it is now.
 * No lock is held: the task is read and judged, then one statement claims it only if it is still as judged (open,
 * held by nobody, offered to the same people), reads it back and announces the claim (two statements where a
 * locked transaction took six; bench/results/throughput-profile.md). A claim that lost a race reads again and
 * answers why.
 */
export async function claimTask(db: Knex, jobKey: string, v: Viewer): Promise<ClaimRefusal | { task: InboxRow }> {
  for (let attempt = 0; ; attempt++) {
    const row = await getTask(db, jobKey);
    if (!row) return { refused: 'not_found' };
    if (!canSee(row, v) && row.completed_by !== v.username) return { refused: 'not_offered' };
    if (row.status !== 'open') return { refused: 'closed' };
    if (row.assignee === v.username) return { task: row };
    if (row.assignee) return { refused: 'held', by: row.assignee };
    const claimed = await claimIfUnchanged(db, row, v.username);
    if (claimed) return { task: claimed };
    // changed between the read and the claim: given to someone, closed, or offered anew (and taken back: try again)
    if (attempt === 2) return { refused: 'closed' };
  }
}

/** Gives a task the user holds back to its group; returns the task as it is now. */
export async function unclaimTask(db: Knex, jobKey: string, v: Viewer): Promise<ClaimRefusal | { task: InboxRow }> {
  const refusal = await db.transaction(async (trx): Promise<ClaimRefusal | null> => {
    const row = await lockVisible(trx, jobKey, v);
    if ('refused' in row) return row;
    if (row.status !== 'open') return { refused: 'closed' };
    if (row.assignee !== v.username) return { refused: 'not_holder' };
    await setAssignee(trx, row.job_key, null);
    await publishInboxChange(trx, 'unclaimed', [String(row.job_key)], new Map([[String(row.job_key), v.username]]));
    return null;
  });
  return refusal ?? { task: (await getTask(db, jobKey))! };
}

/** A leader acting on tasks of their unit's subtree. */
export interface Leader {
  username: string;
  fullName: string;
  scope: OrgScope;
}

/** Why an assignment was refused; the task refusals name the first task that failed. */
export type AssignRefusal =
  | { refused: 'no_active_user' }
  | { refused: 'user_outside' }
  | { refused: 'not_handler' }
  | { refused: 'not_found'; id: string }
  | { refused: 'task_outside'; id: string }
  | { refused: 'closed'; id: string }
  | { refused: 'not_offered'; id: string; name: string; candidateGroups: string[] };

/**
 * Hands tasks to one person, all or nothing. The leader must hold every task in their subtree, each
 * must be open, and the person must be active, inside the subtree and offered each task (its unit
 * and role). Refused: nothing changes and nobody is told. Assigned: the person is notified and the
 * tasks are returned as they are now, in the order asked.
 */
export async function assignTasks(
  db: Knex,
  leader: Leader,
  ids: string[],
  username: string,
  deliver: DeliverNotice,
): Promise<AssignRefusal | { tasks: InboxRow[] }> {
  const scope = leader.scope;
  const target = await db('users as u')
    .join('org_units as o', 'o.id', 'u.unit_id')
    .where('u.username', username)
    .first('u.username', 'u.full_name', 'u.roles', 'u.active', 'u.unit_id', 'o.code as unit_code');
  if (!target || !target.active) return { refused: 'no_active_user' };
  if (!scope.unitIds.includes(target.unit_id)) return { refused: 'user_outside' };
  const roles = target.roles as Role[];
  if (!roles.includes('officer') && !roles.includes('leader')) return { refused: 'not_handler' };
  const targetGroups = candidateGroupsOf({ roles, unit: { id: target.unit_id, code: target.unit_code, name: '' } });
  const previous = new Map<string, string | null>();
  const refusal = await db.transaction(async (trx): Promise<AssignRefusal | null> => {
    const rows = await getTasksForUpdate(trx, ids);
    const byId = new Map(rows.map((r) => [String(r.job_key), r]));
    for (const id of ids) {
      const row = byId.get(id);
      if (!row) return { refused: 'not_found', id };
      if (!inScope(row, scope)) return { refused: 'task_outside', id };
      if (row.status !== 'open') return { refused: 'closed', id };
      const offered =
        row.candidate_users.includes(username) ||
        row.candidate_groups.some((g) => targetGroups.includes(g)) ||
        (row.candidate_groups.length === 0 && row.candidate_users.length === 0);
      if (!offered) return { refused: 'not_offered', id, name: row.name, candidateGroups: row.candidate_groups };
      previous.set(id, row.assignee);
    }
    for (const id of ids) await setAssignee(trx, id, username, leader.username);
    const first = byId.get(ids[0])!;
    await deliver(trx, {
      recipient: username,
      kind: 'task_assigned',
      subject: ids.length === 1 ? `Được giao: ${first.name}` : `Được giao ${ids.length} công việc`,
      body: `${leader.fullName} giao cho bạn: ${ids.map((id) => byId.get(id)!.name).join('; ')}`,
      ...(ids.length === 1 ? { taskKey: ids[0], processInstanceKey: String(first.process_instance_key) } : {}),
    });
    await publishInboxChange(trx, 'assigned', ids, previous);
    return null;
  });
  if (refusal) return refusal;
  const fresh = await Promise.all(ids.map((id) => getTask(db, id)));
  return { tasks: fresh.map((r) => r!) };
}

/** Why an urge was refused. */
export type UrgeRefusal = { refused: 'not_found' } | { refused: 'task_outside' } | { refused: 'closed' } | { refused: 'unassigned' };

/**
 * Urges (đôn đốc) the holder of an open task of the leader's subtree: the urge is recorded, the holder
 * notified and open inboxes told, in one transaction. Returns the urge and the task as it is now.
 */
export async function urgeTask(
  db: Knex,
  leader: Leader,
  jobKey: string,
  message: string,
  deliver: DeliverNotice,
): Promise<UrgeRefusal | { urge: TaskUrge; task: InboxRow }> {
  const urge = await db.transaction(async (trx): Promise<UrgeRefusal | TaskUrge> => {
    const row = await getTask(trx, jobKey, true);
    if (!row) return { refused: 'not_found' };
    if (!inScope(row, leader.scope)) return { refused: 'task_outside' };
    if (row.status !== 'open') return { refused: 'closed' };
    if (!row.assignee) return { refused: 'unassigned' };
    const u = await insertUrge(trx, { jobKey: String(row.job_key), by: leader.username, byName: leader.fullName, to: row.assignee, message });
    await deliver(trx, {
      recipient: row.assignee,
      kind: 'task_urged',
      subject: `Đôn đốc: ${row.name}`,
      body: `${leader.fullName}: ${message}`,
      taskKey: String(row.job_key),
      processInstanceKey: String(row.process_instance_key),
    });
    await publishInboxChange(trx, 'urged', [String(row.job_key)]);
    return u;
  });
  if ('refused' in urge) return urge;
  return { urge, task: (await getTask(db, jobKey))! };
}
