import { Type, type Static } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Str = Type.String();
const Time = Type.String({ description: 'ISO 8601 instant' });

export const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,18}$' }) });
export type IdParams = Static<typeof IdParams>;

export const NcSource = Type.Union([Type.Literal('manual'), Type.Literal('late_case'), Type.Literal('audit_finding'), Type.Literal('complaint')]);
export const NcStatus = Type.Union(['recorded', 'analysing', 'implementing', 'verifying', 'closing', 'closed'].map((s) => Type.Literal(s)));

export const RegisterEvent = Type.Object({
  stage: Str,
  at: Time,
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const Nonconformity = Type.Object({
  id: Str,
  code: Str,
  title: Str,
  description: Str,
  sourceType: NcSource,
  sourceKey: Nullable(Str),
  sourceProcessId: Nullable(Str),
  unitCode: Nullable(Str),
  /** the agency whose quality system keeps it */
  agency: Str,
  reportedBy: Nullable(Str),
  processInstanceKey: Nullable(Str),
  status: Str,
  currentStep: Nullable(Type.String({ description: 'Name of the open step of its process (from the inbox)' })),
  rootCause: Nullable(Str),
  correctiveAction: Nullable(Str),
  mrOpinion: Nullable(Str),
  implementation: Nullable(Str),
  verification: Nullable(Str),
  effective: Type.Union([Type.Boolean(), Type.Null()]),
  verifications: Type.Integer(),
  openedAt: Time,
  closedAt: Nullable(Time),
});
export type Nonconformity = Static<typeof Nonconformity>;

export const NonconformityDetail = Type.Intersect([Nonconformity, Type.Object({ history: Type.Array(RegisterEvent) })]);
export type NonconformityDetail = Static<typeof NonconformityDetail>;

export const NcListQuery = Type.Object({
  status: Type.Optional(NcStatus),
  source: Type.Optional(NcSource),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export type NcListQuery = Static<typeof NcListQuery>;

export const NcList = Type.Object({ items: Type.Array(Nonconformity), total: Type.Integer() });
export type NcList = Static<typeof NcList>;

export const NcCreateBody = Type.Object({
  title: Type.String({ minLength: 5, maxLength: 300 }),
  description: Type.String({ minLength: 5, maxLength: 5000 }),
  unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Suggested responsible unit (the Office confirms)' })),
});
export type NcCreateBody = Static<typeof NcCreateBody>;

export const DocType = Type.Union(['quy-trinh', 'huong-dan', 'bieu-mau', 'chinh-sach', 'so-tay', 'khac'].map((s) => Type.Literal(s)));

export const DocumentVersion = Type.Object({
  id: Str,
  version: Type.Integer(),
  kind: Type.Union([Type.Literal('issue'), Type.Literal('revision'), Type.Literal('withdrawal')]),
  status: Str,
  currentStep: Nullable(Str),
  changeSummary: Nullable(Str),
  requestedBy: Str,
  issuedBy: Nullable(Str),
  issuedAt: Nullable(Time),
  effectiveFrom: Nullable(Type.String({ description: 'YYYY-MM-DD' })),
  reworkCount: Type.Integer(),
  processInstanceKey: Nullable(Str),
  distribution: Type.Array(
    Type.Object({ unitCode: Str, unitName: Nullable(Str), distributedAt: Time, confirmedBy: Nullable(Str), confirmedAt: Nullable(Time) }),
  ),
});
export type DocumentVersion = Static<typeof DocumentVersion>;

export const IsoDocument = Type.Object({
  id: Str,
  code: Str,
  title: Str,
  docType: Str,
  ownerUnitCode: Str,
  status: Type.Union([Type.Literal('draft'), Type.Literal('effective'), Type.Literal('withdrawn')]),
  effectiveVersion: Type.Union([Type.Integer(), Type.Null()]),
  effectiveFrom: Nullable(Str),
  versions: Type.Array(DocumentVersion),
  proposals: Type.Array(
    Type.Object({
      id: Str,
      kind: Str,
      reason: Str,
      proposedBy: Str,
      status: Str,
      opinion: Nullable(Str),
      versionId: Nullable(Str),
      currentStep: Nullable(Str),
      createdAt: Time,
    }),
  ),
});
export type IsoDocument = Static<typeof IsoDocument>;

export const DocumentList = Type.Object({ items: Type.Array(IsoDocument) });
export type DocumentList = Static<typeof DocumentList>;

export const DocumentCreateBody = Type.Object({
  code: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]{1,59}$', description: 'Document code, e.g. QT-KSTL-01' }),
  title: Type.String({ minLength: 3, maxLength: 300 }),
  docType: DocType,
  summary: Type.String({ minLength: 3, maxLength: 5000 }),
  distributeTo: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
});
export type DocumentCreateBody = Static<typeof DocumentCreateBody>;

export const DocumentChangeBody = Type.Object({
  summary: Type.String({ minLength: 3, maxLength: 5000 }),
  distributeTo: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 100, uniqueItems: true }),
});
export type DocumentChangeBody = Static<typeof DocumentChangeBody>;

export const ProposalBody = Type.Object({
  kind: Type.Union([Type.Literal('revision'), Type.Literal('withdrawal')]),
  reason: Type.String({ minLength: 3, maxLength: 5000 }),
});
export type ProposalBody = Static<typeof ProposalBody>;

export const ClauseStep = Type.Object({
  bpmnProcessId: Str,
  processName: Str,
  version: Type.Integer(),
  elementId: Str,
  stepName: Str,
  records: Type.Array(Str),
});
export const ClauseRegister = Type.Object({ register: Str, label: Str, count: Type.Integer() });
export const ClauseView = Type.Object({
  clauses: Type.Array(Type.Object({ clause: Str, title: Nullable(Str), steps: Type.Array(ClauseStep), registers: Type.Array(ClauseRegister) })),
});
export type ClauseView = Static<typeof ClauseView>;

const AgencyCode = Type.String({ pattern: '^[A-Za-z0-9._-]{1,50}$', description: 'Code of an agency (department, commune)' });
export const ReportQuery = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  agency: Type.Optional({ ...AgencyCode, description: "One agency's quality system (default: mine; province readers: the whole province)" }),
});
export type ReportQuery = Static<typeof ReportQuery>;

const Count = Type.Integer();
export const AnnualReport = Type.Object({
  year: Type.Integer(),
  /** the agency whose quality system it reports (its declaration of conformity); null: the whole province */
  agency: Nullable(Str),
  generatedAt: Time,
  /** One-stop dossiers of the year (statistics rollup) and the citizens' evaluations. */
  onestop: Type.Object({
    received: Count,
    receivedOnline: Count,
    onlineRate: Type.Union([Type.Number(), Type.Null()]),
    resolved: Count,
    resolvedOnTime: Count,
    resolvedLate: Count,
    onTimeRate: Type.Union([Type.Number(), Type.Null()]),
    evaluations: Count,
    satisfiedPct: Type.Union([Type.Number(), Type.Null()]),
    averageOverall: Type.Union([Type.Number(), Type.Null()]),
  }),
  cases: Type.Object({
    finished: Count,
    onTime: Count,
    late: Count,
    openOverdue: Count,
    onTimeRate: Type.Union([Type.Number(), Type.Null()]),
    byProcess: Type.Array(Type.Object({ bpmnProcessId: Str, name: Nullable(Str), finished: Count, onTime: Count })),
  }),
  nonconformities: Type.Object({
    opened: Count,
    closed: Count,
    open: Count,
    reopenedAfterIneffective: Count,
    bySource: Type.Record(Type.String(), Count),
    items: Type.Array(
      Type.Object({
        code: Str,
        title: Str,
        sourceType: Str,
        sourceKey: Nullable(Str),
        status: Str,
        unitCode: Nullable(Str),
        verifications: Count,
        openedAt: Time,
        closedAt: Nullable(Time),
        processInstanceKey: Nullable(Str),
        caseLink: Nullable(Str),
        recordLink: Nullable(Str),
      }),
    ),
  }),
  documents: Type.Object({
    issued: Count,
    revised: Count,
    withdrawn: Count,
    items: Type.Array(
      Type.Object({
        code: Str,
        title: Str,
        version: Count,
        kind: Str,
        status: Str,
        effectiveFrom: Nullable(Str),
        issuedBy: Nullable(Str),
        processInstanceKey: Nullable(Str),
        recordLink: Nullable(Str),
        unitsConfirmed: Count,
        unitsDistributed: Count,
      }),
    ),
  }),
  objectives: Type.Array(
    Type.Object({
      unitCode: Str,
      title: Str,
      target: Type.Number(),
      direction: Str,
      unit: Str,
      value: Type.Union([Type.Number(), Type.Null()]),
      met: Type.Union([Type.Boolean(), Type.Null()]),
    }),
  ),
  reviews: Type.Array(Type.Object({ code: Str, status: Str, conclusion: Nullable(Str), actions: Nullable(Str), recordLink: Nullable(Str) })),
  risks: Type.Object({ total: Count, open: Count, high: Count, reduced: Count }),
  audits: Type.Array(
    Type.Object({ code: Str, status: Str, departments: Type.Array(Str), findings: Count, conclusion: Nullable(Str), recordLink: Nullable(Str) }),
  ),
  complaints: Type.Object({
    received: Count,
    upheld: Count,
    answered: Count,
    items: Type.Array(
      Type.Object({ code: Str, title: Str, status: Str, upheld: Type.Union([Type.Boolean(), Type.Null()]), ncCode: Nullable(Str), recordLink: Nullable(Str) }),
    ),
  }),
  /** Evidence for the declaration of conformity with TCVN ISO 9001:2015, item by item, with links (paths of the web app) to the records. */
  conformity: Type.Array(
    Type.Object({
      key: Str,
      item: Str,
      clauses: Type.Array(Str),
      met: Type.Boolean({ description: 'The records of the year are enough evidence for this item' }),
      detail: Str,
      links: Type.Array(Type.Object({ label: Str, href: Type.String({ description: 'Path of the web app, e.g. /cases/<process instance key>' }) })),
    }),
  ),
  /** Sections of the report whose records the platform does not keep yet, named so nobody mistakes them for zero. */
  notAvailable: Type.Array(Type.Object({ section: Str, reason: Str })),
});
export type AnnualReport = Static<typeof AnnualReport>;

export const ComplaintChannel = Type.Union(['truc-tiep', 'dien-thoai', 'truc-tuyen', 'noi-bo'].map((s) => Type.Literal(s)));
export const Complaint = Type.Object({
  id: Str,
  code: Str,
  title: Str,
  content: Str,
  submitter: Str,
  contact: Nullable(Str),
  channel: Str,
  caseKey: Nullable(Str),
  dossierCode: Nullable(Type.String({ description: 'One-stop dossier the complaint is about' })),
  origin: Type.Union([Type.Literal('officer'), Type.Literal('public'), Type.Literal('staff')], {
    description: 'officer: recorded by an officer; public: the citizen form; staff: internal feedback',
  }),
  kind: Nullable(Type.String({ description: "The sender's own classification: gop-y | phan-anh | khieu-nai" })),
  receivedBy: Nullable(Type.String({ description: 'Recording officer or sending staff member; null for the public form' })),
  unitCode: Nullable(Str),
  status: Str,
  currentStep: Nullable(Str),
  upheld: Type.Union([Type.Boolean(), Type.Null()]),
  findings: Nullable(Str),
  conclusion: Nullable(Str),
  answer: Nullable(Str),
  ncId: Nullable(Str),
  ncCode: Nullable(Str),
  processInstanceKey: Nullable(Str),
  receivedAt: Time,
  answeredAt: Nullable(Time),
});
export type Complaint = Static<typeof Complaint>;
export const ComplaintList = Type.Object({ items: Type.Array(Complaint) });
export type ComplaintList = Static<typeof ComplaintList>;
export const ComplaintCreateBody = Type.Object({
  title: Type.String({ minLength: 5, maxLength: 300 }),
  content: Type.String({ minLength: 5, maxLength: 5000 }),
  submitter: Type.String({ minLength: 2, maxLength: 200 }),
  contact: Type.Optional(Type.String({ maxLength: 200 })),
  channel: ComplaintChannel,
  caseKey: Type.Optional(Type.String({ pattern: '^[0-9]{1,19}$' })),
});
export type ComplaintCreateBody = Static<typeof ComplaintCreateBody>;

export const FeedbackKind = Type.Union([Type.Literal('gop-y'), Type.Literal('phan-anh'), Type.Literal('khieu-nai')]);
const DossierCode = Type.String({ pattern: '^[A-Za-z0-9._-]{1,60}$', description: 'Code of the one-stop dossier it is about (must exist)' });

/** Internal feedback of any staff member (góp ý nội bộ). */
export const StaffFeedbackBody = Type.Object({
  kind: FeedbackKind,
  title: Type.String({ minLength: 5, maxLength: 300 }),
  content: Type.String({ minLength: 5, maxLength: 5000 }),
  dossierCode: Type.Optional(DossierCode),
});
export type StaffFeedbackBody = Static<typeof StaffFeedbackBody>;

/** The citizen's complaint or feedback on the public form (no login). */
export const PublicComplaintBody = Type.Object({
  kind: FeedbackKind,
  title: Type.String({ minLength: 5, maxLength: 300 }),
  content: Type.String({ minLength: 5, maxLength: 5000 }),
  name: Type.String({ minLength: 2, maxLength: 200 }),
  contact: Type.Optional(Type.String({ maxLength: 200, description: 'Phone or e-mail for the answer' })),
  dossierCode: Type.Optional(DossierCode),
});
export type PublicComplaintBody = Static<typeof PublicComplaintBody>;

export const PublicComplaintReceipt = Type.Object({
  code: Str,
  status: Str,
  trackingToken: Type.String({ description: 'Secret key of the tracking link; send it in x-lookup-token' }),
  trackingUrl: Type.String({ description: 'The tracking page: <PUBLIC_URL>/gop-y/<code>?t=<key>' }),
});
export type PublicComplaintReceipt = Static<typeof PublicComplaintReceipt>;

export const PublicComplaintParams = Type.Object({ code: Type.String({ maxLength: 40 }) });
export const PublicComplaintStatus = Type.Object({
  code: Str,
  kind: Nullable(Str),
  title: Str,
  dossierCode: Nullable(Str),
  status: Type.String({ description: 'received | verifying | concluded | answered' }),
  receivedAt: Time,
  upheld: Type.Union([Type.Boolean(), Type.Null()], { description: 'Told with the answer: true = the complaint is founded' }),
  answer: Nullable(Str),
  answeredAt: Nullable(Time),
});
export type PublicComplaintStatus = Static<typeof PublicComplaintStatus>;

export const Audit = Type.Object({
  id: Str,
  code: Str,
  year: Type.Integer(),
  scope: Str,
  departments: Type.Array(Str),
  status: Str,
  currentStep: Nullable(Str),
  programme: Nullable(Str),
  plan: Nullable(Str),
  approvedBy: Nullable(Str),
  conclusion: Nullable(Str),
  createdBy: Str,
  processInstanceKey: Nullable(Str),
  createdAt: Time,
  closedAt: Nullable(Time),
  units: Type.Array(Type.Object({ unitCode: Str, clausesChecked: Type.Array(Str), notes: Nullable(Str), auditedBy: Nullable(Str), auditedAt: Nullable(Time) })),
  findings: Type.Array(
    Type.Object({ unitCode: Str, seq: Type.Integer(), clause: Str, description: Str, ncId: Nullable(Str), ncCode: Nullable(Str), ncStatus: Nullable(Str) }),
  ),
});
export type Audit = Static<typeof Audit>;
export const AuditList = Type.Object({ items: Type.Array(Audit) });
export type AuditList = Static<typeof AuditList>;
export const AuditCreateBody = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  scope: Type.String({ minLength: 3, maxLength: 2000 }),
  departments: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
});
export type AuditCreateBody = Static<typeof AuditCreateBody>;

export const Metric = Type.Union(
  ['on_time_rate', 'nc_closed_rate', 'complaints_upheld', 'overdue_open', 'onestop_on_time_rate', 'online_rate', 'satisfaction_rate', 'complaints_count'].map(
    (s) => Type.Literal(s),
  ),
);
export const Objective = Type.Object({
  id: Str,
  unitCode: Str,
  year: Type.Integer(),
  title: Str,
  metric: Str,
  metricLabel: Str,
  unit: Str,
  target: Type.Number(),
  direction: Type.Union([Type.Literal('at_least'), Type.Literal('at_most')]),
  periods: Type.Array(Type.Object({ label: Str, value: Type.Union([Type.Number(), Type.Null()]), met: Type.Union([Type.Boolean(), Type.Null()]) })),
});
export type Objective = Static<typeof Objective>;
export const ObjectiveList = Type.Object({ items: Type.Array(Objective) });
export type ObjectiveList = Static<typeof ObjectiveList>;
export const ObjectiveCreateBody = Type.Object({
  unitCode: Type.String({ minLength: 1, maxLength: 50 }),
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  title: Type.String({ minLength: 3, maxLength: 300 }),
  metric: Metric,
  target: Type.Number({ minimum: 0, maximum: 100000 }),
  direction: Type.Union([Type.Literal('at_least'), Type.Literal('at_most')]),
});
export type ObjectiveCreateBody = Static<typeof ObjectiveCreateBody>;

export const Review = Type.Object({
  id: Str,
  code: Str,
  year: Type.Integer(),
  title: Str,
  departments: Type.Array(Str),
  status: Str,
  currentStep: Nullable(Str),
  inputs: Type.Union([Type.Array(Type.Object({ key: Str, title: Str, value: Type.Unknown(), note: Nullable(Str) })), Type.Null()]),
  notice: Nullable(Str),
  consolidated: Nullable(Str),
  minutes: Nullable(Str),
  conclusion: Nullable(Str),
  actions: Nullable(Str),
  reports: Type.Array(Type.Object({ unitCode: Str, report: Str, submittedBy: Nullable(Str), submittedAt: Time })),
  processInstanceKey: Nullable(Str),
  createdAt: Time,
  closedAt: Nullable(Time),
});
export type Review = Static<typeof Review>;
export const ReviewList = Type.Object({ items: Type.Array(Review) });
export type ReviewList = Static<typeof ReviewList>;
export const ReviewCreateBody = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100 }),
  title: Type.String({ minLength: 3, maxLength: 300 }),
  departments: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { minItems: 1, maxItems: 50, uniqueItems: true }),
});
export type ReviewCreateBody = Static<typeof ReviewCreateBody>;
export const ObjectivesQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

export const Risk = Type.Object({
  id: Str,
  code: Str,
  unitCode: Str,
  kind: Type.Union([Type.Literal('risk'), Type.Literal('opportunity')]),
  title: Str,
  description: Str,
  likelihood: Type.Union([Type.Integer(), Type.Null()]),
  severity: Type.Union([Type.Integer(), Type.Null()]),
  score: Type.Union([Type.Integer(), Type.Null()]),
  initialScore: Type.Union([Type.Integer(), Type.Null()]),
  level: Type.Union([Type.Literal('high'), Type.Literal('medium'), Type.Literal('low'), Type.Null()]),
  treatment: Nullable(Str),
  treatmentDue: Nullable(Str),
  treatmentResult: Nullable(Str),
  reviewNote: Nullable(Str),
  reviews: Type.Integer(),
  reviewCycleDays: Type.Integer(),
  nextReviewAt: Nullable(Time),
  status: Str,
  currentStep: Nullable(Str),
  createdBy: Str,
  processInstanceKey: Nullable(Str),
  createdAt: Time,
  closedAt: Nullable(Time),
});
export type Risk = Static<typeof Risk>;
export const RiskList = Type.Object({ items: Type.Array(Risk) });
export type RiskList = Static<typeof RiskList>;
export const RiskCreateBody = Type.Object({
  unitCode: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Default: my unit' })),
  kind: Type.Union([Type.Literal('risk'), Type.Literal('opportunity')]),
  title: Type.String({ minLength: 3, maxLength: 300 }),
  description: Type.String({ minLength: 3, maxLength: 5000 }),
  reviewCycleDays: Type.Integer({ minimum: 1, maximum: 366, default: 90 }),
});
export type RiskCreateBody = Static<typeof RiskCreateBody>;

/** The province view: every agency's quality system side by side. */
export const AgencyOverview = Type.Object({
  agency: Str,
  name: Nullable(Str),
  secretariatUnitCode: Str,
  officeUnitCode: Str,
  configured: Type.Boolean(),
  isDefault: Type.Boolean(),
  nonconformities: Type.Object({ total: Type.Integer(), open: Type.Integer(), lateCases: Type.Integer() }),
  documentsInForce: Type.Integer(),
  audits: Type.Integer(),
  reviews: Type.Integer(),
  risksOpen: Type.Integer(),
  complaints: Type.Integer(),
  objectives: Type.Integer(),
});
export const AgencyOverviewList = Type.Object({ year: Type.Integer(), items: Type.Array(AgencyOverview) });
export type AgencyOverviewList = Static<typeof AgencyOverviewList>;
export const AgencyOverviewQuery = Type.Object({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100, description: 'Default: this year' })) });
export type AgencyOverviewQuery = Static<typeof AgencyOverviewQuery>;
/** Who reads the ISO pages, and which agencies' systems they see. */
export const IsoMe = Type.Object({ agency: Nullable(Str), agencyName: Nullable(Str), province: Type.Boolean() });
export type IsoMe = Static<typeof IsoMe>;
