import { Type, type Static } from 'typebox';
import { ErrorBody, ZeebeKey } from './common.js';
import { LintIssue } from './processes.js';

/**
 * HTTP contract of /api/procedures: procedures (quy trình), their one autosaved draft, their
 * published and retired versions, validation, publishing and the ISO procedure sheet.
 *
 *   GET    /api/procedures                                   list                      (every role)
 *   POST   /api/procedures                                   create (blank or import)  (designer, admin) 201
 *   GET    /api/procedures/worker-types                      ready-made automated steps (every role)
 *   GET    /api/procedures/:id                               procedure + draft + versions + events
 *   PATCH  /api/procedures/:id                               name, code, purpose, scope, legal basis (designer, admin)
 *   PUT    /api/procedures/:id/draft                         autosave; 409 REVISION_CONFLICT when `revision` is stale
 *   POST   /api/procedures/:id/validate                      lint the draft (or a given xml) without deploying
 *   POST   /api/procedures/:id/simulate                      "what if" of the draft (or a given xml) on the working
 *                                                            calendar from a chosen receipt (designer, admin)
 *   POST   /api/procedures/:id/publish                       validate + deploy the draft → 201 new version;
 *                                                            400 BPMN_INVALID (+elements), 409 DRAFT_UNCHANGED
 *   POST   /api/procedures/:id/versions/:version/retire      no new instances on that version; 409 if already retired
 *   GET    /api/procedures/:id/versions/:version/xml         deployed XML + forms (for the visual diff)
 *   GET    /api/procedures/:id/versions/:version/sheet       ISO procedure sheet as JSON
 *   GET    /api/procedures/:id/versions/:version/sheet.pdf   the same as a PDF (application/pdf)
 *
 * `:id` is the BPMN process id; `:version` is the Zeebe version number.
 */

/** BPMN process id: an XML NCName, which is what Zeebe accepts as bpmnProcessId. */
export const BpmnProcessId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' });

/** form-js schemas keyed by form id (used as formKey "app:<id>"). */
export const FormSchemas = Type.Record(Type.String({ minLength: 1, maxLength: 200 }), Type.Record(Type.String(), Type.Unknown()));
export type FormSchemas = Static<typeof FormSchemas>;

export const BpmnXml = Type.String({
  minLength: 1,
  maxLength: 4_000_000,
  description: 'BPMN 2.0 XML; files over 2 MB (MAX_BPMN_BYTES, in UTF-8 bytes) are refused with 400 BPMN_TOO_LARGE',
});

export const VersionState = Type.Union([Type.Literal('published'), Type.Literal('retired')]);
export type VersionState = Static<typeof VersionState>;

export const ProcedureVersion = Type.Object({
  /** Zeebe version of the process id. */
  version: Type.Integer(),
  processDefinitionKey: ZeebeKey,
  state: VersionState,
  publishedBy: Type.Union([Type.String(), Type.Null()]),
  publishedAt: Type.String({ format: 'date-time' }),
  retiredBy: Type.Union([Type.String(), Type.Null()]),
  retiredAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  /** Instances of this version still running (from the history projection). */
  runningInstances: Type.Integer(),
  /** sha256 of the deployed XML. */
  checksum: Type.String(),
});
export type ProcedureVersion = Static<typeof ProcedureVersion>;

export const ProcedureDraft = Type.Object({
  xml: Type.String(),
  forms: FormSchemas,
  /** Optimistic concurrency: send it back with PUT draft; it grows by one on every save. */
  revision: Type.Integer(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
  /** False when the draft's XML is the one of the latest version (publishing would be refused). */
  changedSincePublish: Type.Boolean(),
});
export type ProcedureDraft = Static<typeof ProcedureDraft>;

/** The descriptive part of a procedure that the ISO sheet prints (sections 1-3). */
export const ProcedureInfo = Type.Object({
  /** Vietnamese name, e.g. "Đăng ký biến động quyền sử dụng đất". */
  name: Type.String({ minLength: 1, maxLength: 300 }),
  /** Document code, e.g. "QT-DD-01". */
  code: Type.String({ maxLength: 50 }),
  /** 1. Mục đích */
  purpose: Type.String({ maxLength: 5000 }),
  /** 2. Phạm vi áp dụng */
  scope: Type.String({ maxLength: 5000 }),
  /** 3. Căn cứ pháp lý: one document per line. */
  legalBasis: Type.String({ maxLength: 10000 }),
});
export type ProcedureInfo = Static<typeof ProcedureInfo>;

export const ProcedureSummary = Type.Object({
  bpmnProcessId: Type.String(),
  name: Type.String(),
  code: Type.String(),
  draftRevision: Type.Integer(),
  draftUpdatedAt: Type.String({ format: 'date-time' }),
  /** Highest version, published or retired; null before the first publish. */
  latestVersion: Type.Union([Type.Integer(), Type.Null()]),
  latestVersionState: Type.Union([VersionState, Type.Null()]),
  publishedVersions: Type.Integer(),
  /** Running instances over all versions. */
  runningInstances: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  /** File under processes/ the platform ships it as; null for a procedure drawn by a designer. */
  bundledFile: Type.Union([Type.String(), Type.Null()]),
  /** What starts it: a one-stop catalogue entry, an ISO register, or nothing (started directly). */
  kind: Type.Union([Type.Literal('onestop'), Type.Literal('iso'), Type.Null()]),
  /** A newer release of the bundled file waits for the designer's review. */
  bundledOfferPending: Type.Boolean(),
});
export type ProcedureSummary = Static<typeof ProcedureSummary>;

export const ProcedureList = Type.Object({ items: Type.Array(ProcedureSummary) });
export type ProcedureList = Static<typeof ProcedureList>;

export const ProcedureEventKind = Type.Union([
  Type.Literal('created'),
  Type.Literal('imported'),
  Type.Literal('info-updated'),
  Type.Literal('published'),
  Type.Literal('retired'),
  Type.Literal('bundled-offered'),
  Type.Literal('bundled-accepted'),
  Type.Literal('bundled-dismissed'),
]);
export type ProcedureEventKind = Static<typeof ProcedureEventKind>;

/** Who did what and when (create, import, publish = deploy, retire, info changes). */
export const ProcedureEvent = Type.Object({
  kind: ProcedureEventKind,
  version: Type.Union([Type.Integer(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type ProcedureEvent = Static<typeof ProcedureEvent>;

export const Procedure = Type.Object({
  bpmnProcessId: Type.String(),
  ...ProcedureInfo.properties,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  draft: ProcedureDraft,
  /** Newest first. */
  versions: Type.Array(ProcedureVersion),
  /** Newest first (the last 100). */
  events: Type.Array(ProcedureEvent),
  /** File under processes/ the platform ships it as; null for a procedure drawn by a designer. */
  bundledFile: Type.Union([Type.String(), Type.Null()]),
  /**
   * A newer release of the bundled file that was not published because the designer had published a
   * version of their own: it waits to be loaded into the draft (and reviewed, diffed, published) or dismissed.
   */
  bundledOffer: Type.Union([
    Type.Object({
      id: Type.Integer(),
      checksum: Type.String(),
      offeredAt: Type.String({ format: 'date-time' }),
      xml: Type.String(),
    }),
    Type.Null(),
  ]),
  /** One-stop catalogue entries started with this procedure (their codes). */
  catalogueCodes: Type.Array(Type.String()),
});
export type Procedure = Static<typeof Procedure>;

export const BundledOfferParams = Type.Object({ id: BpmnProcessId, offer: Type.Integer({ minimum: 1, maximum: 2147483647 }) });
export type BundledOfferParams = Static<typeof BundledOfferParams>;

/**
 * Create a procedure. Without `xml`: a blank executable template (start → end) with the given id
 * and name. With `xml` (an uploaded BPMN 2.0 file): it becomes the draft; the id and name default
 * to the file's first process (executable first). A given id that names none of the file's processes
 * renames that first process (the file is then re-serialized).
 */
export const CreateProcedureBody = Type.Object({
  bpmnProcessId: Type.Optional(BpmnProcessId),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  code: Type.Optional(Type.String({ maxLength: 50 })),
  purpose: Type.Optional(Type.String({ maxLength: 5000 })),
  scope: Type.Optional(Type.String({ maxLength: 5000 })),
  legalBasis: Type.Optional(Type.String({ maxLength: 10000 })),
  xml: Type.Optional(BpmnXml),
  /** Original file name of an import, recorded in the event. */
  fileName: Type.Optional(Type.String({ maxLength: 300 })),
  forms: Type.Optional(FormSchemas),
});
export type CreateProcedureBody = Static<typeof CreateProcedureBody>;

export const UpdateProcedureBody = Type.Partial(ProcedureInfo, { minProperties: 1 });
export type UpdateProcedureBody = Static<typeof UpdateProcedureBody>;

/** Autosave. `revision` is the draft revision the client last loaded or saved. */
export const SaveDraftBody = Type.Object({
  revision: Type.Integer({ minimum: 0 }),
  xml: BpmnXml,
  forms: Type.Optional(FormSchemas),
});
export type SaveDraftBody = Static<typeof SaveDraftBody>;

/** 409 of PUT draft: someone else saved first; reload revision `currentRevision` and merge. */
export const DraftConflict = Type.Object({
  ...ErrorBody.properties,
  currentRevision: Type.Integer(),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type DraftConflict = Static<typeof DraftConflict>;

/** Validate the stored draft, or the given (unsaved) xml. */
export const ValidateBody = Type.Object({
  xml: Type.Optional(BpmnXml),
});
export type ValidateBody = Static<typeof ValidateBody>;

export const ValidationReport = Type.Object({
  ok: Type.Boolean(),
  errors: Type.Array(LintIssue),
  warnings: Type.Array(LintIssue),
});
export type ValidationReport = Static<typeof ValidationReport>;

/** Publish the stored draft; with `revision`, only if the draft is still at that revision (else 409). */
/** The law change a version is published for (issue 20): the document, the day it applies, how running dossiers' due dates follow. */
export const LegalChange = Type.Object(
  {
    legalDocumentId: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    changeDate: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10, description: 'YYYY-MM-DD, Vietnam date' }),
    dueDatePolicy: Type.Union([Type.Literal('from-change-date'), Type.Literal('received-after')]),
  },
  { additionalProperties: false },
);
export type LegalChange = Static<typeof LegalChange>;

export const PublishBody = Type.Object({
  revision: Type.Optional(Type.Integer({ minimum: 0 })),
  legalChange: Type.Optional(LegalChange),
});
export type PublishBody = Static<typeof PublishBody>;

export const PublishReply = Type.Object({
  ...ProcedureVersion.properties,
  deploymentKey: ZeebeKey,
  warnings: Type.Array(LintIssue),
});
export type PublishReply = Static<typeof PublishReply>;

export const ProcedureParams = Type.Object({ id: BpmnProcessId });
export const VersionParams = Type.Object({ id: BpmnProcessId, version: Type.Integer({ minimum: 1 }) });

export const VersionXml = Type.Object({
  bpmnProcessId: Type.String(),
  version: Type.Integer(),
  xml: Type.String(),
  forms: FormSchemas,
});
export type VersionXml = Static<typeof VersionXml>;

/** A ready-made automated step the modeler offers (a job type the platform has a worker for). */
export const WorkerType = Type.Object({
  jobType: Type.String(),
  name: Type.String({ description: 'Vietnamese' }),
  nameEn: Type.String(),
  description: Type.String(),
  /** BPMN element the template creates. */
  element: Type.Union([Type.Literal('bpmn:ServiceTask'), Type.Literal('bpmn:SendTask')]),
  /** Process variables the worker reads. */
  inputs: Type.Array(Type.String()),
});
export type WorkerType = Static<typeof WorkerType>;
export const WorkerTypeList = Type.Object({ items: Type.Array(WorkerType) });

/** A unit a step can be given to, for the modeler's unit picker. */
export const OwnerUnit = Type.Object({ code: Type.String(), name: Type.String(), kind: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]) });
export type OwnerUnit = Static<typeof OwnerUnit>;
export const OwnerUnitList = Type.Object({ items: Type.Array(OwnerUnit) });

/** One row of section 4 (Nội dung quy trình). */
export const SheetStep = Type.Object({
  /** 1-based, in the order of the longest path from the start. */
  no: Type.Integer(),
  elementId: Type.String(),
  /** Nội dung công việc */
  name: Type.String(),
  instructions: Type.Union([Type.String(), Type.Null()]),
  /** Đơn vị/Người thực hiện, resolved to names ("Công chức Phòng Quản lý đất đai"); "Hệ thống (tự động)" for automated steps. */
  performer: Type.String(),
  candidateGroups: Type.Array(Type.String()),
  /** Thời hạn (ngày làm việc); null for automated steps without one. */
  timeLimitDays: Type.Union([Type.Number(), Type.Null()]),
  /** Biểu mẫu: the form's title (or id); null when the step has none. */
  form: Type.Union([Type.String(), Type.Null()]),
  formKey: Type.Union([Type.String(), Type.Null()]),
  /** Hồ sơ/Kết quả */
  records: Type.Array(Type.String()),
  isoClauses: Type.Array(Type.String()),
  automated: Type.Boolean(),
});
export type SheetStep = Static<typeof SheetStep>;

export const ProcedureSheet = Type.Object({
  bpmnProcessId: Type.String(),
  /** "QUY TRÌNH " + upper-cased name */
  title: Type.String(),
  name: Type.String(),
  code: Type.String(),
  version: Type.Integer(),
  /** Ngày hiệu lực: the publish date, YYYY-MM-DD (Asia/Ho_Chi_Minh). */
  effectiveDate: Type.String(),
  state: VersionState,
  purpose: Type.String(),
  scope: Type.String(),
  /** One document per entry. */
  legalBasis: Type.Array(Type.String()),
  steps: Type.Array(SheetStep),
  /** The procedure's statutory limit (process property eiso.timeLimit); null when not set. */
  totalTimeLimitDays: Type.Union([Type.Number(), Type.Null()]),
  /** The legal unit of that limit (eiso.timeLimitUnit): working_days, calendar_days, hours, within_day. */
  totalTimeLimitUnit: Type.Union([Type.Literal('working_days'), Type.Literal('calendar_days'), Type.Literal('hours'), Type.Literal('within_day')]),
  /** The limit as the law states it, in Vietnamese: "20 ngày", "3 ngày làm việc", "trong ngày"; "—" when not set. */
  totalTimeLimitText: Type.String(),
  /** Working days the limit surely leaves to the steps (engine/model-graph.ts workingDaysWithin). */
  stepDaysAvailable: Type.Union([Type.Number(), Type.Null()]),
  /** Sum of step limits on the longest path. */
  longestPathDays: Type.Number(),
  /** 5. Hồ sơ lưu */
  records: Type.Array(Type.Object({ name: Type.String(), stepNo: Type.Integer(), keptBy: Type.String() })),
});
export type ProcedureSheet = Static<typeof ProcedureSheet>;

/** "What if" of a draft on the working calendar (POST /api/procedures/:id/simulate). */
export const SimulateBody = Type.Object({
  /** the modeler's current XML; the stored draft when absent */
  xml: Type.Optional(BpmnXml),
  /** receipt in Vietnamese local time, "YYYY-MM-DDTHH:mm" (the web asks dd/mm/yyyy and hh:mm) */
  receivedAt: Type.String({ minLength: 16, maxLength: 16, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}$' }),
});
export type SimulateBody = Static<typeof SimulateBody>;

const LocalInstant = Type.String({ description: 'ISO 8601 with +07:00' });
const SimulatedDayOff = Type.Object({
  date: Type.String({ description: 'YYYY-MM-DD' }),
  kind: Type.String({ description: 'holiday | day_off (nghỉ bù) | weekend' }),
  name: Type.String({ description: 'Tiếng Việt / English' }),
});

export const Simulation = Type.Object({
  processId: Type.String(),
  processName: Type.String(),
  receivedAt: LocalInstant,
  countingFrom: LocalInstant,
  cutoffApplied: Type.Boolean(),
  receivingUnit: Type.Union([Type.String(), Type.Null()]),
  limit: Type.Union([
    Type.Object({
      value: Type.Number(),
      unit: Type.Union([Type.Literal('working_days'), Type.Literal('calendar_days'), Type.Literal('hours'), Type.Literal('within_day')]),
    }),
    Type.Null(),
  ]),
  appointment: Type.Union([LocalInstant, Type.Null()]),
  steps: Type.Array(
    Type.Object({
      elementId: Type.String(),
      name: Type.String(),
      processId: Type.String(),
      calledFrom: Type.Union([Type.String(), Type.Null()]),
      unit: Type.Union([Type.String(), Type.Null()]),
      timeLimitDays: Type.Union([Type.Number(), Type.Null()]),
      startsAt: LocalInstant,
      due: LocalInstant,
      capped: Type.Boolean(),
      daysOff: Type.Array(SimulatedDayOff),
    }),
  ),
  unresolvedCalls: Type.Array(Type.Object({ elementId: Type.String(), name: Type.String(), calledProcessId: Type.String() })),
  stepDays: Type.Number(),
  stepsEnd: LocalInstant,
  calendarDaysSpanned: Type.Integer(),
  exceeds: Type.Boolean(),
  daysOff: Type.Array(SimulatedDayOff),
});
export type Simulation = Static<typeof Simulation>;
