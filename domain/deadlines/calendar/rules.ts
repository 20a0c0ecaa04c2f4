import { addDays, localDate, weekday, type LocalDate } from './local-time.js';
import { hungKingsDay, lunarNewYearsEve, tetDay } from './lunar.js';
import type { DayKind, Occasion } from './types.js';

/**
 * Public holidays as the law alone gives them (Labour Code 2019 art. 112, art. 111(3); Vietnamese
 * Culture Day from 2026), for years whose official schedule is not (yet) entered. Where the law
 * leaves a choice to the Government, the default is documented here and replaced by the official
 * schedule as soon as one is entered for that occasion and year.
 */

export interface LawDay {
  date: LocalDate;
  kind: Extract<DayKind, 'holiday' | 'day_off'>;
  occasion: Occasion;
  name: string;
  source: string;
}

/** First year Vietnamese Culture Day (24/11) is a paid holiday (vn-rules §6.1: NQ 28/2026/QH16, from 01/7/2026). */
export const CULTURE_DAY_FIRST_YEAR = 2026;

const ART_112 = 'BLLĐ 2019 Điều 112';
const ART_111 = 'BLLĐ 2019 Điều 111(3)';

const TET_DAY_NAMES = ['mùng 1', 'mùng 2', 'mùng 3', 'mùng 4'];

/**
 * The second National Day holiday: 1/9 or 3/9 (art. 112 lets the Government choose each year).
 * Default: the one that joins 2/9 to a weekend or bridges to it — 3/9 when 2/9 is a Thursday
 * (Fri 3/9, as in 2021), a Monday (Tue 3/9, as in 2024; 1/9 would be a Sunday) or a Sunday;
 * otherwise 1/9 (Tue → Mon 1/9 as in 2025, Wed → Tue 1/9 as in 2026, Fri → Thu 1/9 as in 2022, Sat → Fri 1/9 as in 2023).
 */
export function nationalDayAdjacent(year: number): LocalDate {
  const d = localDate(year, 9, 2);
  return [0, 1, 4].includes(weekday(d)) ? localDate(year, 9, 3) : localDate(year, 9, 1);
}

/** The statutory holidays of a year, before compensation; `skip` leaves out occasions that have an official schedule. */
export function statutoryHolidays(year: number, opts: { cultureDay: boolean; skip?: ReadonlySet<Occasion> }): LawDay[] {
  const out: LawDay[] = [];
  const add = (occasion: Occasion, date: LocalDate, name: string) => {
    if (!opts.skip?.has(occasion)) out.push({ date, kind: 'holiday', occasion, name, source: ART_112 });
  };
  add('new-year', localDate(year, 1, 1), "Tết Dương lịch / New Year's Day");
  // Tết: 5 days. Without a schedule: the last day of the old lunar year and mùng 1–4 (as in 2026).
  add('lunar-new-year', lunarNewYearsEve(year), "Tết Nguyên đán (ngày cuối năm âm lịch) / Lunar New Year's Eve");
  const tet = tetDay(year);
  TET_DAY_NAMES.forEach((n, i) => add('lunar-new-year', addDays(tet, i), `Tết Nguyên đán (${n}) / Lunar New Year, day ${i + 1}`));
  add('hung-kings', hungKingsDay(year), "Giỗ Tổ Hùng Vương (10/3 âm lịch) / Hung Kings' Commemoration");
  add('reunification', localDate(year, 4, 30), 'Ngày Chiến thắng 30/4 / Reunification Day');
  add('labour-day', localDate(year, 5, 1), "Ngày Quốc tế Lao động 1/5 / International Workers' Day");
  add('national-day', localDate(year, 9, 2), 'Quốc khánh 2/9 / National Day');
  add('national-day', nationalDayAdjacent(year), 'Quốc khánh (ngày liền kề) / National Day (adjacent day)');
  if (opts.cultureDay && year >= CULTURE_DAY_FIRST_YEAR) add('culture-day', localDate(year, 11, 24), 'Ngày Văn hóa Việt Nam 24/11 / Vietnamese Culture Day');
  return out.sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * Art. 111(3): a holiday that falls on a weekly rest day is compensated by the next working day.
 * `isOff` says whether a date is already not worked (weekend, another holiday, a scheduled day off).
 */
export function compensatoryDays(holidays: readonly LawDay[], isWeekend: (d: LocalDate) => boolean, isOff: (d: LocalDate) => boolean): LawDay[] {
  const taken = new Set<LocalDate>();
  const out: LawDay[] = [];
  for (const h of holidays) {
    if (!isWeekend(h.date)) continue;
    let d = addDays(h.date, 1);
    while (isWeekend(d) || isOff(d) || taken.has(d)) d = addDays(d, 1);
    taken.add(d);
    const [vi, en] = h.name.split(' / ');
    out.push({ date: d, kind: 'day_off', occasion: h.occasion, name: `Nghỉ bù ${vi} / Day off in lieu of ${en}`, source: ART_111 });
  }
  return out;
}
