import { Type, type Static } from 'typebox';
import { Params } from './common.js';

/** Issue 20, item 1: the register of legal documents, citations, and a law change reaching running dossiers. */

const LocalDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', maxLength: 10, description: 'YYYY-MM-DD, Vietnam date' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const ProcessId = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' });
const Key = Type.String({ pattern: '^[0-9]{1,19}$', maxLength: 19 });

/** The register's kinds (domain/procedures/legal-documents.ts LEGAL_DOCUMENT_KINDS), spelled out so the wire type is their union. */
export const LegalDocumentKind = Type.Union([
  Type.Literal('luat'),
  Type.Literal('nghi_dinh'),
  Type.Literal('nghi_quyet'),
  Type.Literal('thong_tu'),
  Type.Literal('thong_tu_lien_tich'),
  Type.Literal('quyet_dinh'),
  Type.Literal('chi_thi'),
  Type.Literal('tieu_chuan'),
  Type.Literal('other'),
]);

export const LegalDocument = Type.Object({
  id: Type.Integer(),
  number: Type.String(),
  kind: Type.String(),
  issuer: Type.String(),
  signedOn: Nullable(Type.String()),
  effectiveOn: Nullable(Type.String()),
  title: Type.String(),
  url: Nullable(Type.String()),
});
export type LegalDocument = Static<typeof LegalDocument>;

export const LegalDocumentList = Type.Object({ items: Type.Array(LegalDocument) });
export const LegalDocumentQuery = Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) });

export const CreateLegalDocumentBody = Type.Object(
  {
    // "31/2024/QH15", "101/QĐ-BKHCN", "TCVN ISO 9001:2015": words of these characters, one space between them
    // (linear: each repetition starts at a space, which the words do not contain)
    number: Type.String({ minLength: 3, maxLength: 100, pattern: '^[0-9A-Za-zĐđ/.:-]+(?: [0-9A-Za-zĐđ/.:-]+)*$' }),
    kind: LegalDocumentKind,
    issuer: Type.String({ maxLength: 300 }),
    signedOn: LocalDate,
    effectiveOn: Type.Optional(Nullable(LocalDate)),
    title: Type.String({ maxLength: 2000 }),
    url: Type.Optional(Nullable(Type.String({ maxLength: 1000, pattern: '^https?://' }))),
  },
  { additionalProperties: false },
);
export type CreateLegalDocumentBody = Static<typeof CreateLegalDocumentBody>;

export const DocumentParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const Citation = Type.Object({ documentId: Type.Integer(), article: Type.String(), text: Type.String(), document: LegalDocument });
export const CitationList = Type.Object({ items: Type.Array(Citation), note: Type.String() });
export const SetCitationsBody = Type.Object(
  {
    citations: Type.Array(
      Type.Object({ documentId: Type.Integer({ minimum: 1, maximum: 2147483647 }), article: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
      { maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
export type SetCitationsBody = Static<typeof SetCitationsBody>;
export const ProcedureIdParams = Type.Object({ bpmnProcessId: ProcessId });

export const CitingProcedures = Type.Object({
  document: LegalDocument,
  items: Type.Array(
    Type.Object({
      bpmnProcessId: Type.String(),
      name: Type.String(),
      articles: Type.Array(Type.String()),
      publishedVersion: Type.Union([Type.Integer(), Type.Null()]),
      runningCases: Type.Integer(),
      versions: Type.Array(
        Type.Object({
          version: Type.Integer(),
          state: Type.String(),
          runningCases: Type.Integer(),
          legalChange: Type.Union([Type.Object({ legalDocumentId: Type.Integer(), changeDate: Type.String(), dueDatePolicy: Type.String() }), Type.Null()]),
        }),
      ),
    }),
  ),
});

const ReasonSchema = Type.Object({ code: Type.String(), params: Params, message: Type.String() });
const Times = Type.Object({ due: Type.String(), remind: Type.String() });
const StepDatesSchema = Type.Object({
  elementId: Type.String(),
  name: Type.String(),
  limitBefore: Type.Number(),
  limitAfter: Type.Number(),
  before: Times,
  after: Times,
  rule: Type.String(),
});
const Instance = Type.Object({
  processInstanceKey: Type.String(),
  bpmnProcessId: Type.String(),
  fromVersion: Type.Integer(),
  targetVersion: Type.Union([Type.Integer(), Type.Null()]),
  activeElements: Type.Array(Type.Object({ elementId: Type.String(), name: Type.String(), type: Type.String() })),
  migratable: Type.Boolean(),
  reasons: Type.Array(ReasonSchema),
  mapping: Type.Array(Type.Object({ sourceElementId: Type.String(), targetElementId: Type.String() })),
  steps: Type.Array(StepDatesSchema),
});
const Limit = Type.Union([Type.Object({ value: Type.Number(), unit: Type.String() }), Type.Null()]);

export const PlanQuery = Type.Object({
  bpmnProcessId: ProcessId,
  from: Type.Integer({ minimum: 1, maximum: 100000 }),
  to: Type.Integer({ minimum: 1, maximum: 100000 }),
});
export type PlanQuery = Static<typeof PlanQuery>;

export const MigrationPlan = Type.Object({
  bpmnProcessId: Type.String(),
  from: Type.Object({ version: Type.Integer(), processDefinitionKey: Type.String() }),
  to: Type.Object({ version: Type.Integer(), processDefinitionKey: Type.String() }),
  rule: Type.Object({
    policy: Type.String(),
    changeDate: Type.String(),
    recorded: Type.Boolean(),
    legalDocument: Type.Union([Type.Object({ id: Type.Integer(), number: Type.String() }), Type.Null()]),
  }),
  mapping: Type.Object({
    mapped: Type.Array(Type.Object({ sourceElementId: Type.String(), targetElementId: Type.String(), type: Type.String(), name: Type.String() })),
    removed: Type.Array(
      Type.Object({ elementId: Type.String(), type: Type.String(), name: Type.String(), targetType: Type.Union([Type.String(), Type.Null()]) }),
    ),
    added: Type.Array(Type.Object({ elementId: Type.String(), type: Type.String(), name: Type.String() })),
  }),
  limits: Type.Object({
    process: Type.Object({ before: Limit, after: Limit }),
    steps: Type.Array(
      Type.Object({
        elementId: Type.String(),
        name: Type.String(),
        before: Type.Union([Type.Number(), Type.Null()]),
        after: Type.Union([Type.Number(), Type.Null()]),
      }),
    ),
  }),
  cases: Type.Array(
    Type.Object({
      ...Instance.properties,
      caseCode: Type.Union([Type.String(), Type.Null()]),
      receivedAt: Type.Union([Type.String(), Type.Null()]),
      appointment: Type.Union([
        Type.Object({ before: Type.String(), after: Type.String(), rule: Type.String(), limitBefore: Limit, limitAfter: Limit }),
        Type.Null(),
      ]),
      called: Type.Array(Instance),
      migrated: Type.Boolean(),
    }),
  ),
  truncated: Type.Boolean(),
});
export type MigrationPlan = Static<typeof MigrationPlan>;

export const MAX_CASES_PER_CALL = 50;

export const ExecuteBody = Type.Object(
  {
    bpmnProcessId: ProcessId,
    from: Type.Integer({ minimum: 1, maximum: 100000 }),
    to: Type.Integer({ minimum: 1, maximum: 100000 }),
    cases: Type.Array(Key, { minItems: 1, maxItems: MAX_CASES_PER_CALL, uniqueItems: true }),
  },
  { additionalProperties: false },
);
export type ExecuteBody = Static<typeof ExecuteBody>;

export const ExecuteReply = Type.Object({
  items: Type.Array(
    Type.Object({
      processInstanceKey: Type.String(),
      outcome: Type.Union([Type.Literal('migrated'), Type.Literal('already'), Type.Literal('refused')]),
      reasons: Type.Array(ReasonSchema),
      appointmentMoved: Type.Boolean(),
      called: Type.Array(Type.Object({ processInstanceKey: Type.String(), outcome: Type.String(), reasons: Type.Array(ReasonSchema) })),
    }),
  ),
});
export type ExecuteReply = Static<typeof ExecuteReply>;
