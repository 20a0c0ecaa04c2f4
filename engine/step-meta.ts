/**
 * What an administrator sets on a human step in the modeler, as it is stored in the BPMN and read by
 * the engine side. Owner and form use Zeebe's own extension elements; the government-specific
 * settings are task headers (zeebe:taskHeaders), so they reach every job of the step unchanged.
 *
 *   <zeebe:assignmentDefinition candidateGroups="SNNMT-QLDD/officer" />   unit / role
 *   <zeebe:formDefinition formKey="app:tham-dinh-ho-so" />                form
 *   <zeebe:taskHeaders>
 *     <zeebe:header key="eiso.timeLimit" value="2.5" />                    working days, half days allowed
 *     <zeebe:header key="eiso.records" value="Phiếu thẩm định; Biên bản" /> records the step produces
 *     <zeebe:header key="eiso.isoClauses" value="8.5.1, 9.1.1" />           ISO 9001:2015 clauses
 *     <zeebe:header key="eiso.instructions" value="..." />                  what the officer must do
 *   </zeebe:taskHeaders>
 *
 * A process's statutory time limit is an extension property on the process:
 *   <zeebe:properties><zeebe:property name="eiso.timeLimit" value="15" /></zeebe:properties>
 */
/**
 * The platform's roles, defined once: sign-in accounts carry them (api/schemas/auth.ts), and a
 * candidate group may name one after the unit code ("<unitCode>/<role>").
 */
export const ROLES = ['admin', 'designer', 'officer', 'leader', 'auditor'] as const;
export type RoleName = (typeof ROLES)[number];

export const STEP_HEADER = {
  timeLimit: 'eiso.timeLimit',
  records: 'eiso.records',
  isoClauses: 'eiso.isoClauses',
  instructions: 'eiso.instructions',
} as const;

export const PROCESS_PROPERTY = {
  timeLimit: 'eiso.timeLimit',
  /** the legal unit of the total (domain/deadlines/calendar TIME_LIMIT_UNITS); absent = working_days */
  timeLimitUnit: 'eiso.timeLimitUnit',
} as const;

/**
 * The legal unit of a time limit (đơn vị thời hạn), as the legal basis states it:
 * - working_days: ngày làm việc (half days allowed), counted in working half-days;
 * - calendar_days: ngày (Civil Code 2015 art. 147–148): from the day after the receipt; a period
 *   whose last day is a day off ends at the close of the next working day;
 * - hours: giờ làm việc (half hours allowed), counted inside working hours;
 * - within_day: trong ngày — by the close of the receipt's working day (the next working day's
 *   when received after the cut-off or on a day off); its value is 0.
 */
export type TimeLimitUnit = 'working_days' | 'calendar_days' | 'hours' | 'within_day';
export const TIME_LIMIT_UNITS: readonly TimeLimitUnit[] = ['working_days', 'calendar_days', 'hours', 'within_day'];

/** How a limit is printed (slip, public pages, sheets, validation): "ngày làm việc", "ngày", "giờ", "trong ngày". */
export const TIME_LIMIT_UNIT_LABELS: Record<TimeLimitUnit, { vi: string; en: string }> = {
  working_days: { vi: 'ngày làm việc', en: 'working days' },
  calendar_days: { vi: 'ngày', en: 'days' },
  hours: { vi: 'giờ', en: 'hours' },
  within_day: { vi: 'trong ngày', en: 'within the day' },
};

export interface StepMeta {
  /** working days; multiples of 0.5 */
  timeLimitDays: number | null;
  records: string[];
  isoClauses: string[];
  instructions: string | null;
}

/** Parses a time limit in working days ("3", "2.5", "0,5"); null when absent or not a positive multiple of half a day. */
export function parseTimeLimit(value: unknown): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const n = Number(String(value).trim().replace(',', '.'));
  if (!Number.isFinite(n) || n <= 0 || Math.round(n * 2) !== n * 2) return null;
  return n;
}

const list = (value: unknown, sep: RegExp): string[] =>
  typeof value === 'string'
    ? value
        .split(sep)
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** Reads the step settings from a job's custom headers (or a header map taken from the model). */
export function stepMetaFromHeaders(headers: Record<string, unknown>): StepMeta {
  return {
    timeLimitDays: parseTimeLimit(headers[STEP_HEADER.timeLimit]),
    records: list(headers[STEP_HEADER.records], /;/),
    isoClauses: list(headers[STEP_HEADER.isoClauses], /,/),
    instructions: typeof headers[STEP_HEADER.instructions] === 'string' ? (headers[STEP_HEADER.instructions] as string) : null,
  };
}
