import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';
import { upsertUnit } from '../domain/org/users.js';
import { upsertIsoSystem } from '../domain/iso/agencies.js';
import { openNonconformitiesForLateCases } from '../domain/iso/nonconformities.js';

/**
 * One ISO quality system per agency (issue 17, item 5): two fresh departments A and B of the province,
 * each with its ISO secretariat and Office. A late dossier of B opens its nonconformity in B's register
 * (worked by B's Office), not in the department that runs the platform; A's people do not see B's
 * registers; the province sees both side by side; the audit of A's ISO secretariat is not offered to
 * the secretariat itself (ISO 9001 9.2.2 c).
 */
describe('ISO system per agency', () => {
  let p: TestPlatform;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const A = `SA-${run}`;
  const B = `SB-${run}`;
  let secA: Client; // A-ISO officer: A's ISO secretary
  let topA: Client; // A leader
  let officeA: Client; // A-VP officer
  let staffA: Client; // A-P1 officer
  let secB: Client; // B-ISO officer
  let officeB: Client; // B-VP officer
  let province: Client; // province leader (TINH)
  const year = new Date().getFullYear();
  let lateNc: any;

  beforeAll(async () => {
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    for (const a of [A, B]) {
      await upsertUnit(p.db, { code: a, name: `Sở thử ${a}`, kind: 'department', parentCode: 'TINH' });
      await upsertUnit(p.db, { code: `${a}-ISO`, name: `Tổ thư ký ISO ${a}`, kind: 'division', parentCode: a });
      await upsertUnit(p.db, { code: `${a}-VP`, name: `Văn phòng ${a}`, kind: 'division', parentCode: a });
      await upsertUnit(p.db, { code: `${a}-P1`, name: `Phòng chuyên môn ${a}`, kind: 'division', parentCode: a });
      await upsertIsoSystem(p.db, { agencyCode: a, secretariatUnitCode: `${a}-ISO`, officeUnitCode: `${a}-VP` });
    }
    secA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: `${A}-ISO` }));
    topA = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: A }));
    officeA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: `${A}-VP` }));
    staffA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: `${A}-P1` }));
    secB = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: `${B}-ISO` }));
    officeB = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: `${B}-VP` }));
    province = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'TINH' }));
  });
  afterAll(async () => p?.close());

  const tasksOf = async (who: Client, instanceKey: string) => (await who.get(`/api/tasks?scope=all&caseCode=${instanceKey}`)).body.items as any[];
  const openTask = (who: Client, instanceKey: string, elementId: string, match: (t: any) => boolean = () => true) =>
    waitFor(
      async () => (await tasksOf(who, instanceKey)).find((t) => t.elementId === elementId && t.status === 'open' && match(t)),
      `${elementId} in the inbox of ${who.user.username}`,
      30_000,
    );
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>) => {
    const t = await openTask(who, instanceKey, elementId);
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const r = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  };

  it("opens the nonconformity of a late dossier of agency B in B's register, worked by B's Office", async () => {
    // given: B's procedure and a dossier of it, received Mon 05/01/2026 09:00, appointment Fri 09/01/2026
    // 17:00, no result yet: past due. The case clock counts on SNNMT-VP (the department running the
    // platform): the dossier's competent agency B decides, not the case's unit.
    await p.db('onestop_procedures').insert({
      code: `T${run}B`,
      name: `Thủ tục ${run}`,
      field: 'Tư pháp',
      agency_code: B,
      agency_name: `Sở thử ${B}`,
      desk_unit_code: `${B}-VP`,
      agency_eid: `H00.${B}`,
      time_limit_days: 4,
      result: 'Phiếu',
      online_level: 'partial',
      bpmn_process_id: `mc-test-${run.toLowerCase()}`,
    });
    const key = String(7_000_000_000_000_000n + BigInt(parseInt(run, 16)));
    const vn = (s: string) => new Date(`${s}+07:00`);
    await p.db('case_deadlines').insert({
      process_instance_key: key,
      process_definition_key: key,
      bpmn_process_id: `mc-test-${run.toLowerCase()}`,
      unit_code: 'SNNMT-VP',
      time_limit_days: 4,
      received_at: vn('2026-01-05T09:00:00'),
      original_appointment_at: vn('2026-01-09T17:00:00'),
      appointment_at: vn('2026-01-09T17:00:00'),
    });
    await p.db('dossiers').insert({
      code: `${run}-B1`,
      procedure_code: `T${run}B`,
      field: 'Tư pháp',
      agency_code: B,
      desk_unit_code: `${B}-VP`,
      channel: 'in_person',
      status: 'IN_PROCESSING',
      applicant: { name: 'Nguyễn Văn B1' },
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: vn('2026-01-05T09:00:00'),
      received_at: vn('2026-01-05T09:00:00'),
      original_appointment_at: vn('2026-01-09T17:00:00'),
      appointment_at: vn('2026-01-09T17:00:00'),
      process_instance_key: key,
    });

    // when: the sweep runs (again while other files' late cases fill its batch)
    const row = await waitFor(async () => {
      await openNonconformitiesForLateCases(p.db, p.zeebe);
      return p.db('iso_nonconformities').where({ source_type: 'late_case', source_key: key }).first();
    }, 'the late-case nonconformity');
    // SNNMT-VP (the case's unit) is not one of B's units: not suggested as the responsible unit.
    expect(row).toMatchObject({ agency: B, unit_code: null, source_process_id: `mc-test-${run.toLowerCase()}`, reported_by: null });
    expect(await p.db('iso_nonconformities').where({ source_type: 'late_case', source_key: key })).toHaveLength(1);
    lateNc = row;

    // then: the first step is offered to B's Office only (the role resolved from B at start)
    const ncKey = await waitFor(
      async () => (await p.db('iso_nonconformities').where({ id: row.id }).first('process_instance_key'))?.process_instance_key,
      'NC started',
    );
    const t = await openTask(officeB, String(ncKey), 'VanPhongTiepNhan');
    expect(t.candidateGroups).toEqual([`${B}-VP/officer`]);
    expect(t.variables).toMatchObject({ maNguon: key, eisoCoQuan: B, eisoVanPhong: `${B}-VP/officer` });
    expect((await officeA.post(`/api/tasks/${t.id}/claim`)).status).toBe(403);
    // B's Office assigns it within B; a unit of A is refused (the task comes back).
    await work(officeB, String(ncKey), 'VanPhongTiepNhan', { donViChuTri: `${A}-P1` });
    const back = await openTask(officeB, String(ncKey), 'VanPhongTiepNhan', (x) => x.id !== t.id);
    expect(back).toBeTruthy();
    expect((await p.db('iso_nonconformities').where({ id: row.id }).first()).unit_code).toBeNull();
  });

  it("runs the audit of A's ISO secretariat with auditors from outside it, and refuses audits no one independent can do", async () => {
    // Units of another agency, and an audit of the whole agency (everyone is a member of it): refused, nothing written.
    const before = await p.db('iso_audits').where({ agency: A }).count<{ c: string }[]>({ c: '*' });
    const other = await secA.post('/api/iso/audits', { year, scope: 'Sai cơ quan', departments: [`${A}-P1`, `${B}-P1`] });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ code: 'ISO_UNITS_OTHER_AGENCY', params: { units: `${B}-P1`, agency: A } });
    const whole = await secA.post('/api/iso/audits', { year, scope: 'Toàn Sở', departments: [A] });
    expect(whole.status).toBe(400);
    expect(whole.body).toMatchObject({ code: 'ISO_NO_INDEPENDENT_AUDITOR', params: { units: A } });
    expect(await p.db('iso_audits').where({ agency: A }).count<{ c: string }[]>({ c: '*' })).toEqual(before);

    const started = await secA.post('/api/iso/audits', { year, scope: 'Đánh giá Tổ thư ký ISO và Phòng chuyên môn', departments: [`${A}-ISO`, `${A}-P1`] });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const key = started.body.processInstanceKey as string;
    // A's secretary and A's leader hold the programme steps (not SNNMT's).
    await work(secA, key, 'LapChuongTrinh', { chuongTrinh: 'Chương trình năm' });
    await work(topA, key, 'PheDuyetChuongTrinh', { pheDuyet: 'dat' });
    await work(secA, key, 'LapKeHoach', { keHoach: 'Tuần 1: Tổ thư ký; tuần 2: Phòng chuyên môn' });
    await work(topA, key, 'PheDuyetKeHoach', { pheDuyet: 'dat' });

    // The audit of the professional division: the ISO secretaries.
    const ofP1 = await openTask(secA, key, 'DanhGiaTaiDonVi', (t) => t.variables.phong === `${A}-P1`);
    expect(ofP1.candidateGroups).toEqual([`${A}-ISO/officer`]);
    // The audit of the secretariat: every other unit of A (the director's unit, the Office, the division), never A-ISO.
    const ofIso = await openTask(staffA, key, 'DanhGiaTaiDonVi', (t) => t.variables.phong === `${A}-ISO`);
    expect([...ofIso.candidateGroups].sort()).toEqual(
      [`${A}/leader`, `${A}/officer`, `${A}-P1/leader`, `${A}-P1/officer`, `${A}-VP/leader`, `${A}-VP/officer`].sort(),
    );
    expect((await tasksOf(secA, key)).some((t) => t.variables?.phong === `${A}-ISO` && t.status === 'open')).toBe(false);
    expect((await secA.post(`/api/tasks/${ofIso.id}/claim`)).status).toBe(403);
    expect((await staffA.post(`/api/tasks/${ofIso.id}/claim`)).status).toBe(200);
    // B's secretary is offered none of A's audit.
    expect((await secB.post(`/api/tasks/${ofP1.id}/claim`)).status).toBe(403);
  });

  it('shows each agency only its own registers, and the province both side by side', async () => {
    // A's people: B's nonconformity is absent from the register, and 404 by id; B's report is refused.
    for (const who of [secA, topA, officeA]) {
      const list = await who.get('/api/iso/nonconformities?source=late_case&limit=200');
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: any) => i.id)).not.toContain(String(lateNc.id));
      expect((await who.get(`/api/iso/nonconformities/${lateNc.id}`)).status).toBe(404);
    }
    const audits = (await secB.get('/api/iso/audits')).body.items as any[];
    expect(audits.filter((a) => a.scope === 'Đánh giá Tổ thư ký ISO và Phòng chuyên môn')).toEqual([]);
    expect((await topA.get(`/api/iso/report?year=${year}&agency=${B}`)).status).toBe(403);
    expect((await topA.get(`/api/iso/report?year=${year}&agency=${B}`)).body.code).toBe('ISO_AGENCY_OUTSIDE');
    // A's report is A's: no late nonconformity of B in it; one audit (the one above, still running).
    const ra = await topA.get(`/api/iso/report?year=${year}`);
    expect(ra.status).toBe(200);
    expect(ra.body).toMatchObject({ agency: A, nonconformities: { opened: 0 }, audits: [expect.objectContaining({ departments: [`${A}-ISO`, `${A}-P1`] })] });
    // B's Office sees its own.
    const listB = await officeB.get('/api/iso/nonconformities?source=late_case&limit=200');
    expect(listB.body.items.find((i: any) => i.id === String(lateNc.id))).toMatchObject({ agency: B, sourceKey: lateNc.source_key });

    // The province view: only province readers; A and B side by side with their counts.
    expect((await secA.get(`/api/iso/agencies?year=${year}`)).status).toBe(403);
    expect((await topA.get(`/api/iso/agencies?year=${year}`)).status).toBe(403);
    const view = await province.get(`/api/iso/agencies?year=${year}`);
    expect(view.status).toBe(200);
    const row = (a: string) => view.body.items.find((i: any) => i.agency === a);
    expect(row(A)).toEqual({
      agency: A,
      name: `Sở thử ${A}`,
      secretariatUnitCode: `${A}-ISO`,
      officeUnitCode: `${A}-VP`,
      configured: true,
      isDefault: false,
      nonconformities: { total: 0, open: 0, lateCases: 0 },
      documentsInForce: 0,
      audits: 1,
      reviews: 0,
      risksOpen: 0,
      complaints: 0,
      objectives: 0,
    });
    expect(row(B)).toMatchObject({ agency: B, audits: 0, nonconformities: { total: 1, open: 1, lateCases: 1 } });
    // The province reads B's report (the evidence of B's own declaration) and B's register.
    const rb = await province.get(`/api/iso/report?year=${year}&agency=${B}`);
    expect(rb.body).toMatchObject({ agency: B, nonconformities: { opened: 1, bySource: { late_case: 1 } }, audits: [] });
    expect((await province.get(`/api/iso/nonconformities/${lateNc.id}`)).status).toBe(200);
    // Who am I: A's secretary reads A's system; the province leader reads them all.
    expect((await secA.get('/api/iso/me')).body).toEqual({ agency: A, agencyName: `Sở thử ${A}`, province: false });
    expect((await province.get('/api/iso/me')).body).toEqual({ agency: null, agencyName: null, province: true });
  });
});
