import type { CalendarDayEntry } from './types.js';

/**
 * Official holiday schedules for state agencies (Mon–Fri), as published each year by the Government
 * Office / Ministry of Home Affairs (vn-rules.md §6.2). Each entry names its occasion: a year's
 * schedule for an occasion replaces what the law alone would compute for it (rules.ts).
 *
 * These constants are frozen history: migration 20261123000400_calendar seeds them into
 * calendar_days. A later year goes into a new constant and a new migration (or the admin API).
 * Vietnamese Culture Day (24/11) is not listed: it is computed behind its flag (rules.ts).
 */

/** 2025: CV 8726/VPCP-KGVX of 26/11/2024; TB 6150/TB-BLĐTBXH. */
export const OFFICIAL_SCHEDULE_2025: readonly CalendarDayEntry[] = [
  { date: '2025-01-01', kind: 'holiday', occasion: 'new-year', name: "Tết Dương lịch / New Year's Day", source: 'CV 8726/VPCP-KGVX 26/11/2024' },
  // Tết Ất Tỵ: mùng 1 = Wed 29/01; the 5 days are 28 and 29 tháng Chạp + mùng 1–3 (off Sat 25/01 – Sun 02/02).
  {
    date: '2025-01-27',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (28 tháng Chạp) / Lunar New Year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    date: '2025-01-28',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: "Tết Nguyên đán (29 tháng Chạp) / Lunar New Year's Eve",
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    date: '2025-01-29',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 1) / Lunar New Year, day 1',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    date: '2025-01-30',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 2) / Lunar New Year, day 2',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    date: '2025-01-31',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 3) / Lunar New Year, day 3',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    date: '2025-04-07',
    kind: 'holiday',
    occasion: 'hung-kings',
    name: "Giỗ Tổ Hùng Vương (10/3 âm lịch) / Hung Kings' Commemoration",
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  { date: '2025-04-30', kind: 'holiday', occasion: 'reunification', name: 'Ngày Chiến thắng 30/4 / Reunification Day', source: 'TB 6150/TB-BLĐTBXH' },
  { date: '2025-05-01', kind: 'holiday', occasion: 'labour-day', name: "Ngày Quốc tế Lao động 1/5 / International Workers' Day", source: 'TB 6150/TB-BLĐTBXH' },
  {
    date: '2025-05-02',
    kind: 'day_off',
    occasion: 'labour-day',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4) / Swapped day off (worked on Sat 26/4)',
    source: 'TB 6150/TB-BLĐTBXH',
  },
  {
    date: '2025-04-26',
    kind: 'working_day',
    occasion: 'labour-day',
    name: 'Làm bù cho thứ Sáu 2/5 / Make-up working day for Fri 2/5',
    source: 'TB 6150/TB-BLĐTBXH',
  },
  {
    date: '2025-09-01',
    kind: 'holiday',
    occasion: 'national-day',
    name: 'Quốc khánh (ngày liền kề) / National Day (adjacent day)',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  { date: '2025-09-02', kind: 'holiday', occasion: 'national-day', name: 'Quốc khánh 2/9 / National Day', source: 'CV 8726/VPCP-KGVX 26/11/2024' },
];

/** 2026: CV 12729/VPCP-KGVX of 25/12/2025 (New Year); CV 9859/VPCP-KGVX of 13/10/2025, TB 9441/TB-BNV (Tết, 2/9). */
export const OFFICIAL_SCHEDULE_2026: readonly CalendarDayEntry[] = [
  { date: '2026-01-01', kind: 'holiday', occasion: 'new-year', name: "Tết Dương lịch / New Year's Day", source: 'CV 12729/VPCP-KGVX 25/12/2025' },
  {
    date: '2026-01-02',
    kind: 'day_off',
    occasion: 'new-year',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 10/1) / Swapped day off (worked on Sat 10/1)',
    source: 'CV 12729/VPCP-KGVX 25/12/2025',
  },
  {
    date: '2026-01-10',
    kind: 'working_day',
    occasion: 'new-year',
    name: 'Làm bù cho thứ Sáu 2/1 / Make-up working day for Fri 2/1',
    source: 'CV 12729/VPCP-KGVX 25/12/2025',
  },
  // Tết Bính Ngọ: mùng 1 = Tue 17/02; the 5 days are 29 tháng Chạp (last day of Ất Tỵ) + mùng 1–4 (off Sat 14/02 – Sun 22/02).
  {
    date: '2026-02-16',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: "Tết Nguyên đán (29 tháng Chạp) / Lunar New Year's Eve",
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    date: '2026-02-17',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 1) / Lunar New Year, day 1',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    date: '2026-02-18',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 2) / Lunar New Year, day 2',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    date: '2026-02-19',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 3) / Lunar New Year, day 3',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    date: '2026-02-20',
    kind: 'holiday',
    occasion: 'lunar-new-year',
    name: 'Tết Nguyên đán (mùng 4) / Lunar New Year, day 4',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  // Giỗ Tổ falls on Sun 26/4: nghỉ bù Mon 27/4 (Labour Code art. 111(3)).
  {
    date: '2026-04-26',
    kind: 'holiday',
    occasion: 'hung-kings',
    name: "Giỗ Tổ Hùng Vương (10/3 âm lịch) / Hung Kings' Commemoration",
    source: 'BLLĐ 2019 Điều 112',
  },
  {
    date: '2026-04-27',
    kind: 'day_off',
    occasion: 'hung-kings',
    name: "Nghỉ bù Giỗ Tổ Hùng Vương / Day off in lieu of Hung Kings' Commemoration",
    source: 'BLLĐ 2019 Điều 111(3)',
  },
  { date: '2026-04-30', kind: 'holiday', occasion: 'reunification', name: 'Ngày Chiến thắng 30/4 / Reunification Day', source: 'BLLĐ 2019 Điều 112' },
  { date: '2026-05-01', kind: 'holiday', occasion: 'labour-day', name: "Ngày Quốc tế Lao động 1/5 / International Workers' Day", source: 'BLLĐ 2019 Điều 112' },
  {
    date: '2026-09-01',
    kind: 'holiday',
    occasion: 'national-day',
    name: 'Quốc khánh (ngày liền kề) / National Day (adjacent day)',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  { date: '2026-09-02', kind: 'holiday', occasion: 'national-day', name: 'Quốc khánh 2/9 / National Day', source: 'CV 9859/VPCP-KGVX 13/10/2025' },
  {
    date: '2026-08-31',
    kind: 'day_off',
    occasion: 'national-day',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 22/8) / Swapped day off (worked on Sat 22/8)',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    date: '2026-08-22',
    kind: 'working_day',
    occasion: 'national-day',
    name: 'Làm bù cho thứ Hai 31/8 / Make-up working day for Mon 31/8',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
];

/** Every official schedule shipped with the module. */
export const OFFICIAL_SCHEDULES: readonly CalendarDayEntry[] = [...OFFICIAL_SCHEDULE_2025, ...OFFICIAL_SCHEDULE_2026];
