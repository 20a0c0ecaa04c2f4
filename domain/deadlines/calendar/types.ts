import type { LocalDate } from './local-time.js';

/**
 * Kinds of day an administrator (or the official schedule) enters:
 * - holiday: a public holiday (ngày lễ, Tết) — not worked;
 * - day_off: a compensatory or swapped day off (nghỉ bù / hoán đổi) — not worked;
 * - working_day: a make-up working day (làm bù), e.g. a Saturday — worked.
 */
export type DayKind = 'holiday' | 'day_off' | 'working_day';

/**
 * The statutory occasions of the Labour Code 2019 art. 112 (+ Culture Day). A national entry that
 * names an occasion is part of that occasion's official schedule for its year: once a year has any
 * such entry, the days computed by law for that occasion and year are replaced by the schedule.
 */
export type Occasion = 'new-year' | 'lunar-new-year' | 'hung-kings' | 'reunification' | 'labour-day' | 'national-day' | 'culture-day';
export const OCCASIONS: readonly Occasion[] = ['new-year', 'lunar-new-year', 'hung-kings', 'reunification', 'labour-day', 'national-day', 'culture-day'];

/** One non-standard day: national (unit null) or an organisation's override (unit = its code). */
export interface CalendarDayEntry {
  date: LocalDate;
  kind: DayKind;
  /** "Tiếng Việt / English" for built-in days; as typed by the administrator otherwise */
  name: string;
  /** unit code for an organisation's override; null/undefined for the national calendar */
  unit?: string | null;
  occasion?: Occasion | null;
  /** legal document or other origin, e.g. "CV 9859/VPCP-KGVX" */
  source?: string | null;
  /** database id when loaded from the database */
  id?: number;
}

/** Working hours of one day: two sessions (buổi sáng, buổi chiều), "HH:MM" local time. */
export interface WorkingHours {
  morningStart: string;
  morningEnd: string;
  afternoonStart: string;
  afternoonEnd: string;
}

export interface CalendarSettings extends WorkingHours {
  /**
   * Receipt cut-off "HH:MM" (default 15:00) or null for none: a receipt after it counts from the
   * start of the next working day. See README.md for how this meets vn-rules §2.1.
   */
  cutoff: string | null;
}

/** An organisation unit and its parent, for override inheritance. */
export interface CalendarUnit {
  code: string;
  parent: string | null;
}

export interface WorkingCalendarConfig {
  /** weekly rest days, 0 = Sunday … 6 = Saturday; default Saturday and Sunday */
  weekend?: number[];
  /** Vietnamese Culture Day 24/11 as a public holiday from 2026 (vn-rules §6.1: behind a flag); default true */
  cultureDay?: boolean;
  /** national schedule entries and unit overrides */
  days?: CalendarDayEntry[];
  /** the organisation tree (needed for unit overrides and unit settings) */
  units?: CalendarUnit[];
  /** national settings; default 07:30–11:30, 13:30–17:00, cut-off 15:00 */
  settings?: Partial<CalendarSettings>;
  /** a unit's own settings (complete); children inherit the nearest ancestor's */
  unitSettings?: Record<string, CalendarSettings>;
}

/** A pause of the clock (waiting for the citizen, a sector-defined exclusion). */
export interface Pause {
  from: Date;
  to: Date;
}

/** Where the status of a day comes from. */
export type DayOrigin = 'weekday' | 'weekend' | 'law' | 'national' | 'unit';

export interface DayInfo {
  date: LocalDate;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  working: boolean;
  /** kind of the entry that decides the day; 'weekend' / 'weekday' when none does */
  kind: DayKind | 'weekend' | 'weekday';
  /** "Tiếng Việt / English" reason (holiday name, "Thứ Bảy / Saturday", …) */
  name: string;
  origin: DayOrigin;
  /** unit whose override decides the day (origin 'unit'); it may be an ancestor of the asked unit */
  unit?: string;
  occasion?: Occasion;
  source?: string;
  /** database id of the deciding entry */
  id?: number;
}

export type HalfDay = 'morning' | 'afternoon';

export interface WorkingSlot {
  date: LocalDate;
  half: HalfDay;
  start: Date;
  end: Date;
}

export interface DueExplanation {
  receivedAt: Date;
  /** where counting starts: the receipt, or the next working day when after the cut-off */
  countingFrom: Date;
  cutoffApplied: boolean;
  days: number;
  unit: string | null;
  due: Date;
  /** the working half-days counted, in order */
  counted: WorkingSlot[];
  /** every non-working day between the receipt and the due date, with its reason */
  skipped: DayInfo[];
  /** working half-days not counted because the clock was paused */
  paused: WorkingSlot[];
  settings: CalendarSettings;
}

/**
 * The legal unit of a time limit (đơn vị thời hạn), as the legal basis states it:
 * - working_days: ngày làm việc (half days allowed), counted in working half-days;
 * - calendar_days: ngày (Civil Code 2015 art. 147–148): from the day after the receipt; a period
 *   whose last day is a day off ends at the close of the next working day;
 * - hours: giờ làm việc (half hours allowed), counted inside working hours;
 * - within_day: trong ngày — by the close of the receipt's working day (the next working day's
 *   when received after the cut-off or on a day off); its value is 0.
 */
export { TIME_LIMIT_UNITS, type TimeLimitUnit } from '../../../engine/step-meta.js';
import { TIME_LIMIT_UNIT_LABELS, type TimeLimitUnit } from '../../../engine/step-meta.js';
export { TIME_LIMIT_UNIT_LABELS };

/** A time limit in its legal unit. */
export interface TimeLimit {
  value: number;
  unit: TimeLimitUnit;
}

/** "10 ngày", "1,5 ngày làm việc", "trong ngày" (Vietnamese decimal comma). */
export function formatTimeLimit(l: TimeLimit, lang: 'vi' | 'en' = 'vi'): string {
  const label = TIME_LIMIT_UNIT_LABELS[l.unit][lang];
  if (l.unit === 'within_day') return label;
  const n = lang === 'vi' ? String(l.value).replace('.', ',') : String(l.value);
  return `${n} ${label}`;
}
