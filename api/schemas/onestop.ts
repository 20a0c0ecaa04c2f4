import { Type, type Static } from 'typebox';
import { Params, ProblemBody } from './common.js';

// ---------------------------------------------------------------- catalogue

/** Legal unit of a time limit: ngày làm việc, ngày (calendar), giờ, trong ngày (value 0). */
export const TimeLimitUnit = Type.Union([Type.Literal('working_days'), Type.Literal('calendar_days'), Type.Literal('hours'), Type.Literal('within_day')]);

export const Fee = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 300 }),
  amount: Type.Integer({ minimum: 0 }),
  note: Type.String({ maxLength: 1000 }),
});
export const RequiredDocument = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 50 }),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  copies: Type.Integer({ minimum: 1, maximum: 100 }),
  mandatory: Type.Boolean(),
  /**
   * The desk need not scan this document at an in-person receipt, and why (domain/onestop/scans.ts):
   * shown_only (shown for comparison only), inter_agency (an agency's reply), classified (secret papers),
   * held_by_agency (data the agency already holds: product rule).
   */
  scanExempt: Type.Optional(Type.Union([Type.Literal('shown_only'), Type.Literal('inter_agency'), Type.Literal('classified'), Type.Literal('held_by_agency')])),
});
export type RequiredDocument = Static<typeof RequiredDocument>;

/** A competent agency offering a procedure: its desk, its e-ID (dossier codes), its own process if any (null: the procedure's). */
export const AgencyOffering = Type.Object({
  agencyCode: Type.String(),
  agencyName: Type.String(),
  deskUnitCode: Type.String(),
  agencyEid: Type.String(),
  bpmnProcessId: Type.Union([Type.String(), Type.Null()]),
  processVersion: Type.Union([Type.Integer(), Type.Null()]),
});
export type AgencyOffering = Static<typeof AgencyOffering>;

/** A procedure of the catalogue (thủ tục hành chính), in the import format of processes/ONESTOP.md. */
export const Procedure = Type.Object({
  code: Type.String(),
  name: Type.String(),
  field: Type.String(),
  agencyCode: Type.String(),
  agencyName: Type.String(),
  deskUnitCode: Type.String(),
  agencyEid: Type.String(),
  timeLimitDays: Type.Number(),
  /** the legal unit of timeLimitDays (absent in old files: working_days) */
  timeLimitUnit: Type.Optional(TimeLimitUnit),
  fees: Type.Array(Fee),
  requiredDocuments: Type.Array(RequiredDocument),
  result: Type.String(),
  onlineLevel: Type.Union([Type.Literal('full'), Type.Literal('partial')]),
  legalBasis: Type.String(),
  bpmnProcessId: Type.String(),
  processVersion: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
  /** every competent agency offering it, the top-level one first (issue 17 item 10) */
  agencies: Type.Array(AgencyOffering),
});
export type Procedure = Static<typeof Procedure>;

export const ProcedureList = Type.Object({ items: Type.Array(Procedure) });
export type ProcedureList = Static<typeof ProcedureList>;

export const ProcedureCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 50 }) });

export const ProcedureListQuery = Type.Object({
  /** include inactive procedures (admins) */
  all: Type.Optional(Type.Boolean()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
});

/** One import entry: checked field by field by the server (row-level messages), so loosely typed here. */
export const CatalogueImportBody = Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: 5000 });

export const RowError = Type.Object({
  row: Type.Integer(),
  code: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  problems: Type.Array(ProblemBody),
});
export type RowError = Static<typeof RowError>;

export const ImportReply = Type.Object({
  created: Type.Array(Type.String()),
  updated: Type.Array(Type.String()),
  unchanged: Type.Array(Type.String()),
});
export type ImportReply = Static<typeof ImportReply>;

/** 400 of an import: nothing was changed; every refused row with its reason. */
export const ImportErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.Optional(Type.String()),
  params: Type.Optional(Params),
  error: Type.String(),
  message: Type.String(),
  rows: Type.Optional(Type.Array(RowError)),
});
export type ImportErrorBody = Static<typeof ImportErrorBody>;

// ---------------------------------------------------------------- dossiers (desk)

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Instant = Nullable(Type.String({ format: 'date-time' }));

/** processes/ONESTOP.md "Status codes" */
export const DossierStatus = Type.Union([
  Type.Literal('SUBMITTED'),
  Type.Literal('SUPPLEMENT_REQUESTED_AT_RECEIPT'),
  Type.Literal('RECEIPT_REFUSED'),
  Type.Literal('RECEIVED'),
  Type.Literal('IN_PROCESSING'),
  Type.Literal('AWAITING_INTERAGENCY'),
  Type.Literal('SUPPLEMENT_REQUESTED_IN_PROCESSING'),
  Type.Literal('AWAITING_FEES'),
  Type.Literal('PENDING_APPROVAL'),
  Type.Literal('NOT_ELIGIBLE'),
  Type.Literal('RESULT_AT_DESK'),
  Type.Literal('RESULT_IN_TRANSIT'),
  Type.Literal('RETURNED'),
  Type.Literal('WITHDRAWN'),
  Type.Literal('CANCELLED_NO_SUPPLEMENT'),
]);

export const Applicant = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  idNumber: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9A-Za-z]*$' })),
  phone: Type.Optional(Type.String({ maxLength: 20, pattern: '^[0-9 +().-]*$' })),
  email: Type.Optional(Type.Union([Type.String({ maxLength: 254, format: 'email' }), Type.Literal('')])),
  address: Type.Optional(Type.String({ maxLength: 500 })),
});
export type Applicant = Static<typeof Applicant>;

export const ChecklistItem = Type.Object({ code: Type.String({ minLength: 1, maxLength: 50 }), copies: Type.Integer({ minimum: 0, maximum: 100 }) });

/** In-person receipt: the applicant and the documents handed in (the checklist). */
export const ReceiveBody = Type.Object({
  procedureCode: Type.String({ minLength: 1, maxLength: 50 }),
  /** the competent agency (one of the procedure's agencies); default its first. Any desk of the province receives for it. */
  agencyCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  applicant: Applicant,
  documents: Type.Array(ChecklistItem, { maxItems: 100 }),
  channel: Type.Optional(Type.Union([Type.Literal('in_person'), Type.Literal('postal')])),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type ReceiveBody = Static<typeof ReceiveBody>;

/** Accepting an online submission: the officer confirms the documents checked (default: the files sent). */
export const AcceptBody = Type.Object({
  documents: Type.Optional(Type.Array(ChecklistItem, { maxItems: 100 })),
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AcceptBody = Static<typeof AcceptBody>;

export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
/** The paper hand-over of a dossier received at another agency's desk: an optional note (how it was sent). */
export const PaperHandoverBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) });
export type PaperHandoverBody = Static<typeof PaperHandoverBody>;
export type ReasonBody = Static<typeof ReasonBody>;

export const RequestCompletionBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
  /** required-document codes to complete */
  documents: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
});
export type RequestCompletionBody = Static<typeof RequestCompletionBody>;

export const DossierIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

/** The forms of TT 03/2025 Phụ lục I drawn per dossier: 02 completion request, 03 refusal, 05 notice of stopping, 06 control slip. */
export const DossierFormNo = Type.Union([Type.Literal('02'), Type.Literal('02-processing'), Type.Literal('03'), Type.Literal('05'), Type.Literal('06')]);
export const DossierFormParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }), form: DossierFormNo });

/** A form 02 or 03 issued at the desk to a person whose dossier is not received (no dossier, no code). */
export const ReceptionFormBody = Type.Object({
  form: Type.Union([Type.Literal('02'), Type.Literal('03')]),
  procedureCode: Type.String({ minLength: 1, maxLength: 50 }),
  /** the competent agency (default the procedure's first) */
  agencyCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
  applicant: Applicant,
  channel: Type.Optional(Type.Union([Type.Literal('in_person'), Type.Literal('postal')])),
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
  /** for 02: the required-document codes to add */
  documents: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 })),
});
export type ReceptionFormBody = Static<typeof ReceptionFormBody>;

export const ReceptionForm = Type.Object({
  id: Type.String(),
  form: Type.Union([Type.Literal('02'), Type.Literal('03')]),
  dossierId: Nullable(Type.String()),
  procedureCode: Type.String(),
  deskUnitCode: Type.String(),
  applicantName: Type.String(),
  reason: Type.String(),
  documents: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  issuedBy: Type.String(),
  issuedAt: Type.String({ format: 'date-time' }),
});
export type ReceptionForm = Static<typeof ReceptionForm>;
export const ReceptionFormIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });

/** Form 07, the register of a unit over a period (dates of receipt, Vietnam time; at most 366 days). */
export const RegisterQuery = Type.Object({
  unit: Type.String({ minLength: 1, maxLength: 50 }),
  from: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  to: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }),
  format: Type.Optional(Type.Union([Type.Literal('pdf'), Type.Literal('xlsx')])),
});
export type RegisterQuery = Static<typeof RegisterQuery>;
export const DossierDocParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }), docId: Type.String({ pattern: '^[0-9]{1,18}$' }) });

export const DossierSummary = Type.Object({
  id: Type.String(),
  /** null until the desk receives the dossier (TT 03/2025 Art. 13) */
  code: Type.Union([Type.String(), Type.Null()]),
  /** the tracking reference given at submission */
  reference: Type.String(),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  channel: Type.String(),
  status: DossierStatus,
  applicantName: Type.String(),
  submittedAt: Type.String({ format: 'date-time' }),
  receivedAt: Instant,
  appointmentAt: Instant,
  resolvedAt: Instant,
  closedAt: Instant,
  currentStep: Nullable(Type.String()),
  deskUnitCode: Type.String(),
  agencyCode: Type.String(),
  /** the desk that received it (any desk of the province; NĐ 118/2025); null before receipt */
  receivedDeskCode: Nullable(Type.String()),
});
export type DossierSummary = Static<typeof DossierSummary>;

export const DossierListQuery = Type.Object({
  /** the desk's queue of online submissions: SUBMITTED (and waiting for completion) */
  queue: Type.Optional(Type.Boolean()),
  /** only the dossiers received at my desk(s), whichever agency resolves them */
  received: Type.Optional(Type.Boolean()),
  status: Type.Optional(Type.String({ maxLength: 300, description: 'comma-separated status codes' })),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
export type DossierListQuery = Static<typeof DossierListQuery>;

export const DossierList = Type.Object({ items: Type.Array(DossierSummary), total: Type.Integer() });
export type DossierList = Static<typeof DossierList>;

export const DossierEvent = Type.Object({
  type: Type.String(),
  status: Nullable(Type.String()),
  at: Type.String({ format: 'date-time' }),
  actor: Type.String(),
  note: Nullable(Type.String()),
});
export type DossierEvent = Static<typeof DossierEvent>;

export const DossierFile = Type.Object({
  id: Type.String(),
  requirementCode: Nullable(Type.String()),
  stage: Type.String(),
  fileName: Type.String(),
  mimeType: Type.String(),
  sizeBytes: Type.Integer(),
  uploadedBy: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
});
export type DossierFile = Static<typeof DossierFile>;

export const DossierDetail = Type.Intersect([
  DossierSummary,
  Type.Object({
    applicant: Applicant,
    agencyName: Type.String(),
    deskUnitName: Type.String(),
    /** the name of the desk that received it (another agency's desk when received regardless of boundary) */
    receivedDeskName: Nullable(Type.String()),
    currentUnitCode: Nullable(Type.String()),
    statusReason: Nullable(Type.String()),
    originalAppointmentAt: Instant,
    returnedAt: Instant,
    returnMethod: Nullable(Type.String()),
    receivedBy: Nullable(Type.String()),
    processInstanceKey: Nullable(Type.String()),
    timeLimitDays: Type.Number(),
    timeLimitUnit: TimeLimitUnit,
    requiredDocuments: Type.Array(RequiredDocument),
    /** what the desk checked at receipt */
    checklist: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), copies: Type.Integer() })),
    files: Type.Array(DossierFile),
    events: Type.Array(DossierEvent),
    supplements: Type.Array(
      Type.Object({ reason: Type.String(), requestedAt: Type.String({ format: 'date-time' }), submittedAt: Instant, citizenNote: Nullable(Type.String()) }),
    ),
    transfers: Type.Array(
      Type.Object({
        toUnitCode: Type.String(),
        budgetDays: Type.Number(),
        sentAt: Type.String({ format: 'date-time' }),
        dueAt: Type.String({ format: 'date-time' }),
        returnedAt: Instant,
        onTime: Nullable(Type.Boolean()),
      }),
    ),
    paused: Type.Boolean(),
    /** forms of TT 03/2025 Phụ lục I that exist for the dossier and the reader may print (GET …/forms/:form) */
    forms: Type.Array(DossierFormNo),
    actions: Type.Object({
      accept: Type.Boolean(),
      requestCompletion: Type.Boolean(),
      refuse: Type.Boolean(),
      withdraw: Type.Boolean(),
      slip: Type.Boolean(),
      /** pause for fees or taxes (the resolving agency's or the desk's staff; the server checks who) */
      requestFees: Type.Boolean(),
      feesPaid: Type.Boolean(),
      /** the receiving desk hands the paper over to the competent agency's desk (received elsewhere, in person, not yet done) */
      handOverPaper: Type.Boolean(),
    }),
  }),
]);
export type DossierDetail = Static<typeof DossierDetail>;

export const WithdrawReply = Type.Object({
  /** withdrawn now (no process yet), or requested from the process (message onestop-withdraw) */
  outcome: Type.Union([Type.Literal('withdrawn'), Type.Literal('requested')]),
  status: DossierStatus,
});
export type WithdrawReply = Static<typeof WithdrawReply>;

// ---------------------------------------------------------------- public (no login)

export const PublicProcedure = Type.Object({
  code: Type.String(),
  name: Type.String(),
  field: Type.String(),
  agencyName: Type.String(),
  timeLimitDays: Type.Number(),
  timeLimitUnit: TimeLimitUnit,
  fees: Type.Array(Fee),
  requiredDocuments: Type.Array(RequiredDocument),
  result: Type.String(),
  onlineLevel: Type.String(),
  legalBasis: Type.String(),
  /** the competent agencies the citizen chooses from (e.g. their commune), the first by default */
  agencies: Type.Array(Type.Object({ agencyCode: Type.String(), agencyName: Type.String(), deskUnitName: Type.String() })),
});
export type PublicProcedure = Static<typeof PublicProcedure>;
export const PublicProcedureList = Type.Object({
  items: Type.Array(PublicProcedure),
  maxFileBytes: Type.Integer(),
  allowedExtensions: Type.Array(Type.String()),
});
export type PublicProcedureList = Static<typeof PublicProcedureList>;

export const PublicCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 60 }) });

export const SubmitReply = Type.Object({
  /** the tracking reference (mã tra cứu): the submission's name until the desk receives it */
  reference: Type.String(),
  /** the dossier code: null, given when the desk receives the dossier */
  code: Type.Null(),
  status: DossierStatus,
  /** the key that unlocks the dossier's page (keep it: it is in the lookup link) */
  lookupToken: Type.String(),
  lookupUrl: Type.String(),
});
export type SubmitReply = Static<typeof SubmitReply>;

/** What anyone holding the code sees; `holder` only with the lookup key (header x-lookup-token). */
export const PublicDossier = Type.Object({
  /** null until the desk receives the dossier */
  code: Type.Union([Type.String(), Type.Null()]),
  /** the tracking reference given at submission (null for a dossier received in person: never told to the citizen) */
  reference: Type.Union([Type.String(), Type.Null()]),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  field: Type.String(),
  agencyName: Type.String(),
  deskUnitName: Type.String(),
  channel: Type.String(),
  status: DossierStatus,
  currentStep: Nullable(Type.String()),
  currentUnitName: Nullable(Type.String()),
  /** the engine stopped on the case (an incident): the dossier is delayed, the agency is fixing it */
  delayed: Type.Boolean(),
  timeLimitDays: Type.Number(),
  timeLimitUnit: TimeLimitUnit,
  submittedAt: Type.String({ format: 'date-time' }),
  receivedAt: Instant,
  appointmentAt: Instant,
  resolvedAt: Instant,
  returnedAt: Instant,
  closedAt: Instant,
  events: Type.Array(Type.Object({ type: Type.String(), status: Nullable(Type.String()), at: Type.String({ format: 'date-time' }) })),
  holder: Nullable(
    Type.Object({
      applicantName: Type.String({ description: 'masked' }),
      statusReason: Nullable(Type.String()),
      events: Type.Array(
        Type.Object({ type: Type.String(), status: Nullable(Type.String()), at: Type.String({ format: 'date-time' }), note: Nullable(Type.String()) }),
      ),
      /** notices sent about the dossier (shown here always; e-mailed when the applicant gave an address) */
      notices: Type.Array(Type.Object({ subject: Type.String(), body: Type.String(), at: Type.String({ format: 'date-time' }), emailed: Type.Boolean() })),
      supplement: Nullable(
        Type.Object({
          stage: Type.Union([Type.Literal('receipt'), Type.Literal('processing')]),
          reason: Type.String(),
          requestedAt: Type.String({ format: 'date-time' }),
        }),
      ),
      requiredDocuments: Type.Array(RequiredDocument),
      canSupplement: Type.Boolean(),
      canWithdraw: Type.Boolean(),
      canEvaluate: Type.Boolean(),
      /** the dossier has been rated (its one evaluation is in) */
      evaluated: Type.Boolean(),
    }),
  ),
});
export type PublicDossier = Static<typeof PublicDossier>;

export const PublicActionReply = Type.Object({
  code: Type.Union([Type.String(), Type.Null()]),
  reference: Type.String(),
  status: DossierStatus,
  outcome: Type.String(),
});
export type PublicActionReply = Static<typeof PublicActionReply>;

export const PublicWithdrawBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) });
