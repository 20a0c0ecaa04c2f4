import { Type, type Static, type TSchema } from 'typebox';
import { ZeebeKey } from './common.js';
import { StepTimeLimit } from './task-extras.js';

function Nullable<T extends TSchema>(t: T) {
  return Type.Union([t, Type.Null()]);
}
const DateTime = Type.String({ format: 'date-time' });

// ---- audit log ----

export const AuditEntry = Type.Object({
  seq: Type.String({ description: 'Position in the hash chain' }),
  at: DateTime,
  actor: Nullable(Type.String()),
  actorRoles: Type.Array(Type.String()),
  actorUnit: Nullable(Type.String()),
  action: Type.String(),
  targetType: Nullable(Type.String()),
  targetId: Nullable(Type.String()),
  before: Type.Unknown(),
  after: Type.Unknown(),
  reason: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  prevHash: Type.String(),
  hash: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditLogQuery = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 100 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  targetType: Type.Optional(Type.String({ maxLength: 50 })),
  targetId: Type.Optional(Type.String({ maxLength: 200 })),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type AuditLogQuery = Static<typeof AuditLogQuery>;

export const AuditLogList = Type.Object({ items: Type.Array(AuditEntry), total: Type.Integer() });
export type AuditLogList = Static<typeof AuditLogList>;

export const ChainProblem = Type.Object({
  seq: Type.String(),
  kind: Type.Union([
    Type.Literal('altered'),
    Type.Literal('inserted'),
    Type.Literal('deleted'),
    Type.Literal('reordered'),
    Type.Literal('duplicated'),
    Type.Literal('rewritten'),
    Type.Literal('checkpoint'),
    Type.Literal('unverifiable'),
  ]),
  detail: Type.String(),
});
export type ChainProblem = Static<typeof ChainProblem>;

export const VerifyReply = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  lastSeq: Nullable(Type.String()),
  headSeq: Type.String(),
  problems: Type.Array(ChainProblem),
  verifiedAt: DateTime,
});
export type VerifyReply = Static<typeof VerifyReply>;

// ---- auditor scopes ----

export const AuditorScope = Type.Object({
  username: Type.String(),
  unitCode: Type.String(),
  unitName: Type.String(),
  grantedBy: Type.String(),
  grantedAt: DateTime,
});
export type AuditorScope = Static<typeof AuditorScope>;
export const AuditorScopeList = Type.Object({ items: Type.Array(AuditorScope) });
export const AuditorScopeBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 100 }),
  unitCode: Type.String({ minLength: 1, maxLength: 50 }),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
});
export type AuditorScopeBody = Static<typeof AuditorScopeBody>;
export const AuditorScopeParams = Type.Object({ username: Type.String({ maxLength: 100 }), unitCode: Type.String({ maxLength: 50 }) });

// ---- case timeline ----

export const TimelineParams = Type.Object({ processInstanceKey: ZeebeKey });

export const TimelineElement = Type.Object({
  elementInstanceKey: ZeebeKey,
  elementId: Type.String(),
  name: Nullable(Type.String()),
  type: Type.String({ description: 'PROCESS, START_EVENT, USER_TASK, EXCLUSIVE_GATEWAY, ...' }),
  eventType: Nullable(Type.String()),
  state: Type.String({ description: 'active | completed | terminated' }),
  start: DateTime,
  end: Nullable(DateTime),
  durationMs: Nullable(Type.Integer()),
  /** For human steps: the inbox task. */
  taskKey: Nullable(ZeebeKey),
  assignee: Nullable(Type.String()),
  completedBy: Nullable(Type.String()),
  dueDate: Nullable(DateTime),
  late: Type.Boolean({ description: 'a human step completed after its due date, or still open past it' }),
});
export type TimelineElement = Static<typeof TimelineElement>;

export const TimelineVariable = Type.Object({
  name: Type.String(),
  intent: Type.String({ description: 'CREATED | UPDATED' }),
  value: Type.Unknown(),
  at: DateTime,
  scopeKey: ZeebeKey,
  /** The element whose scope holds the variable; null for the process scope. */
  elementId: Nullable(Type.String()),
});
export type TimelineVariable = Static<typeof TimelineVariable>;

export const TimelineEvent = Type.Object({
  /** A timer fired, a message correlated; a signal, an escalation or a BPMN error caught by a catch event of the case. */
  kind: Type.Union([Type.Literal('timer'), Type.Literal('message'), Type.Literal('signal'), Type.Literal('escalation'), Type.Literal('error')]),
  at: DateTime,
  elementId: Nullable(Type.String()),
  elementInstanceKey: Nullable(ZeebeKey),
  /** Message name, the timer's due date, or the name of the event that caught the signal, escalation or error. */
  detail: Nullable(Type.String()),
});
export type TimelineEvent = Static<typeof TimelineEvent>;

export const TimelineIncident = Type.Object({
  incidentKey: ZeebeKey,
  elementId: Type.String(),
  errorType: Type.String(),
  errorMessage: Nullable(Type.String()),
  state: Type.String(),
  created: DateTime,
  resolved: Nullable(DateTime),
});

/** A human step of a process called by the case (call activity, at any depth): who did it and when. */
export const TimelineCalledStep = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  processName: Nullable(Type.String()),
  /** 1: called by the case itself, 2: called by a called process, ... */
  depth: Type.Integer(),
  elementId: Type.String(),
  name: Nullable(Type.String()),
  state: Type.String(),
  start: DateTime,
  end: Nullable(DateTime),
  taskKey: Nullable(ZeebeKey),
  assignee: Nullable(Type.String()),
  completedBy: Nullable(Type.String()),
  dueDate: Nullable(DateTime),
  late: Type.Boolean(),
});
export type TimelineCalledStep = Static<typeof TimelineCalledStep>;

/** The root case of a called instance (a case is its root process instance). */
export const RootCase = Type.Object({
  processInstanceKey: ZeebeKey,
  caseCode: Nullable(Type.String()),
  processName: Nullable(Type.String()),
});
export type RootCase = Static<typeof RootCase>;

export const ElementStats = Type.Object({
  elementId: Type.String(),
  name: Nullable(Type.String()),
  count: Type.Integer(),
  totalMs: Type.Integer(),
  late: Type.Integer(),
  active: Type.Boolean(),
});
export type ElementStats = Static<typeof ElementStats>;

export const TimelineReply = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  processName: Nullable(Type.String()),
  version: Type.Integer(),
  state: Type.String(),
  start: DateTime,
  end: Nullable(DateTime),
  durationMs: Nullable(Type.Integer()),
  caseCode: Nullable(Type.String()),
  /** Set when this instance was called by another one: the case it belongs to. */
  rootCase: Nullable(RootCase),
  units: Type.Array(Type.String()),
  elements: Type.Array(TimelineElement),
  /** Human steps of the processes this case called (call activities, any depth), in order. */
  calledSteps: Type.Array(TimelineCalledStep),
  variables: Type.Array(TimelineVariable),
  events: Type.Array(TimelineEvent),
  incidents: Type.Array(TimelineIncident),
  audit: Type.Array(AuditEntry),
  /** Per element id: how often it ran and for how long, for the diagram overlay. */
  elementStats: Type.Array(ElementStats),
  /** Sequence flows taken, for the path on the diagram. */
  flowsTaken: Type.Array(Type.String()),
  /** The deployed model (the case file's quy-trinh.bpmn). */
  xml: Nullable(Type.String()),
  /** The same version as the designer drew it (no reminder and escalation branches), with the steps' time limits: what the page shows. */
  drawing: Nullable(Type.Object({ xml: Type.String(), stepTimeLimits: Type.Array(StepTimeLimit) })),
});
export type TimelineReply = Static<typeof TimelineReply>;

// ---- case search ----

export const CaseStatus = Type.Union([Type.Literal('active'), Type.Literal('completed'), Type.Literal('terminated')]);
export const CaseTiming = Type.Union([Type.Literal('on_time'), Type.Literal('late')]);

const caseFilters = {
  bpmnProcessId: Type.Optional(Type.String({ maxLength: 200 })),
  /** Unit code: cases of that unit and its subtree. */
  unit: Type.Optional(Type.String({ maxLength: 50 })),
  /** Username who completed (or holds) at least one step. */
  officer: Type.Optional(Type.String({ maxLength: 100 })),
  /** Period: cases started in [from, to). */
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  status: Type.Optional(CaseStatus),
  timing: Type.Optional(CaseTiming),
  /** Element id of a step that was late. */
  breachedStep: Type.Optional(Type.String({ maxLength: 200 })),
  /** A process variable, "name=value" (the value compared as text); a name is letters, digits and "_". */
  variable: Type.Optional(Type.String({ maxLength: 400, pattern: '^[\\p{L}_][\\p{L}\\p{N}_]{0,99}=.*$' })),
  /** Free text: case code, instance key, or any process variable's text. */
  q: Type.Optional(Type.String({ maxLength: 200 })),
};

export const CaseSearchQuery = Type.Object({
  ...caseFilters,
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type CaseSearchQuery = Static<typeof CaseSearchQuery>;

export const CaseSummary = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  processName: Nullable(Type.String()),
  version: Type.Integer(),
  state: Type.String(),
  start: DateTime,
  end: Nullable(DateTime),
  caseCode: Nullable(Type.String()),
  startedByUnit: Nullable(Type.String()),
  late: Type.Boolean(),
  breachedSteps: Type.Array(Type.String()),
});
export type CaseSummary = Static<typeof CaseSummary>;

export const CaseSearchReply = Type.Object({
  items: Type.Array(CaseSummary),
  /** Matching cases: exact when totalExact, else PostgreSQL's estimate (more than 10,000 match). */
  total: Type.Integer(),
  totalExact: Type.Boolean(),
});
export type CaseSearchReply = Static<typeof CaseSearchReply>;

export const CaseSampleQuery = Type.Object({
  ...caseFilters,
  size: Type.Integer({ minimum: 1, maximum: 500, description: 'Cases per procedure' }),
  seed: Type.Optional(Type.String({ maxLength: 100, description: 'Same seed and filters: same sample' })),
});
export type CaseSampleQuery = Static<typeof CaseSampleQuery>;

/** A human step of a process the sampled case called (a case is its root process instance), with who did it. */
export const SampleCalledStep = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  processName: Nullable(Type.String()),
  elementId: Type.String(),
  name: Nullable(Type.String()),
  state: Type.String(),
  end: Nullable(DateTime),
  completedBy: Nullable(Type.String()),
  late: Type.Boolean(),
});
export type SampleCalledStep = Static<typeof SampleCalledStep>;
export const CaseSampleItem = Type.Object({ ...CaseSummary.properties, calledSteps: Type.Array(SampleCalledStep) });
export type CaseSampleItem = Static<typeof CaseSampleItem>;
export const CaseSampleReply = Type.Object({ seed: Type.String(), size: Type.Integer(), items: Type.Array(CaseSampleItem) });
export type CaseSampleReply = Static<typeof CaseSampleReply>;

// ---- heat map ----

export const HeatmapQuery = Type.Object({
  bpmnProcessId: Type.String({ minLength: 1, maxLength: 200 }),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  calledFrom: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Only the runs inside cases of this procedure (bpmnProcessId is a process it calls)' }),
  ),
});
export type HeatmapQuery = Static<typeof HeatmapQuery>;

export const HeatmapElement = Type.Object({
  elementId: Type.String(),
  name: Nullable(Type.String()),
  count: Type.Integer(),
  medianMs: Nullable(Type.Number()),
  p90Ms: Nullable(Type.Number()),
  breaches: Type.Integer(),
});
export type HeatmapElement = Static<typeof HeatmapElement>;

export const HeatmapReply = Type.Object({
  bpmnProcessId: Type.String(),
  version: Nullable(Type.Integer()),
  cases: Type.Integer(),
  elements: Type.Array(HeatmapElement),
  xml: Nullable(Type.String()),
  /** the processes this procedure's cases called (call activities, at any depth), each with its own heat map */
  calledProcesses: Type.Array(Type.Object({ bpmnProcessId: Type.String(), processName: Nullable(Type.String()), cases: Type.Integer(), runs: Type.Integer() })),
});
export type HeatmapReply = Static<typeof HeatmapReply>;

// ---- saved queries ----

export const SavedQuery = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  query: Type.Record(Type.String(), Type.Unknown()),
  createdAt: DateTime,
});
export type SavedQuery = Static<typeof SavedQuery>;
export const SavedQueryList = Type.Object({ items: Type.Array(SavedQuery) });
export type SavedQueryList = Static<typeof SavedQueryList>;
export const SavedQueryBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  query: Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 400 }), Type.Number()])),
});
export type SavedQueryBody = Static<typeof SavedQueryBody>;
export const SavedQueryParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

// ---- exports ----

/** The search's filters, without paging: every matching case goes into the workbook. */
export const CaseExportQuery = Type.Object({ ...caseFilters });
export type CaseExportQuery = Static<typeof CaseExportQuery>;

/** A file answer (ZIP, xlsx) in the OpenAPI document. */
export const BinaryFile = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });
