import { describe, expect, it } from 'vitest';
import { createWorkingCalendar, nationalCalendarConfig, toLocalIso } from '../../domain/deadlines/calendar/index.js';
import { LATE, lateness, ON_TIME, type LatenessFacts } from '../../domain/onestop/lateness.js';

/**
 * The one lateness rule (issue 17 item 2, Biểu II.06a). Every expectation is written out by hand; the
 * appointment is Tue 10/03/2026 17:00 (Vietnam time) unless a case says otherwise.
 */

const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const APPOINTMENT = vn('2026-03-10 17:00');
const facts = (f: Partial<LatenessFacts>): LatenessFacts => ({ appointmentAt: APPOINTMENT, readyAt: null, withdrawnAt: null, pausedAt: false, ...f });
const LATER = vn('2026-06-01 09:00');

describe('finished dossiers: the date the result was ready against the appointment date', () => {
  it('ready the day before is early', () => {
    expect(lateness(facts({ readyAt: vn('2026-03-09 10:00') }), LATER)).toBe('early');
  });

  it('ready on the appointment date is on time, even after the appointment minute', () => {
    expect(lateness(facts({ readyAt: vn('2026-03-10 16:59') }), LATER)).toBe('on_time');
    // 17:30 on 10/03: the case clock (to the minute) called this late; II.06a compares dates.
    expect(lateness(facts({ readyAt: vn('2026-03-10 17:30') }), LATER)).toBe('on_time');
  });

  it('ready the day after is late', () => {
    expect(lateness(facts({ readyAt: vn('2026-03-11 08:00') }), LATER)).toBe('late');
  });

  it('judges dates in Vietnam time: 23:30 UTC on 10/03 is 06:30 on 11/03, late', () => {
    expect(lateness(facts({ readyAt: new Date('2026-03-10T23:30:00Z') }), LATER)).toBe('late');
  });

  it('ready on time and collected ten days late is on time: collection does not stop the clock', () => {
    // The citizen collected on 20/03 (the process finished then); the result was ready on 10/03 10:00.
    const outcome = lateness(facts({ readyAt: vn('2026-03-10 10:00') }), vn('2026-03-20 15:00'));
    expect(outcome).toBe('on_time');
    expect(ON_TIME.has(outcome)).toBe(true);
    expect(LATE.has(outcome)).toBe(false);
  });

  it('withdrawn after the appointment, without a result, counts as on time (II.06a column 9)', () => {
    const outcome = lateness(facts({ withdrawnAt: vn('2026-03-15 09:00') }), LATER);
    expect(outcome).toBe('withdrawn');
    expect(ON_TIME.has(outcome)).toBe(true);
    expect(LATE.has(outcome)).toBe(false);
  });

  it('a result ready and the dossier later closed keeps the result date', () => {
    expect(lateness(facts({ readyAt: vn('2026-03-12 09:00'), withdrawnAt: vn('2026-03-13 09:00') }), LATER)).toBe('late');
  });

  it('a dossier with no appointment is never late', () => {
    expect(lateness(facts({ appointmentAt: null, readyAt: vn('2026-03-30 09:00') }), LATER)).toBe('on_time');
    expect(lateness(facts({ appointmentAt: null }), LATER)).toBe('within');
  });
});

describe('open dossiers', () => {
  it('within up to the end of the appointment date, past due from the next day', () => {
    expect(lateness(facts({}), vn('2026-03-10 23:59'))).toBe('within');
    expect(lateness(facts({}), vn('2026-03-11 00:00'))).toBe('past_due');
  });

  it('a pause still open (supplement or fees) is not past due, whatever the date', () => {
    expect(lateness(facts({ pausedAt: true }), vn('2026-03-25 09:00'))).toBe('paused');
    expect(LATE.has('paused')).toBe(false);
  });

  it('a result ready after the instant asked about does not count yet', () => {
    expect(lateness(facts({ readyAt: vn('2026-03-12 09:00') }), vn('2026-03-11 09:00'))).toBe('past_due');
    expect(lateness(facts({ readyAt: vn('2026-03-12 09:00') }), vn('2026-03-10 09:00'))).toBe('within');
  });
});

describe('pauses move the appointment (the case clock counts from the receipt skipping closed pauses)', () => {
  // Working hours 07:30–11:30, 13:30–17:00; a working day = 2 half-days. Received Mon 02/03/2026 09:00,
  // 5 working days = 10 half-days from 02/03 afternoon: 02 pm (1), 03 (3), 04 (5), 05 (7), 06 (9),
  // Mon 09/03 morning (10) → 09/03 11:30.
  const cal = createWorkingCalendar(nationalCalendarConfig());
  const received = vn('2026-03-02 09:00');
  const limit = { value: 5, unit: 'working_days' as const };
  const due = (pauses: { from: string; to: string }[]) => cal.dueOf(received, limit, null, { pauses: pauses.map((p) => ({ from: vn(p.from), to: vn(p.to) })) });
  const supplement = { from: '2026-03-03 07:00', to: '2026-03-05 07:00' }; // skips 03/03 and 04/03: 4 half-days
  const fees = { from: '2026-03-06 13:00', to: '2026-03-09 07:00' }; // skips 06/03 afternoon: 1 half-day

  it('no pause: 09/03 11:30', () => {
    expect(toLocalIso(due([]))).toBe('2026-03-09T11:30:00+07:00');
  });

  it('a supplement pause of two working days: 11/03 11:30', () => {
    expect(toLocalIso(due([supplement]))).toBe('2026-03-11T11:30:00+07:00');
  });

  it('and a fee pause of half a day after it: 11/03 17:00; a result on 11/03 is then on time, not late', () => {
    const moved = due([supplement, fees]);
    expect(toLocalIso(moved)).toBe('2026-03-11T17:00:00+07:00');
    const ready = vn('2026-03-11 16:00');
    expect(lateness({ appointmentAt: moved, readyAt: ready, withdrawnAt: null, pausedAt: false }, LATER)).toBe('on_time');
    // Against the appointment before the pauses (09/03) the same result would be late.
    expect(lateness({ appointmentAt: due([]), readyAt: ready, withdrawnAt: null, pausedAt: false }, LATER)).toBe('late');
  });
});
