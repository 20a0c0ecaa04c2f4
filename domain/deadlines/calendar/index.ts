/**
 * Working-day calendar of Vietnamese state agencies: pure TypeScript, no database. The API and the
 * Zeebe workers get one through domain/deadlines/calendar-store.ts (loadCalendar), tests build one from a
 * config. See README.md.
 */
export { WorkingCalendar, createWorkingCalendar, CalendarError, DEFAULT_SETTINGS, MAX_DAYS, validateSettings, type UnitArg } from './working-calendar.js';
export { OFFICIAL_SCHEDULES, OFFICIAL_SCHEDULE_2025, OFFICIAL_SCHEDULE_2026 } from './official-schedules.js';
export { statutoryHolidays, compensatoryDays, nationalDayAdjacent, CULTURE_DAY_FIRST_YEAR, type LawDay } from './rules.js';
export { lunarToSolar, solarToLunar, tetDay, lunarNewYearsEve, hungKingsDay, type LunarDay } from './lunar.js';
export {
  VN_OFFSET_MS,
  addDays,
  instantAt,
  isLocalDate,
  localDateOf,
  minuteOfDay,
  parseLocalDate,
  parseTimeOfDay,
  toLocalIso,
  weekday,
  type LocalDate,
} from './local-time.js';
export * from './types.js';

import { OFFICIAL_SCHEDULES } from './official-schedules.js';
import type { WorkingCalendarConfig } from './types.js';

/** The national calendar with the shipped official schedules and default settings, plus any extra config. */
export function nationalCalendarConfig(extra: WorkingCalendarConfig = {}): WorkingCalendarConfig {
  return { ...extra, days: [...OFFICIAL_SCHEDULES, ...(extra.days ?? [])] };
}
