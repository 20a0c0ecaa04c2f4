import { Type, type Static } from 'typebox';

const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Vietnam date YYYY-MM-DD' });
const Instant = Type.String({ format: 'date-time', description: 'ISO date-time, +07:00' });
const Code = Type.String({ minLength: 1, maxLength: 60, pattern: '^[A-Za-z0-9.\\-_]+$', description: 'Dossier code' });
const Score = Type.Integer({ minimum: 1, maximum: 5, description: '1 rất không hài lòng, 2 không hài lòng, 3 bình thường, 4 hài lòng, 5 rất hài lòng' });

export const StatsGroupBy = Type.Union([Type.Literal('agency'), Type.Literal('procedure'), Type.Literal('field'), Type.Literal('month')]);

export const StatsQuery = Type.Object(
  {
    from: LocalDate,
    to: LocalDate,
    groupBy: Type.Optional(StatsGroupBy),
    agency: Type.Optional(Type.String({ maxLength: 50, description: 'Only this agency and its subtree (inside the viewer’s scope)' })),
    procedureCode: Type.Optional(Type.String({ maxLength: 50 })),
    field: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type StatsQuery = Static<typeof StatsQuery>;

export const StatsCounts = Type.Object({
  received: Type.Object({
    total: Type.Integer(),
    online: Type.Integer(),
    direct: Type.Integer({ description: 'In person or by post' }),
    carriedOver: Type.Integer(),
  }),
  resolved: Type.Object({
    total: Type.Integer(),
    early: Type.Integer(),
    onTime: Type.Integer({ description: 'Including withdrawn' }),
    late: Type.Integer(),
    withdrawn: Type.Integer(),
  }),
  inProgress: Type.Object({ total: Type.Integer(), withinDeadline: Type.Integer(), pastDeadline: Type.Integer() }),
});
export type StatsCounts = Static<typeof StatsCounts>;

export const StatsRow = Type.Intersect([Type.Object({ key: Type.String(), label: Type.String() }), StatsCounts]);
export type StatsRow = Static<typeof StatsRow>;

/** Biểu II.06a: received / resolved / in progress per agency, procedure, field or month, and the totals. */
export const StatsReport = Type.Object({
  from: LocalDate,
  to: LocalDate,
  groupBy: Type.String(),
  asOf: Type.String({ description: 'Date the in-progress columns are counted at' }),
  scope: Type.String({ description: 'Reporting unit (the viewer’s unit, or the agency asked for)' }),
  rows: Type.Array(StatsRow),
  totals: StatsCounts,
});
export type StatsReport = Static<typeof StatsReport>;

export const OverdueQuery = Type.Object(
  {
    agency: Type.Optional(Type.String({ maxLength: 50 })),
    procedureCode: Type.Optional(Type.String({ maxLength: 50 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type OverdueQuery = Static<typeof OverdueQuery>;

export const OverdueDossier = Type.Object({
  id: Type.String(),
  code: Type.String(),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  agencyCode: Type.String(),
  status: Type.String(),
  receivedAt: Instant,
  appointmentAt: Instant,
  daysLate: Type.Integer({ description: 'Calendar days since the appointment date' }),
  currentStep: Type.Union([Type.String(), Type.Null()]),
  currentUnitCode: Type.Union([Type.String(), Type.Null()]),
  currentUnitName: Type.Union([Type.String(), Type.Null()]),
  holder: Type.Union([Type.String(), Type.Null()]),
  stepSince: Type.Union([Instant, Type.Null()]),
  apology: Type.Union([Type.Object({ status: Type.String(), newDate: LocalDate }), Type.Null()]),
});
export type OverdueDossier = Static<typeof OverdueDossier>;

export const OverdueList = Type.Object({ items: Type.Array(OverdueDossier), total: Type.Integer() });
export type OverdueList = Static<typeof OverdueList>;

export const DossierCodeParams = Type.Object({ code: Code });
export type DossierCodeParams = Static<typeof DossierCodeParams>;

export const ApologyBody = Type.Object(
  {
    reason: Type.String({ minLength: 5, maxLength: 2000, description: 'Lý do chậm trễ' }),
    newDate: LocalDate,
  },
  { additionalProperties: false },
);
export type ApologyBody = Static<typeof ApologyBody>;

export const Apology = Type.Object({
  id: Type.String(),
  dossierCode: Type.String(),
  agencyCode: Type.String(),
  procedureName: Type.String(),
  reason: Type.String(),
  appointmentAt: Instant,
  newDate: LocalDate,
  status: Type.Union([Type.Literal('draft'), Type.Literal('approved')]),
  draftedBy: Type.String(),
  draftedAt: Instant,
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  signerName: Type.Union([Type.String(), Type.Null()]),
  approvedAt: Type.Union([Instant, Type.Null()]),
});
export type Apology = Static<typeof Apology>;

export const ApologyWindow = Type.Object({
  dossierCode: Type.String(),
  open: Type.Boolean({ description: 'The letter may still be drafted and approved (until one working day before the appointment)' }),
  deadline: Type.Union([LocalDate, Type.Null()], { description: 'The last day the letter may go out' }),
  forecastLate: Type.Boolean({ description: "The open step's own deadline falls after the appointment date" }),
  stepDueAt: Type.Union([Instant, Type.Null()]),
  appointmentAt: Type.Union([Instant, Type.Null()]),
  apology: Type.Union([Type.Literal('draft'), Type.Literal('approved'), Type.Null()]),
});
export type ApologyWindow = Static<typeof ApologyWindow>;
export const InstanceKeyParams = Type.Object({ key: Type.String({ pattern: '^[0-9]{1,19}$' }) });

export const ApologyListQuery = Type.Object(
  { status: Type.Optional(Type.Union([Type.Literal('draft'), Type.Literal('approved')])) },
  { additionalProperties: false },
);
export const ApologyList = Type.Object({ items: Type.Array(Apology) });
export type ApologyList = Static<typeof ApologyList>;

// ---------------------------------------------------------------------------------------------
// Satisfaction evaluation

export const TokenQuery = Type.Object({ t: Type.String({ minLength: 10, maxLength: 100 }) }, { additionalProperties: false });

export const EvaluationStage = Type.Union([Type.Literal('receipt'), Type.Literal('processing'), Type.Literal('return')]);

export const EvaluationForm = Type.Object({
  code: Type.String(),
  procedureName: Type.String(),
  agencyName: Type.String(),
  status: Type.String(),
  canEvaluate: Type.Boolean(),
  evaluated: Type.Boolean(),
  /** Why it cannot be evaluated (yet), Vietnamese / English */
  reason: Type.Union([Type.String(), Type.Null()]),
  /** The reason's code (lib/errors.ts), for its text in the reader's language. */
  reasonCode: Type.Union([Type.String(), Type.Null()]),
  officers: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), stages: Type.Array(EvaluationStage) })),
});
export type EvaluationForm = Static<typeof EvaluationForm>;

export const EvaluationBody = Type.Object(
  {
    token: Type.String({ minLength: 10, maxLength: 100 }),
    overall: Score,
    receipt: Score,
    processing: Score,
    returnStage: Score,
    officers: Type.Array(Type.Object({ key: Type.String({ maxLength: 100 }), score: Score }, { additionalProperties: false }), { maxItems: 50 }),
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type EvaluationBody = Static<typeof EvaluationBody>;

export const EvaluationReceipt = Type.Object({ code: Type.String(), submittedAt: Instant });

const Aggregate = Type.Object({
  key: Type.String(),
  label: Type.String(),
  count: Type.Integer(),
  overall: Type.Number({ description: 'Mean 1..5' }),
  receipt: Type.Number(),
  processing: Type.Number(),
  returnStage: Type.Number(),
  satisfiedPct: Type.Number({ description: 'Share of overall scores 4 or 5, in %' }),
});
export type EvaluationAggregate = Static<typeof Aggregate>;

export const EvaluationResultsQuery = Type.Object({ from: Type.Optional(LocalDate), to: Type.Optional(LocalDate) }, { additionalProperties: false });
export type EvaluationResultsQuery = Static<typeof EvaluationResultsQuery>;

/** Aggregated results: public (per agency and procedure) or for leaders (also per officer). No personal data. */
export const EvaluationResults = Type.Object({
  from: Type.Union([LocalDate, Type.Null()]),
  to: Type.Union([LocalDate, Type.Null()]),
  total: Aggregate,
  byAgency: Type.Array(Aggregate),
  byProcedure: Type.Array(Aggregate),
  byOfficer: Type.Optional(
    Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        unitCode: Type.String(),
        count: Type.Integer(),
        score: Type.Number(),
        satisfiedPct: Type.Number(),
      }),
    ),
  ),
});
export type EvaluationResults = Static<typeof EvaluationResults>;

export const ServiceIndexQuery = Type.Object(
  {
    from: LocalDate,
    to: LocalDate,
    agency: Type.Optional(Type.String({ maxLength: 50, description: 'Only this agency and its subtree (inside the viewer’s scope)' })),
  },
  { additionalProperties: false },
);
export type ServiceIndexQuery = Static<typeof ServiceIndexQuery>;

const Basis = Type.Union([Type.Literal('platform'), Type.Literal('partial')], {
  description: 'platform: all the data is the platform’s; partial: part of the criterion needs data from outside, whose points are not given',
});

export const ServiceIndexReport = Type.Object({
  from: LocalDate,
  to: LocalDate,
  scope: Type.String(),
  scored: Type.Integer({ description: 'Dossiers whose result was ready in the period' }),
  indicators: Type.Array(Type.Object({ no: Type.Integer({ minimum: 1, maximum: 9 }), mean: Type.Union([Type.Number(), Type.Null()]), basis: Basis })),
  meanTotal: Type.Union([Type.Number(), Type.Null()], { description: 'Mean of the dossiers’ totals (of 18)' }),
  rating: Type.Union([Type.Literal('xuat-sac'), Type.Literal('tot'), Type.Literal('kha'), Type.Literal('trung-binh'), Type.Literal('yeu'), Type.Null()]),
  dossiers: Type.Array(
    Type.Object({
      code: Type.String(),
      procedureCode: Type.String(),
      agencyCode: Type.String(),
      resolvedAt: Type.String({ format: 'date-time' }),
      points: Type.Array(Type.Integer({ minimum: 0, maximum: 2 }), { minItems: 9, maxItems: 9 }),
      total: Type.Integer(),
    }),
  ),
  index766: Type.Object({
    groups: Type.Array(
      Type.Object({
        key: Type.Union([Type.Literal('cong-khai'), Type.Literal('tien-do'), Type.Literal('so-hoa'), Type.Literal('truc-tuyen'), Type.Literal('hai-long')]),
        max: Type.Integer(),
        points: Type.Union([Type.Number(), Type.Null()]),
        basis: Basis,
      }),
    ),
    points: Type.Number(),
    maxCounted: Type.Integer({ description: 'The points of the groups with data in the period' }),
  }),
});
export type ServiceIndexReport = Static<typeof ServiceIndexReport>;
