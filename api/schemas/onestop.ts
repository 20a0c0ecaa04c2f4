import { Type, type Static } from 'typebox';

// ---------------------------------------------------------------- catalogue

export const Fee = Type.Object({ name: Type.String({ minLength: 1, maxLength: 300 }), amount: Type.Integer({ minimum: 0 }), note: Type.String({ maxLength: 1000 }) });
export const RequiredDocument = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 50 }),
  name: Type.String({ minLength: 1, maxLength: 500 }),
  copies: Type.Integer({ minimum: 1, maximum: 100 }),
  mandatory: Type.Boolean(),
});
export type RequiredDocument = Static<typeof RequiredDocument>;

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
  fees: Type.Array(Fee),
  requiredDocuments: Type.Array(RequiredDocument),
  result: Type.String(),
  onlineLevel: Type.Union([Type.Literal('full'), Type.Literal('partial')]),
  legalBasis: Type.String(),
  bpmnProcessId: Type.String(),
  processVersion: Type.Union([Type.Integer(), Type.Null()]),
  active: Type.Boolean(),
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

export const RowError = Type.Object({ row: Type.Integer(), code: Type.Union([Type.String(), Type.Null()]), message: Type.String() });
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
  error: Type.String(),
  message: Type.String(),
  rows: Type.Array(RowError),
});
export type ImportErrorBody = Static<typeof ImportErrorBody>;
