import type { OrgScope } from '../org/units.js';
import type { InboxRow } from './store.js';

/** Who may see an inbox task: the people and groups it is offered to, and a leader for the tasks of the unit's subtree. */

export interface Viewer {
  username: string;
  groups: string[];
  /** For leaders: their unit's subtree (the "unit" view and leader actions). */
  scope?: OrgScope;
}

/** Whether the task is offered to the viewer: they hold it, or it is offered to them or to one of their groups. */
export function canSee(row: InboxRow, v: Viewer): boolean {
  return row.assignee === v.username || row.candidate_users.includes(v.username) || row.candidate_groups.some((g) => v.groups.includes(g));
}

/** Whether a task belongs to a subtree: offered to one of its groups or users, or held or done by one of its users. */
export function inScope(row: InboxRow, s: OrgScope): boolean {
  return (
    row.candidate_groups.some((g) => s.groups.includes(g)) ||
    row.candidate_users.some((u) => s.usernames.includes(u)) ||
    (row.assignee !== null && s.usernames.includes(row.assignee)) ||
    (row.completed_by !== null && s.usernames.includes(row.completed_by))
  );
}
