import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { vn, createUnit, createUser, login, type Client } from './helpers/fixtures.js';
import { isoSweep } from '../domain/iso/sweep.js';
import { measure } from '../domain/iso/objectives.js';
import { annualReport } from '../domain/iso/queries.js';
import { feesPaid, requestFees } from '../domain/onestop/fees.js';
import { toLocalIso } from '../domain/deadlines/calendar/index.js';

/**
 * Issue 17 item 2 (one lateness rule, II.06a's) and item 9 (waiting for fees or taxes), against cases and
 * dossiers written with hand-picked instants (Vietnam time, March 2026, a period long over). The case
 * clock's own on_time flag is written as the old rule had it (the minute the citizen collected) to show
 * that no figure reads it any more. Every expected count is worked out by hand in the table below.
 */

let p: TestPlatform;
let agency: string;
let officer: Client;
let leader: Client;
let outsider: Client;
const run = randomBytes(3).toString('hex').toUpperCase();
const PROC = `L${run}`;
const DOSSIER_PROCESS = `lat-${run.toLowerCase()}`;
const PLAIN_PROCESS = `latx-${run.toLowerCase()}`;
let nextKey = 9_100_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
const keys = new Map<string, string>();
const ids = new Map<string, string>();
const tokens = new Map<string, string>();

interface Given {
  name: string;
  status?: string; // a dossier's status; none: a case without a dossier
  appointment: string;
  resolved?: string; // result ready
  closed?: string; // returned to the citizen, or withdrawn
  finished?: string; // the process ended (the citizen collected, or the withdrawal)
  pausedSince?: string; // an open pause (fees)
}

// given: appointment Tue 10/03/2026 17:00, received Mon 02/03 09:00
const CASES: Given[] = [
  { name: 'L1', status: 'RETURNED', appointment: '2026-03-10 17:00', resolved: '2026-03-11 08:00', closed: '2026-03-12 09:00', finished: '2026-03-12 09:00' }, // ready a day late: late
  { name: 'L2', status: 'RETURNED', appointment: '2026-03-10 17:00', resolved: '2026-03-10 10:00', closed: '2026-03-20 10:00', finished: '2026-03-20 10:00' }, // ready on the day, collected 10 days later: on time
  { name: 'L3', status: 'RETURNED', appointment: '2026-03-10 17:00', resolved: '2026-03-10 17:30', closed: '2026-03-10 17:40', finished: '2026-03-10 17:40' }, // ready 30 minutes after, same date: on time
  { name: 'L4', status: 'WITHDRAWN', appointment: '2026-03-10 17:00', closed: '2026-03-15 09:00', finished: '2026-03-15 09:00' }, // withdrawn after the appointment: on time
  { name: 'L5', status: 'AWAITING_FEES', appointment: '2026-03-10 17:00', pausedSince: '2026-03-09 09:00' }, // waiting for fees since before the appointment: within
  { name: 'L6', status: 'IN_PROCESSING', appointment: '2026-03-10 17:00' }, // open past the date: past due
  { name: 'P1', appointment: '2026-03-10 17:00', finished: '2026-03-11 08:00' }, // a case without a dossier, finished the next day: late
  { name: 'P2', appointment: '2026-03-10 17:00', finished: '2026-03-10 18:00' }, // finished an hour after, same date: on time
];

async function insertCase(g: Given): Promise<void> {
  const key = String(nextKey++);
  keys.set(g.name, key);
  const finished = g.finished ? vn(g.finished) : null;
  await p.db('case_deadlines').insert({
    process_instance_key: key,
    process_definition_key: key,
    bpmn_process_id: g.status ? DOSSIER_PROCESS : PLAIN_PROCESS,
    unit_code: agency,
    time_limit_days: 5,
    received_at: vn('2026-03-02 09:00'),
    original_appointment_at: vn(g.appointment),
    appointment_at: vn(g.appointment),
    finished_at: finished,
    // the old rule: the finish (collection) against the appointment, to the minute
    on_time: finished ? finished.getTime() <= vn(g.appointment).getTime() : null,
  });
  if (g.pausedSince) await p.db('case_pauses').insert({ process_instance_key: key, reason: 'Chờ nộp lệ phí', paused_at: vn(g.pausedSince) });
  if (!g.status) return;
  const token = randomBytes(32).toString('base64url');
  const [row] = await p
    .db('dossiers')
    .insert({
      code: `${run}-${g.name}`,
      procedure_code: PROC,
      field: `Thử ${run}`,
      agency_code: agency,
      desk_unit_code: agency,
      channel: 'in_person',
      status: g.status,
      applicant: { name: `Nguyễn Văn ${g.name}`, email: null },
      lookup_token: token,
      submitted_at: vn('2026-03-02 09:00'),
      received_at: vn('2026-03-02 09:00'),
      original_appointment_at: vn(g.appointment),
      appointment_at: vn(g.appointment),
      resolved_at: g.resolved ? vn(g.resolved) : null,
      returned_at: g.status === 'RETURNED' ? vn(g.closed!) : null,
      closed_at: g.closed ? vn(g.closed) : null,
      process_instance_key: key,
      bpmn_process_id: DOSSIER_PROCESS,
    })
    .returning('id');
  ids.set(g.name, String(row.id));
  tokens.set(g.name, token);
}

beforeAll(async () => {
  p = await startTestPlatform();
  agency = await createUnit(p.db, { name: `Cơ quan trễ hạn ${run}` });
  officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: agency }));
  leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: agency }));
  outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: await createUnit(p.db) }));
  await p.db('onestop_procedures').insert({
    code: PROC,
    name: `Thủ tục trễ hạn ${run}`,
    field: `Thử ${run}`,
    agency_code: agency,
    agency_name: `Cơ quan trễ hạn ${run}`,
    desk_unit_code: agency,
    agency_eid: `H00.${agency}`,
    time_limit_days: 5,
    result: 'Giấy chứng nhận',
    online_level: 'partial',
    bpmn_process_id: DOSSIER_PROCESS,
  });
  for (const g of CASES) await insertCase(g);
}, 240_000);

afterAll(async () => {
  await p?.close();
});

describe('one lateness rule for every figure (II.06a)', () => {
  it('opens nonconformities only for the cases late by II.06a', async () => {
    await isoSweep(p.db, p.zeebe);
    const opened = await p
      .db('iso_nonconformities')
      .where({ source_type: 'late_case' })
      .whereIn('source_key', [...keys.values()])
      .pluck('source_key');
    const late = [...keys.entries()].filter(([, k]) => opened.includes(k)).map(([n]) => n);
    // L1 ready a day late, L6 open past its date, P1 finished a day late; not L2 (ready on time, collected
    // late), L3 (same date), L4 (withdrawn), L5 (waiting for fees), P2 (same date).
    expect(late.sort()).toEqual(['L1', 'L6', 'P1']);
  });

  it('counts the dossier ready on time but collected late as on time in II.06a, the one waiting for fees as within', async () => {
    const r = await leader.get(`/api/onestop-stats/statistics?from=2026-03-01&to=2026-03-31&agency=${agency}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.totals.received).toMatchObject({ total: 6, direct: 6, online: 0, carriedOver: 0 });
    // L1 late; L2, L3 on time; L4 withdrawn (reported on time)
    expect(r.body.totals.resolved).toEqual({ total: 4, early: 0, onTime: 3, late: 1, withdrawn: 1 });
    // L5 paused for fees at the end of March: within; L6 past its date
    expect(r.body.totals.inProgress).toEqual({ total: 2, withinDeadline: 1, pastDeadline: 1 });
  });

  it('gives the on-time objective, the overdue objective and the annual report (review input c3) the same answers', async () => {
    const q1 = { from: vn('2026-01-01 00:00'), to: vn('2026-04-01 00:00') };
    // Ended in Q1: L1 late, L2 on time, L3 on time, L4 withdrawn, P1 late, P2 on time → 4 of 6 = 66.7 %
    expect(await measure(p.db, 'on_time_rate', [agency], q1.from, q1.to)).toBe(66.7);
    // Open at the end of Q1: L5 (paused for fees, not counted) and L6 (past due) → 1
    expect(await measure(p.db, 'overdue_open', [agency], q1.from, q1.to)).toBe(1);
    const report = await annualReport(p.db, 2026);
    const mine = report.cases.byProcess.filter((b) => b.bpmnProcessId === DOSSIER_PROCESS || b.bpmnProcessId === PLAIN_PROCESS);
    expect(mine).toEqual([
      { bpmnProcessId: DOSSIER_PROCESS, name: null, finished: 4, onTime: 3 },
      { bpmnProcessId: PLAIN_PROCESS, name: null, finished: 2, onTime: 1 },
    ]);
  });
});

describe('waiting for fees or taxes (item 9)', () => {
  it('pauses the dossier with its own status, shown to the citizen; refuses outsiders and a second pause', async () => {
    // L6 is being processed.
    const id = ids.get('L6')!;
    expect((await outsider.post(`/api/onestop/dossiers/${id}/fees/request`, { reason: 'Lệ phí cấp giấy 50.000 đồng' })).status).toBe(403);
    const asked = await officer.post(`/api/onestop/dossiers/${id}/fees/request`, { reason: 'Lệ phí cấp giấy 50.000 đồng' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.status).toBe('AWAITING_FEES');
    const again = await officer.post(`/api/onestop/dossiers/${id}/fees/request`, { reason: 'Lần hai' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FEES_NOT_IN_PROCESSING');
    expect(again.body.message).toContain('không thể tạm dừng chờ nghĩa vụ tài chính');
    // The citizen's lookup (with the key of the slip) shows the status and the notice, in Vietnamese.
    const lookup = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${run}-L6`, headers: { 'x-lookup-token': tokens.get('L6')! } });
    expect(lookup.statusCode).toBe(200);
    expect(lookup.json().status).toBe('AWAITING_FEES');
    const notice = lookup.json().holder.notices.at(-1);
    expect(notice.subject).toBe(`Hồ sơ ${run}-L6: Chờ thực hiện nghĩa vụ tài chính (tạm dừng)`);
    expect(notice.body).toContain('Lệ phí cấp giấy 50.000 đồng');
    // A paid record: the dossier goes back to processing.
    const paid = await officer.post(`/api/onestop/dossiers/${id}/fees/paid`);
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.status).toBe('IN_PROCESSING');
    expect((await officer.post(`/api/onestop/dossiers/${id}/fees/paid`)).body.code).toBe('FEES_NOT_WAITING');
  });

  it('moves the appointment by the paused working time', async () => {
    // Received Mon 02/03/2026 09:00, 5 working days: 02 pm, 03, 04, 05, 06, Mon 09/03 morning → 09/03 11:30.
    // Waiting for fees from Fri 06/03 13:00 to Mon 09/03 07:00 skips the afternoon of 06/03 → 09/03 17:00.
    const key = String(nextKey++);
    await p.db('case_deadlines').insert({
      process_instance_key: key,
      process_definition_key: key,
      bpmn_process_id: DOSSIER_PROCESS,
      unit_code: null,
      time_limit_days: 5,
      received_at: vn('2026-03-02 09:00'),
      original_appointment_at: vn('2026-03-09 11:30'),
      appointment_at: vn('2026-03-09 11:30'),
    });
    const [row] = await p
      .db('dossiers')
      .insert({
        code: `${run}-F1`,
        procedure_code: PROC,
        field: `Thử ${run}`,
        agency_code: agency,
        desk_unit_code: agency,
        channel: 'in_person',
        status: 'IN_PROCESSING',
        applicant: { name: 'Trần Thị F', email: null },
        lookup_token: randomBytes(32).toString('base64url'),
        submitted_at: vn('2026-03-02 09:00'),
        received_at: vn('2026-03-02 09:00'),
        original_appointment_at: vn('2026-03-09 11:30'),
        appointment_at: vn('2026-03-09 11:30'),
        process_instance_key: key,
      })
      .returning('id');
    await requestFees(p.db, String(row.id), { reason: 'Thuế trước bạ', by: officer.user.username, at: vn('2026-03-06 13:00') });
    const after = await feesPaid(p.db, String(row.id), { by: officer.user.username, at: vn('2026-03-09 07:00') });
    expect(toLocalIso(after.appointment_at!)).toBe('2026-03-09T17:00:00+07:00');
    expect(toLocalIso((await p.db('case_deadlines').where({ process_instance_key: key }).first()).appointment_at)).toBe('2026-03-09T17:00:00+07:00');
    const events = await p.db('dossier_events').where({ dossier_id: row.id }).orderBy('id').pluck('type');
    expect(events).toEqual(['processing.fees_requested', 'fees.paid']);
  });
});
