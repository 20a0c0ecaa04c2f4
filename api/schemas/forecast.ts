import { Type, type Static, type TSchema } from 'typebox';

function Nullable<T extends TSchema>(t: T) {
  return Type.Union([t, Type.Null()]);
}
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const ForecastQuery = Type.Object(
  {
    /** narrow to one agency of the viewer's scope */
    agency: Type.Optional(Type.String({ maxLength: 50 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
  },
  { additionalProperties: false },
);
export type ForecastQuery = Static<typeof ForecastQuery>;

/** "Nguy cơ trễ hẹn" of one open dossier (domain/forecast). */
export const DossierForecast = Type.Object({
  /** the dossier's id (its page: /mot-cua/ho-so/:id) */
  id: Type.String(),
  code: Type.String(),
  procedureCode: Type.String(),
  procedureName: Type.String(),
  agencyCode: Type.String(),
  /** Vietnam local time, ISO */
  receivedAt: Type.String(),
  appointmentAt: Type.String(),
  /** probability of missing the appointment, 0..1 */
  probability: Type.Number({ minimum: 0, maximum: 1 }),
  /** the expected finishing day (yyyy-mm-dd) */
  expectedDay: Day,
  /** what the estimate rests on: the step's history in its unit, in the procedure (any unit), or the drawn limits */
  basis: Type.Union([Type.Literal('unit'), Type.Literal('procedure'), Type.Literal('drawn')]),
  samples: Type.Integer(),
  queueFactor: Type.Number(),
  step: Nullable(
    Type.Object({
      taskId: Type.String(),
      name: Type.String(),
      unitCode: Nullable(Type.String()),
      holder: Nullable(Type.String()),
      queueAhead: Type.Integer(),
    }),
  ),
  apology: Type.Object({
    status: Nullable(Type.Union([Type.Literal('draft'), Type.Literal('approved')])),
    /** the last day the letter may go out (one working day before the appointment) */
    deadline: Day,
    /** forecast late, no letter yet, and still in time */
    canDraft: Type.Boolean(),
  }),
});
export type DossierForecast = Static<typeof DossierForecast>;

export const ForecastList = Type.Object({
  asOf: Type.String(),
  total: Type.Integer(),
  items: Type.Array(DossierForecast),
});
export type ForecastList = Static<typeof ForecastList>;
