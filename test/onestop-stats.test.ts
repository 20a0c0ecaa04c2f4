import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { vn, createUnit, createUser, login, type Client } from './helpers/fixtures.js';
import { statsRollupDrift } from '../domain/onestop/stats.js';

/**
 * Statistics (Biểu II.06a), Excel, overdue list and apology letters against dossiers inserted directly
 * with hand-picked dates at the edges. Every expected number below is computed by hand from the table
 * in `given`, for the period 01/03/2026 – 31/03/2026 (Vietnam dates; the period is over, so "in
 * progress" is counted at the end of 31/03).
 */

let tp: TestPlatform;
let parent: string; // a fresh province-like unit: the test's whole world
let agencyA: string;
let agencyB: string;
let deskA: string;
let otherUnit: string;
let admin: Client;
let leaderParent: Client;
let leaderA: Client;
let leaderB: Client;
let officerA: Client;
let officerDesk: Client;
let officerOther: Client;
let leaderOther: Client;
const run = randomBytes(3).toString('hex').toUpperCase();
const PROC_A = `T${run}A`;
const PROC_B = `T${run}B`;
const FIELD_A = `Đất đai ${run}`;
const FIELD_B = `Hộ tịch ${run}`;
const ids = new Map<string, string>();
const tokens = new Map<string, string>();

/** "2026-03-02 09:00" in Vietnam time. */
interface D {
  name: string;
  agency?: 'A' | 'B';
  channel: 'online' | 'in_person' | 'postal';
  status: string;
  received?: string;
  appointment?: string;
  resolved?: string;
  closed?: string;
  step?: string;
}

// given: the dossiers of the period, with what each must count as (period = March 2026)
const DOSSIERS: D[] = [
  {
    name: 'D1',
    channel: 'online',
    status: 'RETURNED',
    received: '2026-03-02 09:00',
    appointment: '2026-03-10 17:00',
    resolved: '2026-03-09 10:00',
    closed: '2026-03-10 08:00',
  }, // received online, resolved early (day before)
  {
    name: 'D2',
    channel: 'in_person',
    status: 'RETURNED',
    received: '2026-03-03 09:00',
    appointment: '2026-03-12 17:00',
    resolved: '2026-03-12 16:59',
    closed: '2026-03-13 08:00',
  }, // on time (same day)
  {
    name: 'D3',
    channel: 'in_person',
    status: 'RETURNED',
    received: '2026-03-04 09:00',
    appointment: '2026-03-13 17:00',
    resolved: '2026-03-14 08:00',
    closed: '2026-03-16 08:00',
  }, // late (day after)
  {
    name: 'D4',
    channel: 'postal',
    status: 'RETURNED',
    received: '2026-02-20 10:00',
    appointment: '2026-03-05 17:00',
    resolved: '2026-03-04 10:00',
    closed: '2026-03-05 08:00',
  }, // carried over, resolved early
  { name: 'D5', channel: 'online', status: 'IN_PROCESSING', received: '2026-02-25 10:00', appointment: '2026-03-06 17:00', step: 'Thẩm định hồ sơ' }, // carried over, in progress past deadline
  {
    name: 'D6',
    channel: 'in_person',
    status: 'RETURNED',
    received: '2026-02-10 10:00',
    appointment: '2026-03-01 17:00',
    resolved: '2026-02-27 10:00',
    closed: '2026-02-28 08:00',
  }, // resolved before the period: not counted in March
  { name: 'D7', channel: 'online', status: 'WITHDRAWN', received: '2026-03-20 10:00', appointment: '2026-03-30 17:00', closed: '2026-03-22 10:00' }, // withdrawn: resolved "on time"
  { name: 'D8', channel: 'in_person', status: 'IN_PROCESSING', received: '2026-03-25 10:00', appointment: '2026-04-10 17:00' }, // in progress within
  { name: 'D9', channel: 'online', status: 'SUPPLEMENT_REQUESTED_IN_PROCESSING', received: '2026-03-10 10:00', appointment: '2026-03-20 17:00' }, // waiting for a supplement: within although past the date
  { name: 'D10', channel: 'in_person', status: 'RECEIVED', received: '2026-03-31 16:00', appointment: '2026-04-08 17:00' }, // received on the last day
  { name: 'D11', channel: 'online', status: 'RECEIVED', received: '2026-04-01 07:30', appointment: '2026-04-14 17:00' }, // after the period: not counted
  { name: 'D12', channel: 'in_person', status: 'PENDING_APPROVAL', received: '2026-03-15 10:00', appointment: '2026-03-31 17:00' }, // appointment on the last day: within
  {
    name: 'D13',
    agency: 'B',
    channel: 'online',
    status: 'RESULT_AT_DESK',
    received: '2026-03-05 10:00',
    appointment: '2026-03-10 17:00',
    resolved: '2026-03-11 06:30',
  }, // 2026-03-10T23:30Z: late in Vietnam time
  { name: 'D14', channel: 'online', status: 'SUBMITTED' }, // never received
  { name: 'D15', channel: 'in_person', status: 'IN_PROCESSING', received: '2026-01-15 10:00', appointment: '2026-02-01 17:00', step: 'Trình ký' }, // carried over from January, past deadline
  {
    name: 'D16',
    agency: 'B',
    channel: 'in_person',
    status: 'NOT_ELIGIBLE',
    received: '2026-03-05 10:00',
    appointment: '2026-03-15 17:00',
    resolved: '2026-03-15 09:00',
  }, // not eligible, on time
];

async function insertDossier(d: D): Promise<void> {
  const agency = d.agency === 'B' ? agencyB : agencyA;
  const token = randomBytes(32).toString('base64url');
  const [row] = await tp
    .db('dossiers')
    .insert({
      code: `${run}-${d.name}`,
      procedure_code: d.agency === 'B' ? PROC_B : PROC_A,
      field: d.agency === 'B' ? FIELD_B : FIELD_A,
      agency_code: agency,
      desk_unit_code: d.agency === 'B' ? agencyB : deskA,
      channel: d.channel,
      status: d.status,
      applicant: { name: `Nguyễn Văn ${d.name}`, idNumber: '001090012345', email: null },
      lookup_token: token,
      submitted_at: d.received ? vn(d.received) : new Date(),
      received_at: d.received ? vn(d.received) : null,
      received_by: d.received ? officerDesk.user.username : null,
      original_appointment_at: d.appointment ? vn(d.appointment) : null,
      appointment_at: d.appointment ? vn(d.appointment) : null,
      resolved_at: d.resolved ? vn(d.resolved) : null,
      returned_at: d.status === 'RETURNED' && d.closed ? vn(d.closed) : null,
      closed_at: d.closed ? vn(d.closed) : null,
      current_step: d.step ?? null,
      current_unit_code: d.step ? agency : null,
    })
    .returning('id');
  ids.set(d.name, String(row.id));
  tokens.set(d.name, token);
}

beforeAll(async () => {
  tp = await startTestPlatform({ runtime: false });
  parent = await createUnit(tp.db, { name: `Tỉnh thử ${run}` });
  agencyA = await createUnit(tp.db, { name: `Cơ quan A ${run}`, parentCode: parent });
  agencyB = await createUnit(tp.db, { name: `Cơ quan B ${run}`, parentCode: parent });
  deskA = await createUnit(tp.db, { name: `Bộ phận một cửa A ${run}`, parentCode: agencyA });
  otherUnit = await createUnit(tp.db, { name: `Đơn vị khác ${run}` });
  admin = await login(tp.app, await createUser(tp.db, { roles: ['admin'] }));
  leaderParent = await login(tp.app, await createUser(tp.db, { roles: ['leader'], unitCode: parent }));
  leaderA = await login(tp.app, await createUser(tp.db, { roles: ['leader'], unitCode: agencyA, fullName: 'Trần Văn Thủ Trưởng' }));
  leaderB = await login(tp.app, await createUser(tp.db, { roles: ['leader'], unitCode: agencyB }));
  officerA = await login(tp.app, await createUser(tp.db, { roles: ['officer'], unitCode: agencyA }));
  officerDesk = await login(tp.app, await createUser(tp.db, { roles: ['officer'], unitCode: deskA }));
  officerOther = await login(tp.app, await createUser(tp.db, { roles: ['officer'], unitCode: otherUnit }));
  leaderOther = await login(tp.app, await createUser(tp.db, { roles: ['leader'], unitCode: otherUnit }));
  const proc = (code: string, agency: string, field: string, name: string) => ({
    code,
    name,
    field,
    agency_code: agency,
    agency_name: name,
    desk_unit_code: agency,
    agency_eid: `H00.${agency}`,
    time_limit_days: 10,
    result: 'Giấy chứng nhận',
    online_level: 'partial',
    bpmn_process_id: 'mc-test',
  });
  await tp.db('onestop_procedures').insert([proc(PROC_A, agencyA, FIELD_A, `Thủ tục A ${run}`), proc(PROC_B, agencyB, FIELD_B, `Thủ tục B ${run}`)]);
  for (const d of DOSSIERS) await insertDossier(d);
  // D9 waits for the citizen's supplement since 18/03 (the worker writes this row with the status).
  await tp
    .db('dossier_supplements')
    .insert({ dossier_id: ids.get('D9'), element_instance_key: `${Date.now()}`, reason: 'Bổ sung bản sao sổ đỏ', requested_at: vn('2026-03-18 09:00') });
}, 240_000);

afterAll(async () => {
  await tp?.close();
});

const MARCH = 'from=2026-03-01&to=2026-03-31';
/** The 11 number columns of II.06a (3..13) of a row of the JSON report. */
const cols = (r: any) => [
  r.received.total,
  r.received.online,
  r.received.direct,
  r.received.carriedOver,
  r.resolved.total,
  r.resolved.early,
  r.resolved.onTime,
  r.resolved.late,
  r.inProgress.total,
  r.inProgress.withinDeadline,
  r.inProgress.pastDeadline,
];
// Hand-computed from the table above.
// Agency A — received in March: online D1 D7 D9 = 3; in person/post D2 D3 D8 D10 D12 = 5; carried over D4 D5 D15 = 3 (D6 finished in February) -> 11.
// Resolved in March: D1 early, D4 early, D2 on time, D7 withdrawn (on time), D3 late -> 5 = 2 + 2 + 1.
// In progress at 31/03: D8 D9 D10 D12 within, D5 D15 past -> 6 = 4 + 2.
const EXPECT_A = [11, 3, 5, 3, 5, 2, 2, 1, 6, 4, 2];
// Agency B — D13 online, late (23:30Z on 10/03 is 06:30 on 11/03 in Vietnam); D16 in person, not eligible on the appointment day (on time).
const EXPECT_B = [2, 1, 1, 0, 2, 0, 1, 1, 0, 0, 0];
const EXPECT_TOTAL = [13, 4, 6, 3, 7, 2, 3, 2, 6, 4, 2];

describe('statistics (Biểu II.06a)', () => {
  it('counts every column per agency and in total as computed by hand', async () => {
    const r = await leaderParent.get(`/api/onestop-stats/statistics?${MARCH}&groupBy=agency`);
    expect(r.status).toBe(200);
    expect(r.body.asOf).toBe('2026-03-31');
    expect(r.body.rows.map((x: any) => x.key)).toEqual([agencyA, agencyB]);
    expect(cols(r.body.rows[0])).toEqual(EXPECT_A);
    expect(cols(r.body.rows[1])).toEqual(EXPECT_B);
    expect(cols(r.body.totals)).toEqual(EXPECT_TOTAL);
    expect(r.body.totals.resolved.withdrawn).toBe(1);
    expect(r.body.rows[0].label).toBe(`Cơ quan A ${run}`);
  });

  it('groups by procedure and by field the same way', async () => {
    const byProc = await leaderParent.get(`/api/onestop-stats/statistics?${MARCH}&groupBy=procedure`);
    expect(byProc.body.rows.map((x: any) => [x.key, cols(x)])).toEqual([
      [PROC_A, EXPECT_A],
      [PROC_B, EXPECT_B],
    ]);
    expect(byProc.body.rows[0].label).toBe(`Thủ tục A ${run}`);
    const byField = await leaderParent.get(`/api/onestop-stats/statistics?${MARCH}&groupBy=field&field=${encodeURIComponent(FIELD_B)}`);
    expect(byField.body.rows.map((x: any) => [x.key, cols(x)])).toEqual([[FIELD_B, EXPECT_B]]);
  });

  it('carries over month to month (February then March)', async () => {
    const r = await leaderParent.get(`/api/onestop-stats/statistics?from=2026-02-01&to=2026-03-31&groupBy=month`);
    expect(r.status).toBe(200);
    // February: received D4 (post), D5 (online), D6 (in person); carried over D15; resolved D6 early (27/02 < 01/03);
    // in progress at 28/02: D4, D5 within, D15 past.
    expect(r.body.rows.map((x: any) => x.key)).toEqual(['2026-02', '2026-03']);
    expect(cols(r.body.rows[0])).toEqual([4, 1, 2, 1, 1, 1, 0, 0, 3, 2, 1]);
    expect(cols(r.body.rows[1])).toEqual(EXPECT_TOTAL);
    // The two months together: received Feb+Mar, carried over only D15.
    expect(cols(r.body.totals)).toEqual([14, 5, 8, 1, 8, 3, 3, 2, 6, 4, 2]);
  });

  it('scopes leaders to their subtree, refuses other units and officers', async () => {
    const b = await leaderB.get(`/api/onestop-stats/statistics?${MARCH}`);
    expect(b.body.rows.map((x: any) => [x.key, cols(x)])).toEqual([[agencyB, EXPECT_B]]);
    const out = await leaderB.get(`/api/onestop-stats/statistics?${MARCH}&agency=${agencyA}`);
    expect(out.status).toBe(403);
    expect(out.body.message).toContain('không thuộc phạm vi');
    expect((await officerA.get(`/api/onestop-stats/statistics?${MARCH}`)).status).toBe(403);
    const adminView = await admin.get(`/api/onestop-stats/statistics?${MARCH}&agency=${parent}`);
    expect(cols(adminView.body.totals)).toEqual(EXPECT_TOTAL);
    const bad = await leaderParent.get('/api/onestop-stats/statistics?from=2026-03-31&to=2026-03-01');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/Ngày bắt đầu/);
  });

  it('exports the Excel workbook laid out like the form, with the same numbers', async () => {
    const res = await tp.app.inject({
      method: 'GET',
      url: `/api/onestop-stats/statistics.xlsx?${MARCH}&groupBy=agency`,
      headers: { authorization: `Bearer ${leaderParent.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('II.06a')!;
    expect(String(ws.getCell('A1').value)).toBe('Biểu số II.06a/VPCP/KSTT');
    expect(String(ws.getCell('A2').value)).toContain('TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH');
    expect(String(ws.getCell('A3').value)).toContain('từ ngày 01/03/2026 đến ngày 31/03/2026');
    expect(ws.getCell('C5').value).toBe('Số hồ sơ nhận giải quyết');
    expect(ws.getCell('D7').value).toBe('Trực tuyến');
    expect(ws.getCell('I6').value).toBe('Đúng hạn');
    expect(ws.getCell('M6').value).toBe('Quá hạn');
    expect(ws.getRow(8).getCell(13).value).toBe('(13)');
    const values = (row: number) => Array.from({ length: 11 }, (_, i) => ws.getRow(row).getCell(3 + i).value);
    expect(ws.getRow(9).getCell(2).value).toBe(`Cơ quan A ${run}`);
    expect(values(9)).toEqual(EXPECT_A);
    expect(values(10)).toEqual(EXPECT_B);
    expect(ws.getRow(11).getCell(2).value).toBe('Tổng số');
    expect(values(11)).toEqual(EXPECT_TOTAL);
  });

  it('lists the overdue dossiers with the stuck step and days late', async () => {
    // An open step of D5 held by an officer (the inbox row the process would have).
    const key = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    await tp
      .db('dossiers')
      .where({ id: ids.get('D5') })
      .update({ process_instance_key: key });
    await tp.db('inbox_tasks').insert({
      job_key: key,
      process_instance_key: key,
      element_instance_key: key,
      process_definition_key: key,
      bpmn_process_id: 'mc-test',
      process_version: 1,
      element_id: 'ThamDinh',
      name: 'Thẩm định hồ sơ',
      assignee: officerA.user.username,
      candidate_groups: [`${agencyA}/officer`],
      status: 'open',
      created_at: vn('2026-02-26 08:00'),
    });
    const r = await leaderParent.get('/api/onestop-stats/overdue');
    expect(r.status).toBe(200);
    // Open, past the appointment, not waiting for a supplement (D9 excluded), most late first.
    expect(r.body.items.map((i: any) => i.code)).toEqual(['D15', 'D5', 'D12', 'D10', 'D8', 'D11'].map((n) => `${run}-${n}`));
    expect(r.body.total).toBe(6);
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const days = (d: string) => Math.round((Date.parse(today) - Date.parse(d)) / 86_400_000);
    const d5 = r.body.items[1];
    expect(d5).toMatchObject({
      currentStep: 'Thẩm định hồ sơ',
      currentUnitCode: agencyA,
      holder: officerA.user.username,
      daysLate: days('2026-03-06'),
      stepSince: '2026-02-26T08:00:00+07:00',
    });
    expect(r.body.items[0]).toMatchObject({ currentStep: 'Trình ký', daysLate: days('2026-02-01') });
    const onlyB = await leaderB.get('/api/onestop-stats/overdue');
    expect(onlyB.body.total).toBe(0);
  });

  it('keeps the rollup exact when dossiers change', async () => {
    // D8 resolved on 02/04 (before its appointment 10/04): April shows it as early, March is unchanged.
    await tp
      .db('dossiers')
      .where({ id: ids.get('D8') })
      .update({ resolved_at: vn('2026-04-02 10:00'), status: 'RESULT_AT_DESK' });
    const march = await leaderParent.get(`/api/onestop-stats/statistics?${MARCH}&groupBy=agency`);
    expect(cols(march.body.rows[0])).toEqual(EXPECT_A);
    const april = await leaderParent.get(`/api/onestop-stats/statistics?from=2026-04-01&to=2026-04-30&agency=${agencyA}`);
    // Carried over into April: D5 D8 D9 D10 D12 D15 = 6; received D11 online; resolved D8 early; in progress at 30/04:
    // D5 D15 past, D9 within (supplement), D10 (08/04) past, D12 (31/03) past, D11 (14/04) past.
    expect(cols(april.body.totals)).toEqual([7, 1, 0, 6, 1, 1, 0, 0, 6, 1, 5]);
    expect(await statsRollupDrift(tp.db)).toBe(0);
  });
});

describe('apology letter', () => {
  // P1: being processed, appointment Wed 10/03/2027 17:00 (received 24/02/2027: outside every period
  // counted above). The letter may go out until the working day before: Tue 09/03/2027.
  const code = `${run}-P1`;
  beforeAll(async () => {
    await insertDossier({ name: 'P1', channel: 'in_person', status: 'IN_PROCESSING', received: '2027-02-24 10:00', appointment: '2027-03-10 17:00' });
  });

  it('is offered before the appointment, with the last day it may go out', async () => {
    const w = await officerA.get(`/api/onestop-stats/dossiers/${code}/apology/window`);
    expect(w.status, JSON.stringify(w.body)).toBe(200);
    // No open step with its own deadline: not forecast late by the platform; the officer may judge it.
    expect(w.body).toMatchObject({ open: true, deadline: '2027-03-09', forecastLate: false, apology: null, appointmentAt: '2027-03-10T17:00:00+07:00' });
    expect((await officerOther.get(`/api/onestop-stats/dossiers/${code}/apology/window`)).status).toBe(403);
    // D12's appointment (Tue 31/03/2026) is long past: the window closed on Mon 30/03/2026.
    const past = await officerA.get(`/api/onestop-stats/dossiers/${run}-D12/apology/window`);
    expect(past.body).toMatchObject({ open: false, deadline: '2026-03-30' });
  });

  it('is refused less than one working day before the appointment', async () => {
    const late = await officerA.post(`/api/onestop-stats/dossiers/${run}-D12/apology`, { reason: 'Chờ ý kiến cơ quan phối hợp', newDate: '2026-04-10' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('APOLOGY_TOO_LATE');
    expect(late.body.params).toEqual({ deadline: '30/03/2026' });
    expect(late.body.message).toContain('phải gửi chậm nhất ngày 30/03/2026');
    expect(await tp.db('dossier_apologies').where({ dossier_id: ids.get('D12') })).toHaveLength(0);
  });

  it('is drafted by an officer of the agency, once, with a new working day after the appointment', async () => {
    expect(
      (await officerOther.post(`/api/onestop-stats/dossiers/${code}/apology`, { reason: 'Chờ ý kiến cơ quan phối hợp', newDate: '2027-03-15' })).status,
    ).toBe(403);
    const early = await officerA.post(`/api/onestop-stats/dossiers/${code}/apology`, { reason: 'Chờ ý kiến cơ quan phối hợp', newDate: '2027-03-10' });
    expect(early.status).toBe(400);
    expect(early.body.message).toContain('Ngày hẹn mới phải sau ngày hẹn trả 10/03/2027');
    // Sat 13/03/2027 is no working day.
    const saturday = await officerA.post(`/api/onestop-stats/dossiers/${code}/apology`, { reason: 'Chờ ý kiến cơ quan phối hợp', newDate: '2027-03-13' });
    expect(saturday.status).toBe(400);
    expect(saturday.body).toMatchObject({ code: 'APOLOGY_DATE_NOT_WORKING', params: { date: '13/03/2027' } });
    const first = await officerA.post(`/api/onestop-stats/dossiers/${code}/apology`, { reason: 'Chờ ý kiến cơ quan phối hợp', newDate: '2027-03-15' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ status: 'draft', newDate: '2027-03-15', draftedBy: officerA.user.username, appointmentAt: '2027-03-10T17:00:00+07:00' });
    const second = await officerDesk.post(`/api/onestop-stats/dossiers/${code}/apology`, { reason: 'Lần hai', newDate: '2027-03-16' });
    expect(second.status).toBe(409);
    expect(second.body.message).toContain('chỉ được hẹn lại ngày trả kết quả một lần');
    expect(
      await tp
        .db('dossier_apologies')
        .where({ dossier_id: ids.get('P1') })
        .count<{ count: string }[]>('* as count'),
    ).toEqual([{ count: '1' }]);
    expect((await officerA.get(`/api/onestop-stats/dossiers/${code}/apology/window`)).body).toMatchObject({ open: false, apology: 'draft' });
    // A resolved dossier needs no apology.
    expect((await officerA.post(`/api/onestop-stats/dossiers/${run}-D3/apology`, { reason: 'Quá hạn', newDate: '2026-03-20' })).status).toBe(409);
    // The agency's leader got a notification to approve it.
    const bell = await leaderA.get('/api/notifications');
    expect(bell.body.items.some((n: any) => n.subject.includes(code))).toBe(true);
  });

  it('is approved by a leader of the agency, notifies the citizen, and prints as form 04 of TT 03/2025', async () => {
    expect((await leaderOther.post(`/api/onestop-stats/dossiers/${code}/apology/approve`)).status).toBe(403);
    expect((await officerA.post(`/api/onestop-stats/dossiers/${code}/apology/approve`)).status).toBe(403);
    const ok = await leaderA.post(`/api/onestop-stats/dossiers/${code}/apology/approve`);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', approvedBy: leaderA.user.username, signerName: 'Trần Văn Thủ Trưởng' });
    const again = await leaderA.post(`/api/onestop-stats/dossiers/${code}/apology/approve`);
    expect(again.status).toBe(409);
    const events = await tp.db('dossier_events').where({ dossier_id: ids.get('P1'), type: 'sla.apology_issued' });
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ newDate: '2027-03-15' });
    // The citizen's notice (lookup page, e-mail when configured) carries the new date and the letter's link.
    const notices = await tp.db('dossier_notices').where({ dossier_id: ids.get('P1'), event_id: events[0].id });
    expect(notices).toHaveLength(1);
    expect(notices[0].body).toContain('hẹn trả kết quả vào ngày 15/03/2027');
    expect(notices[0].body).toContain(`/api/public/apologies/${code}/pdf?t=`);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'apology-'));
    const text = async (url: string, headers: Record<string, string> = {}) => {
      const res = await tp.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('application/pdf');
      const file = path.join(dir, `${randomBytes(4).toString('hex')}.pdf`);
      writeFileSync(file, res.rawPayload);
      return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    };
    const staff = await text(`/api/onestop-stats/dossiers/${code}/apology.pdf`, { authorization: `Bearer ${officerA.token}` });
    for (const s of [
      'Mẫu số 04 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT',
      `CƠ QUAN A ${run}`,
      'Kính gửi: Ông/Bà Nguyễn Văn P1',
      `mã số hồ sơ: ${code}`,
      `Thủ tục A ${run}`,
      'Ngày 24/02/2027',
      '17 giờ 00 phút, ngày 10/03/2027',
      'dự kiến không giải quyết kịp thời hạn hẹn trả',
      'Lý do: Chờ ý kiến cơ quan phối hợp',
      'đề nghị gia hạn thời gian giải quyết',
      'vào ngày 15/03/2027',
      'THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ',
      'Trần Văn Thủ Trưởng',
    ]) {
      expect(staff).toContain(s);
    }
    // It goes out before the appointment: it does not say the dossier is late.
    expect(staff).not.toContain('đến nay');
    expect(staff).not.toContain('HẸN LẠI NGÀY TRẢ KẾT QUẢ');
    const citizen = await text(`/api/public/apologies/${code}/pdf?t=${tokens.get('P1')}`);
    expect(citizen).toContain('vào ngày 15/03/2027');
    const forged = await tp.app.inject({ method: 'GET', url: `/api/public/apologies/${code}/pdf?t=${tokens.get('D5')}` });
    expect(forged.statusCode).toBe(404);
    expect(forged.json().message).toContain('mã tra cứu không đúng');
    expect((await officerOther.get(`/api/onestop-stats/dossiers/${code}/apology.pdf`)).status).toBe(403);
  });

  it('leaves the dossier late in the statistics', async () => {
    // P1 (appointment 10/03/2027, apology: new date 15/03/2027) is resolved on 12/03/2027: before the new date, still late.
    await tp
      .db('dossiers')
      .where({ id: ids.get('P1') })
      .update({ resolved_at: vn('2027-03-12 10:00'), status: 'RESULT_AT_DESK' });
    const march = await leaderA.get(`/api/onestop-stats/statistics?from=2027-03-01&to=2027-03-31`);
    expect(march.body.totals.resolved).toMatchObject({ total: 1, early: 0, onTime: 0, late: 1 });
    expect(
      (
        await tp
          .db('dossiers')
          .where({ id: ids.get('P1') })
          .first('appointment_at')
      ).appointment_at.toISOString(),
    ).toBe(vn('2027-03-10 17:00').toISOString());
  });
});

describe('satisfaction evaluation', () => {
  const E1 = {
    name: 'E1',
    channel: 'online',
    status: 'RETURNED',
    received: '2026-03-02 09:00',
    appointment: '2026-03-10 17:00',
    resolved: '2026-03-09 10:00',
    closed: '2026-03-09 15:00',
  } as const;
  const code = `${run}-E1`;

  beforeAll(async () => {
    await insertDossier({ ...E1 });
    // The process of E1: the desk officer received it; officerA appraised it; the desk officer returned it.
    const key = `${Date.now()}${Math.floor(Math.random() * 1000) + 1000}`;
    await tp
      .db('dossiers')
      .where({ id: ids.get('E1') })
      .update({ process_instance_key: key });
    const task = (n: number, unit: string, by: string, name: string) => ({
      job_key: `${key}${n}`.slice(0, 19),
      process_instance_key: key,
      element_instance_key: `${key}${n}`.slice(0, 19),
      process_definition_key: key,
      bpmn_process_id: 'mc-test',
      process_version: 1,
      element_id: `S${n}`,
      name,
      candidate_groups: [`${unit}/officer`],
      status: 'completed',
      completed_by: by,
      created_at: vn(`2026-03-0${2 + n} 08:00`),
      completed_at: vn(`2026-03-0${2 + n} 10:00`),
    });
    await tp.db('inbox_tasks').insert([task(1, agencyA, officerA.user.username, 'Thẩm định hồ sơ'), task(2, deskA, officerDesk.user.username, 'Trả kết quả')]);
  });

  const count = async () =>
    Number(
      (
        await tp
          .db('dossier_evaluations')
          .where({ dossier_id: ids.get('E1') })
          .count<{ n: string }[]>({ n: '*' })
      )[0].n,
    );

  it('opens only with the dossier’s token, the same 404 for a wrong token or an unknown code', async () => {
    const wrong = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${code}?t=${tokens.get('D1')}` });
    const unknown = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${run}-NOPE?t=${tokens.get('E1')}` });
    expect(wrong.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(wrong.json().message).toBe(unknown.json().message);
    const form = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${code}?t=${tokens.get('E1')}` });
    expect(form.statusCode).toBe(200);
    expect(form.json()).toMatchObject({
      code,
      canEvaluate: true,
      evaluated: false,
      procedureName: `Thủ tục A ${run}`,
      officers: [
        { key: officerDesk.user.username, stages: ['receipt', 'return'] },
        { key: officerA.user.username, stages: ['processing'] },
      ],
    });
  });

  it('refuses a dossier whose result has not been returned', async () => {
    const form = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${run}-D5?t=${tokens.get('D5')}` });
    expect(form.json()).toMatchObject({ canEvaluate: false, evaluated: false });
    expect(form.json().reason).toContain('chưa được trả kết quả');
    const post = await tp.app.inject({
      method: 'POST',
      url: `/api/public/evaluations/${run}-D5`,
      payload: { token: tokens.get('D5'), overall: 5, receipt: 5, processing: 5, returnStage: 5, officers: [] },
    });
    expect(post.statusCode).toBe(409);
    expect(await tp.db('dossier_evaluations').where({ dossier_id: ids.get('D5') })).toHaveLength(0);
  });

  it('refuses bad input and changes nothing', async () => {
    const base = { token: tokens.get('E1'), overall: 4, receipt: 5, processing: 3, returnStage: 4 };
    const post = (payload: object) => tp.app.inject({ method: 'POST', url: `/api/public/evaluations/${code}`, payload });
    const missing = await post({ ...base, officers: [{ key: officerA.user.username, score: 3 }] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().message).toContain('Thiếu đánh giá cho cán bộ');
    const stranger = await post({
      ...base,
      officers: [
        { key: officerA.user.username, score: 3 },
        { key: officerDesk.user.username, score: 5 },
        { key: officerOther.user.username, score: 1 },
      ],
    });
    expect(stranger.statusCode).toBe(400);
    expect(stranger.json().message).toContain('không xử lý hồ sơ này');
    const outOfRange = await post({ ...base, overall: 6, officers: [] });
    expect(outOfRange.statusCode).toBe(400);
    const forged = await post({ ...base, token: tokens.get('D1'), officers: [] });
    expect(forged.statusCode).toBe(404);
    expect(await count()).toBe(0);
  });

  it('records one evaluation per dossier: overall, stages and officers; a second one is refused', async () => {
    const payload = {
      token: tokens.get('E1'),
      overall: 4,
      receipt: 5,
      processing: 3,
      returnStage: 4,
      officers: [
        { key: officerA.user.username, score: 3 },
        { key: officerDesk.user.username, score: 5 },
      ],
      comment: 'Cán bộ nhiệt tình, số điện thoại 0912345678',
    };
    const ok = await tp.app.inject({ method: 'POST', url: `/api/public/evaluations/${code}`, payload });
    expect(ok.statusCode).toBe(201);
    const again = await tp.app.inject({ method: 'POST', url: `/api/public/evaluations/${code}`, payload: { ...payload, overall: 1 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().message).toContain('đã được đánh giá');
    expect(await count()).toBe(1);
    const row = await tp
      .db('dossier_evaluations')
      .where({ dossier_id: ids.get('E1') })
      .first();
    expect(row).toMatchObject({ overall: 4, receipt: 5, processing: 3, return_stage: 4 });
    const officers = await tp.db('dossier_evaluation_officers').where({ evaluation_id: row.id }).orderBy('username');
    expect(officers.map((o: any) => [o.username, o.score, o.stages])).toEqual(
      [
        [officerA.user.username, 3, ['processing']],
        [officerDesk.user.username, 5, ['receipt', 'return']],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(await tp.db('dossier_events').where({ dossier_id: ids.get('E1'), type: 'evaluation.submitted' })).toHaveLength(1);
    const form = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${code}?t=${tokens.get('E1')}` });
    expect(form.json()).toMatchObject({ canEvaluate: false, evaluated: true });
  });

  it('aggregates per agency and procedure publicly without personal data, and per officer for leaders', async () => {
    const pub = await tp.app.inject({ method: 'GET', url: '/api/public/evaluation-results' });
    expect(pub.statusCode).toBe(200);
    const body = pub.json();
    expect(body.byAgency.find((a: any) => a.key === agencyA)).toMatchObject({
      count: 1,
      overall: 4,
      receipt: 5,
      processing: 3,
      returnStage: 4,
      satisfiedPct: 100,
    });
    expect(body.byProcedure.find((a: any) => a.key === PROC_A)).toMatchObject({ count: 1, overall: 4 });
    expect(body.byOfficer).toBeUndefined();
    for (const secret of [officerA.user.username, officerDesk.user.username, 'Nguyễn Văn E1', '0912345678', code]) expect(pub.body).not.toContain(secret);
    const lead = await leaderParent.get('/api/onestop-stats/evaluations');
    expect(lead.status).toBe(200);
    expect(lead.body.byOfficer).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: officerA.user.username, count: 1, score: 3, satisfiedPct: 0, unitCode: agencyA }),
        expect.objectContaining({ key: officerDesk.user.username, count: 1, score: 5, satisfiedPct: 100, unitCode: deskA }),
      ]),
    );
    const other = await leaderB.get('/api/onestop-stats/evaluations');
    expect(other.body.byOfficer).toEqual([]);
    expect(other.body.total.count).toBe(0);
  });

  it('rate-limits a flood of public requests with a clear message', async () => {
    let limited: { statusCode: number; body: string } | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await tp.app.inject({ method: 'GET', url: `/api/public/evaluations/${run}-X${i}?t=${'a'.repeat(43)}` });
      if (r.statusCode === 429) limited = r;
      else expect(r.statusCode).toBe(404);
    }
    expect(limited?.statusCode).toBe(429);
    expect(JSON.parse(limited!.body).message).toContain('Quá nhiều yêu cầu');
  });
});
