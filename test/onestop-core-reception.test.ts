import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, vnWritten, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, expectedQrModules, openTask, pdfBytes, pdfText, procedureEntry, qrModulesInPdf, receiveAtDesk } from './helpers/onestop.js';
import { loadCalendar } from '../domain/deadlines/calendar-store.js';
import { lookupUrl } from '../domain/onestop/settings.js';
import { NOT_FOUND } from '../api/routes/public/onestop.js';

/** A multipart body as a browser's FormData would send it. */
async function multipart(fields: Record<string, string>, files: { field: string; name: string; data: Buffer; type?: string }[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([new Uint8Array(f.data)], { type: f.type ?? 'application/octet-stream' }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

const hhmm = (d: Date) => vnWritten(d).time;

describe('one-stop reception: in person, online, desk queue, slip, public lookup, supplement, withdrawal', () => {
  let p: TestPlatform;
  let desk: Client; // officer of the desk unit SNNMT-VP
  let specialist: Client; // officer of SNNMT-QLDD: handles the processing step, not the desk
  let procedure: Record<string, any>;

  beforeAll(async () => {
    p = await startTestPlatform();
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Lê Thị Tiếp Nhận' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    procedure = procedureEntry({
      name: 'Đăng ký biến động đất đai (thử)',
      requiredDocuments: [
        { code: 'DON', name: 'Đơn đăng ký biến động', copies: 1, mandatory: true },
        { code: 'GCN', name: 'Bản gốc Giấy chứng nhận', copies: 2, mandatory: true },
        { code: 'KHAC', name: 'Giấy tờ khác', copies: 1, mandatory: false },
      ],
    });
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId) });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  });
  afterAll(async () => {
    await p?.close();
  });

  const applicant = { name: 'Nguyễn Văn An', idNumber: '001203004567', phone: '0912345678', email: 'an.nguyen@example.vn', address: '12 Lê Lợi, xã Tân Phú' };
  const dossierRow = (code: string) => p.db('dossiers').where({ code }).first();
  const statusIs = (code: string, status: string) =>
    waitFor(async () => ((await dossierRow(code))?.status === status ? dossierRow(code) : undefined), `status ${status}`, 30_000);
  const submitOnline = async (fields: Record<string, string>, files: { field: string; name: string; data: Buffer }[]) => {
    const { payload, contentType } = await multipart(fields, files);
    const r = await p.app.inject({ method: 'POST', url: '/api/public/dossiers', headers: { 'content-type': contentType }, payload });
    return { status: r.statusCode, body: r.json() };
  };
  const lookup = async (code: string, token?: string) => {
    const r = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${encodeURIComponent(code)}`, headers: token ? { 'x-lookup-token': token } : {} });
    return { status: r.statusCode, body: r.json(), raw: r.body };
  };
  const onlineFields = () => ({
    procedureCode: procedure.code,
    applicantName: applicant.name,
    applicantEmail: applicant.email,
    applicantPhone: applicant.phone,
  });
  const completeFiles = () => [
    { field: 'doc:DON', name: 'don-dang-ky.pdf', data: pdfBytes('don') },
    { field: 'doc:GCN', name: 'giay-chung-nhan.pdf', data: pdfBytes('gcn') },
  ];

  let inPerson: { code: string; id: string; processInstanceKey: string };

  it('in person: an incomplete dossier is refused with the missing documents named in Vietnamese; nothing is written', async () => {
    // dossiers of this file's procedure (other files write dossiers meanwhile)
    const before = await p.db('dossiers').where({ procedure_code: procedure.code }).count<{ n: string }[]>({ n: '*' });
    const r = await desk.post('/api/onestop/dossiers', {
      procedureCode: procedure.code,
      applicant,
      documents: [
        { code: 'GCN', copies: 1 },
        { code: 'KHAC', copies: 1 },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toBe(
      'Hồ sơ chưa đầy đủ, còn thiếu: Đơn đăng ký biến động; Bản gốc Giấy chứng nhận (cần 2 bản, mới có 1) / The dossier is incomplete; missing: DON, GCN',
    );
    const unknown = await desk.post('/api/onestop/dossiers', {
      procedureCode: procedure.code,
      applicant,
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'GCN', copies: 2 },
        { code: 'SO-DO', copies: 1 },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('không có thành phần hồ sơ: SO-DO');
    expect(await p.db('dossiers').where({ procedure_code: procedure.code }).count<{ n: string }[]>({ n: '*' })).toEqual(before);
  });

  it('in person: only officers of the desk unit receive', async () => {
    const r = await specialist.post('/api/onestop/dossiers', {
      procedureCode: procedure.code,
      applicant,
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'GCN', copies: 2 },
      ],
    });
    expect(r.status).toBe(403);
    expect(r.body.message).toContain('Chỉ cán bộ Bộ phận một cửa SNNMT-VP');
  });

  it('in person: a complete dossier gets its code, starts the process with the appointment on the calendar, and is audited', async () => {
    const r = await receiveAtDesk(p.app, desk, {
      procedureCode: procedure.code,
      applicant,
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'GCN', copies: 2 },
        { code: 'KHAC', copies: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const d = r.body;
    const vnDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).replace(/-/g, '').slice(2);
    expect(d.code).toMatch(new RegExp(`^H99\\.12-${vnDay}-\\d{4}$`));
    expect(d).toMatchObject({ status: 'RECEIVED', channel: 'in_person', receivedBy: desk.user.username, timeLimitDays: 5 });
    expect(d.checklist).toEqual([
      { code: 'DON', name: 'Đơn đăng ký biến động', copies: 1 },
      { code: 'GCN', name: 'Bản gốc Giấy chứng nhận', copies: 2 },
      { code: 'KHAC', name: 'Giấy tờ khác', copies: 1 },
    ]);
    const cal = await loadCalendar(p.db);
    const expected = cal.addWorkingDays(new Date(d.receivedAt), 5, 'SNNMT-QLDD');
    expect(d.appointmentAt).toBe(expected.toISOString());
    const clock = await p.db('case_deadlines').where({ process_instance_key: d.processInstanceKey }).first();
    expect(clock.appointment_at.toISOString()).toBe(d.appointmentAt);
    inPerson = { code: d.code, id: d.id, processInstanceKey: d.processInstanceKey };
    // The citizen's lookup key is not in the staff view (it reaches the citizen on the slip only).
    expect(JSON.stringify(d)).not.toContain((await dossierRow(d.code)).lookup_token);
    expect(d.lookupUrl).toBeUndefined();
    const audit = await p.db('audit_log').where({ action: 'onestop.dossier.receive', target_id: d.code }).first();
    expect(audit.actor).toBe(desk.user.username);
    // the model takes it to processing
    await statusIs(d.code, 'IN_PROCESSING');
    await waitFor(() => openTask(p.db, d.processInstanceKey, 'ThamDinh'), 'the processing step');
  });

  it('the slip (Mẫu 01) PDF carries the code, applicant, procedure, documents with copies, times to the minute, working days, officer and the QR of the lookup address', async () => {
    const res = await p.app.inject({ method: 'GET', url: `/api/onestop/dossiers/${inPerson.id}/slip.pdf`, headers: { authorization: `Bearer ${desk.token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pdf = res.rawPayload;
    const text = (await pdfText(pdf)).replace(/[ \t]+/g, ' ');
    const row = await dossierRow(inPerson.code);
    expect(text).toContain('GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ');
    expect(text).toContain('SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG');
    expect(text).toContain(`Mã hồ sơ: ${inPerson.code}`);
    expect(text).toContain('Ông/bà: Nguyễn Văn An');
    expect(text).toContain('Số định danh cá nhân/tổ chức: 001203004567');
    expect(text).toContain(`Nội dung yêu cầu giải quyết: Đăng ký biến động đất đai (thử) (mã thủ tục ${procedure.code})`);
    expect(text).toMatch(/1 Đơn đăng ký biến động 1/);
    expect(text).toMatch(/2 Bản gốc Giấy chứng nhận 2/);
    expect(text).toMatch(/3 Giấy tờ khác 1/);
    expect(text).toContain('Thời gian giải quyết hồ sơ theo quy định: 5 ngày làm việc');
    expect(text).toContain(`Thời gian nhận hồ sơ: ${hhmm(row.received_at)}`);
    expect(text).toContain(`Thời gian trả kết quả giải quyết hồ sơ: ${hhmm(row.original_appointment_at)}`);
    expect(text).toContain('Lê Thị Tiếp Nhận');
    const url = lookupUrl(inPerson.code, row.lookup_token);
    expect(text.replace(/\s+/g, '')).toContain(url);
    // The QR drawn in the PDF is the QR code of that address, module for module.
    const expectedQr = await expectedQrModules(url, 110);
    const drawn = await qrModulesInPdf(pdf, expectedQr.moduleSize);
    expect(drawn.size).toBeGreaterThan(100);
    expect([...drawn].sort()).toEqual([...expectedQr.modules].sort());
  });

  it('public lookup by code shows status, step, unit and dates but no personal data; the key adds the masked name; a wrong key or an unknown code: the same 404', async () => {
    const anon = await lookup(inPerson.code);
    expect(anon.status).toBe(200);
    expect(anon.body).toMatchObject({
      code: inPerson.code,
      status: 'IN_PROCESSING',
      currentStep: 'Thẩm định hồ sơ',
      currentUnitName: 'Phòng Quản lý đất đai',
      procedureName: 'Đăng ký biến động đất đai (thử)',
      holder: null,
    });
    expect(anon.body.appointmentAt).toBeTruthy();
    for (const secret of ['Nguyễn', 'An', applicant.email, applicant.phone, applicant.idNumber, 'Lê Lợi'])
      expect(anon.raw).not.toContain(secret === 'An' ? '"An"' : secret);
    const row = await dossierRow(inPerson.code);
    const held = await lookup(inPerson.code, row.lookup_token);
    expect(held.status).toBe(200);
    expect(held.body.holder.applicantName).toBe('N***** V** A*');
    expect(held.raw).not.toContain(applicant.email);
    expect(held.body.holder.canWithdraw).toBe(true);
    const forged = await lookup(inPerson.code, row.lookup_token.slice(0, -2) + 'xx');
    const unknown = await lookup('H99.12-990101-0001');
    const garbage = await lookup('<script>');
    for (const r of [forged, unknown, garbage]) {
      expect(r.status).toBe(404);
      expect(r.body.message).toBe(NOT_FOUND);
    }
  });

  it('a supplement during processing pauses the clock, the citizen supplements through the link once, the process resumes', async () => {
    const task = await waitFor(() => openTask(p.db, inPerson.processInstanceKey, 'ThamDinh'), 'processing step');
    expect((await specialist.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    const done = await specialist.post(`/api/tasks/${task}/complete`, { variables: { canBoSung: true, lyDoBoSung: 'Bổ sung bản sao hợp đồng chuyển nhượng' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await statusIs(inPerson.code, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
    const row = await dossierRow(inPerson.code);
    const held = await lookup(inPerson.code, row.lookup_token);
    expect(held.body.holder.supplement).toMatchObject({ stage: 'processing', reason: 'Bổ sung bản sao hợp đồng chuyển nhượng' });
    expect(held.body.holder.canSupplement).toBe(true);
    expect(held.body.holder.notices.at(-1).body).toContain(`/bo-sung/${encodeURIComponent(inPerson.code)}?t=`);

    const send = async (token: string) => {
      const { payload, contentType } = await multipart({ note: 'Gửi bản sao hợp đồng' }, [
        { field: 'doc:KHAC', name: 'hop-dong.pdf', data: pdfBytes('hop-dong') },
      ]);
      const r = await p.app.inject({
        method: 'POST',
        url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/supplement`,
        headers: { 'content-type': contentType, 'x-lookup-token': token },
        payload,
      });
      return { status: r.statusCode, body: r.json() };
    };
    expect((await send('wrong-key')).status).toBe(404);
    const ok = await send(row.lookup_token);
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body.outcome).toBe('resumed');
    const again = await send(row.lookup_token);
    expect(again.status).toBe(409);
    const after = await statusIs(inPerson.code, 'IN_PROCESSING');
    expect(after.appointment_at.getTime()).toBeGreaterThanOrEqual(row.appointment_at.getTime());
    const files = await p.db('dossier_documents').where({ dossier_id: after.id, stage: 'supplement' });
    expect(files.map((f) => f.file_name)).toEqual(['hop-dong.pdf']);
    const sup = await p.db('dossier_supplements').where({ dossier_id: after.id }).first();
    expect(sup.citizen_note).toBe('Gửi bản sao hợp đồng');
    await waitFor(() => openTask(p.db, inPerson.processInstanceKey, 'ThamDinh'), 'back at the processing step');
  });

  it("staff never get the citizen's key, and a request carrying a staff token cannot act as the citizen (403), even with the key", async () => {
    const row = await dossierRow(inPerson.code);
    const key = row.lookup_token as string;
    const leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    // Staff reading the dossier (the desk, a leader of the agency above it) never see the key.
    for (const c of [desk, leader]) {
      const view = await c.get(`/api/onestop/dossiers/${inPerson.id}`);
      expect(view.status).toBe(200);
      expect(JSON.stringify(view.body)).not.toContain(key);
      expect(view.body.actions.slip).toBe(c === desk);
      const list = await c.get(`/api/onestop/dossiers?q=${encodeURIComponent(inPerson.code)}`);
      expect(JSON.stringify(list.body)).not.toContain(key);
    }
    // The slip (its QR code is the key) is printed by the receiving desk only.
    const slip = await leader.get(`/api/onestop/dossiers/${inPerson.id}/slip.pdf`);
    expect(slip.status).toBe(403);
    expect(slip.body.message).toMatch(/^Chỉ bộ phận một cửa tiếp nhận hồ sơ mới in được giấy hẹn/);
    // A staff member who got hold of the key anyway, signed in: every citizen action is refused.
    const events = await p.db('dossier_events').where({ dossier_id: row.id }).count({ n: '*' }).first();
    const { payload, contentType } = await multipart({ note: 'Cán bộ bổ sung thay' }, [{ field: 'doc:KHAC', name: 'x.pdf', data: pdfBytes('x') }]);
    const attempts = [
      await p.app.inject({
        method: 'POST',
        url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/withdraw`,
        headers: { authorization: `Bearer ${desk.token}`, 'x-lookup-token': key },
        payload: { reason: 'Cán bộ rút thay' },
      }),
      await p.app.inject({
        method: 'POST',
        url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/supplement`,
        headers: { authorization: `Bearer ${leader.token}`, 'x-lookup-token': key, 'content-type': contentType },
        payload,
      }),
      await p.app.inject({
        method: 'POST',
        url: `/api/public/evaluations/${encodeURIComponent(inPerson.code)}`,
        headers: { authorization: `Bearer ${desk.token}` },
        payload: { token: key, overall: 5, receipt: 5, processing: 5, returnStage: 5, officers: [] },
      }),
    ];
    for (const r of attempts) {
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().message).toMatch(/^Cán bộ đang đăng nhập không được thao tác thay công dân/);
    }
    const after = await dossierRow(inPerson.code);
    expect(after.status).toBe(row.status);
    expect(after.closed_at).toBeNull();
    expect(await p.db('dossier_events').where({ dossier_id: row.id }).count({ n: '*' }).first()).toEqual(events);
    expect(await p.db('dossier_documents').where({ dossier_id: row.id, file_name: 'x.pdf' }).first()).toBeUndefined();
    // A bearer header that is not a valid token does not make a citizen's request a staff one.
    const garbage = await p.app.inject({
      method: 'POST',
      url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/withdraw`,
      headers: { authorization: 'Bearer not-a-token', 'x-lookup-token': 'nope' },
      payload: { reason: 'x' },
    });
    expect(garbage.statusCode).toBe(404);
  });

  it('the citizen withdraws a running dossier with the key (message onestop-withdraw)', async () => {
    const row = await dossierRow(inPerson.code);
    const bad = await p.app.inject({
      method: 'POST',
      url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/withdraw`,
      headers: { 'x-lookup-token': 'nope' },
      payload: { reason: 'Không cần nữa' },
    });
    expect(bad.statusCode).toBe(404);
    const r = await p.app.inject({
      method: 'POST',
      url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/withdraw`,
      headers: { 'x-lookup-token': row.lookup_token },
      payload: { reason: 'Gia đình thay đổi kế hoạch' },
    });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().outcome).toBe('requested');
    const w = await statusIs(inPerson.code, 'WITHDRAWN');
    expect(w.closed_at).not.toBeNull();
    expect(w.status_reason).toBe('Gia đình thay đổi kế hoạch');
    await waitFor(async () => !(await openTask(p.db, inPerson.processInstanceKey, 'ThamDinh')), 'the step leaves the inbox');
    const again = await p.app.inject({
      method: 'POST',
      url: `/api/public/dossiers/${encodeURIComponent(inPerson.code)}/withdraw`,
      headers: { 'x-lookup-token': row.lookup_token },
      payload: { reason: 'x' },
    });
    expect(again.statusCode).toBe(409);
  });

  describe('online submission and the desk queue', () => {
    it('refuses a submission without a mandatory document, a forbidden type or a renamed file; nothing is written', async () => {
      // dossiers of this file's procedure (other files write dossiers meanwhile)
      const ofProcedure = () => p.db('dossiers').where({ procedure_code: procedure.code }).count<{ n: string }[]>({ n: '*' });
      const before = await ofProcedure();
      const missing = await submitOnline(onlineFields(), [completeFiles()[0]]);
      expect(missing.status).toBe(400);
      expect(missing.body.message).toContain('còn thiếu: Bản gốc Giấy chứng nhận');
      const exe = await submitOnline(onlineFields(), [...completeFiles(), { field: 'doc:KHAC', name: 'virus.exe', data: Buffer.from('MZ') }]);
      expect(exe.status).toBe(415);
      const renamed = await submitOnline(onlineFields(), [completeFiles()[0], { field: 'doc:GCN', name: 'gcn.pdf', data: Buffer.from('not a pdf at all') }]);
      expect(renamed.status).toBe(415);
      expect(renamed.body.message).toContain('không đúng định dạng .pdf');
      const noName = await submitOnline({ ...onlineFields(), applicantName: '' }, completeFiles());
      expect(noName.status).toBe(400);
      expect(await ofProcedure()).toEqual(before);
    });

    it('a complete submission gets a tracking reference and no code; the desk sees it in its queue, asks once for completion, the citizen completes, the desk accepts and the code is given', async () => {
      const sub = await submitOnline(onlineFields(), completeFiles());
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      expect(sub.body.status).toBe('SUBMITTED');
      // TT 03/2025 Art. 13: the code is given at receipt; the submission has a reference "TN-XXXX-XXXX-XXXX".
      expect(sub.body.code).toBeNull();
      expect(sub.body.reference).toMatch(/^TN-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
      expect(sub.body.lookupUrl).toBe(lookupUrl(sub.body.reference, sub.body.lookupToken));
      const reference = sub.body.reference as string;
      expect(await p.db('dossiers').where({ reference }).first('code')).toEqual({ code: null });
      const before = await lookup(reference, sub.body.lookupToken);
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ code: null, reference, status: 'SUBMITTED' });
      expect(before.body.holder.notices[0].subject).toBe(`Hồ sơ ${reference}: Chờ tiếp nhận`);
      expect(before.body.holder.notices[0].body).toContain(`Mã tra cứu / Tracking reference: ${reference}.`);

      const queue = await desk.get('/api/onestop/dossiers?queue=true');
      expect(queue.status).toBe(200);
      const item = queue.body.items.find((x: { reference: string }) => x.reference === reference);
      expect(item).toMatchObject({ code: null, status: 'SUBMITTED', channel: 'online', applicantName: applicant.name });
      const other = await specialist.get('/api/onestop/dossiers?queue=true');
      expect(other.body.items.some((x: { reference: string }) => x.reference === reference)).toBe(false);
      // the agency's division reads the dossier (it will handle it) but may not act at the desk
      expect((await specialist.get(`/api/onestop/dossiers/${item.id}`)).body.actions).toMatchObject({ accept: false, refuse: false });
      const stranger = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
      expect((await stranger.get(`/api/onestop/dossiers/${item.id}`)).status).toBe(403);
      expect((await stranger.get('/api/onestop/dossiers')).body.items.some((x: { reference: string }) => x.reference === reference)).toBe(false);
      expect((await specialist.post(`/api/onestop/dossiers/${item.id}/accept`, {})).status).toBe(403);

      const ask = await desk.post(`/api/onestop/dossiers/${item.id}/request-completion`, { reason: 'Bản scan giấy chứng nhận bị mờ', documents: ['GCN'] });
      expect(ask.status, JSON.stringify(ask.body)).toBe(200);
      expect(ask.body.status).toBe('SUPPLEMENT_REQUESTED_AT_RECEIPT');
      expect(ask.body.receivedAt).toBeNull();

      const { payload, contentType } = await multipart({ note: 'Bản scan rõ hơn' }, [{ field: 'doc:GCN', name: 'gcn-ro.pdf', data: pdfBytes('gcn-ro') }]);
      const supp = await p.app.inject({
        method: 'POST',
        url: `/api/public/dossiers/${encodeURIComponent(reference)}/supplement`,
        headers: { 'content-type': contentType, 'x-lookup-token': sub.body.lookupToken },
        payload,
      });
      expect(supp.statusCode, supp.body).toBe(202);
      expect(supp.json()).toMatchObject({ status: 'SUBMITTED', outcome: 'back-to-desk' });
      const supp2 = await p.app.inject({
        method: 'POST',
        url: `/api/public/dossiers/${encodeURIComponent(reference)}/supplement`,
        headers: { 'content-type': contentType, 'x-lookup-token': sub.body.lookupToken },
        payload,
      });
      expect(supp2.statusCode).toBe(409);

      const askAgain = await desk.post(`/api/onestop/dossiers/${item.id}/request-completion`, { reason: 'Lần hai' });
      expect(askAgain.status).toBe(409);
      expect(askAgain.body.message).toContain('một lần');

      const acc = await desk.post(`/api/onestop/dossiers/${item.id}/accept`, {});
      expect(acc.status, JSON.stringify(acc.body)).toBe(200);
      expect(acc.body).toMatchObject({ status: 'RECEIVED', receivedBy: desk.user.username });
      expect(acc.body.checklist.map((c: { code: string }) => c.code)).toEqual(['DON', 'GCN']);
      expect(acc.body.actions.slip).toBe(true);
      expect((await desk.post(`/api/onestop/dossiers/${item.id}/accept`, {})).status).toBe(409);
      // The code is the receipt's: today's date in Vietnam and a number of the day.
      const vnDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).replace(/-/g, '').slice(2);
      const code = acc.body.code as string;
      expect(code).toMatch(new RegExp(`^H99\\.12-${vnDay}-\\d{4}$`));
      expect(acc.body.reference).toBe(reference);
      await statusIs(code, 'IN_PROCESSING');
      // Both names find it after receipt; the notice of the receipt says the code and the reference it replaces.
      const byCode = await lookup(code, sub.body.lookupToken);
      const byRef = await lookup(reference, sub.body.lookupToken);
      expect(byCode.body).toMatchObject({ code, reference, status: 'IN_PROCESSING' });
      expect(byRef.body).toMatchObject({ code, reference, status: 'IN_PROCESSING' });
      const receiptNotice = byCode.body.holder.notices.find((n: { subject: string }) => n.subject === `Hồ sơ ${code}: Đã tiếp nhận`);
      expect(receiptNotice.body).toContain(`Mã hồ sơ / Dossier code: ${code} (mã tra cứu khi nộp / tracking reference at submission: ${reference})`);
      const events = await p.db('dossier_events').where({ dossier_id: item.id }).orderBy('id').pluck('type');
      expect(events.slice(0, 4)).toEqual(['dossier.submitted', 'receipt.supplement_requested', 'supplement.received', 'receipt.accepted']);
    });

    it('the desk refuses a submission with reasons; the desk withdraws a waiting one at the citizen’s request', async () => {
      const a = await submitOnline(onlineFields(), completeFiles());
      const b = await submitOnline(onlineFields(), completeFiles());
      const rowA = await p.db('dossiers').where({ reference: a.body.reference }).first();
      const rowB = await p.db('dossiers').where({ reference: b.body.reference }).first();
      const refused = await desk.post(`/api/onestop/dossiers/${rowA.id}/refuse`, { reason: 'Thủ tục không thuộc thẩm quyền của Sở' });
      expect(refused.status).toBe(200);
      expect(refused.body).toMatchObject({ status: 'RECEIPT_REFUSED', statusReason: 'Thủ tục không thuộc thẩm quyền của Sở' });
      expect(refused.body.closedAt).not.toBeNull();
      const seen = await lookup(a.body.reference, a.body.lookupToken);
      expect(seen.body.code).toBeNull();
      expect(seen.body.status).toBe('RECEIPT_REFUSED');
      expect(seen.body.holder.statusReason).toBe('Thủ tục không thuộc thẩm quyền của Sở');
      expect((await desk.post(`/api/onestop/dossiers/${rowA.id}/accept`, {})).status).toBe(409);

      const w = await desk.post(`/api/onestop/dossiers/${rowB.id}/withdraw`, { reason: 'Công dân đến quầy xin rút' });
      expect(w.status).toBe(202);
      expect(w.body).toEqual({ outcome: 'withdrawn', status: 'WITHDRAWN' });
    });
  });

  it('a procedure in calendar days (ngày): the appointment, the slip, the staff view and the public list and lookup say "ngày"', async () => {
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const cd = procedureEntry({ name: 'Cấp phiếu thử theo ngày', timeLimitDays: 10, timeLimitUnit: 'calendar_days' });
    expect((await admin.post('/api/onestop/procedures/import', [cd])).status).toBe(200);
    const xml = deskBpmn(String(cd.bpmnProcessId), { days: 10 }).replace(
      '<zeebe:property name="eiso.timeLimit" value="10" />',
      '<zeebe:property name="eiso.timeLimit" value="10" /><zeebe:property name="eiso.timeLimitUnit" value="calendar_days" />',
    );
    expect((await designer.post('/api/process-definitions', { resourceName: `${cd.bpmnProcessId}.bpmn`, xml })).status).toBe(201);
    const r = await receiveAtDesk(p.app, desk, {
      procedureCode: cd.code,
      applicant,
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ timeLimitDays: 10, timeLimitUnit: 'calendar_days' });
    // Ten calendar days from the day after the receipt (or after the next working day past 15:00),
    // moved off a day off: 17:00 Vietnam time, 10 to 20 days after the receipt (never the 14+ days
    // that 10 working days take at least).
    const received = new Date(r.body.receivedAt);
    const appointment = new Date(r.body.appointmentAt);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit' }).format(appointment)).toBe('17:00');
    const vnDay = (d: Date) => Date.parse(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(d));
    const days = (vnDay(appointment) - vnDay(received)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(10);
    expect(days).toBeLessThanOrEqual(20);
    const cal = await loadCalendar(p.db);
    expect(r.body.appointmentAt).toBe(cal.dueOf(received, { value: 10, unit: 'calendar_days' }, 'SNNMT-QLDD').toISOString());
    const clock = await p.db('case_deadlines').where({ process_instance_key: r.body.processInstanceKey }).first();
    expect(clock).toMatchObject({ time_limit_unit: 'calendar_days' });
    expect(clock.appointment_at.toISOString()).toBe(r.body.appointmentAt);

    const res = await p.app.inject({ method: 'GET', url: `/api/onestop/dossiers/${r.body.id}/slip.pdf`, headers: { authorization: `Bearer ${desk.token}` } });
    const text = (await pdfText(res.rawPayload)).replace(/[ \t]+/g, ' ');
    expect(text).toContain('Thời gian giải quyết hồ sơ theo quy định: 10 ngày');
    expect(text).not.toContain('10 ngày làm việc');

    const list = await p.app.inject({ method: 'GET', url: '/api/public/procedures' });
    expect(list.json().items.find((i: { code: string }) => i.code === cd.code)).toMatchObject({ timeLimitDays: 10, timeLimitUnit: 'calendar_days' });
    const row = await dossierRow(r.body.code);
    const seen = await lookup(r.body.code, row.lookup_token);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ timeLimitDays: 10, timeLimitUnit: 'calendar_days' });
  });

  it('a flood of lookups is refused with 429 and a Vietnamese message', async () => {
    let last = { status: 200, body: {} as any, raw: '' };
    for (let i = 0; i < 40 && last.status !== 429; i++) last = await lookup(inPerson.code);
    expect(last.status).toBe(429);
    expect(last.body.message).toMatch(/^Quá nhiều yêu cầu, vui lòng thử lại sau \d+ giây/);
  });
});
