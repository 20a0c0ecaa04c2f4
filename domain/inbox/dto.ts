import type { DeadlineState, Task, TaskUrge } from '../../api/schemas/tasks.js';
import type { InboxRow } from './store.js';
import * as clock from '../../lib/clock.js';

/** An inbox row as the API shows it (api/schemas/tasks.ts Task). */

const HOUR = 3600_000;

/**
 * How the task stands against its due date. near_due: less than 4 hours (half a working day, counted
 * on the clock) or less than 20% of the time it was given is left. A finished task is overdue when it
 * was completed after its due date. No due date: on time.
 */
export function deadlineState(row: Pick<InboxRow, 'due_date' | 'created_at' | 'completed_at' | 'status'>, now = clock.nowMs()): DeadlineState {
  if (!row.due_date) return 'on_time';
  const due = row.due_date.getTime();
  if (row.status === 'completed' || row.status === 'cancelled') return row.completed_at && row.completed_at.getTime() > due ? 'overdue' : 'on_time';
  if (now > due) return 'overdue';
  const left = due - now;
  const given = due - row.created_at.getTime();
  return left < 4 * HOUR || left < 0.2 * given ? 'near_due' : 'on_time';
}

export function toTask(row: InboxRow, urge: TaskUrge | null = null): Task {
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
    deadlineState: deadlineState(row),
    reminded: (row.status === 'open' || row.status === 'completing') && Boolean(row.urged_at || row.reminded_at),
    assignedBy: row.assigned_by ?? null,
    assigneeName: row.assignee_name ?? null,
    assignedByName: row.assigned_by_name ?? null,
    lastUrge: urge,
    rootCase: row.root_case ? { processInstanceKey: row.root_case.key, caseCode: row.root_case.code, processName: row.root_case.name } : null,
  };
}
