import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  createWorkingCalendar,
  hungKingsDay,
  lunarNewYearsEve,
  nationalCalendarConfig,
  solarToLunar,
  statutoryHolidays,
  tetDay,
  toLocalIso,
  type WorkingCalendar,
} from '../../domain/deadlines/calendar/index.js';

/**
 * Pure unit tests of the working-day calendar. Every expected date is written out literally and was
 * checked by hand against a printed calendar; the comment says why. Working hours are the default
 * 07:30–11:30 and 13:30–17:00, cut-off 15:00. A limit of N days is 2N half-days counted from the
 * first half-day that starts at or after the receipt; the due instant is the end of the last one.
 */

/** An instant in Vietnam (UTC+7): vn('2026-02-13 10:00'). */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
/** The due instant as local ISO, for readable assertions. */
const iso = (d: Date) => toLocalIso(d);

const national = createWorkingCalendar(nationalCalendarConfig());
const due = (cal: WorkingCalendar, received: string, days: number, unit?: string | null) => iso(cal.addWorkingDays(vn(received), days, unit));

describe('lunar calendar for Vietnam (UTC+7), not China (UTC+8)', () => {
  it('puts Tết 2007 on 17 Feb and Tết 1985 on 21 Jan, where the Chinese calendar differs', () => {
    // 2007: the new moon fell just after midnight UTC+8 but before midnight UTC+7, so Vietnam's
    // mùng 1 Tết Đinh Hợi was Sat 17/02/2007, China's Chinese New Year Sun 18/02/2007 (lunar-javascript gives 18/02).
    expect(tetDay(2007)).toBe('2007-02-17');
    expect(lunarNewYearsEve(2007)).toBe('2007-02-16');
    // 1985: the one-hour difference moved a new moon across midnight and with it the month that holds
    // the winter solstice, so Vietnam's Tết Ất Sửu came a whole month earlier: Mon 21/01/1985 in
    // Vietnam, Wed 20/02/1985 in China (lunar-javascript gives 20/02).
    expect(tetDay(1985)).toBe('1985-01-21');
    // The calendar uses the Vietnamese dates: the 2007 statutory Tết is 16/02 (eve) + 17–20/02.
    expect(
      statutoryHolidays(2007, { cultureDay: false })
        .filter((h) => h.occasion === 'lunar-new-year')
        .map((h) => h.date),
    ).toEqual(['2007-02-16', '2007-02-17', '2007-02-18', '2007-02-19', '2007-02-20']);
  });

  it('derives Tết and Giỗ Tổ of the years around now', () => {
    // Official schedules (vn-rules §6.2): mùng 1 Ất Tỵ = Wed 29/01/2025; Bính Ngọ = Tue 17/02/2026;
    // Giỗ Tổ (10/3 ÂL) = Mon 07/04/2025 and Sun 26/04/2026.
    expect(tetDay(2025)).toBe('2025-01-29');
    expect(tetDay(2026)).toBe('2026-02-17');
    expect(hungKingsDay(2025)).toBe('2025-04-07');
    expect(hungKingsDay(2026)).toBe('2026-04-26');
    // 2027 (no official schedule yet): vn-rules §6.2 anchor dates, computed for UTC+7:
    // mùng 1 Đinh Mùi = Sat 06/02/2027, last day of Bính Ngọ = Fri 05/02 (29 tháng Chạp), Giỗ Tổ = Fri 16/04.
    expect(tetDay(2027)).toBe('2027-02-06');
    expect(solarToLunar('2027-02-05')).toEqual({ year: 2026, month: 12, day: 29, leapMonth: false });
    expect(hungKingsDay(2027)).toBe('2027-04-16');
  });
});

describe('across the year end', () => {
  it('skips 1/1 and counts 2/1 when it is a working day (31/12/2024 → 2/1/2025)', () => {
    // Tue 31/12/2024 14:00, 1 day: the afternoon has begun, so counting starts Wed 1/1 (holiday);
    // Thu 2/1/2025 morning + afternoon = 1 day → due Thu 02/01/2025 17:00.
    expect(due(national, '2024-12-31 14:00', 1)).toBe('2025-01-02T17:00:00+07:00');
  });

  it('follows the official 2026 New Year schedule: 1/1 holiday, 2/1 swapped off, make-up Sat 10/1', () => {
    // Wed 31/12/2025 10:00, 1 day: Wed afternoon (½); Thu 1/1 holiday, Fri 2/1 swapped day off,
    // Sat 3 and Sun 4 weekend; Mon 5/1 morning (1) → due Mon 05/01/2026 11:30.
    expect(due(national, '2025-12-31 10:00', 1)).toBe('2026-01-05T11:30:00+07:00');
    // Wed 31/12/2025 16:00 is after the 15:00 cut-off: counting from Mon 5/1 07:30; 2 days = Mon, Tue → Tue 06/01/2026 17:00.
    expect(due(national, '2025-12-31 16:00', 2)).toBe('2026-01-06T17:00:00+07:00');
    expect(national.isWorkingDay('2026-01-02')).toBe(false);
    expect(national.dayInfo('2026-01-02')).toMatchObject({ kind: 'day_off', origin: 'national', source: 'CV 12729/VPCP-KGVX 25/12/2025' });
  });

  it('counts a make-up working Saturday (Sat 10/1/2026)', () => {
    // Fri 9/1/2026 14:00, 1 day: Fri afternoon has begun; Sat 10/1 is a make-up working day:
    // Sat morning + afternoon → due Sat 10/01/2026 17:00.
    expect(national.isWorkingDay('2026-01-10')).toBe(true);
    expect(due(national, '2026-01-09 14:00', 1)).toBe('2026-01-10T17:00:00+07:00');
    // Fri 21/8/2026 16:00 (after the cut-off), 1 day: counts from Sat 22/8 (make-up for Mon 31/8) → Sat 22/08/2026 17:00.
    expect(due(national, '2026-08-21 16:00', 1)).toBe('2026-08-22T17:00:00+07:00');
  });

  it('computes a year without an official schedule from the law (31/12/2026 → 2027)', () => {
    // Thu 31/12/2026 10:00, 1 day: Thu afternoon (½); Fri 1/1/2027 holiday (art. 112), Sat 2, Sun 3;
    // Mon 4/1 morning (1) → due Mon 04/01/2027 11:30.
    expect(due(national, '2026-12-31 10:00', 1)).toBe('2027-01-04T11:30:00+07:00');
  });
});

describe('Tết', () => {
  it('2026 (official schedule Sat 14/2 – Sun 22/2)', () => {
    // Fri 13/2/2026 10:00, 2.5 days: Fri afternoon (½); 14/2–22/2 off (weekends, 29 Tết + mùng 1–4);
    // Mon 23/2 (1½), Tue 24/2 (2½) → due Tue 24/02/2026 17:00.
    expect(due(national, '2026-02-13 10:00', 2.5)).toBe('2026-02-24T17:00:00+07:00');
    const why = national.explainDue(vn('2026-02-13 10:00'), 2.5);
    expect(why.skipped.map((d) => d.date)).toEqual([
      '2026-02-14',
      '2026-02-15',
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-21',
      '2026-02-22',
    ]);
    expect(why.skipped[0]).toMatchObject({ kind: 'weekend', name: 'Thứ Bảy / Saturday' });
    expect(why.skipped[3]).toMatchObject({ kind: 'holiday', occasion: 'lunar-new-year', name: 'Tết Nguyên đán (mùng 1) / Lunar New Year, day 1' });
    expect(why.counted.map((s) => `${s.date} ${s.half}`)).toEqual([
      '2026-02-13 afternoon',
      '2026-02-23 morning',
      '2026-02-23 afternoon',
      '2026-02-24 morning',
      '2026-02-24 afternoon',
    ]);
  });

  it('2027 (computed: eve Fri 5/2 + mùng 1–4 Sat 6/2 – Tue 9/2, nghỉ bù Wed 10/2 and Thu 11/2 for the weekend)', () => {
    // The law alone: 5 Tết days Fri 5/2 – Tue 9/2; Sat 6/2 and Sun 7/2 are rest days, so art. 111(3)
    // gives the next working days Wed 10/2 and Thu 11/2. Thu 4/2/2027 09:00, 1 day: Thu afternoon (½),
    // Fri 5/2 – Thu 11/2 off, Fri 12/2 morning (1) → due Fri 12/02/2027 11:30.
    expect(due(national, '2027-02-04 09:00', 1)).toBe('2027-02-12T11:30:00+07:00');
    expect(national.dayInfo('2027-02-10')).toMatchObject({ kind: 'day_off', origin: 'law', occasion: 'lunar-new-year' });
    expect(national.dayInfo('2027-02-11').working).toBe(false);
    expect(national.dayInfo('2027-02-12').working).toBe(true);
  });
});

describe('30/4 – 1/5 and 2/9', () => {
  it('30/4 and 1/5 before a weekend (2026), after the cut-off', () => {
    // Wed 29/4/2026 15:30 > 15:00 cut-off: counting from the next working day: Thu 30/4 and Fri 1/5
    // are holidays, Sat 2 and Sun 3 the weekend → Mon 4/5 07:30; 1 day → due Mon 04/05/2026 17:00.
    expect(due(national, '2026-04-29 15:30', 1)).toBe('2026-05-04T17:00:00+07:00');
  });

  it('1/5 on a Saturday gives nghỉ bù on Monday (2027, law only)', () => {
    // Fri 30/4/2027 holiday, Sat 1/5/2027 holiday on a rest day → nghỉ bù Mon 3/5 (vn-rules §6.2 anchors).
    // Thu 29/4/2027 10:00, 1 day: Thu afternoon (½); Fri 30/4 – Mon 3/5 off; Tue 4/5 morning (1) → Tue 04/05/2027 11:30.
    expect(due(national, '2027-04-29 10:00', 1)).toBe('2027-05-04T11:30:00+07:00');
    expect(national.dayInfo('2027-05-03')).toMatchObject({ kind: 'day_off', origin: 'law', occasion: 'labour-day' });
  });

  it('2/9 with its adjacent day and a swapped Monday (2026)', () => {
    // Off Sat 29/8 – Wed 2/9/2026 (Mon 31/8 swapped, Tue 1/9 adjacent day, Wed 2/9).
    // Fri 28/8/2026 10:00, 1 day: Fri afternoon (½); Thu 3/9 morning (1) → due Thu 03/09/2026 11:30.
    expect(due(national, '2026-08-28 10:00', 1)).toBe('2026-09-03T11:30:00+07:00');
  });

  it('2/9 on a Thursday takes Friday 3/9 as its adjacent day by default (2027, law only)', () => {
    // Wed 1/9/2027 14:00, ½ day: the afternoon has begun; Thu 2/9 and Fri 3/9 holidays, weekend;
    // Mon 6/9 morning → due Mon 06/09/2027 11:30.
    expect(due(national, '2027-09-01 14:00', 0.5)).toBe('2027-09-06T11:30:00+07:00');
  });
});

describe('half days and the cut-off (Mon 9/3/2026, an ordinary week)', () => {
  it('receipt at 10:00 with ½ day is due at the end of the same afternoon', () => {
    // The morning has begun, so the ½ day is Mon afternoon → Mon 09/03/2026 17:00.
    expect(due(national, '2026-03-09 10:00', 0.5)).toBe('2026-03-09T17:00:00+07:00');
    // Before opening (07:00) the morning counts → 11:30; during lunch the afternoon → 17:00.
    expect(due(national, '2026-03-09 07:00', 0.5)).toBe('2026-03-09T11:30:00+07:00');
    expect(due(national, '2026-03-09 12:00', 0.5)).toBe('2026-03-09T17:00:00+07:00');
  });

  it('receipt at 15:00 with 2.5 days is due Thursday 11:30', () => {
    // 15:00 is not after the cut-off; the afternoon has begun: Tue (1), Wed (2), Thu morning (2½) → Thu 12/03/2026 11:30.
    expect(due(national, '2026-03-09 15:00', 2.5)).toBe('2026-03-12T11:30:00+07:00');
  });

  it('a same-day procedure (0 days) received after the cut-off is due the next working day', () => {
    // "trong ngày làm việc tiếp theo nếu tiếp nhận sau 15 giờ" (vn-rules §2.1).
    expect(due(national, '2026-03-09 14:00', 0)).toBe('2026-03-09T17:00:00+07:00');
    expect(due(national, '2026-03-09 15:30', 0)).toBe('2026-03-10T17:00:00+07:00');
    // Friday 13/3 after the cut-off → Monday 16/3.
    expect(due(national, '2026-03-13 15:30', 0)).toBe('2026-03-16T17:00:00+07:00');
  });

  it('an earlier cut-off moves a late-morning receipt to the next day', () => {
    // Cut-off 11:00: Mon 11:10 counts from Tue 07:30, ½ day → Tue 10/03/2026 11:30 (without it: Mon 17:00).
    const early = createWorkingCalendar(nationalCalendarConfig({ settings: { cutoff: '11:00' } }));
    expect(due(early, '2026-03-09 11:10', 0.5)).toBe('2026-03-10T11:30:00+07:00');
    expect(early.explainDue(vn('2026-03-09 11:10'), 0.5)).toMatchObject({ cutoffApplied: true, countingFrom: vn('2026-03-10 07:30') });
    const none = createWorkingCalendar(nationalCalendarConfig({ settings: { cutoff: null } }));
    expect(due(none, '2026-03-09 11:10', 0.5)).toBe('2026-03-09T17:00:00+07:00');
  });

  it('refuses a limit that is not a multiple of ½ day', () => {
    expect(() => national.addWorkingDays(vn('2026-03-09 10:00'), 1.25)).toThrow(CalendarError);
    expect(() => national.addWorkingDays(vn('2026-03-09 10:00'), -1)).toThrow(/bội số của 0,5 ngày/);
  });

  it('nextWorkingInstant stays inside working hours and jumps over lunch, nights and days off', () => {
    expect(iso(national.nextWorkingInstant(vn('2026-03-09 10:00')))).toBe('2026-03-09T10:00:00+07:00');
    expect(iso(national.nextWorkingInstant(vn('2026-03-09 12:00')))).toBe('2026-03-09T13:30:00+07:00');
    expect(iso(national.nextWorkingInstant(vn('2026-03-13 17:30')))).toBe('2026-03-16T07:30:00+07:00');
    // Sat 14/2/2026 (Tết break) → Mon 23/2 07:30.
    expect(iso(national.nextWorkingInstant(vn('2026-02-14 09:00')))).toBe('2026-02-23T07:30:00+07:00');
  });
});

describe('Vietnamese Culture Day (24/11, from 2026, behind a flag)', () => {
  it('is a holiday by default and a working day with the flag off', () => {
    // Mon 23/11/2026 14:00, 1 day: Tue 24/11 holiday → Wed 25/11 morning + afternoon → Wed 25/11/2026 17:00.
    expect(due(national, '2026-11-23 14:00', 1)).toBe('2026-11-25T17:00:00+07:00');
    const off = createWorkingCalendar(nationalCalendarConfig({ cultureDay: false }));
    expect(due(off, '2026-11-23 14:00', 1)).toBe('2026-11-24T17:00:00+07:00');
    // Not before 2026: Mon 24/11/2025 is an ordinary working day.
    expect(national.isWorkingDay('2025-11-24')).toBe(true);
  });
});

describe('organisation overrides inherit down the tree', () => {
  // TINH (province) → XA-A, XA-B (communes). The province closes Mon 16/3/2026 (a local festival);
  // XA-B has its own entry: it works that day. The province's afternoon ends at 16:30.
  const cal = createWorkingCalendar(
    nationalCalendarConfig({
      units: [
        { code: 'TINH', parent: null },
        { code: 'XA-A', parent: 'TINH' },
        { code: 'XA-B', parent: 'TINH' },
      ],
      days: [
        { date: '2026-03-16', kind: 'day_off', name: 'Lễ hội tỉnh / Provincial festival', unit: 'TINH' },
        { date: '2026-03-16', kind: 'working_day', name: 'Trực một cửa / One-stop desk open', unit: 'XA-B' },
      ],
      unitSettings: { TINH: { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '16:30', cutoff: '15:00' } },
    }),
  );

  it("a commune without its own entry sees the province's day off; one with its own entry does not", () => {
    // Fri 13/3/2026 14:00, ½ day: the first half-day after the receipt is Mon 16/3 morning.
    expect(due(cal, '2026-03-13 14:00', 0.5, null)).toBe('2026-03-16T11:30:00+07:00'); // national: Mon works
    expect(due(cal, '2026-03-13 14:00', 0.5, 'XA-A')).toBe('2026-03-17T11:30:00+07:00'); // inherits TINH's day off → Tue
    expect(due(cal, '2026-03-13 14:00', 0.5, 'XA-B')).toBe('2026-03-16T11:30:00+07:00'); // own working day wins
    expect(cal.dayInfo('2026-03-16', 'XA-A')).toMatchObject({ working: false, origin: 'unit', unit: 'TINH' });
    expect(cal.forUnit('XA-A').isWorkingDay('2026-03-16')).toBe(false);
  });

  it("a commune inherits the province's working hours", () => {
    // Tue 17/3/2026 10:00, ½ day: the afternoon, which ends at 16:30 in the province and its communes.
    expect(due(cal, '2026-03-17 10:00', 0.5, 'XA-A')).toBe('2026-03-17T16:30:00+07:00');
    expect(due(cal, '2026-03-17 10:00', 0.5, null)).toBe('2026-03-17T17:00:00+07:00');
    expect(cal.settingsFor('XA-A')).toMatchObject({ afternoonEnd: '16:30', inheritedFrom: 'TINH' });
  });

  it('refuses an unknown unit', () => {
    expect(() => cal.isWorkingDay('2026-03-16', 'NOPE')).toThrow(/Unknown unit NOPE/);
  });
});

describe('pausing the clock while the dossier waits for the citizen', () => {
  // Received Mon 9/3/2026 08:00 with 3 days. Without a pause: Mon afternoon (½), Tue (1½), Wed (2½),
  // Thu morning (3) → Thu 12/3 11:30. Supplement requested Tue 10/3 09:00, resubmitted Thu 12/3 10:00:
  // the half-days starting in between (Tue afternoon, Wed morning and afternoon, Thu morning) do not count.
  const received = vn('2026-03-09 08:00');
  const pauses = [{ from: vn('2026-03-10 09:00'), to: vn('2026-03-12 10:00') }];

  it('moves the due date by the paused working time', () => {
    expect(iso(national.addWorkingDays(received, 3))).toBe('2026-03-12T11:30:00+07:00');
    // Counted: Mon pm (½), Tue am (1), Thu pm (1½), Fri am + pm (2½), Mon 16/3 am (3) → Mon 16/03/2026 11:30.
    expect(iso(national.addWorkingDays(received, 3, null, { pauses }))).toBe('2026-03-16T11:30:00+07:00');
    expect(national.explainDue(received, 3, null, { pauses }).paused.map((s) => `${s.date} ${s.half}`)).toEqual([
      '2026-03-10 afternoon',
      '2026-03-11 morning',
      '2026-03-11 afternoon',
      '2026-03-12 morning',
    ]);
  });

  it('workingTimeBetween leaves the paused span out', () => {
    // To Fri 13/3 16:00: 9 half-days have begun (Mon pm … Fri pm) = 4.5 days; without the 4 paused ones, 2.5.
    expect(national.workingTimeBetween(received, vn('2026-03-13 16:00'))).toBe(4.5);
    expect(national.workingTimeBetween(received, vn('2026-03-13 16:00'), null, { pauses })).toBe(2.5);
    // Finishing exactly at the due instant uses exactly the limit (on time); one minute into the next half-day is late.
    expect(national.workingTimeBetween(received, vn('2026-03-16 11:30'), null, { pauses })).toBe(3);
    expect(national.workingTimeBetween(received, vn('2026-03-16 13:31'), null, { pauses })).toBe(3.5);
  });
});

describe('year view', () => {
  it('lists every non-standard day of 2026 with its reason', () => {
    const days = national.yearView(2026);
    const pick = (d: string) => days.find((x) => x.date === d);
    expect(pick('2026-01-10')).toMatchObject({ kind: 'working_day', working: true });
    expect(pick('2026-02-17')).toMatchObject({ kind: 'holiday', occasion: 'lunar-new-year' });
    expect(pick('2026-04-26')).toMatchObject({ kind: 'holiday', occasion: 'hung-kings', weekday: 0 });
    expect(pick('2026-11-24')).toMatchObject({ kind: 'holiday', occasion: 'culture-day', origin: 'law' });
    expect(pick('2026-03-09')).toBeUndefined();
    // 3 New Year + 5 Tết + 2 Giỗ Tổ + 2 (30/4, 1/5) + 4 Quốc khánh + 1 Culture Day = 17.
    expect(days).toHaveLength(17);
  });
});

describe('addWorkingDays and workingTimeBetween agree', () => {
  it('a dossier finished exactly at its due instant used exactly its limit, one minute more is the next half-day', () => {
    // Every receipt at :00/:30 through a fortnight across Tết 2026 and the New Year 2027 change, limits ½…5 days.
    for (const from of ['2026-02-09', '2026-12-28']) {
      const base = vn(`${from} 00:00`).getTime();
      for (let h = 0; h < 14 * 48; h += 7) {
        const received = new Date(base + h * 30 * 60_000);
        for (const days of [0.5, 1, 2.5, 5]) {
          const dueAt = national.addWorkingDays(received, days);
          expect(national.workingTimeBetween(received, dueAt)).toBe(days);
          expect(national.isWorkingDay(dueAt)).toBe(true);
          // The first working minute after the due instant starts another half-day: late by ½ day.
          const firstMinuteLate = new Date(national.nextWorkingInstant(new Date(dueAt.getTime() + 60_000)).getTime() + 60_000);
          expect(national.workingTimeBetween(received, firstMinuteLate)).toBe(days + 0.5);
        }
      }
    }
  });
});
