import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, postWhileBusy, waitFor, type Client } from './helpers/fixtures.js';
import { pauseCase, resumeCase, caseState } from '../domain/deadlines/cases.js';
import { listPauses, stepListenerReads } from '../domain/deadlines/store.js';

const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';
const at = (iso: string) => new Date(iso);

/**
 * Zeebe's controlled clock (actuator, shared by the whole run). Verified on 8.6.0: timers fire when
 * the clock is pinned or moved FORWARD, but any move backwards (pinning a date before the current
 * one, or DELETE after a pin in the future) stalls every timer of the broker until the clock
 * catches up again. So this file only moves forward, to a scenario in 2031 (after any real date
 * the suite will run on for years), and on leaving resets the clock and at once moves it forward
 * again, running, from where the scenario left it: the other files keep working timers.
 */
class BrokerClock {
  private furthest = 0;
  constructor(private readonly base: string) {}
  private async call(method: string, path = '', body?: unknown): Promise<{ epochMilli: number }> {
    const r = await fetch(`${this.base}/actuator/clock${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (r.status !== 200) throw new Error(`clock ${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<{ epochMilli: number }>;
  }
  async pin(iso: string): Promise<void> {
    const ms = Date.parse(iso);
    if (ms < this.furthest) throw new Error(`the broker clock must not go back (${iso})`);
    this.furthest = ms;
    await this.call('POST', '/pin', { epochMilli: ms });
  }
  async leave(): Promise<void> {
    if (!this.furthest) return;
    await this.call('DELETE');
    await this.call('POST', '/add', { offsetMilli: this.furthest + 60_000 - Date.now() });
  }
}

describe('due dates through Zeebe on the working-day calendar, with the controlled clock', () => {
  let p: TestPlatform;
  let clock: BrokerClock;
  let reception: Client; // SNNMT-VP officer: receives and returns
  let specialist: Client; // SNNMT-QLDD officer: appraises
  let approver: Client; // SNNMT leader: approves
  let vpLeader: Client; // SNNMT-VP leader: told when a reception step is overdue
  const started: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform();
    clock = new BrokerClock(inject('zeebeManagementAddress'));
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    approver = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    vpLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-VP' }));
  });

  afterAll(async () => {
    for (const key of started) await p?.zeebe.cancelProcessInstance(key).catch(() => {});
    await clock?.leave();
    await p?.close();
  });

  const start = async (variables: Record<string, unknown>) => {
    // Pinning the clock years ahead fires every timer the run's earlier files left behind at once; the
    // broker may push back (RESOURCE_EXHAUSTED → 503, nothing kept), and a client tries again, as the API says.
    const r = await postWhileBusy(reception, '/api/process-instances', { bpmnProcessId: PROCESS_ID, variables });
    expect(r.status).toBe(201);
    started.push(r.body.processInstanceKey);
    return r.body.processInstanceKey as string;
  };
  const openTask = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('inbox_tasks').where({ process_instance_key: key, element_id: elementId, status: 'open' }).first(),
      `${elementId} of ${key} in the inbox`,
      45_000, // a CI run under load once took longer than the default 15 s
    );
  const claimAndComplete = async (who: Client, key: string, elementId: string, variables: Record<string, unknown>) => {
    const t = await openTask(key, elementId);
    expect((await who.post(`/api/tasks/${t.job_key}/claim`)).status).toBe(200);
    const done = await postWhileBusy(who, `/api/tasks/${t.job_key}/complete`, { variables });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return t;
  };
  const stepRow = (key: string, elementId: string) =>
    waitFor(
      async () => p.db('step_deadlines').where({ process_instance_key: key, element_id: elementId }).orderBy('started_at', 'desc').first(),
      `step deadline of ${elementId}`,
    );
  const notices = (key: string, kind: string, recipient: string) => p.db('notifications').where({ process_instance_key: key, kind, recipient });

  it('pause and resume through the API: only the holder of a task of the case, once each', async () => {
    // Runs at the engine's real time (the clock has not been moved yet): the API stamps pauses with the server's time.
    const key = await start({ maHoSo: 'DL-API-1' });
    const t1 = await openTask(key, 'TiepNhan');
    const c0 = (await reception.get(`/api/cases/${key}`)).body;
    expect(c0).toMatchObject({ processInstanceKey: key, bpmnProcessId: PROCESS_ID, timeLimitDays: 10, unitCode: 'SNNMT-VP', paused: false, pauses: [] });

    // Nobody holds a task yet: refused; an officer of another unit neither.
    expect((await reception.post(`/api/cases/${key}/pause`, { reason: 'Chờ bổ sung' })).status).toBe(403);
    expect((await reception.post(`/api/tasks/${t1.job_key}/claim`)).status).toBe(200);
    expect((await specialist.post(`/api/cases/${key}/pause`, { reason: 'Chờ bổ sung' })).status).toBe(403);
    expect((await reception.post(`/api/cases/${key}/pause`, { reason: '' })).status).toBe(400);
    expect((await reception.post(`/api/cases/999999999/pause`, { reason: 'Không có' })).status).toBe(404);
    expect((await reception.post(`/api/cases/${key}/resume`)).status).toBe(409);

    const paused = await reception.post(`/api/cases/${key}/pause`, { reason: 'Chờ công dân bổ sung giấy tờ' });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({
      paused: true,
      pauses: [{ reason: 'Chờ công dân bổ sung giấy tờ', pausedBy: reception.user.username, resumedAt: null }],
    });
    expect((await reception.post(`/api/cases/${key}/pause`, { reason: 'Lần hai' })).status).toBe(409);

    const resumed = await reception.post(`/api/cases/${key}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);
    expect(resumed.body.pauses[0]).toMatchObject({ resumedBy: reception.user.username });
    // Seconds apart: at most the half-day that might have begun in between is paused, and the appointment moves by exactly that.
    const days = resumed.body.pauses[0].workingDays as number;
    expect([0, 0.5]).toContain(days);
    expect(resumed.body.pausedDays).toBe(days);
    if (days === 0) expect(resumed.body.appointmentAt).toBe(c0.appointmentAt);
    await p.zeebe.cancelProcessInstance(key);
  });

  it('computes every due date on the calendar, reminds, escalates, pauses the case and flags on time vs late', { timeout: 240_000 }, async () => {
    // Calendar of Aug–Sep 2031 (national; SNNMT units have no overrides): 2/9/2031 is a Tuesday, so the
    // adjacent National Day holiday is Mon 1/9 (calendar default when 2/9 is not Sun, Mon or Thu).
    // Fri 29/8 16:00 is after the 15:00 cut-off and after the afternoon half-day began; Sat 30/8,
    // Sun 31/8, Mon 1/9, Tue 2/9 are off: counting starts Wed 3/9 07:30. Half-days are 07:30–11:30
    // (240 min) and 13:30–17:00 (210 min).
    await clock.pin('2031-08-29T16:00:00+07:00');
    const a = await start({ maHoSo: 'DL-A' }); // finishes on time, with a pause
    const b = await start({ maHoSo: 'DL-B' }); // finishes late

    // Case appointment: 10 working days from Wed 3/9 = Wed 3, Thu 4, Fri 5, Mon 8, Tue 9, Wed 10,
    // Thu 11, Fri 12, Mon 15, Tue 16 → end of Tue 16/9.
    const caseA = await waitFor(() => caseState(p.db, a), 'case A');
    expect(caseA.receivedAt).toEqual(at('2031-08-29T16:00:00+07:00'));
    expect(caseA.appointmentAt).toEqual(at('2031-09-16T17:00:00+07:00'));
    expect(caseA.unitCode).toBe('SNNMT-VP');

    // TiepNhan, 0.5 day: the first half-day from Wed 3/9 morning → due 11:30; reminder when 80 % of
    // its 240 minutes have passed: 07:30 + 192 min = 10:42.
    const tA1 = await openTask(a, 'TiepNhan');
    expect(tA1.due_date).toEqual(at('2031-09-03T11:30:00+07:00'));
    expect(tA1.variables).toMatchObject({
      eisoStepDue: '2031-09-03T11:30:00+07:00',
      eisoStepRemind: '2031-09-03T10:42:00+07:00',
      eisoAppointment: '2031-09-16T17:00:00+07:00',
    });
    expect(await stepRow(a, 'TiepNhan')).toMatchObject({
      unit_code: 'SNNMT-VP',
      started_at: at('2031-08-29T16:00:00+07:00'),
      due_at: at('2031-09-03T11:30:00+07:00'),
      remind_at: at('2031-09-03T10:42:00+07:00'),
    });
    expect((await reception.get(`/api/tasks/${tA1.job_key}`)).body.dueDate).toBe(at('2031-09-03T11:30:00+07:00').toISOString());
    expect((await reception.post(`/api/tasks/${tA1.job_key}/claim`)).status).toBe(200);
    await openTask(b, 'TiepNhan'); // B's reception stays unclaimed

    // One minute before the reminder: nothing. One minute after: A's holder and B's candidates are reminded.
    await clock.pin('2031-09-03T10:41:00+07:00');
    await new Promise((r) => setTimeout(r, 2000));
    expect((await p.db('inbox_tasks').where({ job_key: tA1.job_key }).first()).reminded_at).toBeNull();
    await clock.pin('2031-09-03T10:43:00+07:00');
    const remindedA = await waitFor(
      async () => (await p.db('inbox_tasks').where({ job_key: tA1.job_key }).whereNotNull('reminded_at').first()) ?? false,
      'A reminded',
    );
    expect(remindedA.reminded_at).toEqual(at('2031-09-03T10:43:00+07:00'));
    expect(remindedA.overdue_at).toBeNull();
    expect(await notices(a, 'step_reminder', reception.user.username)).toHaveLength(1);
    expect(await notices(a, 'step_reminder', specialist.user.username)).toHaveLength(0);
    await waitFor(async () => (await notices(b, 'step_reminder', reception.user.username)).length === 1, 'B reminder to the candidates');
    expect((await reception.get('/api/tasks?scope=all')).body.items.find((t: any) => t.id === String(tA1.job_key))).toBeTruthy();

    // Past the due: overdue, the SNNMT-VP leader is told, the step stays with its officer.
    await clock.pin('2031-09-03T11:31:00+07:00');
    const overdueA = await waitFor(
      async () => (await p.db('inbox_tasks').where({ job_key: tA1.job_key }).whereNotNull('overdue_at').first()) ?? false,
      'A overdue',
    );
    expect(overdueA).toMatchObject({ status: 'open', assignee: reception.user.username, overdue_at: at('2031-09-03T11:31:00+07:00') });
    const told = await waitFor(async () => (await notices(a, 'step_overdue', vpLeader.user.username))[0], 'the leader told');
    expect(told.body).toContain('DL-A');
    expect(told.body).toContain(reception.user.username);
    expect(await notices(a, 'step_overdue', reception.user.username)).toHaveLength(0);
    expect(await notices(a, 'step_reminder', reception.user.username)).toHaveLength(1); // redeliveries add nothing

    // A: reception done at Wed 3/9 14:00. ThamDinh, 5 days: the 13:30 half-day has begun, so Thu 4,
    // Fri 5, Mon 8, Tue 9, Wed 10 → due Wed 10/9 17:00; 80 % of 5 × 450 min = 4 full days, ending
    // Tue 9/9 17:00, a half-day end → reminder at the start of the next one, Wed 10/9 07:30.
    await clock.pin('2031-09-03T14:00:00+07:00');
    const done1 = await postWhileBusy(reception, `/api/tasks/${tA1.job_key}/complete`, {
      variables: { nguoiNop: 'Trần Văn An', soThua: '7/3', hoSoDayDu: true },
    });
    expect(done1.status).toBe(200);
    const tA2 = await openTask(a, 'ThamDinh');
    expect(tA2.due_date).toEqual(at('2031-09-10T17:00:00+07:00'));
    expect(tA2.variables).toMatchObject({ eisoStepDue: '2031-09-10T17:00:00+07:00', eisoStepRemind: '2031-09-10T07:30:00+07:00' });
    expect(await stepRow(a, 'ThamDinh')).toMatchObject({ unit_code: 'SNNMT-QLDD', started_at: at('2031-09-03T14:00:00+07:00') });
    expect((await specialist.post(`/api/tasks/${tA2.job_key}/claim`)).status).toBe(200);

    // The specialist asks the citizen for a supplement at Thu 4/9 12:00; it arrives Mon 8/9 12:00.
    // Working half-days starting inside the pause: Thu 4/9 13:30, Fri 5/9 07:30 and 13:30, Mon 8/9
    // 07:30 → 2 working days, so the appointment moves from Tue 16/9 to Thu 18/9 17:00.
    await pauseCase(p.db, a, 'Chờ bổ sung bản sao giấy chứng nhận', { at: at('2031-09-04T12:00:00+07:00'), by: specialist.user.username });
    expect((await reception.get(`/api/cases/${a}`)).body).toMatchObject({ paused: true, appointmentAt: '2031-09-16T17:00:00+07:00' });
    const afterResume = await resumeCase(p.db, a, { at: at('2031-09-08T12:00:00+07:00'), by: specialist.user.username });
    expect(afterResume.pauses[0].workingDays).toBe(2);
    expect(afterResume.pausedDays).toBe(2);
    expect(afterResume.pausedMs).toBe(4 * 24 * 3600_000);
    expect(afterResume.appointmentAt).toEqual(at('2031-09-18T17:00:00+07:00'));
    expect(afterResume.originalAppointmentAt).toEqual(at('2031-09-16T17:00:00+07:00'));
    // the step listener reads the case's pauses with its other lookups in one statement: the rows listPauses reads
    const pauses = await listPauses(p.db, a);
    expect(pauses).toHaveLength(1);
    expect((await stepListenerReads(p.db, a)).pauses).toEqual(pauses);

    // ThamDinh done Mon 8/9 14:00, after the resume. PheDuyet, 2 days: Tue 9 and Wed 10 → due Wed
    // 10/9 17:00; 80 % of 900 min = 720: Tue (450) + Wed morning (240) = 690, + 30 min of the
    // afternoon → Wed 10/9 14:00.
    await clock.pin('2031-09-08T14:00:00+07:00');
    expect(
      (await postWhileBusy(specialist, `/api/tasks/${tA2.job_key}/complete`, { variables: { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' } }))
        .status,
    ).toBe(200);
    const tA3 = await openTask(a, 'PheDuyet');
    expect(tA3.due_date).toEqual(at('2031-09-10T17:00:00+07:00'));
    expect(tA3.variables).toMatchObject({ eisoStepDue: '2031-09-10T17:00:00+07:00', eisoStepRemind: '2031-09-10T14:00:00+07:00' });

    // Approved Tue 9/9 10:00. TraKetQua, 0.5 day: the morning half-day has begun → the afternoon,
    // due Tue 9/9 17:00; reminder 13:30 + 80 % of 210 min (168 min) = 16:18.
    await clock.pin('2031-09-09T10:00:00+07:00');
    await claimAndComplete(approver, a, 'PheDuyet', { pheDuyet: 'dong-y' });
    const tA4 = await openTask(a, 'TraKetQua');
    expect(tA4.due_date).toEqual(at('2031-09-09T17:00:00+07:00'));
    expect(tA4.variables).toMatchObject({ eisoStepDue: '2031-09-09T17:00:00+07:00', eisoStepRemind: '2031-09-09T16:18:00+07:00' });

    // Result returned Tue 9/9 15:00, before the appointment Thu 18/9 17:00: on time.
    await clock.pin('2031-09-09T15:00:00+07:00');
    await claimAndComplete(reception, a, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
    const finishedA = await waitFor(async () => (await caseState(p.db, a))?.finishedAt && caseState(p.db, a), 'case A finished');
    expect(finishedA).toMatchObject({ finishedAt: at('2031-09-09T15:00:00+07:00'), onTime: true, appointmentAt: at('2031-09-18T17:00:00+07:00') });

    // B was never paused: its appointment stays Tue 16/9 17:00. Worked on Wed 17/9 09:00: late.
    await clock.pin('2031-09-17T09:00:00+07:00');
    await claimAndComplete(reception, b, 'TiepNhan', { nguoiNop: 'Lê Thị Bình', soThua: '3/8' });
    await claimAndComplete(specialist, b, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
    await claimAndComplete(approver, b, 'PheDuyet', { pheDuyet: 'dong-y' });
    await claimAndComplete(reception, b, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
    const finishedB = await waitFor(async () => (await caseState(p.db, b))?.finishedAt && caseState(p.db, b), 'case B finished');
    expect(finishedB).toMatchObject({
      appointmentAt: at('2031-09-16T17:00:00+07:00'),
      finishedAt: at('2031-09-17T09:00:00+07:00'),
      onTime: false,
      pausedDays: 0,
    });
    // B's reception went overdue too while unclaimed: its leader was told.
    await waitFor(async () => (await notices(b, 'step_overdue', vpLeader.user.username)).length === 1, 'B overdue notice');
  });
});
