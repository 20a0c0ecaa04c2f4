import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { pdfText } from './helpers/onestop.js';
import { PROCESSES_DIR, readBundledFiles } from '../engine/bundled.js';
import { importBundledProcedures } from '../domain/procedures/bundled.js';

/**
 * Issue 16, item 1: the printed sheet of a shipped procedure has its code, purpose, scope and legal basis
 * (processes/procedure-sheets.json: the documents cited, then a note; test/bundled-citations.test.ts), filled
 * once at first start and never over what a designer wrote. The shipped processes were imported by the
 * run's global setup; the second test imports a bundled folder of its own (a unique process id).
 */
describe('the sheets of the shipped procedures', () => {
  let p: TestPlatform;
  let designer: Client;
  const tag = randomBytes(3).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-sheets-'));
  const isoId = `iso-sheet-${tag}`;

  const sheetOf = async (id: string) => {
    const versions = (await designer.get(`/api/procedures/${id}`)).body.versions as { version: number }[];
    const r = await designer.get(`/api/procedures/${id}/versions/${versions.at(-1)!.version}/sheet`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const patch = async (id: string, body: unknown) => {
    const r = await p.app.inject({
      method: 'PATCH',
      url: `/api/procedures/${id}`,
      headers: { authorization: `Bearer ${designer.token}` },
      payload: body as object,
    });
    expect(r.statusCode, r.body).toBe(200);
  };
  const writeSheets = (sheets: unknown) => writeFileSync(path.join(dir, 'procedure-sheets.json'), JSON.stringify(sheets));
  const importDir = () => importBundledProcedures(p.db, p.zeebe, readBundledFiles(dir));

  beforeAll(async () => {
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    writeFileSync(
      path.join(dir, `${isoId}.bpmn`),
      readFileSync(path.join(PROCESSES_DIR, 'iso-xu-ly-rui-ro.bpmn'), 'utf8').replaceAll('iso-xu-ly-rui-ro', isoId),
    );
    mkdirSync(path.join(dir, 'forms'));
    for (const f of ['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet'])
      copyFileSync(path.join(PROCESSES_DIR, 'forms', `${f}.form`), path.join(dir, 'forms', `${f}.form`));
  });
  afterAll(async () => {
    await p?.close();
  });

  it('every shipped procedure prints its code, purpose, scope and legal basis', async () => {
    const list = (await designer.get('/api/procedures')).body.items as { bpmnProcessId: string; bundledFile: string | null; code: string }[];
    const files = new Set(readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn')));
    const shipped = list.filter((r) => r.bundledFile && files.has(r.bundledFile) && r.bpmnProcessId === r.bundledFile.replace(/\.bpmn$/, ''));
    expect(shipped.map((r) => [r.bpmnProcessId, r.code]).sort()).toEqual(
      [
        ['dang-ky-bien-dong-dat-dai', 'QT-DD-01'],
        ['iso-danh-gia-noi-bo', 'QT-ISO-04'],
        ['iso-de-xuat-tai-lieu', 'QT-ISO-03'],
        ['iso-hanh-dong-khac-phuc', 'QT-ISO-01'],
        ['iso-kiem-soat-tai-lieu', 'QT-ISO-02'],
        ['iso-xem-xet-lanh-dao', 'QT-ISO-05'],
        ['iso-xu-ly-phan-anh', 'QT-ISO-06'],
        ['iso-xu-ly-rui-ro', 'QT-ISO-07'],
        ['mc-cap-chung-chi-hanh-nghe-duoc', 'QT-MC-1.004616'],
        ['mc-cap-phep-xay-dung-nha-o', 'QT-MC-1.009994'],
        ['mc-cap-phieu-ly-lich-tu-phap', 'QT-MC-2.000488'],
        ['mc-dang-ky-ho-kinh-doanh', 'QT-MC-1.001612'],
        ['mc-dang-ky-khai-sinh', 'QT-MC-1.001193'],
        ['mc-dang-ky-khai-sinh-xa-tan-thanh', 'QT-MC-1.001193-TT'],
        ['xu-ly-van-ban-den', 'QT-VT-01'],
      ].sort(),
    );
    for (const r of shipped) {
      const sheet = await sheetOf(r.bpmnProcessId);
      expect(sheet.purpose.length, r.bpmnProcessId).toBeGreaterThan(40);
      expect(sheet.scope.length, r.bpmnProcessId).toBeGreaterThan(40);
      expect(sheet.legalBasis.length, r.bpmnProcessId).toBeGreaterThan(0);
    }

    // An ISO process: its clause of the standard; a one-stop procedure: the documents of its catalogue entry, then the note.
    const nc = await sheetOf('iso-hanh-dong-khac-phuc');
    expect(nc.code).toBe('QT-ISO-01');
    expect(nc.purpose).toContain('hành động khắc phục');
    expect(nc.legalBasis).toEqual([
      'điều 10.2 Tiêu chuẩn quốc gia TCVN ISO 9001:2015 (ISO 9001:2015) Hệ thống quản lý chất lượng - Các yêu cầu',
      'Quyết định 101/QĐ-BKHCN ngày 21/01/2019 của Bộ Khoa học và Công nghệ công bố mô hình khung Hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 cho các cơ quan hành chính nhà nước tại địa phương',
    ]);
    const birth = await sheetOf('mc-dang-ky-khai-sinh');
    expect(birth.legalBasis).toEqual([
      'Điều 11, 13, 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội',
      'Nghị định 123/2015/NĐ-CP của Chính phủ',
      'Luật Hộ tịch, Điều 13, 16: đăng ký ngay sau khi nhận đủ giấy tờ hợp lệ; Điều 11: miễn lệ phí.',
      'Nghị định số 123/2015/NĐ-CP và các văn bản sửa đổi: hồ sơ nhận sau 15 giờ mà không giải quyết ngay được thì trả kết quả trong ngày làm việc tiếp theo; thời hạn trong ngày.',
    ]);
    expect(birth.scope).toContain('Ủy ban nhân dân xã Tân Phú');

    // The printed sheet: the header's code and sections 1 to 3.
    const pdf = await p.app.inject({
      method: 'GET',
      url: `/api/procedures/iso-hanh-dong-khac-phuc/versions/${nc.version}/sheet.pdf`,
      headers: { authorization: `Bearer ${designer.token}` },
    });
    expect(pdf.statusCode).toBe(200);
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, ' ');
    expect(text).toContain('Mã hiệu: QT-ISO-01');
    expect(text).toContain('Quy định cách nhận biết, ghi nhận và xử lý sự không phù hợp');
    expect(text).toContain('Áp dụng đối với mọi sự không phù hợp');
    expect(text).toContain('TCVN ISO 9001:2015');
  });

  it('fills a procedure shipped before its sheet was described, once, and never over what the designer wrote', async () => {
    // A release without a sheet description: the fields stay empty.
    expect((await importDir()).map((r) => r.outcome)).toEqual(['created']);
    expect(await sheetOf(isoId)).toMatchObject({ code: '', purpose: '', scope: '', legalBasis: [] });

    // The designer writes the purpose; then a start with the sheet described fills the other fields only.
    await patch(isoId, { purpose: 'Mục đích do người thiết kế viết.' });
    const described = { code: 'QT-RR-99', purpose: 'Mục đích đi kèm.', scope: 'Phạm vi đi kèm.', legalBasis: ['Văn bản một', 'Văn bản hai'] };
    writeSheets({ [isoId]: described });
    expect((await importDir()).map((r) => r.outcome)).toEqual(['unchanged']);
    expect(await sheetOf(isoId)).toMatchObject({
      code: 'QT-RR-99',
      purpose: 'Mục đích do người thiết kế viết.',
      scope: 'Phạm vi đi kèm.',
      legalBasis: ['Văn bản một', 'Văn bản hai'],
    });

    // The designer empties the scope and changes the code; later starts (even with another description) leave them.
    await patch(isoId, { scope: '', code: 'QT-RR-01' });
    writeSheets({ [isoId]: { ...described, scope: 'Phạm vi mới đi kèm.', code: 'QT-RR-98' } });
    await importDir();
    await importDir();
    expect(await sheetOf(isoId)).toMatchObject({
      code: 'QT-RR-01',
      purpose: 'Mục đích do người thiết kế viết.',
      scope: '',
      legalBasis: ['Văn bản một', 'Văn bản hai'],
    });
  });
});
