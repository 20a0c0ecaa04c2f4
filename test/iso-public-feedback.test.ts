import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * Complaints and feedback from citizens (public form, no login, tracking key) and from any staff
 * member, handled by the complaint process (processes/iso-xu-ly-phan-anh.bpmn): an upheld public
 * complaint opens a nonconformity, the citizen reads the answer with the key, the complaints-count
 * objective counts the complaints about the unit's dossiers, and a flood is refused with 429.
 */
describe('ISO public complaints and staff feedback', () => {
  let p: TestPlatform;
  let office: Client; // SNNMT-VP officer: classifies and answers
  let landOfficer: Client; // SNNMT-QLDD officer: verifies
  let top: Client; // SNNMT leader: concludes
  let designer: Client; // a staff member who is not an officer
  let auditor: Client;
  let province: string; // fresh unit: the world of the complaints-count objective
  let agency: string; // fresh agency under it, with a dossier
  let otherAgency: string; // fresh agency elsewhere, with a dossier
  const run = randomBytes(3).toString('hex').toUpperCase();
  const dossierCode = `H99.${run}-251101-0001`;
  const otherDossierCode = `H98.${run}-251101-0002`;
  const year = new Date().getFullYear();

  const pub = (method: 'GET' | 'POST', url: string, opts: { payload?: object; token?: string } = {}) =>
    p.app
      .inject({ method, url, payload: opts.payload, headers: opts.token ? { 'x-lookup-token': opts.token } : {} })
      .then((r) => ({ status: r.statusCode, body: r.json() }));

  beforeAll(async () => {
    p = await startTestPlatform();
    office = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    landOfficer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    top = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'], unitCode: 'SNNMT-ISO', fullName: 'Lê Thị Thiết Kế' }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    province = await createUnit(p.db, { name: `Tỉnh thử ${run}` });
    agency = await createUnit(p.db, { name: `Sở thử ${run}`, parentCode: province });
    otherAgency = await createUnit(p.db, { name: `Sở khác ${run}` });
    // Two dossiers the citizens can name (inserted: the complaint only needs them to exist).
    const proc = (code: string, unit: string) => ({
      code,
      name: `Thủ tục ${code}`,
      field: 'Đất đai',
      agency_code: unit,
      agency_name: `Sở ${code}`,
      desk_unit_code: unit,
      agency_eid: `H00.${unit}`,
      time_limit_days: 10,
      result: 'Giấy chứng nhận',
      online_level: 'partial',
      bpmn_process_id: 'mc-test',
    });
    await p.db('onestop_procedures').insert([proc(`T${run}A`, agency), proc(`T${run}B`, otherAgency)]);
    const dossier = (code: string, procedure: string, unit: string) => ({
      code,
      procedure_code: procedure,
      field: 'Đất đai',
      agency_code: unit,
      desk_unit_code: unit,
      channel: 'online',
      status: 'RETURNED',
      applicant: { name: 'Nguyễn Văn Dân' },
      lookup_token: randomBytes(32).toString('base64url'),
      submitted_at: new Date(),
      received_at: new Date(),
    });
    await p.db('dossiers').insert([dossier(dossierCode, `T${run}A`, agency), dossier(otherDossierCode, `T${run}B`, otherAgency)]);
  });
  afterAll(async () => p?.close());

  const done: string[] = [];
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>) => {
    const t = await waitFor(
      async () => {
        const r = await who.get('/api/tasks?scope=all&limit=200');
        return (r.body.items as any[]).find(
          (x) => x.processInstanceKey === instanceKey && x.elementId === elementId && x.status === 'open' && !done.includes(x.id),
        );
      },
      `${elementId} in the inbox of ${who.user.username}`,
      60_000,
    );
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const r = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    done.push(t.id);
    return t;
  };

  it('takes a citizen complaint without login, tracks it by code and key, and an upheld one opens a nonconformity', async () => {
    const body = {
      kind: 'khieu-nai',
      title: `Hồ sơ đất đai trả chậm ${run}`,
      content: 'Hồ sơ của tôi trễ hẹn 5 ngày mà không có thư xin lỗi.',
      name: 'Nguyễn Văn Dân',
      contact: '0912 345 678',
      dossierCode,
    };

    // Bad input is refused with a Vietnamese message and writes nothing.
    const unknownDossier = await pub('POST', '/api/public/complaints', { payload: { ...body, dossierCode: `H99.${run}-000000-9999` } });
    expect(unknownDossier.status).toBe(400);
    expect(unknownDossier.body.message).toContain('Không tìm thấy hồ sơ có mã');
    expect((await pub('POST', '/api/public/complaints', { payload: { ...body, name: '' } })).status).toBe(400);
    expect((await pub('POST', '/api/public/complaints', { payload: { ...body, kind: 'spam' } })).status).toBe(400);
    const blank = await pub('POST', '/api/public/complaints', { payload: { ...body, content: '   \u0007   ' } });
    expect(blank.status).toBe(400);
    expect(blank.body.message).toContain('nội dung');
    expect(await p.db('iso_complaints').where({ origin: 'public' }).whereLike('title', `%${run}%`)).toHaveLength(0);

    const sent = await pub('POST', '/api/public/complaints', { payload: body });
    expect(sent.status).toBe(201);
    const { code, trackingToken, trackingUrl } = sent.body;
    expect(code).toMatch(new RegExp(`^PA-${year}-\\d{4,}$`));
    expect(trackingUrl).toBe(`http://localhost:3000/gop-y/${code}?t=${trackingToken}`);

    // Without the key, with a wrong one, or for an unknown code: the same 404.
    const noKey = await pub('GET', `/api/public/complaints/${code}`);
    const wrongKey = await pub('GET', `/api/public/complaints/${code}`, { token: 'x'.repeat(32) });
    const unknown = await pub('GET', `/api/public/complaints/PA-${year}-999999`, { token: trackingToken });
    expect([noKey.status, wrongKey.status, unknown.status]).toEqual([404, 404, 404]);
    expect(new Set([noKey.body.message, wrongKey.body.message, unknown.body.message]).size).toBe(1);
    const early = await pub('GET', `/api/public/complaints/${code}`, { token: trackingToken });
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ code, kind: 'khieu-nai', dossierCode, status: 'received', answer: null, upheld: null });

    // The Office finds it in its register and its inbox, with the citizen's own classification prefilled.
    const listed = await waitFor(
      async () => (await office.get('/api/iso/complaints')).body.items.find((c: any) => c.code === code && c.processInstanceKey),
      'public complaint in the register',
      30_000,
    );
    expect(listed).toMatchObject({ origin: 'public', channel: 'truc-tuyen', submitter: 'Nguyễn Văn Dân', receivedBy: null, dossierCode, kind: 'khieu-nai' });
    const key = listed.processInstanceKey as string;
    const classify = await work(office, key, 'PhanLoai', { phanLoai: 'khieu-nai', donViXuLy: 'SNNMT-QLDD' });
    expect(classify.variables).toMatchObject({ phanLoai: 'khieu-nai', maHoSoMotCua: dossierCode, nguonPhanAnh: 'public' });
    await work(landOfficer, key, 'XacMinh', { ketQuaXacMinh: 'Đúng: trễ 5 ngày, chưa gửi thư xin lỗi' });
    const verifying = await pub('GET', `/api/public/complaints/${code}`, { token: trackingToken });
    expect(verifying.body).toMatchObject({ status: 'verifying', answer: null, upheld: null });
    await work(top, key, 'KetLuan', { ketLuanPhanAnh: 'dung', noiDungKetLuan: 'Phản ánh đúng' });
    // Concluded but not answered yet: the citizen is not told the verdict before the answer.
    const concluded = await waitFor(
      async () => {
        const r = await pub('GET', `/api/public/complaints/${code}`, { token: trackingToken });
        return r.body.status === 'concluded' ? r : null;
      },
      'concluded',
      30_000,
    );
    expect(concluded.body).toMatchObject({ upheld: null, answer: null });
    await work(office, key, 'TraLoi', { noiDungTraLoi: 'Sở xin lỗi ông; hồ sơ đã được trả ngày 20/11.' });

    const answered = await waitFor(
      async () => {
        const r = await pub('GET', `/api/public/complaints/${code}`, { token: trackingToken });
        return r.body.status === 'answered' ? r : null;
      },
      'answered',
      30_000,
    );
    expect(answered.body).toMatchObject({ upheld: true, answer: 'Sở xin lỗi ông; hồ sơ đã được trả ngày 20/11.' });
    expect(answered.body.answeredAt).toBeTruthy();
    // Nothing personal on the public answer.
    expect(JSON.stringify(answered.body)).not.toContain('0912');
    expect(JSON.stringify(answered.body)).not.toContain('Nguyễn Văn Dân');

    // Upheld: the nonconformity is opened for the verifying unit, once.
    const c = await waitFor(
      async () => (await auditor.get('/api/iso/complaints')).body.items.find((x: any) => x.code === code && x.ncCode),
      'nonconformity of the upheld public complaint',
      30_000,
    );
    const ncs = await p.db('iso_nonconformities').where({ source_type: 'complaint', source_key: code });
    expect(ncs).toHaveLength(1);
    expect(ncs[0]).toMatchObject({ unit_code: 'SNNMT-QLDD', code: c.ncCode });
    expect(ncs[0].process_instance_key).toBeTruthy();

    // The audit log names the public submission without an actor.
    const logged = await p.db('audit_log').where({ action: 'iso.complaint.public' }).orderBy('seq', 'desc').first();
    expect(logged).toBeTruthy();
    expect(logged.actor).toBeNull();
  }, 180_000);

  it('takes feedback from any staff member, who then sees it in the register', async () => {
    expect(
      (await p.app.inject({ method: 'POST', url: '/api/iso/feedback', payload: { kind: 'gop-y', title: 'Góp ý nội bộ', content: 'Nội dung góp ý' } }))
        .statusCode,
    ).toBe(401);
    const unknown = await designer.post('/api/iso/feedback', { kind: 'gop-y', title: 'Góp ý về hồ sơ', content: 'Nội dung góp ý', dossierCode: `X-${run}` });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('Không có hồ sơ');
    expect((await designer.post('/api/iso/feedback', { kind: 'gop-y', title: 'abc', content: 'Nội dung góp ý' })).status).toBe(400);
    // Auditors stay read-only.
    expect((await auditor.post('/api/iso/feedback', { kind: 'gop-y', title: 'Góp ý của kiểm tra viên', content: 'Nội dung góp ý' })).status).toBe(403);
    expect(await p.db('iso_complaints').where({ origin: 'staff', received_by: designer.user.username })).toHaveLength(0);

    const r = await designer.post('/api/iso/feedback', {
      kind: 'gop-y',
      title: 'Biểu mẫu thẩm định còn thiếu trường',
      content: 'Biểu mẫu thẩm định chưa có ô ghi ý kiến của tổ trưởng.',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ origin: 'staff', channel: 'noi-bo', kind: 'gop-y', submitter: 'Lê Thị Thiết Kế', receivedBy: designer.user.username });
    expect(r.body.processInstanceKey).toBeTruthy();
    expect((await designer.get('/api/iso/complaints')).body.items.map((c: any) => c.code)).toContain(r.body.code);
    const commune = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
    expect((await commune.get('/api/iso/complaints')).body.items.map((c: any) => c.code)).not.toContain(r.body.code);
    // It reaches the Office's inbox like any complaint.
    const t = await work(office, r.body.processInstanceKey, 'PhanLoai', { phanLoai: 'gop-y', donViXuLy: 'SNNMT-QLDD' });
    expect(t.variables).toMatchObject({ nguonPhanAnh: 'staff', phanLoai: 'gop-y' });
  }, 180_000);

  it('counts the complaints about a unit for its complaints objective', async () => {
    // given: the public complaint above names the agency's dossier; one more names the other agency's.
    expect(
      (
        await pub('POST', '/api/public/complaints', {
          payload: {
            kind: 'phan-anh',
            title: `Thái độ cán bộ ${run}`,
            content: 'Cán bộ tiếp nhận không hướng dẫn.',
            name: 'Trần Thị B',
            dossierCode: otherDossierCode,
          },
        })
      ).status,
    ).toBe(201);
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const made = await admin.post('/api/iso/objectives', {
      unitCode: province,
      year,
      title: 'Không quá 2 phản ánh mỗi năm',
      metric: 'complaints_count',
      target: 2,
      direction: 'at_most',
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const o = made.body.items[0];
    expect(o.metricLabel).toContain('phản ánh');
    const quarter = `Q${Math.floor(new Date(Date.now() + 7 * 3_600_000).getUTCMonth() / 3) + 1}`;
    // Only the complaint about the agency's dossier (inside the province) counts: 1 <= 2.
    expect(o.periods.find((x: any) => x.label === String(year))).toEqual({ label: String(year), value: 1, met: true });
    expect(o.periods.find((x: any) => x.label === quarter)).toEqual({ label: quarter, value: 1, met: true });
    const other = await admin.post('/api/iso/objectives', {
      unitCode: otherAgency,
      year,
      title: 'Không có phản ánh',
      metric: 'complaints_count',
      target: 0,
      direction: 'at_most',
    });
    expect(other.body.items[0].periods.find((x: any) => x.label === String(year))).toEqual({ label: String(year), value: 1, met: false });
  }, 180_000);

  it('refuses a flood of public submissions with 429 and a Vietnamese message', async () => {
    let last = { status: 0, body: {} as any };
    for (let i = 0; i < 20 && last.status !== 429; i++)
      last = await pub('POST', '/api/public/complaints', { payload: { kind: 'gop-y', title: 'x', content: 'y', name: 'z' } });
    expect(last.status).toBe(429);
    expect(last.body.message).toMatch(/^Quá nhiều yêu cầu, vui lòng thử lại sau \d+ giây/);
    expect(await p.db('iso_complaints').where({ origin: 'public' }).whereLike('title', `%${run}%`)).toHaveLength(2);
  }, 180_000);
});
