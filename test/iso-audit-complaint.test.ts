import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * Internal audit (processes/iso-danh-gia-noi-bo.bpmn) and complaints (processes/iso-xu-ly-phan-anh.bpmn)
 * through the HTTP API: each audit finding and each upheld complaint opens one nonconformity.
 */
describe('ISO internal audit and complaints', () => {
  let p: TestPlatform;
  let secretary: Client; // SNNMT-ISO officer: ISO secretary / audit team
  let top: Client; // SNNMT leader: head of unit
  let office: Client; // SNNMT-VP officer
  let landOfficer: Client; // SNNMT-QLDD officer
  let auditor: Client;
  const year = new Date().getFullYear();

  beforeAll(async () => {
    p = await startTestPlatform();
    secretary = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-ISO' }));
    top = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    office = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    landOfficer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
  });
  afterAll(async () => p?.close());

  const done: string[] = [];
  const nextTask = (who: Client, instanceKey: string, elementId: string, match: (t: any) => boolean = () => true) =>
    waitFor(
      async () => {
        const r = await who.get(`/api/tasks?scope=all&caseCode=${instanceKey}`);
        return (r.body.items as any[]).find(
          (t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open' && !done.includes(t.id) && match(t),
        );
      },
      `${elementId} in the inbox of ${who.user.username}`,
      30_000,
    );
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>, match?: (t: any) => boolean) => {
    const t = await nextTask(who, instanceKey, elementId, match);
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const r = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    done.push(t.id);
    return t;
  };

  it('runs an internal audit with a returned programme, one audit per unit and a nonconformity per finding', async () => {
    expect((await secretary.post('/api/iso/audits', { year, scope: 'Các phòng của Sở', departments: ['KHONG-CO'] })).status).toBe(400);
    expect((await auditor.post('/api/iso/audits', { year, scope: 'Các phòng của Sở', departments: ['SNNMT-VP'] })).status).toBe(403);
    const started = await secretary.post('/api/iso/audits', { year, scope: 'Đánh giá kết quả các phòng trong Sở', departments: ['SNNMT-VP', 'SNNMT-QLDD'] });
    expect(started.status).toBe(201);
    const audit = started.body;
    expect(audit.code).toMatch(new RegExp(`^DGNB-${year}-`));
    const key = audit.processInstanceKey as string;

    // Programme returned once, then approved; plan approved.
    await work(secretary, key, 'LapChuongTrinh', { chuongTrinh: 'Mục tiêu: đánh giá sự phù hợp' });
    await work(top, key, 'PheDuyetChuongTrinh', { pheDuyet: 'khong-dat', yKienPheDuyet: 'Bổ sung chuẩn mực' });
    await work(secretary, key, 'LapChuongTrinh', { chuongTrinh: 'Mục tiêu: đánh giá sự phù hợp; chuẩn mực: TCVN ISO 9001:2015' });
    await work(top, key, 'PheDuyetChuongTrinh', { pheDuyet: 'dat' });
    await work(secretary, key, 'LapKeHoach', { keHoach: 'Tuần 2 tháng 11: Văn phòng; tuần 3: Phòng Quản lý đất đai' });
    await work(top, key, 'PheDuyetKeHoach', { pheDuyet: 'dat' });

    // One audit task per unit (multi-instance), each with its checklist by clause and its findings.
    await work(
      secretary,
      key,
      'DanhGiaTaiDonVi',
      {
        dieuKhoanDaKiemTra: ['7.5', '8.5.1'],
        ghiChuDanhGia: 'Văn phòng: hồ sơ lưu đầy đủ',
        phatHien: [],
      },
      (t) => t.variables.phong === 'SNNMT-VP',
    );
    await work(
      secretary,
      key,
      'DanhGiaTaiDonVi',
      {
        dieuKhoanDaKiemTra: ['7.5', '10.2'],
        ghiChuDanhGia: 'Phòng đất đai',
        phatHien: [
          { dieuKhoan: '7.5.3', noiDung: 'Hai hồ sơ không lưu phiếu kiểm soát' },
          { dieuKhoan: '10.2', noiDung: 'Chưa phân tích nguyên nhân hồ sơ trễ hạn quý III' },
        ],
      },
      (t) => t.variables.phong === 'SNNMT-QLDD',
    );
    await work(top, key, 'KetLuan', { ketLuanDanhGia: 'Hệ thống phù hợp; khắc phục 2 điểm không phù hợp' });

    const closed = await waitFor(
      async () => {
        const r = await auditor.get('/api/iso/audits');
        const a = (r.body.items as any[]).find((x) => x.id === audit.id);
        return a?.status === 'closed' && a.findings.every((f: any) => f.ncCode) ? a : null;
      },
      'audit closed with its NCs',
      30_000,
    );
    expect(closed).toMatchObject({ approvedBy: top.user.username, conclusion: 'Hệ thống phù hợp; khắc phục 2 điểm không phù hợp', currentStep: null });
    expect(closed.programme).toContain('chuẩn mực');
    expect(closed.units.map((u: any) => [u.unitCode, u.clausesChecked, u.auditedBy])).toEqual([
      ['SNNMT-QLDD', ['7.5', '10.2'], secretary.user.username],
      ['SNNMT-VP', ['7.5', '8.5.1'], secretary.user.username],
    ]);
    expect(closed.findings.map((f: any) => [f.unitCode, f.clause])).toEqual([
      ['SNNMT-QLDD', '7.5.3'],
      ['SNNMT-QLDD', '10.2'],
    ]);

    // Each finding is a corrective action of the audited unit, running its own process.
    const ncs = await p.db('iso_nonconformities').where({ source_type: 'audit_finding' }).whereLike('source_key', `${audit.code}/%`).orderBy('source_key');
    expect(ncs.map((n) => [n.source_key, n.unit_code])).toEqual([
      [`${audit.code}/SNNMT-QLDD/1`, 'SNNMT-QLDD'],
      [`${audit.code}/SNNMT-QLDD/2`, 'SNNMT-QLDD'],
    ]);
    for (const n of ncs) expect(n.process_instance_key).toBeTruthy();
    await nextTask(office, String(ncs[0].process_instance_key), 'VanPhongTiepNhan');

    const report = await auditor.get(`/api/iso/report?year=${year}`);
    expect(report.body.audits.find((a: any) => a.code === audit.code)).toMatchObject({ findings: 2, status: 'closed', recordLink: `/cases/${key}` });
  });

  it('handles a complaint: an unfounded one closes, an upheld one opens a nonconformity', async () => {
    expect((await office.post('/api/iso/complaints', { title: 'x', content: 'Nội dung', submitter: 'A', channel: 'truc-tiep' })).status).toBe(400);
    expect(
      (await office.post('/api/iso/complaints', { title: 'Trả kết quả chậm', content: 'Nội dung', submitter: 'Nguyễn Văn A', channel: 'fax' })).status,
    ).toBe(400);

    const run = async (verdict: 'dung' | 'khong-dung') => {
      const r = await office.post('/api/iso/complaints', {
        title: 'Hồ sơ trả kết quả chậm 5 ngày',
        content: 'Ông A phản ánh hồ sơ đất đai trả chậm, không có thư xin lỗi.',
        submitter: 'Nguyễn Văn A',
        contact: '0900000000',
        channel: 'truc-tuyen',
      });
      expect(r.status).toBe(201);
      const key = r.body.processInstanceKey as string;
      expect(r.body.code).toMatch(new RegExp(`^PA-${year}-`));
      await work(office, key, 'PhanLoai', { phanLoai: 'khieu-nai', donViXuLy: 'SNNMT-QLDD' });
      await work(landOfficer, key, 'XacMinh', { ketQuaXacMinh: verdict === 'dung' ? 'Đúng: trễ 5 ngày, chưa gửi thư xin lỗi' : 'Hồ sơ trả đúng hẹn' });
      await work(top, key, 'KetLuan', { ketLuanPhanAnh: verdict, noiDungKetLuan: verdict === 'dung' ? 'Phản ánh đúng' : 'Phản ánh không đúng' });
      await work(office, key, 'TraLoi', { noiDungTraLoi: 'Đã trả lời ông A' });
      return waitFor(
        async () => {
          const l = await auditor.get('/api/iso/complaints');
          const c = (l.body.items as any[]).find((x) => x.id === r.body.id);
          return c?.status === 'answered' && (verdict === 'khong-dung' || c.ncCode) ? c : null;
        },
        `complaint ${verdict} answered`,
        30_000,
      );
    };
    const unfounded = await run('khong-dung');
    expect(unfounded).toMatchObject({ upheld: false, ncId: null, unitCode: 'SNNMT-QLDD', answer: 'Đã trả lời ông A' });
    const upheld = await run('dung');
    expect(upheld).toMatchObject({ upheld: true, conclusion: 'Phản ánh đúng' });
    const nc = await p.db('iso_nonconformities').where({ id: upheld.ncId }).first();
    expect(nc).toMatchObject({ source_type: 'complaint', source_key: upheld.code, unit_code: 'SNNMT-QLDD' });
    expect(await p.db('iso_nonconformities').where({ source_type: 'complaint', source_key: unfounded.code })).toHaveLength(0);

    // The receiving officer and the verifying unit see it; another unit does not.
    expect((await office.get('/api/iso/complaints')).body.items.map((c: any) => c.id)).toContain(upheld.id);
    expect((await landOfficer.get('/api/iso/complaints')).body.items.map((c: any) => c.id)).toContain(upheld.id);
    const commune = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
    expect((await commune.get('/api/iso/complaints')).body.items.map((c: any) => c.id)).not.toContain(upheld.id);

    const report = await top.get(`/api/iso/report?year=${year}`);
    expect(report.body.complaints.items.find((c: any) => c.code === upheld.code)).toMatchObject({ upheld: true, ncCode: nc.code });
  });
});
