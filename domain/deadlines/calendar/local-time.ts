/**
 * Calendar arithmetic in Vietnam's civil time: Asia/Ho_Chi_Minh is UTC+7 all year (no DST since
 * 1975), so a fixed offset is exact and needs no time-zone database.
 *
 * A local date is the string "YYYY-MM-DD"; a time of day is minutes after local midnight.
 */

/** Offset of Asia/Ho_Chi_Minh from UTC, in milliseconds. */
export const VN_OFFSET_MS = 7 * 3600_000;
const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" in Vietnam. */
export type LocalDate = string;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parts of a local date, or undefined when the text is not a real calendar date (e.g. 2026-02-30). */
export function parseLocalDate(s: string): { year: number; month: number; day: number } | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

export function isLocalDate(s: string): boolean {
  return parseLocalDate(s) !== undefined;
}

export function localDate(year: number, month: number, day: number): LocalDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Days since 1970-01-01 of a local date (a plain counter for loops and comparisons). */
export function dayNumber(d: LocalDate): number {
  const p = parseLocalDate(d);
  if (!p) throw new RangeError(`Ngày không hợp lệ / Invalid date: ${d}`);
  return Date.UTC(p.year, p.month - 1, p.day) / DAY_MS;
}

export function fromDayNumber(n: number): LocalDate {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(d: LocalDate, n: number): LocalDate {
  return fromDayNumber(dayNumber(d) + n);
}

export function yearOf(d: LocalDate): number {
  return Number(d.slice(0, 4));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(d: LocalDate): number {
  return (((dayNumber(d) + 4) % 7) + 7) % 7;
}

/** The local date of an instant in Vietnam. */
export function localDateOf(at: Date): LocalDate {
  return new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 10);
}

/** Minutes after local midnight of an instant in Vietnam. */
export function minuteOfDay(at: Date): number {
  const ms = (((at.getTime() + VN_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS;
  return ms / 60_000;
}

/** The instant of a local date and minute of day in Vietnam. */
export function instantAt(d: LocalDate, minute: number): Date {
  return new Date(dayNumber(d) * DAY_MS + minute * 60_000 - VN_OFFSET_MS);
}

/** "07:30" → 450. */
export function parseTimeOfDay(s: string): number | undefined {
  const m = TIME_RE.exec(s);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

export function formatTimeOfDay(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** ISO 8601 with the +07:00 offset, as people in Vietnam read it: 2026-02-23T11:30:00+07:00. */
export function toLocalIso(at: Date): string {
  return `${new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

export const WEEKDAY_NAMES: readonly { vi: string; en: string }[] = [
  { vi: 'Chủ nhật', en: 'Sunday' },
  { vi: 'Thứ Hai', en: 'Monday' },
  { vi: 'Thứ Ba', en: 'Tuesday' },
  { vi: 'Thứ Tư', en: 'Wednesday' },
  { vi: 'Thứ Năm', en: 'Thursday' },
  { vi: 'Thứ Sáu', en: 'Friday' },
  { vi: 'Thứ Bảy', en: 'Saturday' },
];
