import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  createWorkingCalendar,
  formatTimeLimit,
  nationalCalendarConfig,
  toLocalIso,
  type TimeLimit,
} from '../../domain/deadlines/calendar/index.js';
import { processTimeLimit } from '../../domain/deadlines/model.js';
import { checkEntries } from '../../domain/onestop/catalogue.js';

/**
 * Time limits in their legal unit (issue 17.1). Every expected instant is written out by hand from
 * the official 2026 calendar (domain/deadlines/calendar/official-schedules.ts: 2/1 off; Tết 16–20/2;
 * Giỗ Tổ Sun 26/4 with Mon 27/4 off; 30/4 Thu and 1/5 Fri; 31/8 off, 1–2/9; Culture Day 24/11) and
 * a printed calendar; the comment says why. Working hours 07:30–11:30, 13:30–17:00, cut-off 15:00.
 */

const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const national = createWorkingCalendar(nationalCalendarConfig());
const due = (received: string, limit: TimeLimit, pauses: { from: string; to: string }[] = []) =>
  toLocalIso(national.dueOf(vn(received), limit, null, { pauses: pauses.map((p) => ({ from: vn(p.from), to: vn(p.to) })) }));

describe('calendar days (ngày, Civil Code art. 147–148)', () => {
  it('counts from the day after the receipt and ends at the close of office hours of the last day', () => {
    // Fri 24/4 + 10 days = Mon 4/5, a working day (30/4 and 1/5 fall inside the period and do not extend it).
    expect(due('2026-04-24 10:00', { value: 10, unit: 'calendar_days' })).toBe('2026-05-04T17:00:00+07:00');
    // The same receipt counted as 10 working days (the old model) ends 9 days later: half-days from Fri
    // 24/4 afternoon: 24/4 pm (1), 28/4 (3), 29/4 (5), 4/5 (7), 5/5 (9), 6/5 (11), 7/5 (13), 8/5 (15),
    // 11/5 (17), 12/5 (19), 13/5 morning (20).
    expect(due('2026-04-24 10:00', { value: 10, unit: 'working_days' })).toBe('2026-05-13T11:30:00+07:00');
  });

  it('moves a last day that is a holiday or weekend to the close of the next working day (art. 148)', () => {
    // Mon 20/4 + 10 = Thu 30/4 (holiday) → 1/5 holiday, Sat 2/5, Sun 3/5 → Mon 4/5.
    expect(due('2026-04-20 09:00', { value: 10, unit: 'calendar_days' })).toBe('2026-05-04T17:00:00+07:00');
    // Thu 16/4 + 10 = Sun 26/4 (Giỗ Tổ) → Mon 27/4 is its day off → Tue 28/4.
    expect(due('2026-04-16 14:00', { value: 10, unit: 'calendar_days' })).toBe('2026-04-28T17:00:00+07:00');
    // Fri 13/2 + 15 = Sat 28/2 (Tết 16–20/2 is inside the period) → Sun 1/3 → Mon 2/3.
    expect(due('2026-02-13 10:00', { value: 15, unit: 'calendar_days' })).toBe('2026-03-02T17:00:00+07:00');
  });

  it('treats a receipt after the 15:00 cut-off as received on the next working day', () => {
    // Fri 24/4 16:00 → received Tue 28/4 (Sat, Sun, Mon 27/4 off) + 10 = Fri 8/5.
    expect(due('2026-04-24 16:00', { value: 10, unit: 'calendar_days' })).toBe('2026-05-08T17:00:00+07:00');
    // At 15:00 sharp the receipt still counts for Fri 24/4.
    expect(due('2026-04-24 15:00', { value: 10, unit: 'calendar_days' })).toBe('2026-05-04T17:00:00+07:00');
  });

  it('does not count the days that start during a pause', () => {
    // Mon 1/6 + 10 = Thu 11/6.
    expect(due('2026-06-01 09:00', { value: 10, unit: 'calendar_days' })).toBe('2026-06-11T17:00:00+07:00');
    // Paused Wed 3/6 10:00 – Fri 5/6 09:00: 4/6 and 5/6 start inside it, so day 10 is Sat 13/6 → Mon 15/6.
    expect(due('2026-06-01 09:00', { value: 10, unit: 'calendar_days' }, [{ from: '2026-06-03 10:00', to: '2026-06-05 09:00' }])).toBe(
      '2026-06-15T17:00:00+07:00',
    );
  });

  it('refuses half days and zero', () => {
    expect(() => national.dueOf(vn('2026-06-01 09:00'), { value: 1.5, unit: 'calendar_days' })).toThrow(CalendarError);
    expect(() => national.dueOf(vn('2026-06-01 09:00'), { value: 0, unit: 'calendar_days' })).toThrow(CalendarError);
  });
});

describe('within the day (trong ngày) and its cut-off', () => {
  it('ends at the close of the receipt day, or of the next working day after 15:00 or on a day off', () => {
    expect(due('2026-04-28 10:00', { value: 0, unit: 'within_day' })).toBe('2026-04-28T17:00:00+07:00');
    expect(due('2026-04-28 15:00', { value: 0, unit: 'within_day' })).toBe('2026-04-28T17:00:00+07:00');
    // Wed 29/4 15:30: after the cut-off; 30/4 and 1/5 are holidays, 2–3/5 the weekend → Mon 4/5.
    expect(due('2026-04-29 15:30', { value: 0, unit: 'within_day' })).toBe('2026-05-04T17:00:00+07:00');
    // Sat 2/5 (an online dossier accepted on a Saturday) → Mon 4/5.
    expect(due('2026-05-02 09:00', { value: 0, unit: 'within_day' })).toBe('2026-05-04T17:00:00+07:00');
  });

  it('starts again from the resume after a pause', () => {
    // Paused Tue 28/4 10:00, supplemented 14:00 (before the cut-off) → that day, 17:00.
    expect(due('2026-04-28 09:00', { value: 0, unit: 'within_day' }, [{ from: '2026-04-28 10:00', to: '2026-04-28 14:00' }])).toBe('2026-04-28T17:00:00+07:00');
    // Supplemented Tue 28/4 16:00, after the cut-off → Wed 29/4 17:00.
    expect(due('2026-04-28 09:00', { value: 0, unit: 'within_day' }, [{ from: '2026-04-28 10:00', to: '2026-04-28 16:00' }])).toBe('2026-04-29T17:00:00+07:00');
  });
});

describe('working hours (giờ) and working days with half days', () => {
  it('counts hours inside office hours, skipping lunch, nights and days off', () => {
    // Tue 28/4 10:00: 1.5 h to 11:30, then 2.5 h from 13:30 → 16:00.
    expect(due('2026-04-28 10:00', { value: 4, unit: 'hours' })).toBe('2026-04-28T16:00:00+07:00');
    // Wed 29/4 16:00: 1 h to 17:00, then the next working day is Mon 4/5: 07:30 + 1 h.
    expect(due('2026-04-29 16:00', { value: 2, unit: 'hours' })).toBe('2026-05-04T08:30:00+07:00');
    // Paused 10:30–14:00 on Tue 28/4: 0.5 h before, then 14:00 + 0.5 h.
    expect(due('2026-04-28 10:00', { value: 1, unit: 'hours' }, [{ from: '2026-04-28 10:30', to: '2026-04-28 14:00' }])).toBe('2026-04-28T14:30:00+07:00');
    expect(() => national.dueOf(vn('2026-04-28 10:00'), { value: 0, unit: 'hours' })).toThrow(CalendarError);
  });

  it('keeps working days in half-day steps', () => {
    // Tue 28/4 10:00, 1.5 days = 3 half-days: 28/4 pm, 29/4 am, 29/4 pm.
    expect(due('2026-04-28 10:00', { value: 1.5, unit: 'working_days' })).toBe('2026-04-29T17:00:00+07:00');
    // Mon 31/8 and Tue 1/9, Wed 2/9 are off: Fri 28/8 09:00 + 1 day = 28/8 pm, Thu 3/9 am.
    expect(due('2026-08-28 09:00', { value: 1, unit: 'working_days' })).toBe('2026-09-03T11:30:00+07:00');
  });
});

describe('printing a limit in its legal unit', () => {
  it('says "ngày làm việc", "ngày", "giờ", "trong ngày"', () => {
    expect(formatTimeLimit({ value: 3, unit: 'working_days' })).toBe('3 ngày làm việc');
    expect(formatTimeLimit({ value: 1.5, unit: 'working_days' })).toBe('1,5 ngày làm việc');
    expect(formatTimeLimit({ value: 10, unit: 'calendar_days' })).toBe('10 ngày');
    expect(formatTimeLimit({ value: 4, unit: 'hours' })).toBe('4 giờ');
    expect(formatTimeLimit({ value: 0, unit: 'within_day' })).toBe('trong ngày');
    expect(formatTimeLimit({ value: 10, unit: 'calendar_days' }, 'en')).toBe('10 days');
  });
});

describe('the catalogue unit field', () => {
  const entry = (over: Record<string, unknown>) => ({
    code: '9.999001',
    name: 'Thủ tục thử',
    field: 'Thử',
    agencyCode: 'X',
    agencyName: 'X',
    deskUnitCode: 'X',
    agencyEid: 'H99.1',
    timeLimitDays: 3,
    result: 'Kết quả',
    onlineLevel: 'full',
    bpmnProcessId: 'p',
    ...over,
  });
  const codes = async (over: Record<string, unknown>) => (await checkEntries([entry(over)])).errors.flatMap((e) => e.problems.map((p) => p.code));

  it('defaults old entries to working days and accepts each unit with a valid value', async () => {
    const { entries } = await checkEntries([
      entry({}),
      entry({ code: '9.2', timeLimitDays: 10, timeLimitUnit: 'calendar_days' }),
      entry({ code: '9.3', timeLimitDays: 0, timeLimitUnit: 'within_day' }),
      entry({ code: '9.4', timeLimitUnit: 'within_day', timeLimitDays: '' }),
      entry({ code: '9.5', timeLimitDays: 4.5, timeLimitUnit: 'hours' }),
    ]);
    expect(entries.map((e) => [e.timeLimitDays, e.timeLimitUnit])).toEqual([
      [3, 'working_days'],
      [10, 'calendar_days'],
      [0, 'within_day'],
      [0, 'within_day'],
      [4.5, 'hours'],
    ]);
  });

  it('refuses an unknown unit and values that do not fit the unit', async () => {
    expect(await codes({ timeLimitUnit: 'weeks' })).toEqual(['CATALOGUE_TIME_LIMIT_UNIT']);
    expect(await codes({ timeLimitDays: 1.5, timeLimitUnit: 'calendar_days' })).toEqual(['CATALOGUE_TIME_LIMIT_CALENDAR']);
    expect(await codes({ timeLimitDays: 1, timeLimitUnit: 'within_day' })).toEqual(['CATALOGUE_TIME_LIMIT_WITHIN_DAY']);
    expect(await codes({ timeLimitDays: 0, timeLimitUnit: 'hours' })).toEqual(['CATALOGUE_TIME_LIMIT_HOURS']);
    expect(await codes({ timeLimitDays: 0 })).toEqual(['CATALOGUE_TIME_LIMIT']);
  });
});

describe('the bundled one-stop procedures', () => {
  const catalogue = JSON.parse(readFileSync('processes/onestop-catalogue.json', 'utf8')) as {
    code: string;
    timeLimitDays: number;
    timeLimitUnit: string;
    bpmnProcessId: string;
  }[];

  it('state the limits of their legal basis', () => {
    expect(Object.fromEntries(catalogue.map((e) => [e.code, `${e.timeLimitDays} ${e.timeLimitUnit}`]))).toEqual({
      '1.001612': '3 working_days', // NĐ 168/2025: 03 ngày làm việc
      '1.009994': '15 calendar_days', // Luật Xây dựng art. 102: 15 ngày (nhà ở riêng lẻ)
      '2.000488': '10 calendar_days', // Luật LLTP art. 48: không quá 10 ngày
      '1.001193': '0 within_day', // Luật Hộ tịch art. 16: ngay sau khi nhận đủ giấy tờ; after 15:00 the next working day
      '1.004616': '20 calendar_days', // Luật Dược art. 24: 20 ngày
    });
  });

  it('carry the same limit in their process (eiso.timeLimit + eiso.timeLimitUnit)', () => {
    for (const e of catalogue) {
      const xml = readFileSync(`processes/${e.bpmnProcessId}.bpmn`, 'utf8');
      const props = Object.fromEntries([...xml.matchAll(/<zeebe:property name="([^"]+)" value="([^"]*)" \/>/g)].map((m) => [m[1], m[2]]));
      expect(processTimeLimit(props), e.code).toEqual({ value: e.timeLimitDays, unit: e.timeLimitUnit });
    }
  });
});
