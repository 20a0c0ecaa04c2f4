import { describe, expect, it } from 'vitest';
import { pausedWorkingDays, stepTimes, stepTimesWithin, unitOfGroups, REMIND_AT_SHARE } from '../../domain/deadlines/compute.js';
import { legalDocumentsOf } from '../../engine/bundled.js';
import { createWorkingCalendar, nationalCalendarConfig, toLocalIso, type Pause } from '../../domain/deadlines/calendar/index.js';

/**
 * Due and reminder instants of a human step (domain/deadlines/compute.ts), on the real calendar.
 * Default hours: morning 07:30–11:30 (240 min), afternoon 13:30–17:00 (210 min), a day 450 min,
 * cut-off 15:00. Due = end of the last counted half-day; reminder = the instant at which 80 % of the
 * counted working time has elapsed, rounded to the minute, moved from the end of a half-day to the
 * start of the next counted one. Every expected instant below is worked out in the comment above it.
 */

/** An instant in Vietnam (UTC+7): vn('2026-03-09 10:00'). */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const iso = (d: Date) => toLocalIso(d);
const times = (t: { due: Date; remind: Date }) => ({ due: iso(t.due), remind: iso(t.remind) });

const national = createWorkingCalendar(nationalCalendarConfig());

describe('stepTimes on an ordinary week (Mon 9/3 – Fri 13/3/2026)', () => {
  it('reminds at 80 %', () => {
    expect(REMIND_AT_SHARE).toBe(0.8);
  });

  it('½ day started at 07:30: due 11:30, reminder 10:42 (the README example)', () => {
    // The morning is counted: 240 min; 80 % = 192 min; 07:30 + 3 h 12 min = 10:42.
    expect(times(stepTimes(national, vn('2026-03-09 07:30'), 0.5, null))).toEqual({
      due: '2026-03-09T11:30:00+07:00',
      remind: '2026-03-09T10:42:00+07:00',
    });
  });

  it('½ day started during the morning counts the afternoon', () => {
    // 10:00: the morning has begun, so the afternoon is the half-day: 210 min, 80 % = 168 min → 13:30 + 2 h 48 = 16:18.
    expect(times(stepTimes(national, vn('2026-03-09 10:00'), 0.5, null))).toEqual({
      due: '2026-03-09T17:00:00+07:00',
      remind: '2026-03-09T16:18:00+07:00',
    });
  });

  it('5 days from Monday 07:30: the reminder is the morning of the last day', () => {
    // Mon–Fri, 10 half-days, 5 × 450 = 2250 min; 80 % = 1800 min = exactly Mon–Thu (4 × 450), i.e. the
    // end of Thursday's afternoon (17:00) → moved to the start of the next half-day, Fri 13/3 07:30.
    expect(times(stepTimes(national, vn('2026-03-09 07:30'), 5, null))).toEqual({
      due: '2026-03-13T17:00:00+07:00',
      remind: '2026-03-13T07:30:00+07:00',
    });
  });

  it('a reminder falling on the end of a morning moves to 13:30 of the same day', () => {
    // Mon 10:00, 5 days: Mon pm (210), Tue, Wed, Thu (450 each), Fri am + pm, Mon 16/3 am (240) = 2250 min.
    // 80 % = 1800: Mon pm 210, Tue 660, Wed 1110, Thu 1560, Fri am 1800 → the end of Friday's morning (11:30),
    // moved to Fri 13:30. Due: end of Mon 16/3 morning.
    expect(times(stepTimes(national, vn('2026-03-09 10:00'), 5, null))).toEqual({
      due: '2026-03-16T11:30:00+07:00',
      remind: '2026-03-13T13:30:00+07:00',
    });
  });

  it('1 day started mid-morning: the reminder falls in the next morning', () => {
    // Mon 10:00: Mon pm (210) + Tue am (240) = 450; 80 % = 360 → 210 on Monday, 150 into Tuesday: 07:30 + 2 h 30 = 10:00.
    expect(times(stepTimes(national, vn('2026-03-09 10:00'), 1, null))).toEqual({
      due: '2026-03-10T11:30:00+07:00',
      remind: '2026-03-10T10:00:00+07:00',
    });
  });

  it('"within the day" (0 days) counts from the receipt itself, to the minute', () => {
    // 10:00: 10:00–11:30 (90) + 13:30–17:00 (210) = 300 min; 80 % = 240: 90 in the morning, 150 into the afternoon → 16:00.
    expect(times(stepTimes(national, vn('2026-03-09 10:00'), 0, null))).toEqual({
      due: '2026-03-09T17:00:00+07:00',
      remind: '2026-03-09T16:00:00+07:00',
    });
    // 14:03: 14:03–17:00 = 177 min; 80 % = 141.6 min, rounded to 142 → 14:03 + 2 h 22 = 16:25 (not 16:24:36).
    expect(times(stepTimes(national, vn('2026-03-09 14:03'), 0, null))).toEqual({
      due: '2026-03-09T17:00:00+07:00',
      remind: '2026-03-09T16:25:00+07:00',
    });
  });
});

describe('stepTimes after the cut-off, across a weekend and holidays', () => {
  it('a step started after 15:00 counts from the next working morning', () => {
    // Mon 9/3/2026 15:30 > 15:00: counting from Tue 10/3 07:30; 1 day = Tue am (240) + pm (210) = 450;
    // 80 % = 360 → 240 in the morning, 120 into the afternoon: 13:30 + 2 h = 15:30 Tue.
    expect(times(stepTimes(national, vn('2026-03-09 15:30'), 1, null))).toEqual({
      due: '2026-03-10T17:00:00+07:00',
      remind: '2026-03-10T15:30:00+07:00',
    });
  });

  it('after the cut-off on a Friday: the weekend is skipped', () => {
    // Fri 13/3/2026 16:00: Sat, Sun off → Mon 16/3 07:30; ½ day: the morning, 240 min → 192 → 10:42 Mon.
    expect(times(stepTimes(national, vn('2026-03-13 16:00'), 0.5, null))).toEqual({
      due: '2026-03-16T11:30:00+07:00',
      remind: '2026-03-16T10:42:00+07:00',
    });
  });

  it('after the cut-off before 30/4 – 1/5 and a weekend (2026)', () => {
    // Wed 29/4/2026 15:30: Thu 30/4 and Fri 1/5 are holidays, Sat 2 and Sun 3 the weekend → Mon 4/5 07:30;
    // 1 day: Mon am + pm, 450 min; 80 % = 360 → 13:30 + 2 h = 15:30 Mon 4/5.
    expect(times(stepTimes(national, vn('2026-04-29 15:30'), 1, null))).toEqual({
      due: '2026-05-04T17:00:00+07:00',
      remind: '2026-05-04T15:30:00+07:00',
    });
  });

  it('across Tết 2026 (off Sat 14/2 – Sun 22/2)', () => {
    // Fri 13/2/2026 10:00, 2.5 days: Fri pm (210), Mon 23/2 (450), Tue 24/2 (450) = 1110 min; 80 % = 888:
    // 210 on Friday, 660 after Monday, 228 into Tuesday's morning: 07:30 + 3 h 48 = 11:18 Tue 24/2.
    expect(times(stepTimes(national, vn('2026-02-13 10:00'), 2.5, null))).toEqual({
      due: '2026-02-24T17:00:00+07:00',
      remind: '2026-02-24T11:18:00+07:00',
    });
  });
});

describe('stepTimes with pauses', () => {
  // Mon 9/3/2026 08:00, 3 days; supplement asked Tue 10/3 09:00, received Thu 12/3 10:00. The half-days
  // starting inside the pause (Tue pm, Wed am + pm, Thu am) are not counted.
  const start = vn('2026-03-09 08:00');
  const pauses: Pause[] = [{ from: vn('2026-03-10 09:00'), to: vn('2026-03-12 10:00') }];

  it('without the pause', () => {
    // Mon pm (210), Tue (450), Wed (450), Thu am (240) = 1350 min; 80 % = 1080: 210, 660, 1110 ≥ 1080 →
    // 1080 − 660 = 420 into Wednesday: the morning (240) and 180 into the afternoon → 13:30 + 3 h = 16:30 Wed.
    expect(times(stepTimes(national, start, 3, null))).toEqual({
      due: '2026-03-12T11:30:00+07:00',
      remind: '2026-03-11T16:30:00+07:00',
    });
  });

  it('moves the due date and the reminder by the paused half-days', () => {
    // Counted: Mon pm (210), Tue am (240), Thu pm (210), Fri am (240), Fri pm (210), Mon 16/3 am (240) = 1350;
    // 80 % = 1080: 210, 450, 660, 900, then 180 into Friday's afternoon → 13:30 + 3 h = 16:30 Fri 13/3.
    expect(times(stepTimes(national, start, 3, null, pauses))).toEqual({
      due: '2026-03-16T11:30:00+07:00',
      remind: '2026-03-13T16:30:00+07:00',
    });
  });

  it('a pause that ended before the step started changes nothing', () => {
    const earlier: Pause[] = [{ from: vn('2026-03-02 08:00'), to: vn('2026-03-06 17:00') }];
    expect(times(stepTimes(national, start, 3, null, earlier))).toEqual({
      due: '2026-03-12T11:30:00+07:00',
      remind: '2026-03-11T16:30:00+07:00',
    });
  });
});

describe("a unit's calendar: its own hours and days off", () => {
  // TINH (province) → XA-A (commune). The province's afternoon ends at 16:30 and it closes Mon 16/3/2026.
  const cal = createWorkingCalendar(
    nationalCalendarConfig({
      units: [
        { code: 'TINH', parent: null },
        { code: 'XA-A', parent: 'TINH' },
        { code: 'XA-C', parent: null },
      ],
      days: [{ date: '2026-03-16', kind: 'day_off', name: 'Lễ hội tỉnh / Provincial festival', unit: 'TINH' }],
      unitSettings: {
        TINH: { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '16:30', cutoff: '15:00' },
        'XA-C': { morningStart: '07:00', morningEnd: '11:00', afternoonStart: '14:00', afternoonEnd: '17:00', cutoff: '15:00' },
      },
    }),
  );
  const hasUnit = (code: string) => cal.hasUnit(code);

  it('unitOfGroups: the first candidate group whose unit the calendar knows', () => {
    expect(unitOfGroups(['XA-A/officer'], hasUnit)).toBe('XA-A');
    expect(unitOfGroups([' TINH / leader '], hasUnit)).toBe('TINH');
    expect(unitOfGroups(['XA-C'], hasUnit)).toBe('XA-C');
    // Unknown units, expressions and empty unit parts are passed over.
    expect(unitOfGroups(['NOPE/officer', '=groupsVar', '/officer', 'XA-A/leader', 'TINH'], hasUnit)).toBe('XA-A');
    expect(unitOfGroups(['=TINH'], hasUnit)).toBeNull();
    expect(unitOfGroups(['NOPE', 'SNNMT-VP/officer'], hasUnit)).toBeNull();
    expect(unitOfGroups([], hasUnit)).toBeNull();
    // A FEEL expression ("=...") is never taken for a unit, whatever the predicate says.
    expect(unitOfGroups(['=candidateGroups', 'XA-A/officer'], () => true)).toBe('XA-A');
    expect(unitOfGroups(['= x'], () => true)).toBeNull();
  });

  it("a commune inherits the province's shorter afternoon", () => {
    // Tue 17/3/2026 10:00, ½ day: the afternoon 13:30–16:30 = 180 min; 80 % = 144 → 15:54, due 16:30.
    expect(times(stepTimes(cal, vn('2026-03-17 10:00'), 0.5, 'XA-A'))).toEqual({
      due: '2026-03-17T16:30:00+07:00',
      remind: '2026-03-17T15:54:00+07:00',
    });
    // The national calendar: 13:30–17:00 = 210 min; 80 % = 168 → 16:18, due 17:00.
    expect(times(stepTimes(cal, vn('2026-03-17 10:00'), 0.5, null))).toEqual({
      due: '2026-03-17T17:00:00+07:00',
      remind: '2026-03-17T16:18:00+07:00',
    });
  });

  it("a commune skips the province's day off", () => {
    // Fri 13/3/2026 14:00, 1 day, XA-A: weekend, Mon 16/3 closed → Tue 17/3 am (240) + pm (180, to 16:30) = 420;
    // 80 % = 336 → 240 in the morning, 96 into the afternoon: 13:30 + 1 h 36 = 15:06.
    expect(times(stepTimes(cal, vn('2026-03-13 14:00'), 1, 'XA-A'))).toEqual({
      due: '2026-03-17T16:30:00+07:00',
      remind: '2026-03-17T15:06:00+07:00',
    });
    // Nationally Monday works: Mon am (240) + pm (210) = 450; 80 % = 360 → 13:30 + 2 h = 15:30 Mon 16/3.
    expect(times(stepTimes(cal, vn('2026-03-13 14:00'), 1, null))).toEqual({
      due: '2026-03-16T17:00:00+07:00',
      remind: '2026-03-16T15:30:00+07:00',
    });
  });

  it('a unit with its own hours', () => {
    // XA-C works 07:00–11:00 and 14:00–17:00. Mon 9/3/2026 06:00, ½ day: the morning, 240 min → 192 → 10:12, due 11:00.
    expect(times(stepTimes(cal, vn('2026-03-09 06:00'), 0.5, 'XA-C'))).toEqual({
      due: '2026-03-09T11:00:00+07:00',
      remind: '2026-03-09T10:12:00+07:00',
    });
  });
});

describe('pausedWorkingDays: working half-days starting inside a pause', () => {
  it('counts the half-days the due-date computation skips', () => {
    // Tue 10/3/2026 09:00 → Thu 12/3 10:00: Tue pm (13:30), Wed am, Wed pm, Thu am (07:30) = 4 half-days = 2 days.
    expect(pausedWorkingDays(national, vn('2026-03-10 09:00'), vn('2026-03-12 10:00'), null)).toBe(2);
    // Tue 09:00 → Tue 13:30: the afternoon starts at the end of the pause, not inside it: 0.
    expect(pausedWorkingDays(national, vn('2026-03-10 09:00'), vn('2026-03-10 13:30'), null)).toBe(0);
    // Tue 09:00 → Tue 13:31: the afternoon started inside: ½.
    expect(pausedWorkingDays(national, vn('2026-03-10 09:00'), vn('2026-03-10 13:31'), null)).toBe(0.5);
    // A pause starting exactly at 07:30 includes that morning: Tue 07:30 → Tue 07:31 = ½.
    expect(pausedWorkingDays(national, vn('2026-03-10 07:30'), vn('2026-03-10 07:31'), null)).toBe(0.5);
  });

  it('is zero for an empty or reversed pause', () => {
    expect(pausedWorkingDays(national, vn('2026-03-10 09:00'), vn('2026-03-10 09:00'), null)).toBe(0);
    expect(pausedWorkingDays(national, vn('2026-03-12 10:00'), vn('2026-03-10 09:00'), null)).toBe(0);
  });

  it('leaves weekends and holidays out', () => {
    // Fri 13/3/2026 12:00 → Mon 16/3 07:31: Fri pm, (Sat, Sun), Mon am = 2 half-days = 1 day.
    expect(pausedWorkingDays(national, vn('2026-03-13 12:00'), vn('2026-03-16 07:31'), null)).toBe(1);
    // Wed 29/4/2026 07:00 → Tue 5/5 07:00: Wed am + pm, (Thu 30/4, Fri 1/5, Sat, Sun), Mon 4/5 am + pm = 2 days.
    expect(pausedWorkingDays(national, vn('2026-04-29 07:00'), vn('2026-05-05 07:00'), null)).toBe(2);
    // Across Tết 2026: Fri 13/2 12:00 → Mon 23/2 12:00: Fri pm, Mon 23/2 am = 1 day.
    expect(pausedWorkingDays(national, vn('2026-02-13 12:00'), vn('2026-02-23 12:00'), null)).toBe(1);
  });

  it("uses the unit's days off and half-day starts", () => {
    const cal = createWorkingCalendar(
      nationalCalendarConfig({
        units: [{ code: 'XA-D', parent: null }],
        days: [{ date: '2026-03-16', kind: 'day_off', name: 'Nghỉ / Closed', unit: 'XA-D' }],
        unitSettings: { 'XA-D': { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '14:00', afternoonEnd: '17:30', cutoff: '15:00' } },
      }),
    );
    // Fri 13/3 12:00 → Wed 18/3 00:00: nationally Fri pm, Mon am + pm, Tue am + pm = 2.5; XA-D closes Monday: 1.5.
    expect(pausedWorkingDays(cal, vn('2026-03-13 12:00'), vn('2026-03-18 00:00'), null)).toBe(2.5);
    expect(pausedWorkingDays(cal, vn('2026-03-13 12:00'), vn('2026-03-18 00:00'), 'XA-D')).toBe(1.5);
    // Tue 17/3 13:45 → 14:30: the national afternoon began at 13:30 (before), XA-D's at 14:00 (inside).
    expect(pausedWorkingDays(cal, vn('2026-03-17 13:45'), vn('2026-03-17 14:30'), null)).toBe(0);
    expect(pausedWorkingDays(cal, vn('2026-03-17 13:45'), vn('2026-03-17 14:30'), 'XA-D')).toBe(0.5);
  });

  it('agrees with stepTimes: the due date moves by exactly the paused working time', () => {
    // The pause of the block above is 2 working days; a 3-day step with it is due when a 5-day step without it is.
    const start = vn('2026-03-09 08:00');
    const pause = { from: vn('2026-03-10 09:00'), to: vn('2026-03-12 10:00') };
    const paused = pausedWorkingDays(national, pause.from, pause.to, null);
    expect(paused).toBe(2);
    expect(iso(stepTimes(national, start, 3, null, [pause]).due)).toBe(iso(stepTimes(national, start, 3 + paused, null).due));
  });
});

describe('stepTimesWithin: a step of a called process ends by the root case appointment', () => {
  it('keeps its own times when they end before the appointment', () => {
    // 0.5 day from Monday 07:30: due 11:30, before the appointment on Wednesday.
    expect(times(stepTimesWithin(national, vn('2026-03-09 07:30'), 0.5, null, [], vn('2026-03-11 11:30')))).toEqual({
      due: '2026-03-09T11:30:00+07:00',
      remind: '2026-03-09T10:42:00+07:00',
    });
  });

  it('is due at the appointment, reminded at 80 % of the working time left before it', () => {
    // 5 days from Monday 9/3 07:30 would end Friday 13/3 17:00; the case is due Wednesday 11/3 11:30.
    // Left: Mon am 240 + Mon pm 210 + Tue am 240 + Tue pm 210 + Wed am 240 = 1140 min; 80 % = 912 min:
    // 900 by Tuesday's end, 12 more from Wednesday 07:30 = 07:42.
    const t = stepTimesWithin(national, vn('2026-03-09 07:30'), 5, null, [], vn('2026-03-11 11:30'));
    expect(t.capped).toBe(true);
    expect(times(t)).toEqual({ due: '2026-03-11T11:30:00+07:00', remind: '2026-03-11T07:42:00+07:00' });
  });

  it('is due (and reminded) at once at an appointment already past', () => {
    expect(times(stepTimesWithin(national, vn('2026-03-09 07:30'), 2, null, [], vn('2026-03-06 17:00')))).toEqual({
      due: '2026-03-06T17:00:00+07:00',
      remind: '2026-03-06T17:00:00+07:00',
    });
  });
});

describe('legalDocumentsOf: the legal basis of a one-stop catalogue entry, one document per line', () => {
  it('splits at semicolons and full stops outside parentheses and drops the internal step breakdown', () => {
    expect(
      legalDocumentsOf(
        'Luật Xây dựng số 50/2014/QH13 (Điều 102: 15 ngày; gia hạn 10 ngày); Nghị định số 175/2024/NĐ-CP. Cần đối chiếu khi tỉnh công bố lại. Quy trình nội bộ: kiểm tra 3 ngày; ký 2 ngày.',
      ),
    ).toEqual(['Luật Xây dựng số 50/2014/QH13 (Điều 102: 15 ngày; gia hạn 10 ngày)', 'Nghị định số 175/2024/NĐ-CP']);
  });
});
