import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, vnWritten, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, insertDossier, openTask, procedureEntry, receiveAtDesk } from './helpers/onestop.js';
import { onestopSupplementRequestJob, supplementItems } from '../domain/onestop/jobs/supplement-request.js';
import { InvalidJob } from '../domain/onestop/jobs/define.js';
import type { ZeebeJob } from '../engine/jobs/worker.js';

/** The text of a PDF in drawing order (pdftotext -raw), blanks collapsed, so a wrapped cell reads as one line. */
async function pdfWords(pdf: Buffer): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'form-')), 'f.pdf');
  await writeFile(file, pdf);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('/usr/bin/pdftotext', ['-raw', file, '-'], (err, text) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(text))),
  );
  return out.replace(/\s+/g, ' ');
}

describe('the forms of TT 03/2025 (Mẫu 02, 03, 05, 06, 07): recorded at the desk, drawn from the records, scoped', () => {
  let p: TestPlatform;
  let desk: Client; // officer of the desk SNNMT-VP
  let specialist: Client; // officer of SNNMT-QLDD: the appraisal step
  let leader: Client; // leader of SNNMT, over both
  let auditor: Client; // auditor of SNNMT
  let designer: Client; // designer of the desk unit: reads dossiers, not their forms
  let stranger: Client; // officer of an unrelated unit
  let procedure: Record<string, any>;
  const applicant = { name: 'Nguyễn Văn An', idNumber: '001203004567', phone: '0912345678', email: 'an.nguyen@example.vn', address: '12 Lê Lợi, xã Tân Phú' };
  const complete = [
    { code: 'DON', copies: 1 },
    { code: 'GCN', copies: 2 },
  ];

  beforeAll(async () => {
    p = await startTestPlatform();
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'], unitCode: 'SNNMT-VP' }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Lê Thị Tiếp Nhận' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD', fullName: 'Phạm Văn Thẩm Định' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'SNNMT' }));
    stranger = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: await createUnit(p.db) }));
    procedure = procedureEntry({
      name: 'Đăng ký biến động đất đai (mẫu)',
      requiredDocuments: [
        { code: 'DON', name: 'Đơn đăng ký biến động', copies: 1, mandatory: true },
        { code: 'GCN', name: 'Bản gốc Giấy chứng nhận', copies: 2, mandatory: true },
      ],
    });
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    // The desk model, its appraisal also deciding the result (ketQua) and its return step saying how (hinhThucTra).
    const xml = deskBpmn(procedure.bpmnProcessId)
      .replace(
        '<zeebe:output source="=lyDoBoSung" target="lyDoBoSung" />',
        '<zeebe:output source="=lyDoBoSung" target="lyDoBoSung" /><zeebe:output source="=ketQua" target="ketQua" /><zeebe:output source="=giayToBoSung" target="giayToBoSung" />',
      )
      .replace(
        '<zeebe:header key="eiso.timeLimit" value="0.5" /></zeebe:taskHeaders>',
        '<zeebe:header key="eiso.timeLimit" value="0.5" /></zeebe:taskHeaders><zeebe:ioMapping><zeebe:output source="=hinhThucTra" target="hinhThucTra" /></zeebe:ioMapping>',
      );
    expect(xml).toContain('target="ketQua"');
    expect(xml).toContain('target="giayToBoSung"');
    expect(xml).toContain('target="hinhThucTra"');
    const dep = await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  });
  afterAll(async () => {
    await p?.close();
  });

  const download = async (c: Client | null, url: string, headers: Record<string, string> = {}) => {
    const r = await p.app.inject({ method: 'GET', url, headers: { ...(c ? { authorization: `Bearer ${c.token}` } : {}), ...headers } });
    return { status: r.statusCode, type: r.headers['content-type'], body: r.rawPayload, json: () => r.json() };
  };
  const pdfOf = async (c: Client, url: string) => {
    const r = await download(c, url);
    expect(r.status, r.body.toString().slice(0, 300)).toBe(200);
    expect(r.type).toBe('application/pdf');
    return pdfWords(r.body);
  };
  const dossierRow = (code: string) => p.db('dossiers').where({ code }).first();
  const statusIs = (code: string, status: string) =>
    waitFor(async () => ((await dossierRow(code))?.status === status ? dossierRow(code) : undefined), `status ${status}`, 30_000);

  it('in person, incomplete: the same 400 as before, and the completion request (Mẫu 02) is recorded and printed', async () => {
    const r = await desk.post('/api/onestop/dossiers', { procedureCode: procedure.code, applicant, documents: [{ code: 'GCN', copies: 1 }] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({
      code: 'DOSSIER_INCOMPLETE',
      message:
        'Hồ sơ chưa đầy đủ, còn thiếu: Đơn đăng ký biến động; Bản gốc Giấy chứng nhận (cần 2 bản, mới có 1) / The dossier is incomplete; missing: DON, GCN',
      params: { missing: 'Đơn đăng ký biến động; Bản gốc Giấy chứng nhận (cần 2 bản, mới có 1)' },
    });
    const formId = String(r.body.params.formId);
    expect(await p.db('dossiers').where({ procedure_code: procedure.code }).first()).toBeUndefined();
    const row = await p.db('onestop_reception_forms').where({ id: formId }).first();
    expect(row).toMatchObject({ form: '02', dossier_id: null, procedure_code: procedure.code, desk_unit_code: 'SNNMT-VP', issued_by: desk.user.username });
    expect(row.documents.map((d: { code: string }) => d.code)).toEqual(['DON', 'GCN']);
    const text = await pdfOf(desk, `/api/onestop/reception-forms/${formId}/pdf`);
    const at = vnWritten(row.issued_at);
    for (const s of [
      'Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      'SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG',
      'Hồ sơ của: Nguyễn Văn An',
      `Nội dung yêu cầu giải quyết: Đăng ký biến động đất đai (mẫu) (mã thủ tục ${procedure.code})`,
      'Số điện thoại: 0912345678',
      '1. Đơn đăng ký biến động (cần 1 bản, đã có 0)',
      '2. Bản gốc Giấy chứng nhận (cần 2 bản, đã có 1)',
      'Lý do: Hồ sơ chưa đầy đủ thành phần theo quy định của thủ tục',
      `Thời gian hướng dẫn: ${at.time}`,
      at.words,
      'NGƯỜI HƯỚNG DẪN',
      'Lê Thị Tiếp Nhận',
    ])
      expect(text).toContain(s);
    // Unknown codes are a typing error, not a request: nothing recorded.
    const before = await p.db('onestop_reception_forms').count<{ n: string }[]>({ n: '*' });
    const typo = await desk.post('/api/onestop/dossiers', { procedureCode: procedure.code, applicant, documents: [{ code: 'SO-DO', copies: 1 }] });
    expect(typo.status).toBe(400);
    expect(typo.body.code).toBe('UNKNOWN_DOCUMENTS');
    expect(await p.db('onestop_reception_forms').count<{ n: string }[]>({ n: '*' })).toEqual(before);
  });

  it('in person, refused: the desk records the refusal (Mẫu 03) and prints it; others may not issue or read it', async () => {
    const body = {
      form: '03',
      procedureCode: procedure.code,
      applicant: { name: 'Trần Thị Bình', idNumber: '079188001234', address: '5 Trần Phú, phường Hải Châu' },
      reason: 'Thửa đất nằm ngoài địa bàn tỉnh, không thuộc thẩm quyền giải quyết của Sở',
    };
    expect((await specialist.post('/api/onestop/reception-forms', body)).status).toBe(403);
    const r = await desk.post('/api/onestop/reception-forms', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ form: '03', dossierId: null, applicantName: 'Trần Thị Bình', issuedBy: desk.user.username, reason: body.reason });
    const text = await pdfOf(desk, `/api/onestop/reception-forms/${r.body.id}/pdf`);
    const at = vnWritten(new Date(r.body.issuedAt));
    for (const s of [
      'Mẫu số 03 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      'Ông/bà: Trần Thị Bình',
      'Số định danh cá nhân/tổ chức: 079188001234',
      'Mã hồ sơ (nếu có): —',
      body.reason,
      `Thời gian từ chối: ${at.time}`,
      at.words,
      'NGƯỜI NỘP HỒ SƠ',
      'NGƯỜI TIẾP NHẬN HỒ SƠ',
      'Lê Thị Tiếp Nhận',
    ])
      expect(text).toContain(s);
    const audit = await p.db('audit_log').where({ action: 'onestop.reception.refuse', target_id: r.body.id }).first();
    expect(audit.actor).toBe(desk.user.username);
    // leader and auditor over the desk read it; an officer elsewhere, a designer, the citizen do not
    expect((await download(leader, `/api/onestop/reception-forms/${r.body.id}/pdf`)).status).toBe(200);
    expect((await download(auditor, `/api/onestop/reception-forms/${r.body.id}/pdf`)).status).toBe(200);
    expect((await download(stranger, `/api/onestop/reception-forms/${r.body.id}/pdf`)).status).toBe(403);
    expect((await download(designer, `/api/onestop/reception-forms/${r.body.id}/pdf`)).status).toBe(403);
    expect((await download(null, `/api/onestop/reception-forms/${r.body.id}/pdf`)).status).toBe(401);
    expect((await download(desk, '/api/onestop/reception-forms/987654321/pdf')).status).toBe(404);
  });

  it('online submission: the completion request and the refusal answer as before and carry their forms 02 and 03 with the dossier code', async () => {
    const sub = await insertDossier(p.db, procedure.code, {
      channel: 'online',
      status: 'SUBMITTED',
      received_at: null,
      applicant: JSON.stringify({ name: 'Võ Thị Cúc', email: 'cuc@example.vn', phone: '0987654321' }),
    });
    const asked = await desk.post(`/api/onestop/dossiers/${sub.id}/request-completion`, { reason: 'Bản chụp Giấy chứng nhận bị mờ', documents: ['GCN'] });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({ status: 'SUPPLEMENT_REQUESTED_AT_RECEIPT', forms: ['02'] });
    const f02 = await pdfOf(desk, `/api/onestop/dossiers/${sub.id}/forms/02`);
    for (const s of [
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      `Mã hồ sơ: ${sub.code}`,
      'Hồ sơ của: Võ Thị Cúc',
      '1. Bản gốc Giấy chứng nhận',
      'Lý do: Bản chụp Giấy chứng nhận bị mờ',
    ])
      expect(f02).toContain(s);
    expect((await download(desk, `/api/onestop/dossiers/${sub.id}/forms/03`)).status).toBe(409);
    const refused = await desk.post(`/api/onestop/dossiers/${sub.id}/refuse`, { reason: 'Quá thời hạn bổ sung mà không hoàn thiện' });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'RECEIPT_REFUSED', statusReason: 'Quá thời hạn bổ sung mà không hoàn thiện', forms: ['02', '03'] });
    const row = await dossierRow(sub.code);
    const f03 = await pdfOf(desk, `/api/onestop/dossiers/${sub.id}/forms/03`);
    for (const s of [
      'PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ',
      `Mã hồ sơ (nếu có): ${sub.code}`,
      'Ông/bà: Võ Thị Cúc',
      'Quá thời hạn bổ sung mà không hoàn thiện',
      `Thời gian từ chối: ${vnWritten(row.closed_at).time}`,
    ])
      expect(f03).toContain(s);
    // never received: no control slip
    expect((await download(desk, `/api/onestop/dossiers/${sub.id}/forms/06`)).json()).toMatchObject({
      code: 'ONESTOP_FORM_NOT_ISSUED',
      params: { form: '06' },
    });
  });

  let processed: { id: string; code: string; key: string };
  let withdrawn: { id: string; code: string };

  it('processing: the control slip (Mẫu 06) lists each hand-over with its officer, times, due time and on time or not', async () => {
    const r = await receiveAtDesk(p.app, desk, { procedureCode: procedure.code, applicant, documents: complete });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    processed = { id: r.body.id, code: r.body.code, key: r.body.processInstanceKey };
    expect(r.body.forms).toEqual(['06']);
    const task = await waitFor(() => openTask(p.db, processed.key, 'ThamDinh'), 'the appraisal step', 30_000);
    expect((await specialist.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    const done = await specialist.post(`/api/tasks/${task}/complete`, { variables: { canBoSung: false, lyDoBoSung: '', ketQua: 'cap' } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    await statusIs(processed.code, 'RESULT_AT_DESK');
    await waitFor(() => openTask(p.db, processed.key, 'TraKetQua'), 'the return step', 30_000);
    const d = await dossierRow(processed.code);
    const appraisal = await p.db('inbox_tasks').where({ process_instance_key: processed.key, element_id: 'ThamDinh' }).first();
    const ret = await p.db('inbox_tasks').where({ process_instance_key: processed.key, element_id: 'TraKetQua' }).first();
    const due = await p.db('step_deadlines').where({ element_instance_key: appraisal.element_instance_key }).first();
    const retDue = await waitFor(() => p.db('step_deadlines').where({ element_instance_key: ret.element_instance_key }).first(), 'the return step deadline');
    // Done today, due two working days later (a later date): before the due date.
    expect(vnWritten(due.due_at).date > vnWritten(appraisal.completed_at).date).toBe(true);
    const text = await pdfOf(desk, `/api/onestop/dossiers/${processed.id}/forms/06`);
    for (const s of [
      'Mẫu số 06 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
      `Mã hồ sơ: ${processed.code}`,
      'Cơ quan (bộ phận) giải quyết: Sở Nông nghiệp và Môi trường',
      `Thời gian nhận hồ sơ: ${vnWritten(d.received_at).time}`,
      `Thời gian hẹn trả kết quả: ${vnWritten(d.appointment_at).time}`,
      // row 1: the receipt, from the applicant to the desk officer
      `1 Tiếp nhận hồ sơ Văn phòng Sở (Bộ phận một cửa) Giao: Người nộp hồ sơ: Nguyễn Văn An Nhận: Lê Thị Tiếp Nhận ${vnWritten(d.received_at).short} ${vnWritten(appraisal.created_at).short}`,
      // row 2: the appraisal, from the desk officer to the specialist, finished before its due date
      `2 Thẩm định hồ sơ Phòng Quản lý đất đai Giao: Lê Thị Tiếp Nhận Nhận: Phạm Văn Thẩm Định ${vnWritten(appraisal.created_at).short} ${vnWritten(appraisal.completed_at).short} ${vnWritten(due.due_at).short} Trước hạn`,
      // row 3: the return, open, nobody holds it yet
      `3 Trả kết quả Văn phòng Sở (Bộ phận một cửa) Giao: Phạm Văn Thẩm Định Nhận: Văn phòng Sở (Bộ phận một cửa) (chưa nhận xử lý) ${vnWritten(ret.created_at).short} — ${vnWritten(retDue.due_at).short} Đang xử lý, trong hạn`,
      // ready today, appointment five working days on
      'Kết quả giải quyết hồ sơ: Trước hạn',
      `Thời gian có kết quả: ${vnWritten(d.resolved_at).time}`,
    ])
      expect(text).toContain(s);
  });

  it('the forms are for the desk, the officers of the dossier units, leaders and auditors over them; not for others or the citizen', async () => {
    const url = `/api/onestop/dossiers/${processed.id}/forms/06`;
    for (const c of [desk, specialist, leader, auditor]) expect((await download(c, url)).status).toBe(200);
    const other = await download(stranger, url);
    expect(other.status).toBe(403);
    expect(other.body.toString()).not.toContain('Nguyễn Văn An');
    expect((await download(designer, url)).status).toBe(403);
    const row = await dossierRow(processed.code);
    // the citizen: no account; the lookup key opens the public lookup, not the staff forms
    expect((await download(null, url)).status).toBe(401);
    expect((await download(null, url, { 'x-lookup-token': row.lookup_token })).status).toBe(401);
    // the dossier page offers only what the reader may print
    expect((await desk.get(`/api/onestop/dossiers/${processed.id}`)).body.forms).toEqual(['06']);
    expect((await designer.get(`/api/onestop/dossiers/${processed.id}`)).body.forms).toEqual([]);
  });

  it('withdrawal: the notice of stopping (Mẫu 05) gives the request, its reason and the stop', async () => {
    const r = await receiveAtDesk(p.app, desk, { procedureCode: procedure.code, applicant, documents: complete });
    expect(r.status).toBe(201);
    withdrawn = { id: r.body.id, code: r.body.code };
    await waitFor(() => openTask(p.db, r.body.processInstanceKey, 'ThamDinh'), 'the appraisal step', 30_000);
    expect((await download(desk, `/api/onestop/dossiers/${withdrawn.id}/forms/05`)).status).toBe(409);
    const w = await desk.post(`/api/onestop/dossiers/${withdrawn.id}/withdraw`, { reason: 'Công dân xin rút hồ sơ để bổ sung hợp đồng chuyển nhượng' });
    expect(w.status, JSON.stringify(w.body)).toBe(202);
    const d = await statusIs(withdrawn.code, 'WITHDRAWN');
    const request = await p.db('dossier_events').where({ dossier_id: withdrawn.id, type: 'withdrawal.requested' }).first();
    expect((await desk.get(`/api/onestop/dossiers/${withdrawn.id}`)).body.forms).toEqual(['05', '06']);
    const text = await pdfOf(desk, `/api/onestop/dossiers/${withdrawn.id}/forms/05`);
    for (const s of [
      'Mẫu số 05 (Thông tư số 03/2025/TT-VPCP)',
      'THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ',
      'Kính gửi: Ông/bà Nguyễn Văn An',
      `Mã hồ sơ: ${withdrawn.code}`,
      `Thời gian nhận hồ sơ: ${vnWritten(d.received_at).time}`,
      `Vào ${vnWritten(request.at).words}, Sở Nông nghiệp và Môi trường nhận được đề nghị dừng giải quyết hồ sơ`,
      'Lý do: Công dân xin rút hồ sơ để bổ sung hợp đồng chuyển nhượng',
      `thông báo dừng giải quyết hồ sơ kể từ ${vnWritten(d.closed_at).time}`,
      'BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ',
      'Lê Thị Tiếp Nhận',
    ])
      expect(text).toContain(s);
    // its control slip: the appraisal was cancelled by the stop (the step's end reaches the records from the
    // engine's history, moments after the status); the dossier counts on time (II.06a)
    const slip = await waitFor(async () => {
      const t = await pdfOf(leader, `/api/onestop/dossiers/${withdrawn.id}/forms/06`);
      return t.includes('Bước bị hủy (hồ sơ dừng hoặc chuyển hướng)') ? t : false;
    }, 'the cancelled appraisal on the control slip');
    expect(slip).toContain('Kết quả giải quyết hồ sơ: Dừng giải quyết (tính đúng hạn)');
  });

  it('the register (Mẫu 07) of the desk over a period, as Excel rows and as PDF; other units refused', async () => {
    // the processed dossier's result is handed to the applicant at the desk
    const giving = await waitFor(() => openTask(p.db, processed.key, 'TraKetQua'), 'the return step');
    expect((await desk.post(`/api/tasks/${giving}/claim`)).status).toBe(200);
    const gave = await desk.post(`/api/tasks/${giving}/complete`, { variables: { hinhThucTra: 'tai-quay' } });
    expect(gave.status, JSON.stringify(gave.body)).toBe(200);
    await statusIs(processed.code, 'RETURNED');
    const today = vnWritten(new Date()).date;
    const url = `/api/onestop/register?unit=SNNMT-VP&from=${today}&to=${today}`;
    const x = await download(desk, `${url}&format=xlsx`);
    expect(x.status).toBe(200);
    expect(x.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ArrayBuffer);
    const ws = wb.worksheets[0];
    expect(ws.getCell('A2').value).toBe('SỔ THEO DÕI HỒ SƠ');
    expect(ws.getRow(5).values).toEqual([
      undefined,
      'STT',
      'Mã hồ sơ',
      'Tên thủ tục hành chính',
      'Tên tổ chức, cá nhân',
      'Địa chỉ, số điện thoại',
      'Cơ quan chủ trì giải quyết',
      'Nhận hồ sơ',
      'Hẹn trả kết quả',
      'Trả kết quả',
      'Phương thức nhận kết quả',
      'Ký nhận',
    ]);
    const rows: unknown[][] = [];
    ws.eachRow((r, n) => {
      if (n > 5) rows.push((r.values as unknown[]).slice(1));
    });
    const mine = rows.filter((r) => r[1] === processed.code || r[1] === withdrawn.code);
    const a = await dossierRow(processed.code);
    const b = await dossierRow(withdrawn.code);
    const line = (d: typeof a, returned: string, how: string) => [
      d.code,
      'Đăng ký biến động đất đai (mẫu)',
      'Nguyễn Văn An',
      '12 Lê Lợi, xã Tân Phú · 0912345678',
      'Sở Nông nghiệp và Môi trường',
      vnWritten(d.received_at).short,
      vnWritten(d.appointment_at).short,
      returned,
      how,
    ];
    // in order of receipt; the refused online submission was never received, so it is not in the register
    expect(mine.map((r) => r.slice(1, 10))).toEqual([
      line(a, vnWritten(a.returned_at).short, 'Trực tiếp tại Bộ phận một cửa'),
      line(b, '', 'Tại Bộ phận một cửa'),
    ]);
    // numbered 1, 2, 3… down the register (other files receive at the same desk meanwhile: ours need not be adjacent)
    const numbers = rows.map((r) => r[0]).filter((n) => typeof n === 'number' || /^\d+$/.test(String(n)));
    expect(numbers.map(Number)).toEqual(numbers.map((_, i) => i + 1));
    expect(Number(mine[1][0])).toBeGreaterThan(Number(mine[0][0]));
    const text = await pdfOf(leader, url);
    for (const s of ['Mẫu số 07 (Thông tư số 03/2025/TT-VPCP)', 'SỔ THEO DÕI HỒ SƠ', 'VĂN PHÒNG SỞ (BỘ PHẬN MỘT CỬA)', processed.code, withdrawn.code])
      expect(text).toContain(s);
    expect(text).toContain(`Từ ngày ${today.split('-').reverse().join('/')} đến ngày ${today.split('-').reverse().join('/')}`);
    expect((await download(auditor, url)).status).toBe(200);
    const other = await download(stranger, url);
    expect(other.status).toBe(403);
    expect(other.json()).toMatchObject({ code: 'UNIT_OUTSIDE_SCOPE', params: { unit: 'SNNMT-VP' } });
    expect((await download(designer, url)).status).toBe(403);
    expect((await download(null, url)).status).toBe(401);
    expect((await download(desk, `/api/onestop/register?unit=SNNMT-VP&from=${today}&to=2020-01-01`)).json()).toMatchObject({ code: 'PERIOD_FROM_AFTER_TO' });
    expect((await download(desk, '/api/onestop/register?unit=SNNMT-VP&from=2024-01-01&to=2025-12-31')).json()).toMatchObject({
      code: 'REGISTER_TOO_LONG',
      params: { days: 366 },
    });
  });

  it('supplement asked during processing: Mẫu 02 from the request (reason, items, officer and unit, time), one per request, scoped', async () => {
    const r = await receiveAtDesk(p.app, desk, { procedureCode: procedure.code, applicant, documents: complete });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const dossier = { id: r.body.id as string, code: r.body.code as string, key: r.body.processInstanceKey as string };
    const url = `/api/onestop/dossiers/${dossier.id}/forms/02-processing`;
    // nothing asked yet: no form
    expect((await download(desk, url)).json()).toMatchObject({ code: 'ONESTOP_FORM_NOT_ISSUED', params: { form: '02-processing' } });
    const task = await waitFor(() => openTask(p.db, dossier.key, 'ThamDinh'), 'the appraisal step', 30_000);
    expect((await specialist.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    const asked = await specialist.post(`/api/tasks/${task}/complete`, {
      variables: {
        canBoSung: true,
        lyDoBoSung: 'Giấy chứng nhận nộp kèm không khớp số thửa trên đơn',
        ketQua: 'cap',
        // a code of the checklist is its document; other text is the item as written
        giayToBoSung: ['GCN', 'Sơ đồ thửa đất có xác nhận của Ủy ban nhân dân xã'],
      },
    });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    await statusIs(dossier.code, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
    const sup = await p.db('dossier_supplements').where({ dossier_id: dossier.id }).first();
    expect(sup).toMatchObject({
      requested_by: specialist.user.username,
      requested_by_name: 'Phạm Văn Thẩm Định',
      requested_unit_code: 'SNNMT-QLDD',
      documents: [{ code: 'GCN', name: 'Bản gốc Giấy chứng nhận' }, { name: 'Sơ đồ thửa đất có xác nhận của Ủy ban nhân dân xã' }],
    });
    // listed among the dossier's forms (no reception 02: it was complete at the desk)
    expect((await desk.get(`/api/onestop/dossiers/${dossier.id}`)).body.forms).toEqual(['02-processing', '06']);
    const d = await dossierRow(dossier.code);
    const at = vnWritten(sup.requested_at);
    const text = await pdfOf(desk, url);
    for (const s of [
      'Mẫu số 02 (Thông tư số 03/2025/TT-VPCP)',
      'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ',
      'SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG',
      `Mã hồ sơ: ${dossier.code}`,
      'Hồ sơ của: Nguyễn Văn An',
      `Nội dung yêu cầu giải quyết: Đăng ký biến động đất đai (mẫu) (mã thủ tục ${procedure.code})`,
      'Số định danh cá nhân/tổ chức: 001203004567',
      'Số điện thoại: 0912345678',
      `Thời gian nhận hồ sơ: ${vnWritten(d.received_at).time}`,
      'Trong quá trình giải quyết, Phòng Quản lý đất đai yêu cầu ông/bà bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:',
      '1. Bản gốc Giấy chứng nhận',
      '2. Sơ đồ thửa đất có xác nhận của Ủy ban nhân dân xã',
      'Lý do: Giấy chứng nhận nộp kèm không khớp số thửa trên đơn',
      `Thời gian yêu cầu bổ sung: ${at.time}`,
      'hồ sơ chỉ được yêu cầu bổ sung một lần (Nghị định số 118/2025/NĐ-CP)',
      'ông/bà liên hệ Phạm Văn Thẩm Định, Phòng Quản lý đất đai hoặc Bộ phận tiếp nhận và trả kết quả Văn phòng Sở (Bộ phận một cửa)',
      at.words,
      'NGƯỜI HƯỚNG DẪN',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain('Thời gian ông/bà đã bổ sung');

    // Zeebe delivers at least once: the same job (same element instance) run again writes nothing more.
    const appraisal = await p.db('inbox_tasks').where({ process_instance_key: dossier.key, element_id: 'ThamDinh' }).first();
    const notices = await p.db('dossier_notices').where({ dossier_id: dossier.id }).count<{ n: string }[]>({ n: '*' });
    const outcome: string[] = [];
    const again = {
      key: '1',
      type: 'onestop-supplement-request',
      elementId: 'YeuCauBoSung',
      elementInstanceKey: String(sup.element_instance_key),
      processInstanceKey: dossier.key,
      processDefinitionKey: String(appraisal.process_definition_key),
      bpmnProcessId: appraisal.bpmn_process_id,
      processDefinitionVersion: appraisal.process_version,
      variables: {
        lyDoBoSung: 'Giấy chứng nhận nộp kèm không khớp số thửa trên đơn',
        giayToBoSung: ['GCN', 'Sơ đồ thửa đất có xác nhận của Ủy ban nhân dân xã'],
      },
      customHeaders: {},
      retries: 3,
      deadline: String(Date.now() + 30_000),
      complete: () => (outcome.push('complete'), 'JOB_ACTION_ACKNOWLEDGEMENT'),
      fail: (o: { errorMessage: string }) => (outcome.push(`fail ${o.errorMessage}`), 'JOB_ACTION_ACKNOWLEDGEMENT'),
    } as unknown as ZeebeJob;
    await onestopSupplementRequestJob.handle(again, { db: p.db, zeebe: p.zeebe, log: { info: () => {}, warn: () => {}, error: () => {} } });
    await onestopSupplementRequestJob.handle(again, { db: p.db, zeebe: p.zeebe, log: { info: () => {}, warn: () => {}, error: () => {} } });
    expect(outcome).toEqual(['complete', 'complete']);
    expect(await p.db('dossier_supplements').where({ dossier_id: dossier.id })).toHaveLength(1);
    expect(await p.db('dossier_notices').where({ dossier_id: dossier.id }).count<{ n: string }[]>({ n: '*' })).toEqual(notices);
    expect((await desk.get(`/api/onestop/dossiers/${dossier.id}`)).body.forms).toEqual(['02-processing', '06']);

    // The citizen supplements; the appraisal asks again: refused (one supplement, NĐ 118/2025), still one form.
    await p.zeebe.publishMessage({
      name: 'onestop-supplement',
      correlationKey: dossier.code,
      messageId: `supplement-${sup.id}`,
      timeToLive: 60_000,
      variables: {},
    });
    const second = await waitFor(() => openTask(p.db, dossier.key, 'ThamDinh'), 'the appraisal again', 30_000);
    expect((await specialist.post(`/api/tasks/${second}/claim`)).status).toBe(200);
    const twice = await specialist.post(`/api/tasks/${second}/complete`, {
      variables: { canBoSung: true, lyDoBoSung: 'Lần hai: thiếu hợp đồng', ketQua: 'cap', giayToBoSung: 'Hợp đồng chuyển nhượng' },
    });
    expect(twice.status, JSON.stringify(twice.body)).toBe(200);
    await waitFor(() => p.db('dossier_events').where({ dossier_id: dossier.id, type: 'processing.supplement_refused' }).first(), 'the refusal', 30_000);
    expect(await p.db('dossier_supplements').where({ dossier_id: dossier.id })).toHaveLength(1);
    expect((await desk.get(`/api/onestop/dossiers/${dossier.id}`)).body.forms).toEqual(['02-processing', '06']);
    const answered = await p.db('dossier_supplements').where({ dossier_id: dossier.id }).first();
    const after = await pdfOf(specialist, url);
    expect(after).toContain('Lý do: Giấy chứng nhận nộp kèm không khớp số thửa trên đơn');
    expect(after).toContain(`Thời gian ông/bà đã bổ sung: ${vnWritten(answered.submitted_at).time}`);
    expect(after).not.toContain('Lần hai');

    // the same readers as the other forms: desk, the dossier's units, leaders and auditors over them
    for (const c of [desk, specialist, leader, auditor]) expect((await download(c, url)).status).toBe(200);
    const other = await download(stranger, url);
    expect(other.status).toBe(403);
    expect(other.body.toString()).not.toContain('Nguyễn Văn An');
    expect((await download(designer, url)).status).toBe(403);
    expect((await download(null, url)).status).toBe(401);
    expect((await download(null, url, { 'x-lookup-token': d.lookup_token })).status).toBe(401);
    expect((await download(desk, `/api/onestop/dossiers/${dossier.id}/forms/02-bogus`)).status).toBe(400);
    // a dossier never asked has no such form
    expect((await download(desk, `/api/onestop/dossiers/${processed.id}/forms/02-processing`)).json()).toMatchObject({ code: 'ONESTOP_FORM_NOT_ISSUED' });
  });

  it('transfers: Mẫu 06 lists each hand-over to another agency and back, in time order with the steps, judged by the one lateness rule', async () => {
    const commune = await createUnit(p.db, { name: 'Ủy ban nhân dân xã Tân Phú (thử)' });
    const construction = await createUnit(p.db, { name: 'Sở Xây dựng (thử)' });
    const approver = await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT', fullName: 'Đỗ Thị Phê Duyệt' });
    const key = `77${Date.now()}`.slice(0, 17);
    // Received Monday 02/03/2026 08:30 (Vietnam, UTC+7), appointment Monday 09/03/2026 17:00, result ready 09/03 14:10.
    const d = await insertDossier(p.db, procedure.code, {
      applicant: JSON.stringify(applicant),
      status: 'RESULT_AT_DESK',
      received_at: new Date('2026-03-02T01:30:00Z'),
      received_by: desk.user.username,
      original_appointment_at: new Date('2026-03-09T10:00:00Z'),
      appointment_at: new Date('2026-03-09T10:00:00Z'),
      resolved_at: new Date('2026-03-09T07:10:00Z'),
      process_instance_key: key,
    });
    const task = async (n: number, t: Record<string, unknown>, due: string) => {
      const eik = `${key}${n}`;
      await p.db('inbox_tasks').insert({
        job_key: `${key}${n}0`,
        process_instance_key: key,
        element_instance_key: eik,
        process_definition_key: '1',
        bpmn_process_id: procedure.bpmnProcessId,
        process_version: 1,
        status: 'completed',
        ...t,
      });
      await p.db('step_deadlines').insert({
        element_instance_key: eik,
        process_instance_key: key,
        process_definition_key: '1',
        bpmn_process_id: procedure.bpmnProcessId,
        element_id: t.element_id,
        time_limit_days: 2,
        started_at: t.created_at,
        due_at: new Date(due),
        remind_at: new Date(due),
      });
    };
    // appraisal 02/03 08:45 → 03/03 10:00, due 04/03 17:00: before its date
    await task(
      1,
      {
        element_id: 'ThamDinh',
        name: 'Thẩm định hồ sơ',
        candidate_groups: ['SNNMT-QLDD/officer'],
        assignee: specialist.user.username,
        completed_by: specialist.user.username,
        created_at: new Date('2026-03-02T01:45:00Z'),
        completed_at: new Date('2026-03-03T03:00:00Z'),
      },
      '2026-03-04T10:00:00Z',
    );
    // approval 09/03 09:05 → 09/03 14:00, due 10/03 17:00: before its date
    await task(
      2,
      {
        element_id: 'PheDuyet',
        name: 'Phê duyệt',
        candidate_groups: ['SNNMT/leader'],
        assignee: approver.username,
        completed_by: approver.username,
        created_at: new Date('2026-03-09T02:05:00Z'),
        completed_at: new Date('2026-03-09T07:00:00Z'),
      },
      '2026-03-10T10:00:00Z',
    );
    // to the commune 03/03 10:05, due 05/03 17:00, back 05/03 17:20: twenty minutes after the due time but
    // on its date, so on time (dates compared; the leg's own on_time flag, minutes compared, says late)
    await p.db('dossier_transfers').insert({
      dossier_id: d.id,
      element_instance_key: `${key}81`,
      to_unit_code: commune,
      budget_days: 2,
      sent_at: new Date('2026-03-03T03:05:00Z'),
      due_at: new Date('2026-03-05T10:00:00Z'),
      returned_at: new Date('2026-03-05T10:20:00Z'),
      on_time: false,
    });
    // to the construction department 05/03 17:30, due 06/03 17:00 (half a day, Friday), back Monday 09/03 09:00: late
    await p.db('dossier_transfers').insert({
      dossier_id: d.id,
      element_instance_key: `${key}82`,
      to_unit_code: construction,
      budget_days: 0.5,
      sent_at: new Date('2026-03-05T10:30:00Z'),
      due_at: new Date('2026-03-06T10:00:00Z'),
      returned_at: new Date('2026-03-09T02:00:00Z'),
      on_time: false,
    });
    const text = await pdfOf(desk, `/api/onestop/dossiers/${d.id}/forms/06`);
    for (const s of [
      'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ',
      `Mã hồ sơ: ${d.code}`,
      'Cơ quan phối hợp giải quyết: Ủy ban nhân dân xã Tân Phú (thử); Sở Xây dựng (thử)',
      'Thời gian nhận hồ sơ: 08 giờ 30 phút, ngày 02/03/2026',
      'Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 09/03/2026',
      '1 Tiếp nhận hồ sơ Văn phòng Sở (Bộ phận một cửa) Giao: Người nộp hồ sơ: Nguyễn Văn An Nhận: Lê Thị Tiếp Nhận 08:30 02/03/2026 08:45 02/03/2026 —',
      '2 Thẩm định hồ sơ Phòng Quản lý đất đai Giao: Lê Thị Tiếp Nhận Nhận: Phạm Văn Thẩm Định 08:45 02/03/2026 10:00 03/03/2026 17:00 04/03/2026 Trước hạn',
      '3 Chuyển liên thông Ủy ban nhân dân xã Tân Phú (thử) Giao: Phạm Văn Thẩm Định Nhận: Ủy ban nhân dân xã Tân Phú (thử) 10:05 03/03/2026 17:20 05/03/2026 17:00 05/03/2026 Đúng hạn Liên thông 2 ngày làm việc; trả kết quả về Sở Nông nghiệp và Môi trường',
      '4 Chuyển liên thông Sở Xây dựng (thử) Giao: Ủy ban nhân dân xã Tân Phú (thử) Nhận: Sở Xây dựng (thử) 17:30 05/03/2026 09:00 09/03/2026 17:00 06/03/2026 Quá hạn Liên thông 0,5 ngày làm việc; trả kết quả về Sở Nông nghiệp và Môi trường',
      '5 Phê duyệt Sở Nông nghiệp và Môi trường Giao: Sở Xây dựng (thử) Nhận: Đỗ Thị Phê Duyệt 09:05 09/03/2026 14:00 09/03/2026 17:00 10/03/2026 Trước hạn',
      // ready 09/03 on the appointment date
      'Kết quả giải quyết hồ sơ: Đúng hạn',
      'Thời gian có kết quả: 14 giờ 10 phút, ngày 09/03/2026',
    ])
      expect(text).toContain(s);

    // a leg still open: waiting for the agency, past its date (the form is drawn today, after 06/03/2026)
    await p
      .db('dossier_transfers')
      .where({ element_instance_key: `${key}82` })
      .update({ returned_at: null });
    const open = await pdfOf(desk, `/api/onestop/dossiers/${d.id}/forms/06`);
    expect(open).toContain(
      `4 Chuyển liên thông Sở Xây dựng (thử) Giao: Ủy ban nhân dân xã Tân Phú (thử) Nhận: Sở Xây dựng (thử) 17:30 05/03/2026 — 17:00 06/03/2026 Đang xử lý, quá hạn Liên thông 0,5 ngày làm việc; đang chờ Sở Xây dựng (thử) trả kết quả`,
    );
  });
});

describe('the items of a processing supplement (variable giayToBoSung) are hostile input: capped before anything is written', () => {
  it('takes a list or one text with an item per line, and refuses what is too long, too many or of another type', () => {
    expect(supplementItems(undefined)).toEqual([]);
    expect(supplementItems(['GCN', '  Sơ đồ\tthửa đất  ', ''])).toEqual(['GCN', 'Sơ đồ thửa đất']);
    expect(supplementItems('Bản sao căn cước\r\nHợp đồng chuyển nhượng; Sơ đồ')).toEqual(['Bản sao căn cước', 'Hợp đồng chuyển nhượng', 'Sơ đồ']);
    expect(supplementItems(Array.from({ length: 20 }, (_, i) => `Giấy tờ ${i + 1}`))).toHaveLength(20);
    for (const bad of [
      Array.from({ length: 21 }, (_, i) => `Giấy tờ ${i + 1}`),
      ['x'.repeat(501)],
      'a;'.repeat(30_000),
      [{ name: 'GCN' }],
      { GCN: true },
      42,
    ]) {
      const r = supplementItems(bad);
      expect(r).toBeInstanceOf(InvalidJob);
      expect((r as InvalidJob).errorMessage).toBe(
        'Biến giayToBoSung phải là danh sách tối đa 20 nội dung, mỗi nội dung tối đa 500 ký tự / Variable giayToBoSung must be a list of at most 20 items of at most 500 characters',
      );
    }
  });
});
