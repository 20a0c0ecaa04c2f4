import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const PROCESS_ID = 'xu-ly-van-ban-den';

/** A small but real PDF. */
export const SAMPLE_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
/** The 8-byte PNG signature and an IHDR chunk header are enough for the magic check. */
const SAMPLE_PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0', 'latin1'),
]);
/** A Windows executable (MZ header). */
const EXECUTABLE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(200, 0)]);

/** A minimal zip holding the given part names (stored uncompressed enough for our header check). */
function zipWith(names: string[]): Buffer {
  const parts = names.map((name) => {
    const data = deflateRawSync(Buffer.from('<x/>'));
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(8, 8);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(4, 22);
    header.writeUInt16LE(Buffer.byteLength(name), 26);
    return Buffer.concat([header, Buffer.from(name), data]);
  });
  return Buffer.concat(parts);
}

describe('the task view: attachments, comments, diagram, step settings and send back', () => {
  let p: TestPlatform;
  let clerk: Client; // SNNMT-VP officer: receives the document
  let clerkPeer: Client; // another SNNMT-VP officer: sees the task, does not hold it
  let leader: Client; // SNNMT leader: assigns and approves
  let specialist: Client; // SNNMT-QLDD officer: handles it
  let outsider: Client; // a commune officer: sees none of it
  let instanceKey: string;
  let firstTaskId: string;
  let pdfId: string;

  beforeAll(async () => {
    p = await startTestPlatform();
    clerk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    clerkPeer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
    const started = await clerk.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `VBD-${Date.now()}` } });
    expect(started.status).toBe(201);
    instanceKey = started.body.processInstanceKey;
    firstTaskId = (await nextTask(clerk, instanceKey, 'VanThuTiepNhan')).id;
  });
  afterAll(async () => p?.close());

  const nextTask = (who: Client, key: string, elementId: string, not?: string) =>
    waitFor(async () => {
      const r = await who.get('/api/tasks?limit=200');
      return (r.body.items as any[]).find((t) => t.processInstanceKey === key && t.elementId === elementId && t.status === 'open' && t.id !== not);
    }, `${elementId} in the inbox of ${who.user.username}`);

  const upload = async (who: Client, taskId: string, name: string, content: Buffer) => {
    const r = await p.app.inject({
      method: 'POST',
      url: `/api/tasks/${taskId}/attachments?name=${encodeURIComponent(name)}`,
      headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/octet-stream' },
      payload: content,
    });
    return { status: r.statusCode, body: r.json() };
  };
  const download = (who: Client, taskId: string, attachmentId: string) =>
    p.app.inject({ method: 'GET', url: `/api/tasks/${taskId}/attachments/${attachmentId}`, headers: { authorization: `Bearer ${who.token}` } });
  const rowOf = (jobKey: string) => p.db('inbox_tasks').where({ job_key: jobKey }).first();
  const attachmentCount = async () =>
    Number((await p.db('task_attachments').where({ process_instance_key: instanceKey }).count<{ count: string }[]>({ count: '*' }))[0].count);
  /** The platform's file store: the test data folder (os.tmpdir()/eiso-data-*) that holds a stored content. */
  const filesDirOf = (sha256: string) => {
    const root = readdirSync(os.tmpdir())
      .filter((d) => d.startsWith('eiso-data-'))
      .map((d) => path.join(os.tmpdir(), d, 'files'))
      .find((dir) => existsSync(path.join(dir, sha256.slice(0, 2), sha256)));
    if (!root) throw new Error(`no stored file ${sha256}`);
    return root;
  };

  it('accepts allowed files from the holder only, once per content, and refuses other types, disguised files and oversized ones', async () => {
    // Given the first step, unclaimed: nobody holds it, so nobody may upload.
    expect((await upload(clerk, firstTaskId, 'cong-van.pdf', SAMPLE_PDF)).status).toBe(403);
    expect((await clerk.post(`/api/tasks/${firstTaskId}/claim`)).status).toBe(200);

    // When the holder uploads a PDF with a Vietnamese name: stored with its hash, size and type.
    const first = await upload(clerk, firstTaskId, 'Công văn số 12/UBND.pdf', SAMPLE_PDF);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      fileName: 'UBND.pdf',
      mimeType: 'application/pdf',
      sizeBytes: SAMPLE_PDF.length,
      uploadedBy: clerk.user.username,
      taskId: firstTaskId,
      elementId: 'VanThuTiepNhan',
    });
    expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);
    pdfId = first.body.id;
    const named = await upload(clerk, firstTaskId, 'Công văn đến.pdf', Buffer.concat([SAMPLE_PDF, Buffer.from('% v2\n')]));
    expect(named.status).toBe(201);
    expect(named.body.fileName).toBe('Công văn đến.pdf');
    // The same content again: the same row, 200.
    const again = await upload(clerk, firstTaskId, 'ban-sao.pdf', SAMPLE_PDF);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(pdfId);
    expect((await upload(clerk, firstTaskId, 'anh-chup.PNG', SAMPLE_PNG)).status).toBe(201);
    expect((await upload(clerk, firstTaskId, 'bang-ke.xlsx', zipWith(['[Content_Types].xml', 'xl/workbook.xml']))).status).toBe(201);
    const filesDir = filesDirOf(first.body.sha256);
    const before = await attachmentCount();
    expect(before).toBe(4);

    // Then refused, with a Vietnamese message, and nothing stored:
    const exe = await upload(clerk, firstTaskId, 'setup.exe', EXECUTABLE);
    expect(exe.status).toBe(415);
    expect(exe.body.message).toMatch(/^Loại tệp không được phép/);
    const disguised = await upload(clerk, firstTaskId, 'hoa-don.pdf', EXECUTABLE);
    expect(disguised.status).toBe(415);
    expect(disguised.body.message).toMatch(/^Nội dung tệp không đúng định dạng \.pdf/);
    expect((await upload(clerk, firstTaskId, 'to-trinh.docx', zipWith(['[Content_Types].xml', 'xl/workbook.xml']))).status).toBe(415);
    expect((await upload(clerk, firstTaskId, 'ghi-chu.txt', Buffer.from('xin chào'))).status).toBe(415);
    expect((await upload(clerk, firstTaskId, 'rong.pdf', Buffer.alloc(0))).status).toBe(400);
    const huge = await upload(clerk, firstTaskId, 'qua-lon.pdf', Buffer.concat([SAMPLE_PDF, Buffer.alloc(10 * 1024 * 1024)]));
    expect(huge.status).toBe(413);
    expect(huge.body.message).toMatch(/^Tệp vượt quá dung lượng cho phép 10 MB/);
    // Streamed over HTTP without a declared length: cut at the limit, and still answered 413 (not a reset).
    async function* chunks() {
      yield SAMPLE_PDF;
      for (let i = 0; i < 11; i++) yield Buffer.alloc(1024 * 1024, 0x20);
    }
    const streamed = await fetch(`${p.url}/api/tasks/${firstTaskId}/attachments?name=luong.pdf`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clerk.token}`, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(Readable.from(chunks())),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { message: string }).message).toMatch(/^Tệp vượt quá/);
    // A peer who can see the task but does not hold it, and an outsider, may not upload.
    expect((await upload(clerkPeer, firstTaskId, 'khac.pdf', Buffer.concat([SAMPLE_PDF, Buffer.from('%peer')]))).status).toBe(403);
    expect((await upload(outsider, firstTaskId, 'khac.pdf', Buffer.concat([SAMPLE_PDF, Buffer.from('%out')]))).status).toBe(403);
    expect(await attachmentCount()).toBe(before);
    expect(readdirSync(path.join(filesDir, 'tmp'))).toEqual([]);
  });

  it('lets those who see the task download the files, with a safe name and type; others get 403', async () => {
    // Each accepted upload is in the audit log (the streamed body itself is not copied into it).
    const logged = await p.db('audit_log').where({ action: 'task.attachments', target_id: firstTaskId, actor: clerk.user.username });
    expect(logged.length).toBeGreaterThan(0);
    const res = await download(clerk, firstTaskId, pdfId);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="UBND.pdf"; filename*=UTF-8''UBND.pdf`);
    expect(res.rawPayload.equals(SAMPLE_PDF)).toBe(true);
    const list = await clerk.get(`/api/tasks/${firstTaskId}/attachments`);
    const vietnamese = list.body.items.find((a: any) => a.fileName === 'Công văn đến.pdf');
    const res2 = await download(clerk, firstTaskId, vietnamese.id);
    expect(res2.headers['content-disposition']).toBe(`attachment; filename="Cong van den.pdf"; filename*=UTF-8''C%C3%B4ng%20v%C4%83n%20%C4%91%E1%BA%BFn.pdf`);
    expect(list.body).toMatchObject({ maxBytes: 10 * 1024 * 1024, allowedExtensions: expect.arrayContaining(['pdf', 'docx', 'xls']) });

    // A peer of the same group sees the task and its files; so does a leader whose unit's subtree holds it.
    expect((await download(clerkPeer, firstTaskId, pdfId)).statusCode).toBe(200);
    expect((await download(leader, firstTaskId, pdfId)).statusCode).toBe(200);
    const communeLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'XA-TANPHU' }));
    expect((await download(communeLeader, firstTaskId, pdfId)).statusCode).toBe(403);
    expect((await communeLeader.get(`/api/tasks/${firstTaskId}/diagram`)).status).toBe(403);
    // The specialist is not (yet) offered anything of this case; the outsider never.
    for (const who of [specialist, outsider]) {
      expect((await download(who, firstTaskId, pdfId)).statusCode).toBe(403);
      expect((await who.get(`/api/tasks/${firstTaskId}/attachments`)).status).toBe(403);
    }
    expect((await download(clerk, firstTaskId, '999999999')).statusCode).toBe(404);
  });

  it('stores comments as plain text and returns a <script> payload as text, visible across the case', async () => {
    const payload = '<script>alert("xss")</script> Hồ sơ thiếu trang 2 & 3';
    const posted = await clerk.post(`/api/tasks/${firstTaskId}/comments`, { body: payload });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ body: payload, author: clerk.user.username, stepName: 'Văn thư tiếp nhận, vào sổ', taskId: firstTaskId });
    expect((await p.db('task_comments').where({ id: posted.body.id }).first()).body).toBe(payload);
    const listed = await clerkPeer.get(`/api/tasks/${firstTaskId}/comments`);
    expect(listed.body.items.map((c: any) => c.body)).toEqual([payload]);
    expect((await clerk.post(`/api/tasks/${firstTaskId}/comments`, { body: '   ' })).status).toBe(400);
    expect((await clerk.post(`/api/tasks/${firstTaskId}/comments`, { body: 'x'.repeat(4001) })).status).toBe(400);
    expect((await outsider.post(`/api/tasks/${firstTaskId}/comments`, { body: 'xin chào' })).status).toBe(403);
    expect((await outsider.get(`/api/tasks/${firstTaskId}/comments`)).status).toBe(403);
  });

  it('shows the diagram with the current step and the path so far, and sends a step back along the modelled path', async () => {
    // Step 1 done; on a closed task nobody uploads any more.
    expect(
      (
        await clerk.post(`/api/tasks/${firstTaskId}/complete`, {
          variables: { soKyHieu: '12/UBND', coQuanBanHanh: 'UBND tỉnh', trichYeu: 'Về việc rà soát hồ sơ đất đai', doKhan: 'thuong' },
        })
      ).status,
    ).toBe(200);
    expect((await upload(clerk, firstTaskId, 'muon.pdf', Buffer.concat([SAMPLE_PDF, Buffer.from('%late')]))).status).toBe(409);
    // The one who completed it still reads the case's files through it.
    expect((await download(clerk, firstTaskId, pdfId)).statusCode).toBe(200);

    // Step 2 (the leader assigns): the model has no send-back path here -> 409, nothing changes.
    const t2 = await nextTask(leader, instanceKey, 'LanhDaoPhanCong');
    await leader.post(`/api/tasks/${t2.id}/claim`);
    const step2 = await leader.get(`/api/tasks/${t2.id}/step`);
    expect(step2.body.sendBack).toEqual({ modelled: false, targetElementId: null, targetName: null, allowed: false });
    const refused = await leader.post(`/api/tasks/${t2.id}/send-back`, { reason: 'Không rõ' });
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/không cho phép trả lại/);
    expect(await rowOf(t2.id)).toMatchObject({ status: 'open', outcome: null, send_back_reason: null, completed_by: null });
    expect((await leader.post(`/api/tasks/${t2.id}/complete`, { variables: { yKienPhanCong: 'Giao phòng QLĐĐ chủ trì' } })).status).toBe(200);

    // Step 3 (the specialist): the third step of the case.
    const t3 = await nextTask(specialist, instanceKey, 'ChuyenVienXuLy');
    const diagram = await waitFor(async () => {
      const d = await specialist.get(`/api/tasks/${t3.id}/diagram`);
      return d.status === 200 && d.body.completedElementIds.includes('GopXuLy') && d.body.takenSequenceFlowIds.includes('F5') ? d.body : false;
    }, 'the path so far in history');
    expect(diagram.xml).toContain('<bpmn:process id="xu-ly-van-ban-den"');
    expect(diagram.currentElementIds).toEqual(['ChuyenVienXuLy']);
    expect(diagram.completedElementIds).toEqual(['VanBanDen', 'VanThuTiepNhan', 'GopPhanCong', 'LanhDaoPhanCong', 'GopXuLy']);
    expect(diagram.takenSequenceFlowIds).toEqual(['F1', 'F2', 'F3', 'F4', 'F5']);
    expect(diagram.terminatedElementIds).toEqual([]);

    // The case's files and comments reach the later step; the step's settings come from the model.
    const files = await specialist.get(`/api/tasks/${t3.id}/attachments`);
    expect(files.body.items.map((a: any) => a.id)).toContain(pdfId);
    expect((await download(specialist, t3.id, pdfId)).statusCode).toBe(200);
    expect((await specialist.get(`/api/tasks/${t3.id}/comments`)).body.items).toHaveLength(1);
    const step3 = await specialist.get(`/api/tasks/${t3.id}/step`);
    expect(step3.body).toMatchObject({
      elementId: 'ChuyenVienXuLy',
      records: ['Dự thảo văn bản trả lời', 'Phiếu trình'],
      isoClauses: ['8.5.1'],
      timeLimitDays: 3,
      sendBack: { modelled: true, targetElementId: 'LanhDaoPhanCong', targetName: 'Lãnh đạo phân công xử lý', allowed: false },
    });
    expect(step3.body.instructions).toMatch(/^Nghiên cứu văn bản/);

    // Sending back needs the task in hand and a reason.
    expect((await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason: 'Không thuộc chức năng' })).status).toBe(403);
    await specialist.post(`/api/tasks/${t3.id}/claim`);
    expect((await specialist.get(`/api/tasks/${t3.id}/step`)).body.sendBack.allowed).toBe(true);
    expect((await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason: '   ' })).status).toBe(400);
    expect((await specialist.post(`/api/tasks/${t3.id}/send-back`, {})).status).toBe(400);
    expect(await rowOf(t3.id)).toMatchObject({ status: 'open', outcome: null });

    const reason = 'Văn bản thuộc chức năng của Phòng Tài nguyên nước, đề nghị phân công lại';
    const sent = await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ status: 'completed', completedBy: specialist.user.username });
    expect(await rowOf(t3.id)).toMatchObject({ status: 'completed', outcome: 'sent_back', send_back_reason: reason });
    // Twice: 409, nothing changes.
    expect((await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason: 'lần nữa' })).status).toBe(409);
    expect((await specialist.post(`/api/tasks/${t3.id}/complete`, { variables: {} })).status).toBe(409);
    expect((await rowOf(t3.id)).send_back_reason).toBe(reason);

    // The previous step reappears in the leader's inbox, with the reason.
    const back = await nextTask(leader, instanceKey, 'LanhDaoPhanCong', t2.id);
    expect(back.variables).toMatchObject({ sendBackReason: reason, sentBackBy: specialist.user.username, sentBackFrom: 'ChuyenVienXuLy' });
    expect((await specialist.get('/api/tasks?limit=200')).body.items.find((t: any) => t.id === back.id)).toBeUndefined();
    const backStep = await leader.get(`/api/tasks/${back.id}/step`);
    expect(backStep.body).toMatchObject({ returnedReason: reason, returnedBy: specialist.user.username });
    expect((await specialist.get(`/api/tasks/${t3.id}/step`)).body).toMatchObject({
      outcome: 'sent_back',
      sendBackReason: reason,
      sendBack: { allowed: false },
    });
    const after = await waitFor(async () => {
      const d = await leader.get(`/api/tasks/${back.id}/diagram`);
      return d.body.takenSequenceFlowIds?.includes('F8') && d.body.terminatedElementIds.includes('ChuyenVienXuLy') ? d.body : false;
    }, 'the send-back in history');
    expect(after.currentElementIds).toEqual(['LanhDaoPhanCong']);
    expect(after.completedElementIds).toContain('TraLaiPhanCong');
    // The engine agrees: the specialist's job ended with the SEND_BACK error, not completed.
    await waitFor(
      async () => (await p.db('hist_jobs').where({ job_key: t3.id, state: 'error_thrown', error_code: 'SEND_BACK' }).first()) ?? false,
      'the job to end with SEND_BACK',
    );
  });

  it('sends the approval step back to the specialist, and refuses send-back from outsiders', async () => {
    const back = await nextTask(leader, instanceKey, 'LanhDaoPhanCong', undefined);
    await leader.post(`/api/tasks/${back.id}/claim`);
    await leader.post(`/api/tasks/${back.id}/complete`, { variables: { yKienPhanCong: 'Phòng QLĐĐ phối hợp, xử lý' } });
    const t3b = await nextTask(specialist, instanceKey, 'ChuyenVienXuLy');
    await specialist.post(`/api/tasks/${t3b.id}/claim`);
    await specialist.post(`/api/tasks/${t3b.id}/complete`, { variables: { ketQuaXuLy: 'Đã dự thảo công văn trả lời' } });
    const t4 = await nextTask(leader, instanceKey, 'LanhDaoDuyet');
    await leader.post(`/api/tasks/${t4.id}/claim`);
    expect((await outsider.post(`/api/tasks/${t4.id}/send-back`, { reason: 'x' })).status).toBe(403);
    expect((await leader.post(`/api/tasks/${t4.id}/send-back`, { reason: 'Sửa lại đoạn 2 của dự thảo' })).status).toBe(200);
    const again = await nextTask(specialist, instanceKey, 'ChuyenVienXuLy', t3b.id);
    expect(again.variables.sendBackReason).toBe('Sửa lại đoạn 2 của dự thảo');
    expect(again.variables.sentBackFrom).toBe('LanhDaoDuyet');
  });
});

describe('sending back with the broker unreachable', () => {
  let proxy: TcpProxy;
  let p: TestPlatform;

  beforeAll(async () => {
    const [host, port] = inject('zeebeAddress').split(':');
    proxy = new TcpProxy({ host: host, port: Number(port) });
    await proxy.up();
    p = await startTestPlatform({ zeebeAddress: proxy.address });
  });
  afterAll(async () => {
    await p?.close();
    await proxy?.down();
  });

  it('keeps the send-back, answers 503, refuses a second one, and sends it when the broker is back', async () => {
    const leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    const clerk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    const key = (await clerk.post('/api/process-instances', { bpmnProcessId: PROCESS_ID })).body.processInstanceKey as string;
    const find = (who: Client, elementId: string, not?: string) =>
      waitFor(
        async () =>
          (await who.get('/api/tasks?limit=200')).body.items.find(
            (t: any) => t.processInstanceKey === key && t.elementId === elementId && t.status === 'open' && t.id !== not,
          ),
        elementId,
        40_000,
        200,
      );
    const t1 = await find(clerk, 'VanThuTiepNhan');
    await clerk.post(`/api/tasks/${t1.id}/claim`);
    expect(
      (
        await clerk.post(`/api/tasks/${t1.id}/complete`, {
          variables: { soKyHieu: '13/UBND', coQuanBanHanh: 'UBND tỉnh', trichYeu: 'Về việc thử mất kết nối', doKhan: 'thuong' },
        })
      ).status,
    ).toBe(200);
    const t2 = await find(leader, 'LanhDaoPhanCong');
    await leader.post(`/api/tasks/${t2.id}/claim`);
    await leader.post(`/api/tasks/${t2.id}/complete`, { variables: { yKienPhanCong: 'Giao QLĐĐ' } });
    const t3 = await find(specialist, 'ChuyenVienXuLy');
    await specialist.post(`/api/tasks/${t3.id}/claim`);

    await proxy.down();
    const pending = await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason: 'Sai đơn vị xử lý' });
    expect(pending.status).toBe(503);
    expect(pending.body.message).toMatch(/đã được lưu/);
    expect(await p.db('inbox_tasks').where({ job_key: t3.id }).first()).toMatchObject({
      status: 'open',
      outcome: 'sending_back',
      send_back_reason: 'Sai đơn vị xử lý',
    });
    expect((await specialist.post(`/api/tasks/${t3.id}/send-back`, { reason: 'lần hai' })).status).toBe(409);
    // Nor can it be completed while its send-back is pending.
    expect((await specialist.post(`/api/tasks/${t3.id}/complete`, { variables: {} })).status).toBe(409);
    expect((await p.db('inbox_tasks').where({ job_key: t3.id }).first()).status).toBe('open');
    expect((await specialist.get(`/api/tasks/${t3.id}/step`)).body).toMatchObject({ outcome: 'sending_back', sendBack: { allowed: false } });

    await proxy.up();
    await waitFor(
      async () => (await p.db('inbox_tasks').where({ job_key: t3.id }).first()).outcome === 'sent_back',
      'the pending send-back to be sent',
      40_000,
      500,
    );
    expect((await p.db('inbox_tasks').where({ job_key: t3.id }).first()).status).toBe('completed');
    const back = await find(leader, 'LanhDaoPhanCong', t2.id);
    expect(back.variables.sendBackReason).toBe('Sai đơn vị xử lý');
  });
});
