import { getLunarDate, getSolarDate } from '@dqcai/vn-lunar';
import { addDays, localDate, parseLocalDate, type LocalDate } from './local-time.js';

/**
 * The Vietnamese lunar calendar (âm lịch), computed for UTC+7. The only file that knows which
 * library does it (see README.md for why @dqcai/vn-lunar and not lunar-javascript).
 */

/** Years the library has tables for (Hồ Ngọc Đức's tables, 1200–2199); we never need more than 1900–2199. */
const FIRST_YEAR = 1200;
const LAST_YEAR = 2199;

export interface LunarDay {
  year: number;
  month: number;
  day: number;
  leapMonth: boolean;
}

/** Gregorian date of a lunar date (non-leap month) in Vietnam. */
export function lunarToSolar(lunarYear: number, month: number, day: number): LocalDate {
  if (lunarYear < FIRST_YEAR || lunarYear > LAST_YEAR)
    throw new RangeError(`Âm lịch chỉ tính được năm ${FIRST_YEAR}–${LAST_YEAR} / Lunar dates only for ${FIRST_YEAR}–${LAST_YEAR}: ${lunarYear}`);
  const s = getSolarDate(day, month, lunarYear, false);
  if (!s.year) throw new RangeError(`Không có ngày âm lịch ${day}/${month}/${lunarYear} / No such lunar date`);
  return localDate(s.year, s.month, s.day);
}

/** Lunar date of a Gregorian date in Vietnam. */
export function solarToLunar(d: LocalDate): LunarDay {
  const p = parseLocalDate(d);
  if (!p) throw new RangeError(`Ngày không hợp lệ / Invalid date: ${d}`);
  const l = getLunarDate(p.day, p.month, p.year);
  if (!l.year) throw new RangeError(`Âm lịch chỉ tính được năm ${FIRST_YEAR}–${LAST_YEAR} / Lunar dates only for ${FIRST_YEAR}–${LAST_YEAR}: ${d}`);
  return { year: l.year, month: l.month, day: l.day, leapMonth: l.leap };
}

/** Mùng 1 Tết (1st day of the 1st lunar month) of the lunar year that starts in Gregorian `year`. */
export function tetDay(year: number): LocalDate {
  return lunarToSolar(year, 1, 1);
}

/** The last day of the previous lunar year (29 or 30 tháng Chạp): the day before mùng 1 Tết. */
export function lunarNewYearsEve(year: number): LocalDate {
  return addDays(tetDay(year), -1);
}

/** Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month. */
export function hungKingsDay(year: number): LocalDate {
  return lunarToSolar(year, 3, 10);
}
