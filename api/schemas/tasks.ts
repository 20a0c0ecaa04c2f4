import { Type, type Static } from 'typebox';
import { ZeebeKey } from './common.js';

export const TaskStatus = Type.Union([Type.Literal('open'), Type.Literal('completing'), Type.Literal('completed'), Type.Literal('cancelled')]);
export type TaskStatus = Static<typeof TaskStatus>;

export const DeadlineState = Type.Union([Type.Literal('on_time'), Type.Literal('near_due'), Type.Literal('overdue')]);
export type DeadlineState = Static<typeof DeadlineState>;

export const TaskUrge = Type.Object({
  by: Type.String(),
  /** full name of the leader who urged */
  byName: Type.String(),
  to: Type.String(),
  message: Type.String(),
  at: Type.String({ format: 'date-time' }),
});
export type TaskUrge = Static<typeof TaskUrge>;

/** The case a task belongs to when its process was called by another one (call activity): the root of the call chain. */
export const TaskRootCase = Type.Object({
  processInstanceKey: ZeebeKey,
  /** The root case's code (its process variable maHoSo), null when it has none */
  caseCode: Type.Union([Type.String(), Type.Null()]),
  /** The root case's procedure */
  processName: Type.Union([Type.String(), Type.Null()]),
});
export type TaskRootCase = Static<typeof TaskRootCase>;

export const Task = Type.Object({
  /** The Zeebe job key of the user task: the task's id everywhere. */
  id: ZeebeKey,
  name: Type.String(),
  elementId: Type.String(),
  bpmnProcessId: Type.String(),
  processName: Type.String(),
  processVersion: Type.Integer(),
  processInstanceKey: ZeebeKey,
  /** Username the task is claimed by / assigned to, or null while unclaimed. */
  assignee: Type.Union([Type.String(), Type.Null()]),
  candidateGroups: Type.Array(Type.String()),
  candidateUsers: Type.Array(Type.String()),
  dueDate: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  formKey: Type.Union([Type.String(), Type.Null()]),
  status: TaskStatus,
  variables: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: 'date-time' }),
  completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  completedBy: Type.Union([Type.String(), Type.Null()]),
  /** on_time, near_due (less than 20% of the allowed time or 4 hours left) or overdue; a finished task is overdue when completed after its due date. */
  deadlineState: DeadlineState,
  /** Open and the holder was urged by a leader or reminded by a deadline timer: the "reminded" bucket. */
  reminded: Type.Boolean(),
  /** The leader who assigned the task to its holder; null when the holder claimed it. */
  assignedBy: Type.Union([Type.String(), Type.Null()]),
  /** Full names of the holder and of the leader who assigned, for display. */
  assigneeName: Type.Union([Type.String(), Type.Null()]),
  assignedByName: Type.Union([Type.String(), Type.Null()]),
  /** The latest urge to the current holder, if any. */
  lastUrge: Type.Union([TaskUrge, Type.Null()]),
  /** Null for a step of a root case; for a step of a called process, the case that called it (a case is its root process instance). */
  rootCase: Type.Union([TaskRootCase, Type.Null()]),
});
export type Task = Static<typeof Task>;

export const TaskBucket = Type.Union([Type.Literal('not_started'), Type.Literal('in_progress'), Type.Literal('finished'), Type.Literal('reminded')]);
export type TaskBucket = Static<typeof TaskBucket>;
export const TaskTiming = Type.Union([Type.Literal('on_time'), Type.Literal('overdue')]);
export type TaskTiming = Static<typeof TaskTiming>;
export const TaskSort = Type.Union([Type.Literal('created'), Type.Literal('due'), Type.Literal('name'), Type.Literal('completed')]);
export type TaskSort = Static<typeof TaskSort>;

/** A day (YYYY-MM-DD, Vietnam's time zone) or an instant. */
const DayOrInstant = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2}))?$', maxLength: 40 });

/** Filters shared by the task list and the bucket counts. */
const TaskFilters = {
  /** personal (default): offered to, held by or done by me; unit (leaders): every task of my unit's subtree. */
  view: Type.Optional(Type.Union([Type.Literal('personal'), Type.Literal('unit')])),
  /** Free text over step name, procedure name and id, case code. */
  q: Type.Optional(Type.String({ maxLength: 200 })),
  /** Procedure (BPMN process id). */
  bpmnProcessId: Type.Optional(Type.String({ maxLength: 200 })),
  /** Unit code: tasks whose candidate groups belong to this unit or below it (inside what the viewer may see). */
  unit: Type.Optional(Type.String({ maxLength: 50 })),
  /** Created on or after (a day counts from 00:00 in Vietnam). */
  createdFrom: Type.Optional(DayOrInstant),
  /** Created on or before (a day counts to its end in Vietnam). */
  createdTo: Type.Optional(DayOrInstant),
  /** Case code: the process variable maHoSo, or the process instance key. */
  caseCode: Type.Optional(Type.String({ maxLength: 100 })),
  /** The finished bucket covers tasks completed within the last 30 days (default), 90 days, 365 days, or all. */
  finishedWithin: Type.Optional(Type.Union([Type.Literal('30d'), Type.Literal('90d'), Type.Literal('365d'), Type.Literal('all')])),
};

export const TaskListQuery = Type.Object({
  /** mine: claimed by me; available: unclaimed and offered to me; all: both (default). Same as bucket in_progress / not_started / none. */
  scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('available'), Type.Literal('all')])),
  /** open (default, includes completing) or done (completed by me): done is bucket finished. */
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])),
  /** not_started, in_progress, finished or reminded; absent: every open task. Wins over scope and state. */
  bucket: Type.Optional(TaskBucket),
  /** on_time or overdue (open: due date passed; finished: completed after the due date). */
  timing: Type.Optional(TaskTiming),
  ...TaskFilters,
  /** created (default; finished: completed), due, name, completed */
  sort: Type.Optional(TaskSort),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type TaskListQuery = Static<typeof TaskListQuery>;

export const TaskCountsQuery = Type.Object(TaskFilters);
export type TaskCountsQuery = Static<typeof TaskCountsQuery>;

export const BucketCount = Type.Object({
  total: Type.Integer(),
  onTime: Type.Integer(),
  overdue: Type.Integer(),
  /** Numbers that are lower bounds: counting stops at 1000 per part ("1000+"); absent when every number is exact. */
  atLeast: Type.Optional(Type.Array(Type.Union([Type.Literal('total'), Type.Literal('onTime'), Type.Literal('overdue')]))),
});
export type BucketCount = Static<typeof BucketCount>;

/** Badge numbers per bucket, under the same filters as the list. */
export const TaskCounts = Type.Object({
  not_started: BucketCount,
  in_progress: BucketCount,
  reminded: BucketCount,
  finished: BucketCount,
});
export type TaskCounts = Static<typeof TaskCounts>;

export const AssignBody = Type.Object({
  /** Username of the officer who will hold the task. */
  assignee: Type.String({ minLength: 1, maxLength: 100 }),
});
export type AssignBody = Static<typeof AssignBody>;

export const ReassignBody = Type.Object({
  taskIds: Type.Array(ZeebeKey, { minItems: 1, maxItems: 200, uniqueItems: true }),
  assignee: Type.String({ minLength: 1, maxLength: 100 }),
});
export type ReassignBody = Static<typeof ReassignBody>;

export const UrgeBody = Type.Object({
  message: Type.String({ minLength: 1, maxLength: 1000 }),
});
export type UrgeBody = Static<typeof UrgeBody>;

export const TaskList = Type.Object({
  items: Type.Array(Task),
  /** Matching tasks; when totalCapped, at least this many (counting stops at 1000, or at the page asked for). */
  total: Type.Integer(),
  totalCapped: Type.Optional(Type.Boolean()),
  /** Finished bucket: start of the period it covers; null when it covers everything. */
  finishedSince: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
});
export type TaskList = Static<typeof TaskList>;

export const TaskParams = Type.Object({ id: ZeebeKey });

export const CompleteBody = Type.Object({
  variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type CompleteBody = Static<typeof CompleteBody>;

export const FormParams = Type.Object({ formKey: Type.String({ maxLength: 200 }) });
export const FormReply = Type.Object({
  formKey: Type.String(),
  /** A @bpmn-io/form-js schema. */
  schema: Type.Record(Type.String(), Type.Unknown()),
});
export type FormReply = Static<typeof FormReply>;

/** A unit of the organisation as the inbox filters and the leader's picker show it. */
export const OrgUnit = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  /** 0 for the root of the list, 1 for its children, … */
  depth: Type.Integer(),
});
export type OrgUnit = Static<typeof OrgUnit>;

export const OrgUnitList = Type.Object({ items: Type.Array(OrgUnit) });
export type OrgUnitList = Static<typeof OrgUnitList>;

export const UnitParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 50 }) });

export const MemberListQuery = Type.Object({
  /** only people holding this role (e.g. officer) */
  role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('designer'), Type.Literal('officer'), Type.Literal('leader'), Type.Literal('auditor')])),
});
export type MemberListQuery = Static<typeof MemberListQuery>;

/** A person a leader may assign work to. */
export const Member = Type.Object({
  username: Type.String(),
  fullName: Type.String(),
  roles: Type.Array(Type.String()),
  unitCode: Type.String(),
  unitName: Type.String(),
});
export type Member = Static<typeof Member>;

export const MemberList = Type.Object({ items: Type.Array(Member) });
export type MemberList = Static<typeof MemberList>;

export const ReassignReply = Type.Object({ items: Type.Array(Task) });
export type ReassignReply = Static<typeof ReassignReply>;
