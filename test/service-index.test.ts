import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { vn, createUnit, createUser, login, type Client } from './helpers/fixtures.js';

/**
 * Issue 17 item 11: the evaluation of an agency's service over March 2026 (a period long over), from
 * dossiers written with hand-picked instants (Vietnam time). Every expected point is worked out by hand
 * in the comments; nothing is recomputed by the code under test.
 *
 * The agency has one procedure, published complete, online level 3 (partial). Received Mon 02/03/2026:
 * - S1 online, result by post; appointment Tue 10/03 17:00, ready Mon 09/03 (early); its co-operating
 *   agency returned on Thu 05/03, due Fri 06/03 (early); no supplement; every document stored as a file.
 * - S2 in person, at the desk; ready Tue 10/03 16:00 (on the day); one supplement in processing; the
 *   co-operating agency returned on Fri 06/03, its due day (on time).
 * - S3 in person, at the desk; ready Thu 12/03 (late); asked to complete at receipt and again in
 *   processing (two contacts); a complaint about it was upheld, and its handling (due Fri 20/03) ended
 *   on Wed 25/03: late.
 * - S4 in person, withdrawn on Sun 15/03 without a result.
 */

let p: TestPlatform;
let agency: string;
let leader: Client;
let outsider: Client;
const run = randomBytes(3).toString('hex').toUpperCase();
const PROC = `SI${run}`;
let nextKey = 9_300_000_000_000 + Math.floor(Math.random() * 1_000_000_000);

async function dossier(name: string, o: { channel: string; returnMethod: string | null; resolved?: string; closed?: string; status: string }): Promise<string> {
  const key = String(nextKey++);
  const [row] = await p
    .db('dossiers')
    .insert({
      code: `${run}-${name}`,
      procedure_code: PROC,
      field: `Thử ${run}`,
      agency_code: agency,
      desk_unit_code: agency,
      channel: o.channel,
      return_method: o.returnMethod,
      status: o.status,
      applicant: { name: `Nguyễn Văn ${name}`, email: null },
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: vn('2026-03-02 09:00'),
      received_at: vn('2026-03-02 09:00'),
      original_appointment_at: vn('2026-03-10 17:00'),
      appointment_at: vn('2026-03-10 17:00'),
      resolved_at: o.resolved ? vn(o.resolved) : null,
      returned_at: o.resolved && o.closed ? vn(o.closed) : null,
      closed_at: o.closed ? vn(o.closed) : null,
      process_instance_key: key,
      bpmn_process_id: `si-${run.toLowerCase()}`,
    })
    .returning('id');
  return String(row.id);
}

const transfer = (dossierId: string, due: string, returned: string) =>
  p.db('dossier_transfers').insert({
    dossier_id: dossierId,
    element_instance_key: String(nextKey++),
    to_unit_code: 'STP',
    budget_days: 3,
    sent_at: vn('2026-03-03 09:00'),
    due_at: vn(due),
    returned_at: vn(returned),
  });

beforeAll(async () => {
  p = await startTestPlatform();
  agency = await createUnit(p.db, { name: `Cơ quan đánh giá ${run}` });
  leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: agency }));
  outsider = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: await createUnit(p.db) }));
  await p.db('onestop_procedures').insert({
    code: PROC,
    name: `Thủ tục đánh giá ${run}`,
    field: `Thử ${run}`,
    agency_code: agency,
    agency_name: `Cơ quan đánh giá ${run}`,
    desk_unit_code: agency,
    agency_eid: `H00.${agency}`,
    time_limit_days: 5,
    required_documents: JSON.stringify([{ code: 'TK', name: 'Tờ khai', copies: 1, mandatory: true }]),
    result: 'Giấy chứng nhận',
    legal_basis: 'Nghị định 118/2025/NĐ-CP',
    online_level: 'partial',
    bpmn_process_id: `si-${run.toLowerCase()}`,
  });
  const s1 = await dossier('S1', { channel: 'online', returnMethod: 'post', status: 'RETURNED', resolved: '2026-03-09 10:00', closed: '2026-03-11 09:00' });
  const s2 = await dossier('S2', { channel: 'in_person', returnMethod: 'desk', status: 'RETURNED', resolved: '2026-03-10 16:00', closed: '2026-03-11 09:00' });
  const s3 = await dossier('S3', { channel: 'in_person', returnMethod: 'desk', status: 'RETURNED', resolved: '2026-03-12 10:00', closed: '2026-03-13 09:00' });
  await dossier('S4', { channel: 'in_person', returnMethod: null, status: 'WITHDRAWN', closed: '2026-03-15 09:00' });
  await transfer(s1, '2026-03-06 17:00', '2026-03-05 10:00');
  await transfer(s2, '2026-03-06 17:00', '2026-03-06 15:00');
  await p.db('dossier_documents').insert({
    dossier_id: s1,
    requirement_code: 'TK',
    stage: 'submission',
    file_name: 'to-khai.pdf',
    mime_type: 'application/pdf',
    size_bytes: 10,
    sha256: '0'.repeat(64),
    storage_path: 'x/to-khai.pdf',
    uploaded_by: 'citizen',
  });
  await p.db('dossier_supplements').insert({
    dossier_id: s2,
    element_instance_key: String(nextKey++),
    reason: 'Thiếu bản sao',
    requested_at: vn('2026-03-04 09:00'),
    submitted_at: vn('2026-03-05 09:00'),
  });
  await p.db('dossier_supplements').insert({
    dossier_id: s3,
    element_instance_key: String(nextKey++),
    reason: 'Thiếu bản vẽ',
    requested_at: vn('2026-03-04 09:00'),
    submitted_at: vn('2026-03-05 09:00'),
  });
  await p
    .db('dossier_events')
    .insert({ dossier_id: s3, type: 'receipt.supplement_requested', status: 'SUPPLEMENT_REQUESTED_AT_RECEIPT', actor: 'motcua', at: vn('2026-03-02 08:30') });
  // The complaint about S3: upheld; its handling due Fri 20/03, ended Wed 25/03 (late).
  const complaintKey = String(nextKey++);
  await p.db('case_deadlines').insert({
    process_instance_key: complaintKey,
    process_definition_key: complaintKey,
    bpmn_process_id: 'iso-xu-ly-phan-anh',
    unit_code: agency,
    time_limit_days: 5,
    received_at: vn('2026-03-13 09:00'),
    original_appointment_at: vn('2026-03-20 17:00'),
    appointment_at: vn('2026-03-20 17:00'),
    finished_at: vn('2026-03-25 10:00'),
  });
  await p.db('iso_complaints').insert({
    code: `PA-${run}`,
    title: 'Hẹn trả kết quả trễ',
    content: 'Hồ sơ trả chậm hai ngày',
    submitter: 'Nguyễn Văn S3',
    channel: 'truc-tiep',
    received_by: 'motcua',
    status: 'answered',
    upheld: true,
    dossier_code: `${run}-S3`,
    process_instance_key: complaintKey,
    received_at: vn('2026-03-13 09:00'),
    answered_at: vn('2026-03-25 10:00'),
  });
  // Evaluations of March: S1 satisfied (5), S2 not (3).
  for (const [id, overall] of [
    [s1, 5],
    [s2, 3],
  ] as const)
    await p.db('dossier_evaluations').insert({
      dossier_id: id,
      agency_code: agency,
      procedure_code: PROC,
      overall,
      receipt: overall,
      processing: overall,
      return_stage: overall,
      submitted_at: vn('2026-03-16 09:00'),
    });
}, 240_000);

afterAll(async () => {
  await p?.close();
});

describe('service evaluation of an agency (nine indicators, rating, QĐ 766)', () => {
  it('scores each dossier resolved in the period on the nine indicators', async () => {
    const r = await leader.get(`/api/onestop-stats/service-index?from=2026-03-01&to=2026-03-31&agency=${agency}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Agency-wide: 8 one complaint judged, late → 0 %; 9 one procedure online (100 %), 1 of 4 received
    // online (25 %: at least 15, under 30), no online dossier late → 1.
    const points = Object.fromEntries(r.body.dossiers.map((d: { code: string; points: number[] }) => [d.code.slice(run.length + 1), d.points]));
    expect(points).toEqual({
      //    1  2  3  4  5  6  7  8  9
      S1: [2, 2, 2, 2, 1, 1, 2, 0, 1], // early, its leg early, no contact, online + post, desk, published, early & no complaint → 13
      S2: [1, 1, 1, 1, 1, 1, 1, 0, 1], // on the day, leg on its day, one supplement, at the desk → 8
      S3: [0, 0, 0, 1, 1, 1, 0, 0, 1], // late, no leg (the total decides), two contacts, upheld complaint → 4
    });
    expect(r.body.dossiers.map((d: { total: number }) => d.total)).toEqual([4, 8, 13]); // latest ready first
    expect(r.body.scored).toBe(3);
    // (13 + 8 + 4) / 3 = 8.33: average (6 up to 9)
    expect(r.body.meanTotal).toBe(8.33);
    expect(r.body.rating).toBe('trung-binh');
    expect(r.body.indicators.map((i: { mean: number }) => i.mean)).toEqual([1, 1, 1, 1.33, 1, 1, 1, 0, 1]);
    expect(r.body.indicators.filter((i: { basis: string }) => i.basis === 'partial').map((i: { no: number }) => i.no)).toEqual([4, 5, 6, 7, 8]);
  });

  it('gives the five QĐ 766 groups from the same period', async () => {
    const r = await leader.get(`/api/onestop-stats/service-index?from=2026-03-01&to=2026-03-31&agency=${agency}`);
    expect(r.body.index766.groups.map((g: { key: string; points: number }) => [g.key, g.points])).toEqual([
      ['cong-khai', 18], // 1 of 1 procedure published complete × 18
      ['tien-do', 15], // S1 early, S2 on time, S4 withdrawn (on time), S3 late: 3 of 4 × 20
      ['so-hoa', 5.5], // S1 alone has every required document as a file: 1 of 4 × 22
      ['truc-tuyen', 5.5], // S1 online: 1 of 4 × 22
      ['hai-long', 9], // S1 satisfied, S2 not: 1 of 2 × 18
    ]);
    expect(r.body.index766).toMatchObject({ points: 53, maxCounted: 100 });
  });

  it('counts a procedure for every agency offering it, not only the first', async () => {
    // A second agency offers the same procedure (its own desk and e-ID); one online dossier of it, ready Mon 09/03
    // before its appointment Tue 10/03. Indicator 9: 1 procedure online of 1 (100 %), 1 dossier online of 1
    // received (100 %), none late → 2. QĐ 766 "công khai": 1 of 1 procedure published complete × 18 = 18.
    const other = await createUnit(p.db, { name: `Cơ quan thứ hai ${run}` });
    const otherLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: other }));
    await p.db('onestop_procedure_agencies').insert({
      procedure_code: PROC,
      agency_code: other,
      agency_name: `Cơ quan thứ hai ${run}`,
      desk_unit_code: other,
      agency_eid: `H01.${other}`,
      position: 1,
    });
    const key = String(nextKey++);
    await p.db('dossiers').insert({
      code: `${run}-S5`,
      procedure_code: PROC,
      field: `Thử ${run}`,
      agency_code: other,
      desk_unit_code: other,
      channel: 'online',
      return_method: 'post',
      status: 'RETURNED',
      applicant: { name: 'Nguyễn Văn S5', email: null },
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: vn('2026-03-02 09:00'),
      received_at: vn('2026-03-02 09:00'),
      original_appointment_at: vn('2026-03-10 17:00'),
      appointment_at: vn('2026-03-10 17:00'),
      resolved_at: vn('2026-03-09 10:00'),
      returned_at: vn('2026-03-11 09:00'),
      closed_at: vn('2026-03-11 09:00'),
      process_instance_key: key,
      bpmn_process_id: `si-${run.toLowerCase()}`,
    });
    const r = await otherLeader.get(`/api/onestop-stats/service-index?from=2026-03-01&to=2026-03-31&agency=${other}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.dossiers.map((d: { code: string; points: number[] }) => [d.code.slice(run.length + 1), d.points[8]])).toEqual([['S5', 2]]);
    expect(r.body.index766.groups.find((g: { key: string }) => g.key === 'cong-khai').points).toBe(18);
    // The first agency's figures are unchanged (the earlier tests' S1-S3).
    const first = await leader.get(`/api/onestop-stats/service-index?from=2026-03-01&to=2026-03-31&agency=${agency}`);
    expect(first.body.scored).toBe(3);
  });

  it('scores nothing in a period without dossiers, and refuses an agency outside the leader’s scope', async () => {
    const empty = await leader.get(`/api/onestop-stats/service-index?from=2025-03-01&to=2025-03-31&agency=${agency}`);
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ scored: 0, meanTotal: null, rating: null, dossiers: [] });
    const foreign = await outsider.get(`/api/onestop-stats/service-index?from=2026-03-01&to=2026-03-31&agency=${agency}`);
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('UNIT_OUTSIDE_SCOPE');
    const bad = await leader.get(`/api/onestop-stats/service-index?from=2026-03-31&to=2026-03-01&agency=${agency}`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('PERIOD_FROM_AFTER_TO');
  });
});
