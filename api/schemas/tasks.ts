import { Type, type Static } from 'typebox';
import { ZeebeKey } from './common.js';

export const TaskStatus = Type.Union([
  Type.Literal('open'),
  Type.Literal('completing'),
  Type.Literal('completed'),
  Type.Literal('cancelled'),
]);
export type TaskStatus = Static<typeof TaskStatus>;

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
});
export type Task = Static<typeof Task>;

export const TaskListQuery = Type.Object({
  /** mine: claimed by me; available: unclaimed and offered to me; all: both (default). */
  scope: Type.Optional(Type.Union([Type.Literal('mine'), Type.Literal('available'), Type.Literal('all')])),
  /** open (default, includes completing) or done (completed by me). */
  state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('done')])),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  bpmnProcessId: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type TaskListQuery = Static<typeof TaskListQuery>;

export const TaskList = Type.Object({
  items: Type.Array(Task),
  total: Type.Integer(),
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
