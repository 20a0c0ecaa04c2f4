import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { simulateXml } from './helpers/simulate-bpmn.js';

/**
 * POST /api/procedures/:id/simulate: the "what if" of a draft on the national working calendar in the
 * database. Every date below is computed by hand from the 2026 schedule (vn-rules §6: 30/4 and 1/5 off;
 * National Day Sat 29/8 – Wed 2/9 with Mon 31/8 swapped to the make-up Saturday 22/8), the default
 * hours 07:30–11:30, 13:30–17:00 and the 15:00 cut-off. Each step starts when the one before it is due.
 */
describe('simulate a draft on the working calendar', () => {
  let p: TestPlatform;
  let designer: Client;
  let admin: Client;
  let officer: Client;
  let leader: Client;
  const id = `chay-thu-${Date.now()}`;

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    const created = await designer.post('/api/procedures', { bpmnProcessId: id, name: 'Cấp phép chạy thử', xml: simulateXml(id) });
    expect(created.status).toBe(201);
  });
  afterAll(async () => p?.close());

  const dayOff = (date: string, kind: string) => expect.objectContaining({ date, kind });

  it('received Thu 30/04/2026 10:00 (a holiday), 15 days in law: the 12 working days of the longest path end Tue 19/05, after the appointment Fri 15/05', async () => {
    // The stored draft is simulated when no XML is sent.
    const r = await designer.post(`/api/procedures/${id}/simulate`, { receivedAt: '2026-04-30T10:00' });
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s).toMatchObject({
      processId: id,
      receivedAt: '2026-04-30T10:00:00+07:00',
      // no cut-off on a day off: counting simply starts at the next working half-day
      countingFrom: '2026-04-30T10:00:00+07:00',
      cutoffApplied: false,
      receivingUnit: null,
      limit: { value: 15, unit: 'calendar_days' },
      // 15 days counted from the day after the receipt: 01/05 … 15/05 (a Friday, working): its close
      appointment: '2026-05-15T17:00:00+07:00',
      stepDays: 12,
      stepsEnd: '2026-05-19T17:00:00+07:00',
      calendarDaysSpanned: 19,
      exceeds: true,
      unresolvedCalls: [],
    });
    expect(s.steps.map((x: any) => [x.elementId, x.calledFrom, x.timeLimitDays, x.startsAt, x.due])).toEqual([
      // 30/04, 01/05 holidays, 02–03/05 weekend: the first half-day is Mon 04/05 morning
      ['TiepNhan', null, 0.5, '2026-04-30T10:00:00+07:00', '2026-05-04T11:30:00+07:00'],
      // 04/05 pm, 05–08/05, 11–12/05, 13/05 am = 14 half-days
      ['ThamDinh', null, 7, '2026-05-04T11:30:00+07:00', '2026-05-13T11:30:00+07:00'],
      // the called process's step, in place of the call activity: 13/05 pm, 14/05 am
      ['XinYKien', 'Lấy ý kiến', 1, '2026-05-13T11:30:00+07:00', '2026-05-14T11:30:00+07:00'],
      // 14/05 pm, 15/05, 18/05, 19/05 am
      ['PheDuyet', null, 3, '2026-05-14T11:30:00+07:00', '2026-05-19T11:30:00+07:00'],
      ['TraKetQua', null, 0.5, '2026-05-19T11:30:00+07:00', '2026-05-19T17:00:00+07:00'],
    ]);
    expect(s.steps[0].daysOff).toEqual([
      dayOff('2026-04-30', 'holiday'),
      dayOff('2026-05-01', 'holiday'),
      dayOff('2026-05-02', 'weekend'),
      dayOff('2026-05-03', 'weekend'),
    ]);
    expect(s.steps[0].daysOff[0].name).toContain('30/4');
    expect(s.steps[1].daysOff.map((d: any) => d.date)).toEqual(['2026-05-09', '2026-05-10']);
    expect(s.steps[2].capped).toBe(false);
    expect(s.daysOff.map((d: any) => d.date)).toEqual([
      '2026-04-30',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-09',
      '2026-05-10',
      '2026-05-16',
      '2026-05-17',
    ]);
  });

  it('received Fri 21/08/2026 16:00 (after the cut-off), 15 working days: counting starts on the make-up Saturday 22/08, National Day is crossed, nothing exceeds', async () => {
    const r = await admin.post(`/api/procedures/${id}/simulate`, {
      xml: simulateXml(id, { total: '15', unit: 'working_days' }),
      receivedAt: '2026-08-21T16:00',
    });
    expect(r.status).toBe(200);
    const s = r.body;
    expect(s).toMatchObject({
      countingFrom: '2026-08-22T07:30:00+07:00',
      cutoffApplied: true,
      limit: { value: 15, unit: 'working_days' },
      // 30 half-days: 22/08, 24–28/08, 03–04/09, 07–11/09, 14–15/09
      appointment: '2026-09-15T17:00:00+07:00',
      stepsEnd: '2026-09-10T17:00:00+07:00',
      calendarDaysSpanned: 19,
      exceeds: false,
    });
    expect(s.steps.map((x: any) => [x.elementId, x.due])).toEqual([
      ['TiepNhan', '2026-08-22T11:30:00+07:00'],
      // 22/08 pm, 24–28/08 (11), [29/08–02/09 off], 03/09, 04/09 am
      ['ThamDinh', '2026-09-04T11:30:00+07:00'],
      ['XinYKien', '2026-09-07T11:30:00+07:00'],
      ['PheDuyet', '2026-09-10T11:30:00+07:00'],
      ['TraKetQua', '2026-09-10T17:00:00+07:00'],
    ]);
    expect(s.steps[1].daysOff).toEqual([
      dayOff('2026-08-23', 'weekend'),
      dayOff('2026-08-29', 'weekend'),
      dayOff('2026-08-30', 'weekend'),
      dayOff('2026-08-31', 'day_off'),
      dayOff('2026-09-01', 'holiday'),
      dayOff('2026-09-02', 'holiday'),
    ]);
    // The make-up Saturday is a working day: not among the days off.
    expect(s.daysOff.map((d: any) => d.date)).not.toContain('2026-08-22');
  });

  it('refuses hostile input with a 4xx and changes nothing', async () => {
    const before = (await designer.get(`/api/procedures/${id}`)).body;
    const post = (who: Client, body: unknown) => who.post(`/api/procedures/${id}/simulate`, body);

    const big = simulateXml(id).replace('</bpmn:definitions>', `<!-- ${'x'.repeat(2_000_001)} --></bpmn:definitions>`);
    const tooBig = await post(designer, { xml: big, receivedAt: '2026-04-30T10:00' });
    expect([tooBig.status, tooBig.body.code]).toEqual([400, 'BPMN_TOO_LARGE']);

    const malformed = await post(designer, {
      xml: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process',
      receivedAt: '2026-04-30T10:00',
    });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'BPMN_MALFORMED']);

    const dtd = await post(designer, { xml: `<!DOCTYPE x [<!ENTITY a "b">]>${simulateXml(id)}`, receivedAt: '2026-04-30T10:00' });
    expect([dtd.status, dtd.body.code]).toEqual([400, 'BPMN_DTD']);

    const unit = await post(designer, { xml: simulateXml(id, { unit: 'fortnights' }), receivedAt: '2026-04-30T10:00' });
    expect([unit.status, unit.body.code, unit.body.params]).toEqual([400, 'SIMULATE_LIMIT_UNIT_UNKNOWN', { value: 'fortnights' }]);

    const impossible = await post(designer, { receivedAt: '2026-02-30T10:00' });
    expect([impossible.status, impossible.body.code]).toEqual([400, 'SIMULATE_RECEIPT_INVALID']);
    const lateHour = await post(designer, { receivedAt: '2026-04-30T24:00' });
    expect([lateHour.status, lateHour.body.code]).toEqual([400, 'SIMULATE_RECEIPT_INVALID']);
    expect((await post(designer, { receivedAt: '30/04/2026 10:00' })).status).toBe(400);
    expect((await post(designer, {})).status).toBe(400);

    const other = await post(designer, {
      xml: simulateXml('mot-quy-trinh-khac')
        .replace('isExecutable="true"', 'isExecutable="false"')
        .replace(/isExecutable="true"/g, 'isExecutable="false"'),
      receivedAt: '2026-04-30T10:00',
    });
    expect([other.status, other.body.code]).toEqual([400, 'SIMULATE_NO_PROCESS']);

    // Who may: designers and administrators only.
    expect((await post(officer, { receivedAt: '2026-04-30T10:00' })).status).toBe(403);
    expect((await post(leader, { receivedAt: '2026-04-30T10:00' })).status).toBe(403);
    expect((await designer.post('/api/procedures/khong-co-quy-trinh-nay/simulate', { receivedAt: '2026-04-30T10:00' })).status).toBe(404);

    const after = (await designer.get(`/api/procedures/${id}`)).body;
    expect(after.draft).toEqual(before.draft);
    expect(after.events).toEqual(before.events);
  });
});
