import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { isoSweep } from '../domain/iso/sweep.js';

/**
 * Nonconformity and corrective action (processes/iso-hanh-dong-khac-phuc.bpmn) run end to end through
 * the HTTP API by the people of each step, with its loops; the register and the annual report show it.
 */
describe('ISO nonconformity and corrective action', () => {
  let p: TestPlatform;
  let finder: Client; // any officer: records the NC
  let office: Client; // SNNMT-VP officer: receives, verifies, closes
  let unit: Client; // SNNMT-QLDD officer: the responsible unit (CQCM)
  let rep: Client; // SNNMT-ISO leader: management representative
  let auditor: Client;
  let leader: Client; // SNNMT leader
  let outsider: Client; // commune officer: sees none of it
  const year = new Date().getFullYear();

  beforeAll(async () => {
    p = await startTestPlatform();
    finder = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    office = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    unit = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    rep = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-ISO' }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
  });
  afterAll(async () => p?.close());

  const nextTask = (who: Client, instanceKey: string, elementId: string, notId?: string) =>
    waitFor(
      async () => {
        const r = await who.get('/api/tasks?scope=all&limit=200');
        return (r.body.items as any[]).find((t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open' && t.id !== notId);
      },
      `${elementId} in the inbox of ${who.user.username}`,
      30_000,
    );

  /** Claims and completes the open step `elementId` as `who`; returns the task id. */
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>, notId?: string) => {
    const t = await nextTask(who, instanceKey, elementId, notId);
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const done = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    return t.id as string;
  };

  const ncOf = (who: Client, id: string) => who.get(`/api/iso/nonconformities/${id}`);
  const waitNc = (id: string, ok: (nc: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const r = await ncOf(auditor, id);
        return r.status === 200 && ok(r.body) ? r.body : null;
      },
      what,
      30_000,
    );

  it('refuses bad input and records nothing', async () => {
    // rows these callers could have recorded (other files and the ISO sweep open nonconformities meanwhile)
    const mine = (names: string[]) => p.db('iso_nonconformities').whereIn('reported_by', names).count<{ c: string }[]>({ c: '*' });
    const before = await mine([finder.user.username]);
    const short = await finder.post('/api/iso/nonconformities', { title: 'x', description: 'Mô tả đủ dài' });
    expect(short.status).toBe(400);
    const badUnit = await finder.post('/api/iso/nonconformities', { title: 'Sai sót trong hồ sơ', description: 'Thiếu chữ ký', unitCode: 'KHONG-CO' });
    expect(badUnit.status).toBe(400);
    expect(badUnit.body.message).toMatch(/Không có đơn vị KHONG-CO/);
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    expect((await designer.post('/api/iso/nonconformities', { title: 'Sai sót trong hồ sơ', description: 'Thiếu chữ ký' })).status).toBe(403);
    expect((await p.app.inject({ method: 'GET', url: '/api/iso/nonconformities' })).statusCode).toBe(401);
    const after = await mine([finder.user.username, designer.user.username]);
    expect(after[0].c).toBe(before[0].c);
  });

  it("runs the ten steps with the wrong-unit loop, the representative's opinion and an ineffective action, then closes", async () => {
    const opened = await finder.post('/api/iso/nonconformities', {
      title: 'Phiếu kiểm soát thiếu chữ ký người thẩm định',
      description: 'Ba hồ sơ tháng 10 không có chữ ký người thẩm định trên phiếu kiểm soát.',
    });
    expect(opened.status).toBe(201);
    const nc = opened.body;
    expect(nc.code).toMatch(new RegExp(`^KP-${year}-\\d{4,}$`));
    expect(nc).toMatchObject({ sourceType: 'manual', reportedBy: finder.user.username, status: 'recorded', verifications: 0 });
    const key = nc.processInstanceKey as string;
    expect(key).toMatch(/^\d+$/);

    // The Office receives it. A unit that does not exist comes back to the Office (error boundary), nothing else moves.
    const firstOffice = await work(office, key, 'VanPhongTiepNhan', { donViChuTri: 'KHONG-CO', yKienVanPhong: 'Chuyển phòng' });
    await work(office, key, 'VanPhongTiepNhan', { donViChuTri: 'SNNMT-QLDD', yKienVanPhong: 'Chuyển Phòng Quản lý đất đai' }, firstOffice);
    await waitNc(nc.id, (n) => n.status === 'analysing' && n.unitCode === 'SNNMT-QLDD', 'NC assigned to SNNMT-QLDD');
    // The commune officer is not offered the unit's steps.
    const rc = await nextTask(unit, key, 'XacDinhNguyenNhan');
    expect((await outsider.post(`/api/tasks/${rc.id}/claim`)).status).toBe(403);

    // Round 1: cause, action with the representative's opinion, implementation, verification says "not effective".
    await work(unit, key, 'XacDinhNguyenNhan', { nguyenNhan: 'Mẫu phiếu cũ không có ô chữ ký' });
    await work(unit, key, 'DeXuatHanhDong', { hanhDongKhacPhuc: 'Cập nhật mẫu phiếu', canYKienDaiDien: true });
    await work(rep, key, 'YKienDaiDien', { yKienDaiDien: 'Đồng ý, hoàn thành trong tuần' });
    await work(unit, key, 'ThucHien', { ketQuaThucHien: 'Đã cập nhật mẫu phiếu' });
    await work(office, key, 'KiemChung', { coHieuLuc: 'khong', nhanXetKiemChung: 'Hồ sơ mới vẫn thiếu chữ ký' });
    const reopened = await waitNc(nc.id, (n) => n.verifications === 1, 'first verification recorded');
    expect(reopened).toMatchObject({
      effective: false,
      status: 'analysing',
      mrOpinion: 'Đồng ý, hoàn thành trong tuần',
      rootCause: 'Mẫu phiếu cũ không có ô chữ ký',
    });

    // Round 2: back at the root cause; no opinion asked this time; effective; the Office closes.
    await work(unit, key, 'XacDinhNguyenNhan', { nguyenNhan: 'Phần mềm in phiếu theo mẫu cũ' });
    await work(unit, key, 'DeXuatHanhDong', { hanhDongKhacPhuc: 'Sửa mẫu in trong phần mềm, tập huấn', canYKienDaiDien: false });
    await work(unit, key, 'ThucHien', { ketQuaThucHien: 'Đã sửa mẫu in, đã tập huấn ngày 20/11' });
    await work(office, key, 'KiemChung', { coHieuLuc: 'co', nhanXetKiemChung: 'Kiểm tra 10 hồ sơ mới: đủ chữ ký' });
    await work(office, key, 'DongPhieu', { ketLuan: 'Đã khắc phục' });
    const closed = await waitNc(nc.id, (n) => n.status === 'closed', 'NC closed');
    expect(closed).toMatchObject({
      effective: true,
      verifications: 2,
      rootCause: 'Phần mềm in phiếu theo mẫu cũ',
      implementation: 'Đã sửa mẫu in, đã tập huấn ngày 20/11',
      currentStep: null,
    });
    expect(closed.closedAt).toBeTruthy();
    expect(closed.history.map((h: any) => h.stage)).toEqual([
      'recorded',
      'assigned',
      'planned',
      'implemented',
      'verified',
      'planned',
      'implemented',
      'verified',
      'closed',
    ]);
    // The opinion step ran once: the second round skipped it.
    expect((await p.db('inbox_tasks').where({ process_instance_key: key, element_id: 'YKienDaiDien' })).length).toBe(1);
    expect((await p.db('inbox_tasks').where({ process_instance_key: key, element_id: 'XacDinhNguyenNhan', status: 'completed' })).length).toBe(2);
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
      'NC instance completed',
    );

    // The register: the finder, the unit and the auditor see it; the commune officer does not.
    for (const who of [finder, unit, office, auditor, leader]) {
      const list = await who.get(`/api/iso/nonconformities?year=${year}&limit=200`);
      expect(list.status).toBe(200);
      expect(
        list.body.items.map((i: any) => i.id),
        who.user.username,
      ).toContain(nc.id);
    }
    expect((await outsider.get('/api/iso/nonconformities?limit=200')).body.items.map((i: any) => i.id)).not.toContain(nc.id);
    expect((await ncOf(outsider, nc.id)).status).toBe(404);
    const closedOnly = await auditor.get('/api/iso/nonconformities?status=closed&limit=200');
    expect(closedOnly.body.items.every((i: any) => i.status === 'closed')).toBe(true);

    // The annual report lists it, counts the ineffective round, and exports to Excel.
    expect((await unit.get(`/api/iso/report?year=${year}`)).status).toBe(403);
    const report = await leader.get(`/api/iso/report?year=${year}`);
    expect(report.status).toBe(200);
    const item = report.body.nonconformities.items.find((i: any) => i.code === nc.code);
    expect(item).toMatchObject({ status: 'closed', verifications: 2, recordLink: `/cases/${key}` });
    expect(report.body.nonconformities.reopenedAfterIneffective).toBeGreaterThanOrEqual(1);
    expect(report.body.notAvailable.length).toBeGreaterThan(0);
    const xlsx = await p.app.inject({ method: 'GET', url: `/api/iso/report.xlsx?year=${year}`, headers: { authorization: `Bearer ${auditor.token}` } });
    expect(xlsx.statusCode).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const codes = wb.getWorksheet('Sự không phù hợp')!.getColumn(1).values;
    expect(codes).toContain(nc.code);
  });

  it('opens one nonconformity, automatically, for a case past its appointment', async () => {
    const reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    // A dossier received 40 days ago: its appointment (statutory limit on the working-day calendar) has passed.
    const received = new Date(Date.now() - 40 * 86_400_000).toISOString();
    // eisoReceivedAt is platform-owned (POST /api/process-instances refuses it): the case is started on
    // the engine as the platform does for a dossier received earlier.
    const started = await p.zeebe.createProcessInstance({
      bpmnProcessId: 'dang-ky-bien-dong-dat-dai',
      variables: { maHoSo: 'TRE-001', eisoReceivedAt: received, startedBy: reception.user.username, startedByUnit: 'SNNMT-VP' },
    });
    const caseKey = String(started.processInstanceKey);
    const deadline = await waitFor(async () => p.db('case_deadlines').where({ process_instance_key: caseKey }).first(), 'the case clock');
    expect(new Date(deadline.appointment_at).getTime()).toBeLessThan(Date.now());

    // The sweep the runtime runs every 5 minutes, run now: one NC for this case, and only one however often it runs.
    await isoSweep(p.db, p.zeebe);
    await isoSweep(p.db, p.zeebe);
    const rows = await p.db('iso_nonconformities').where({ source_type: 'late_case', source_key: caseKey });
    expect(rows).toHaveLength(1);
    const nc = rows[0];
    expect(nc).toMatchObject({ source_process_id: 'dang-ky-bien-dong-dat-dai', unit_code: 'SNNMT-VP', reported_by: null });
    expect(nc.title).toContain(caseKey);
    expect(nc.process_instance_key).toBeTruthy();

    // It is a real corrective-action process: the Office finds it in its inbox, and the register shows where it is.
    const officeTask = await nextTask(office, String(nc.process_instance_key), 'VanPhongTiepNhan');
    expect(officeTask.variables).toMatchObject({ maPhieu: nc.code, nguonPhatSinh: 'late_case', maNguon: caseKey });
    const listed = await waitFor(async () => {
      const r = await auditor.get('/api/iso/nonconformities?source=late_case&limit=200');
      return (r.body.items as any[]).find((i) => i.id === String(nc.id) && i.currentStep);
    }, 'the late-case NC with its current step');
    expect(listed.currentStep).toBe('Văn phòng tiếp nhận, chuyển đơn vị liên quan');
    const report = await auditor.get(`/api/iso/report?year=${new Date(nc.opened_at).getFullYear()}`);
    expect(report.body.nonconformities.items.find((i: any) => i.code === nc.code)).toMatchObject({ sourceType: 'late_case', caseLink: `/cases/${caseKey}` });

    // A case still within its appointment gets none.
    const fresh = await reception.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai', variables: { maHoSo: 'DUNG-HAN-001' } });
    await waitFor(async () => p.db('case_deadlines').where({ process_instance_key: fresh.body.processInstanceKey }).first(), 'the fresh case clock');
    await isoSweep(p.db, p.zeebe);
    expect(await p.db('iso_nonconformities').where({ source_type: 'late_case', source_key: fresh.body.processInstanceKey })).toHaveLength(0);
  });

  it('shows auditors each clause with the steps and registers that serve it', async () => {
    const r = await auditor.get('/api/iso/clauses');
    expect(r.status).toBe(200);
    const c1021 = r.body.clauses.find((c: any) => c.clause === '10.2.1');
    expect(c1021.title).toBe('Xử lý sự không phù hợp, hành động khắc phục');
    expect(c1021.steps.map((s: any) => `${s.bpmnProcessId}:${s.elementId}`)).toEqual(
      expect.arrayContaining(['iso-hanh-dong-khac-phuc:KiemChung', 'iso-hanh-dong-khac-phuc:XacDinhNguyenNhan']),
    );
    expect(c1021.registers[0]).toMatchObject({ register: 'nc' });
    expect(c1021.registers[0].count).toBeGreaterThan(0);
    // Clauses tagged on the one-stop procedure are there too.
    expect(r.body.clauses.find((c: any) => c.steps.some((s: any) => s.bpmnProcessId === 'dang-ky-bien-dong-dat-dai'))).toBeTruthy();
  });
});
