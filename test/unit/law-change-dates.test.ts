import { describe, expect, it } from 'vitest';
import { newAppointment, newStepTimes, type LawChangeRule } from '../../domain/legal/dates.js';
import { stepTimes } from '../../domain/deadlines/compute.js';
import { createWorkingCalendar, nationalCalendarConfig, toLocalIso } from '../../domain/deadlines/calendar/index.js';
import { parseLegalLine } from '../../migrations/20261211010000_legal_documents.js';

/**
 * Issue 20, item 1: how a law change moves the due dates of running dossiers (domain/legal/dates.ts), on
 * the real national calendar, an ordinary March 2026 (Mon 9/3 – Fri 27/3, no holiday), and the frozen
 * parsing of free-text legal-basis lines in the migration. Every expected date is worked out above it.
 */
const vn = (s: string) => new Date(`${s.replace(' ', 'T')}:00+07:00`);
const iso = (d: Date) => toLocalIso(d);
const cal = createWorkingCalendar(nationalCalendarConfig());
const fromChange: LawChangeRule = { policy: 'from-change-date', changeDate: '2026-03-11' };
const receivedAfter: LawChangeRule = { policy: 'received-after', changeDate: '2026-03-11' };
const wd = (value: number) => ({ value, unit: 'working_days' as const });

describe('a running step under a new limit', () => {
  const started = vn('2026-03-09 07:30');
  const old = stepTimes(cal, started, 3, null);
  const step = { startedAt: started, due: old.due, remind: old.remind, unit: null, pauses: [], receivedAt: started };

  it('keeps its dates when its limit did not change', () => {
    expect(newStepTimes(cal, step, 3, 3, fromChange)).toMatchObject({ rule: 'unchanged-limit', after: { due: old.due, remind: old.remind } });
  });

  it("'received-after': a dossier received before the change keeps its step's dates", () => {
    expect(newStepTimes(cal, step, 3, 5, receivedAfter)).toMatchObject({ rule: 'received-before', after: { due: old.due } });
  });

  it('a step started on or after the change date counts the new limit from its start', () => {
    const later = vn('2026-03-12 07:30');
    const n = newStepTimes(cal, { ...step, startedAt: later, receivedAt: later }, 3, 5, receivedAfter);
    // Thu 12, Fri 13, Mon 16, Tue 17, Wed 18 → due Wed 18/3 17:00
    expect([n.rule, iso(n.after.due)]).toEqual(['new-limit-from-start', '2026-03-18T17:00:00+07:00']);
  });

  it("'from-change-date': the time used before the change counts, the rest of the new limit from the change date", () => {
    // used Mon 9 and Tue 10 (2 days) of the new 5: 3 left from Wed 11/3 → Wed, Thu, Fri → due Fri 13/3 17:00 (the old one: Wed 11/3 17:00)
    const n = newStepTimes(cal, step, 3, 5, fromChange);
    expect(iso(old.due)).toBe('2026-03-11T17:00:00+07:00');
    expect([n.rule, iso(n.after.due)]).toEqual(['remaining-from-change', '2026-03-13T17:00:00+07:00']);
    expect(n.after.remind.getTime()).toBeLessThan(n.after.due.getTime());
  });

  it("'from-change-date': a shorter limit already used up is due on the change date", () => {
    const n = newStepTimes(cal, step, 3, 1, fromChange);
    expect([n.rule, iso(n.after.due)]).toEqual(['remaining-from-change', '2026-03-11T00:00:00+07:00']);
  });
});

describe("a running case's appointment under a new limit", () => {
  const received = vn('2026-03-09 07:30');
  const appointmentAt = cal.dueOf(received, wd(10), null);
  const c = { receivedAt: received, appointmentAt, unit: null, pauses: [] };

  it('is the old one when the limit did not change, or the dossier was received before a received-after change', () => {
    expect(newAppointment(cal, c, wd(10), wd(10), fromChange).rule).toBe('unchanged-limit');
    expect(newAppointment(cal, c, wd(10), wd(15), receivedAfter)).toMatchObject({ rule: 'received-before', after: appointmentAt });
  });

  it("'from-change-date': 2 of 15 days used before Wed 11/3, 13 from it → Fri 27/3 17:00", () => {
    // Wed 11 – Fri 13 (3), Mon 16 – Fri 20 (5), Mon 23 – Fri 27 (5) = 13
    const n = newAppointment(cal, c, wd(10), wd(15), fromChange);
    expect([n.rule, iso(n.before), iso(n.after)]).toEqual(['remaining-from-change', '2026-03-20T17:00:00+07:00', '2026-03-27T17:00:00+07:00']);
  });

  it('a dossier received after the change date gets the new limit from its receipt', () => {
    const later = vn('2026-03-12 07:30');
    const n = newAppointment(cal, { ...c, receivedAt: later }, wd(10), wd(15), receivedAfter);
    // Thu 12 → 15 working days: 12, 13, 16–20, 23–27, 30, 31, 1/4 → Wed 1/4 17:00
    expect([n.rule, iso(n.after)]).toEqual(['new-limit-from-start', '2026-04-01T17:00:00+07:00']);
  });
});

describe('the migration turns free-text legal basis lines that start with a document into citations', () => {
  it('reads kind, number, signing date, issuer and article', () => {
    expect(parseLegalLine('Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư')).toMatchObject({
      kind: 'nghi_dinh',
      number: '30/2020/NĐ-CP',
      signedOn: '2020-03-05',
      issuer: 'Chính phủ',
      article: '',
      title: 'về công tác văn thư',
    });
    expect(parseLegalLine('Luật Đất đai số 31/2024/QH15')).toMatchObject({ kind: 'luat', number: '31/2024/QH15', issuer: 'Quốc hội', title: 'Đất đai' });
    expect(parseLegalLine('Điều 11 Nghị định 118/2025/NĐ-CP')).toMatchObject({ article: 'Điều 11', number: '118/2025/NĐ-CP' });
    expect(parseLegalLine('Quyết định số 101/QĐ-BKHCN ngày 21/01/2019 của Bộ Khoa học và Công nghệ')).toMatchObject({
      kind: 'quyet_dinh',
      number: '101/QĐ-BKHCN',
      signedOn: '2019-01-21',
    });
  });

  it('leaves lines that name no document of a known kind with a number as free text', () => {
    expect(parseLegalLine('Tiêu chuẩn quốc gia TCVN ISO 9001:2015 Hệ thống quản lý chất lượng')).toBeNull();
    expect(parseLegalLine('Luật A')).toBeNull();
    expect(parseLegalLine('Văn bản một')).toBeNull();
  });
});
