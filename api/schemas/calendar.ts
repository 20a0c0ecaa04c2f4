import { Type, type Static } from 'typebox';

/** A local date in Vietnam. Real-date and 2000–2100 checks are made by the handler, with a clear message. */
export const LocalDateString = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'YYYY-MM-DD, local date in Vietnam (UTC+7)' });
export const TimeOfDay = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM local time' });
export const Reason = Type.String({ minLength: 3, maxLength: 1000, description: 'Why the change is made (kept in the audit trail)' });
export const UnitCode = Type.String({ minLength: 1, maxLength: 50, description: 'Organisation unit code' });

export const DayKind = Type.Union([Type.Literal('holiday'), Type.Literal('day_off'), Type.Literal('working_day')], {
  description: 'holiday (ngày lễ, Tết) | day_off (nghỉ bù, hoán đổi) | working_day (làm bù)',
});
export type DayKind = Static<typeof DayKind>;

export const Occasion = Type.Union(
  [
    Type.Literal('new-year'),
    Type.Literal('lunar-new-year'),
    Type.Literal('hung-kings'),
    Type.Literal('reunification'),
    Type.Literal('labour-day'),
    Type.Literal('national-day'),
    Type.Literal('culture-day'),
  ],
  { description: 'Statutory occasion; national days that name one replace what the law computes for it that year' },
);
export type Occasion = Static<typeof Occasion>;

/** One day of the calendar as seen from a unit, with the reason for its status. */
export const CalendarDay = Type.Object({
  date: LocalDateString,
  /** 0 = Sunday … 6 = Saturday */
  weekday: Type.Integer({ minimum: 0, maximum: 6 }),
  working: Type.Boolean(),
  kind: Type.Union([DayKind, Type.Literal('weekend'), Type.Literal('weekday')]),
  /** "Tiếng Việt / English" */
  name: Type.String(),
  /** law: computed from the Labour Code; national: official schedule or national entry; unit: an organisation's override */
  origin: Type.Union([Type.Literal('weekday'), Type.Literal('weekend'), Type.Literal('law'), Type.Literal('national'), Type.Literal('unit')]),
  /** the unit whose override decides the day (may be an ancestor of the unit asked about) */
  unitCode: Type.Optional(Type.String()),
  occasion: Type.Optional(Occasion),
  source: Type.Optional(Type.String()),
  /** id of the stored entry that decides the day (origin national or unit) */
  id: Type.Optional(Type.Integer()),
});
export type CalendarDay = Static<typeof CalendarDay>;

export const CalendarSettings = Type.Object({
  morningStart: TimeOfDay,
  morningEnd: TimeOfDay,
  afternoonStart: TimeOfDay,
  afternoonEnd: TimeOfDay,
  /** a receipt after this time counts from the next working day; null = no cut-off */
  cutoff: Type.Union([TimeOfDay, Type.Null()]),
});
export type CalendarSettings = Static<typeof CalendarSettings>;

export const EffectiveSettings = Type.Intersect([
  CalendarSettings,
  Type.Object({ inheritedFrom: Type.Union([Type.String(), Type.Null()], { description: 'unit whose settings apply; null = national' }) }),
]);

export const UnitQuery = Type.Object({ unit: Type.Optional(UnitCode) });
export type UnitQuery = Static<typeof UnitQuery>;

export const YearParams = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) });

export const YearView = Type.Object({
  year: Type.Integer(),
  unit: Type.Union([Type.String(), Type.Null()]),
  settings: EffectiveSettings,
  cultureDay: Type.Boolean(),
  /** every day that is not an ordinary weekday or weekend: holidays (computed or scheduled), days off, make-up working days */
  days: Type.Array(CalendarDay),
});
export type YearView = Static<typeof YearView>;

/** A stored entry: a national schedule day or an organisation's override. */
export const CalendarEntry = Type.Object({
  id: Type.Integer(),
  date: LocalDateString,
  kind: DayKind,
  name: Type.String(),
  occasion: Type.Union([Occasion, Type.Null()]),
  unitCode: Type.Union([Type.String(), Type.Null()], { description: 'null = national' }),
  source: Type.Union([Type.String(), Type.Null()]),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type CalendarEntry = Static<typeof CalendarEntry>;

export const CreateDayBody = Type.Object({
  date: LocalDateString,
  kind: DayKind,
  name: Type.String({ minLength: 1, maxLength: 300 }),
  /** unit code for an organisation's override; omitted or null for the national calendar */
  unit: Type.Optional(Type.Union([UnitCode, Type.Null()])),
  occasion: Type.Optional(Type.Union([Occasion, Type.Null()])),
  source: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  reason: Reason,
});
export type CreateDayBody = Static<typeof CreateDayBody>;

export const UpdateDayBody = Type.Object({
  date: Type.Optional(LocalDateString),
  kind: Type.Optional(DayKind),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
  occasion: Type.Optional(Type.Union([Occasion, Type.Null()])),
  source: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
  reason: Reason,
});
export type UpdateDayBody = Static<typeof UpdateDayBody>;

export const DayParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const ReasonQuery = Type.Object({ reason: Reason });
export const UnitReasonQuery = Type.Object({ unit: UnitCode, reason: Reason });

export const SettingsReply = Type.Object({
  unit: Type.Union([Type.String(), Type.Null()]),
  /** what applies to the unit (its own, an ancestor's or the national settings) */
  effective: EffectiveSettings,
  /** the unit's own row; null when it inherits */
  own: Type.Union([CalendarSettings, Type.Null()]),
  /** Vietnamese Culture Day 24/11 is a holiday from 2026 (national flag) */
  cultureDay: Type.Boolean(),
});
export type SettingsReply = Static<typeof SettingsReply>;

export const PutSettingsBody = Type.Intersect([
  CalendarSettings,
  Type.Object({
    /** unit code; omitted or null = national */
    unit: Type.Optional(Type.Union([UnitCode, Type.Null()])),
    /** national only */
    cultureDay: Type.Optional(Type.Boolean()),
    reason: Reason,
  }),
]);
export type PutSettingsBody = Static<typeof PutSettingsBody>;

export const CalendarChange = Type.Object({
  id: Type.String({ description: 'bigint as a decimal string' }),
  changedAt: Type.String({ format: 'date-time' }),
  username: Type.String(),
  action: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  entity: Type.Union([Type.Literal('day'), Type.Literal('settings')]),
  unitCode: Type.Union([Type.String(), Type.Null()]),
  date: Type.Union([LocalDateString, Type.Null()]),
  before: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  after: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  reason: Type.String(),
});
export type CalendarChange = Static<typeof CalendarChange>;

export const ChangesQuery = Type.Object({
  /** only changes of this unit ("national" for the national calendar) */
  unit: Type.Optional(UnitCode),
  year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type ChangesQuery = Static<typeof ChangesQuery>;

export const ChangeList = Type.Object({ items: Type.Array(CalendarChange), total: Type.Integer() });
export type ChangeList = Static<typeof ChangeList>;

export const DueQuery = Type.Object({
  /** receipt instant, ISO 8601 with offset, e.g. 2026-02-13T10:00:00+07:00 */
  start: Type.String({ minLength: 10, maxLength: 40 }),
  days: Type.Number({ minimum: 0, maximum: 1000, multipleOf: 0.5, description: 'working days, a multiple of 0.5; 0 = within the day' }),
  unit: Type.Optional(UnitCode),
});
export type DueQuery = Static<typeof DueQuery>;

export const WorkingHalfDay = Type.Object({
  date: LocalDateString,
  half: Type.Union([Type.Literal('morning'), Type.Literal('afternoon')]),
  start: Type.String({ format: 'date-time' }),
  end: Type.String({ format: 'date-time' }),
});

export const DueReply = Type.Object({
  receivedAt: Type.String({ format: 'date-time' }),
  countingFrom: Type.String({ format: 'date-time' }),
  cutoffApplied: Type.Boolean(),
  days: Type.Number(),
  unit: Type.Union([Type.String(), Type.Null()]),
  /** due instant, local ISO with +07:00 */
  due: Type.String({ format: 'date-time' }),
  counted: Type.Array(WorkingHalfDay),
  /** non-working days between receipt and due date, with the reason */
  skipped: Type.Array(CalendarDay),
  settings: CalendarSettings,
});
export type DueReply = Static<typeof DueReply>;
