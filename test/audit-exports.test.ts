import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { LAND_PROCESS, openTask, runLandCase, startLandCase, type LandActors } from './helpers/audit-flow.js';

/** The auditor's exports: a case file as ZIP (PDF summary, documents, timeline, audit entries) and the search as Excel. */
describe('audit exports', () => {
  let p: TestPlatform;
  let actors: LandActors;
  let auditor: Client;
  let communeAuditor: Client;
  const run = `X${Date.now().toString(36)}`;
  let withFile: string; // a finished case with a PDF attached on the appraisal
  let late: string; // a finished case whose appraisal was completed after its due date
  const document = Buffer.from(`%PDF-1.4\n% Biên bản thẩm định ${run}\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n`, 'utf8');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'audit-exports-'));

  /** GET with the bearer token, keeping the raw bytes. */
  const download = async (who: Client, url: string) => {
    const r = await p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.token}` } });
    return { status: r.statusCode, headers: r.headers, bytes: r.rawPayload, json: () => r.json() };
  };

  async function step(who: Client, key: string, elementId: string, variables: Record<string, unknown>, attach?: { name: string; content: Buffer }) {
    const id = await openTask(p.db, key, elementId);
    expect((await who.post(`/api/tasks/${id}/claim`)).status).toBe(200);
    if (attach) {
      const up = await p.app.inject({
        method: 'POST',
        url: `/api/tasks/${id}/attachments?name=${encodeURIComponent(attach.name)}`,
        headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/octet-stream' },
        payload: attach.content,
      });
      expect(up.statusCode).toBe(201);
    }
    expect((await who.post(`/api/tasks/${id}/complete`, { variables })).status).toBe(200);
  }

  beforeAll(async () => {
    p = await startTestPlatform();
    actors = {
      reception: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Trần Văn Nhận' })),
      specialist: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD', fullName: 'Lê Thị Thẩm' })),
      leader: await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT', fullName: 'Phạm Văn Duyệt' })),
    };
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    communeAuditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'XA-TANPHU' }));

    // A case driven by hand so that the specialist attaches a PDF on the appraisal.
    const { reception, specialist, leader } = actors;
    withFile = await startLandCase(reception, { maHoSo: `${run}-1` });
    await step(reception, withFile, 'TiepNhan', { nguoiNop: 'Nguyễn Thị Hoa', soThua: '12/5', hoSoDayDu: true });
    await step(
      specialist,
      withFile,
      'ThamDinh',
      { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' },
      { name: 'Biên bản thẩm định.pdf', content: document },
    );
    await step(leader, withFile, 'PheDuyet', { pheDuyet: 'dong-y' });
    await step(reception, withFile, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
    await waitFor(
      async () => (await p.db('hist_element_instances').where({ process_instance_key: withFile, element_id: 'KetThuc', state: 'completed' }).first()) ?? false,
      'case 1 ended in history',
    );

    late = await runLandCase(p.db, actors, { maHoSo: `${run}-2` });
    await p
      .db('inbox_tasks')
      .where({ process_instance_key: late, element_id: 'ThamDinh' })
      .update({ due_date: p.db.raw(`completed_at - interval '1 hour'`) });
  });
  afterAll(async () => {
    rmSync(tmp, { recursive: true, force: true });
    await p?.close();
  });

  it('exports a case file as ZIP: PDF summary with every step, the documents, the timeline as JSON and CSV, the audit entries, a manifest', async () => {
    // when the auditor downloads the case file
    const res = await download(auditor, `/api/cases/${withFile}/export.zip`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="ho-so-${run}-1.zip"`);
    const zipPath = path.join(tmp, 'case.zip');
    writeFileSync(zipPath, res.bytes);

    // then the archive lists the summary, the timeline, the audit entries, the model, the document and the manifest
    const listing = execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).trim().split('\n').sort();
    expect(listing).toEqual(
      [
        'danh-muc.json',
        'dong-thoi-gian.csv',
        'dong-thoi-gian.json',
        'nhat-ky-kiem-tra.csv',
        'nhat-ky-kiem-tra.json',
        'quy-trinh.bpmn',
        'tai-lieu/01-Biên bản thẩm định.pdf',
        'tom-tat-ho-so.pdf',
      ].sort(),
    );
    const dir = path.join(tmp, 'case');
    execFileSync('unzip', ['-q', '-o', zipPath, '-d', dir]);
    const read = (f: string) => readFileSync(path.join(dir, f));

    // the document is the uploaded file, byte for byte
    expect(read('tai-lieu/01-Biên bản thẩm định.pdf').equals(document)).toBe(true);

    // the PDF summary names the procedure, the case, the verdict and every step with its actor
    const text = execFileSync('pdftotext', ['-layout', path.join(dir, 'tom-tat-ho-so.pdf'), '-'], { encoding: 'utf8' });
    expect(text).toContain('TÓM TẮT HỒ SƠ');
    expect(text).toContain('Đăng ký biến động quyền sử dụng đất');
    expect(text).toContain(`${run}-1`);
    expect(text).toContain('Đã hoàn thành');
    const lines = text.split('\n');
    const stepLine = (name: string) => lines.find((l) => l.includes(name)) ?? '';
    expect(stepLine('Tiếp nhận và kiểm tra hồ sơ')).toContain('Trần Văn Nhận');
    expect(stepLine('Thẩm định hồ sơ')).toContain('Lê Thị Thẩm');
    expect(stepLine('Lãnh đạo phê duyệt')).toContain('Phạm Văn Duyệt');
    expect(stepLine('Trả kết quả cho công dân')).toContain('Trần Văn Nhận');
    expect(text).toMatch(/Đúng hạn \/ trễ hạn\s+Đúng hạn/);
    expect(text).toContain('Biên bản thẩm định.pdf');

    // the timeline JSON is the timeline the API shows; the CSV has a line per element
    const timeline = (await auditor.get(`/api/cases/${withFile}/timeline`)).body;
    const exported = JSON.parse(read('dong-thoi-gian.json').toString('utf8'));
    expect(exported.elements).toEqual(timeline.elements);
    expect(exported.variables).toEqual(timeline.variables);
    const csvLines = read('dong-thoi-gian.csv')
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csvLines[0]).toBe('at,kind,element_id,name,type_or_intent,state,duration_ms,actor,detail');
    expect(csvLines.filter((l) => l.split(',')[1] === 'element')).toHaveLength(timeline.elements.length);
    expect(csvLines.some((l) => l.includes('ThamDinh') && l.includes(actors.specialist.user.username))).toBe(true);

    // the audit entries of the case: the start, every claim and completion, the upload
    const audit = JSON.parse(read('nhat-ky-kiem-tra.json').toString('utf8'));
    expect(audit.map((a: any) => a.action)).toEqual(expect.arrayContaining(['case.start', 'task.claim', 'task.complete', 'task.attachments']));
    expect(audit.filter((a: any) => a.action === 'task.complete')).toHaveLength(4);
    expect(read('quy-trinh.bpmn').toString('utf8')).toContain('<bpmn:userTask id="ThamDinh"');

    // the manifest has the sha256 of every file
    const manifest = JSON.parse(read('danh-muc.json').toString('utf8'));
    expect(manifest).toMatchObject({ case: withFile, caseCode: `${run}-1`, exportedBy: auditor.user.username });
    for (const f of manifest.files) expect(createHash('sha256').update(read(f.path)).digest('hex')).toBe(f.sha256);
    expect(manifest.files).toHaveLength(listing.length - 1);

    // and the export is in the audit log with what was produced
    const logged = await p
      .db('audit_log')
      .where({ actor: auditor.user.username, action: 'audit.export.case', target_id: withFile })
      .orderBy('seq', 'desc')
      .first();
    expect(logged.after).toMatchObject({
      documents: 1,
      missingDocuments: 0,
      timelineElements: timeline.elements.length,
      sha256: createHash('sha256').update(res.bytes).digest('hex'),
    });
  });

  it('marks a late case and its late step in the PDF summary', async () => {
    const res = await download(auditor, `/api/cases/${late}/export.zip`);
    expect(res.status).toBe(200);
    const zipPath = path.join(tmp, 'late.zip');
    writeFileSync(zipPath, res.bytes);
    const text = execFileSync('sh', ['-c', `unzip -p "${zipPath}" tom-tat-ho-so.pdf | pdftotext -layout - -`], { encoding: 'utf8' });
    expect(text).toMatch(/Đúng hạn \/ trễ hạn\s+Trễ hạn \(bước trễ: ThamDinh\)/);
    expect(text.split('\n').find((l) => l.includes('Thẩm định hồ sơ'))).toContain('Trễ hạn');
    expect(text).toContain('Không có tài liệu đính kèm.');
  });

  it("refuses a case file outside the auditor's units (403, logged) and to officers", async () => {
    const res = await download(communeAuditor, `/api/cases/${withFile}/export.zip`);
    expect(res.status).toBe(403);
    expect(res.json().message).toContain('không thuộc đơn vị bạn được xem');
    const denied = await p.db('audit_log').where({ actor: communeAuditor.user.username, action: 'access.denied' }).orderBy('seq', 'desc').first();
    expect(denied.target_id).toBe('GET /api/cases/:processInstanceKey/export.zip');
    expect(await p.db('audit_log').where({ actor: communeAuditor.user.username, action: 'audit.export.case' }).first()).toBeUndefined();
    expect((await download(actors.specialist, `/api/cases/${withFile}/export.zip`)).status).toBe(403);
    expect((await download(auditor, '/api/cases/999999999999/export.zip')).status).toBe(404);
  });

  it('exports the search results as Excel: the same cases as the search, with the same filters', async () => {
    const workbook = async (qs: string) => {
      const res = await download(auditor, `/api/audit/cases/export.xlsx?${qs}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.bytes as unknown as ArrayBuffer);
      const sheet = wb.getWorksheet('Hồ sơ')!;
      const rows: any[][] = [];
      sheet.eachRow((row, n) => {
        if (n > 1) rows.push((row.values as any[]).slice(1));
      });
      return { rows, header: (sheet.getRow(1).values as any[]).slice(1), wb, res };
    };
    const search = async (qs: string) => (await auditor.get(`/api/audit/cases?${qs}&limit=200`)).body;

    // every case of the run, in the search's order, with the search's values
    const { rows, header, wb, res } = await workbook(`bpmnProcessId=${LAND_PROCESS}&q=${run}`);
    expect(header[0]).toBe('Mã hồ sơ / Case code');
    const found = await search(`bpmnProcessId=${LAND_PROCESS}&q=${run}`);
    expect(found.total).toBe(2);
    expect(rows.map((r) => r[1])).toEqual(found.items.map((c: any) => c.processInstanceKey));
    for (const [i, c] of found.items.entries()) {
      const r = rows[i];
      expect(r.slice(0, 6)).toEqual([c.caseCode, c.processInstanceKey, c.processName, c.bpmnProcessId, c.version, 'Đã hoàn thành']);
      // dates are Vietnam's wall time (UTC+7) in Excel
      expect((r[6] as Date).getTime() - 7 * 3600_000).toBe(new Date(c.start).getTime());
      expect((r[7] as Date).getTime() - 7 * 3600_000).toBe(new Date(c.end).getTime());
      expect([r[8], r[9], r[10] ?? '']).toEqual([c.startedByUnit, c.late ? 'Trễ hạn' : 'Đúng hạn', c.breachedSteps.join(', ')]);
    }
    expect(rows.find((r) => r[1] === late)![9]).toBe('Trễ hạn');
    const info = wb.getWorksheet('Điều kiện')!;
    expect(info.getCell('B4').value).toBe(2);
    expect(res.headers['x-row-count']).toBe('2');

    // the same filters narrow the workbook as they narrow the search
    const lateOnly = await workbook(`q=${run}&timing=late`);
    expect(lateOnly.rows.map((r) => r[1])).toEqual([late]);
    expect((await workbook(`q=${run}&unit=SNNMT-QLDD&breachedStep=PheDuyet`)).rows).toEqual([]);

    // the export is logged with its filters and row count
    const logged = await p.db('audit_log').where({ actor: auditor.user.username, action: 'audit.export.search' }).orderBy('seq', 'asc');
    expect(logged.map((l: any) => [l.after.query.q, l.after.rows])).toEqual([
      [run, 2],
      [run, 1],
      [run, 0],
    ]);
    expect(logged[0].after.sha256).toBe(createHash('sha256').update(res.bytes).digest('hex'));
  });

  it("keeps the search export in the auditor's scope: its cases only, another unit refused (403, logged), bad filters 400", async () => {
    const own = await download(communeAuditor, `/api/audit/cases/export.xlsx?q=${run}`);
    expect(own.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(own.bytes as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Hồ sơ')!.rowCount).toBe(1); // the header only

    const outside = await download(communeAuditor, `/api/audit/cases/export.xlsx?unit=SNNMT`);
    expect(outside.status).toBe(403);
    expect(outside.json().message).toContain('Đơn vị SNNMT không thuộc phạm vi');
    const denied = await p.db('audit_log').where({ actor: communeAuditor.user.username, action: 'access.denied' }).orderBy('seq', 'desc').first();
    expect(denied.target_id).toBe('GET /api/audit/cases/export.xlsx');
    expect((await download(communeAuditor, '/api/audit/cases/export.xlsx?variable=no-equals')).status).toBe(400);
    expect((await download(actors.leader, `/api/audit/cases/export.xlsx?q=${run}`)).status).toBe(403);
  });
});
