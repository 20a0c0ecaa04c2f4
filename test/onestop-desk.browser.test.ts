import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, signInWithForm, type BrowserSession } from './helpers/browser-chromium.js';
import { deskBpmn, openTask, pdfBytes, procedureEntry, receiveAtDesk } from './helpers/onestop.js';

const SCREENSHOTS = path.resolve('test-results');

describe('the one-stop reception desk in a real browser', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let officer: TestUser;
  let procedure: Record<string, any>;
  let online: { reference: string; lookupToken: string };

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Đỗ Thị Quầy' });
    procedure = procedureEntry({ name: `Cấp giấy phép thử ${Date.now().toString(36)}` });
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    expect(
      (await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId) })).status,
    ).toBe(201);
    // an online submission waiting in the desk's queue
    const fd = new FormData();
    fd.append('procedureCode', procedure.code);
    fd.append('applicantName', 'Phạm Thị Cúc');
    fd.append('doc:DON', new Blob([new Uint8Array(pdfBytes('don'))]), 'don.pdf');
    fd.append('doc:CCCD', new Blob([new Uint8Array(pdfBytes('cccd'))]), 'cccd.pdf');
    const req = new Request('http://localhost/', { method: 'POST', body: fd });
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/public/dossiers',
      headers: { 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    expect(r.statusCode, r.body).toBe(201);
    online = r.json();
    browser = await launchChromium({ viewport: { width: 1280, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('receives a dossier in person with the checklist, shows the slip link, and accepts an online submission from the queue', async () => {
    const { page } = browser;
    await signInWithForm(page, p.url, officer);
    await page.getByRole('link', { name: 'Một cửa', exact: true }).click();
    await page.getByRole('heading', { name: 'Bộ phận tiếp nhận và trả kết quả' }).waitFor();

    // receive in person: the checklist comes from the catalogue
    await page.getByLabel('Thủ tục hành chính').selectOption(procedure.code);
    await page.getByLabel('Họ và tên').fill('Nguyễn Văn Bảo');
    await page.getByLabel('Số định danh cá nhân').fill('001099001234');
    const checklist = page.getByTestId('onestop-checklist');
    await checklist.getByText('Đơn đề nghị').waitFor();
    await checklist.getByRole('checkbox', { name: /Đơn đề nghị/ }).check();
    // the copy of the ID card is missing: the desk is told what is missing, nothing is received
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByRole('alert').filter({ hasText: 'Hồ sơ chưa đầy đủ, còn thiếu: Bản sao căn cước' }).waitFor();
    // ... and the completion request (Mẫu 02) is recorded, for the desk to print and hand over
    const form02 = page.getByTestId('print-form-02');
    expect(await form02.textContent()).toBe('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)');
    const popup02 = page.waitForEvent('popup', { timeout: 15_000 });
    await form02.click();
    const pdf02 = await popup02;
    expect(pdf02.url()).toMatch(/^blob:/);
    await pdf02.close();
    await checklist.getByRole('checkbox', { name: /Bản sao căn cước/ }).check();
    await page.getByLabel('Số bản: Bản sao căn cước').fill('2');
    // complete on paper, but not digitised: the desk is told which scans are missing, nothing is received
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Tiếp nhận trực tiếp phải số hóa hồ sơ giấy: còn thiếu bản scan của Đơn đề nghị; Bản sao căn cước' })
      .waitFor();
    // a scan per document, picked in its own file input
    await checklist
      .getByLabel('Bản scan (PDF, JPEG, PNG): Đơn đề nghị')
      .setInputFiles({ name: 'don-scan.pdf', mimeType: 'application/pdf', buffer: pdfBytes('don scan') });
    await checklist
      .getByLabel('Bản scan (PDF, JPEG, PNG): Bản sao căn cước')
      .setInputFiles({ name: 'cccd-scan.pdf', mimeType: 'application/pdf', buffer: pdfBytes('cccd scan') });
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.waitForURL(/\/mot-cua\/ho-so\/\d+/);
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /Đã tiếp nhận|Đang xử lý/ })
      .waitFor();
    const heading = await page.getByRole('heading', { level: 1 }).textContent();
    expect(heading).toMatch(/^Hồ sơ H99\.12-\d{6}-\d{4}$/);
    expect(await page.getByTestId('dossier-checklist').textContent()).toContain('Bản sao căn cước — 2');
    // the scans are the dossier's files, as an online submission's are
    const files = await page.getByTestId('dossier-files').textContent();
    expect(files).toContain('don-scan.pdf (DON, submission)');
    expect(files).toContain('cccd-scan.pdf (CCCD, submission)');
    const slip = page.getByTestId('slip-link');
    await slip.waitFor();
    expect(await slip.textContent()).toBe('Giấy tiếp nhận và hẹn trả kết quả (PDF)');
    const popup = page.waitForEvent('popup', { timeout: 15_000 });
    await slip.click();
    const pdfPage = await popup;
    expect(pdfPage.url()).toMatch(/^blob:/);
    await pdfPage.close();
    // the forms of the dossier beside the slip: the process control slip (Mẫu 06)
    const form06 = page.getByTestId('form-06');
    expect(await form06.textContent()).toBe('Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)');
    const popup06 = page.waitForEvent('popup', { timeout: 15_000 });
    await form06.click();
    const pdf06 = await popup06;
    expect(pdf06.url()).toMatch(/^blob:/);
    await pdf06.close();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-desk-received.png') });
    const code = heading!.replace('Hồ sơ ', '');
    const row = await p.db('dossiers').where({ code }).first();
    expect(row).toMatchObject({ channel: 'in_person', received_by: officer.username });

    // the queue of online submissions: open it, accept
    await page.getByRole('link', { name: 'Bộ phận tiếp nhận và trả kết quả' }).click();
    await page.getByRole('link', { name: 'Hồ sơ trực tuyến chờ tiếp nhận' }).click();
    const queue = page.getByTestId('onestop-queue');
    // before receipt the submission has no code: the queue names it by its tracking reference
    await queue.getByRole('link', { name: online.reference }).click();
    await page.getByText('Chưa có mã hồ sơ (cấp khi tiếp nhận)').waitFor();
    await page.getByTestId('dossier-status').filter({ hasText: 'Chờ tiếp nhận' }).waitFor();
    await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /Đã tiếp nhận|Đang xử lý/ })
      .waitFor();
    await page.getByTestId('slip-link').waitFor();
    const accepted = await p.db('dossiers').where({ reference: online.reference }).first();
    expect(accepted).toMatchObject({ status: expect.stringMatching(/RECEIVED|IN_PROCESSING/), received_by: officer.username });
    expect(accepted.code).toMatch(/^H99\.12-\d{6}-\d{4}$/);
    await page.getByRole('heading', { level: 1, name: `Hồ sơ ${accepted.code}` }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-desk-accepted.png') });
    expect(browser.pageErrors).toEqual([]);
  });

  it('a supplement asked during processing puts its Mẫu 02 among the dossier forms', async () => {
    const { page } = browser;
    const desk = await login(p.app, officer);
    const specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD', fullName: 'Vũ Văn Thẩm Định' }));
    const r = await receiveAtDesk(p.app, desk, {
      procedureCode: procedure.code,
      applicant: { name: 'Lý Thị Dung' },
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const task = await waitFor(() => openTask(p.db, r.body.processInstanceKey, 'ThamDinh'), 'the appraisal step', 30_000);
    expect((await specialist.post(`/api/tasks/${task}/claim`)).status).toBe(200);
    const asked = await specialist.post(`/api/tasks/${task}/complete`, { variables: { canBoSung: true, lyDoBoSung: 'Bản sao căn cước đã hết hạn' } });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    await waitFor(
      async () => ((await p.db('dossiers').where({ id: r.body.id }).first('status')).status === 'SUPPLEMENT_REQUESTED_IN_PROCESSING' ? true : undefined),
      'the supplement request',
      30_000,
    );
    await page.goto(`${p.url}/mot-cua/ho-so/${r.body.id}`);
    const form = page.getByTestId('form-02-processing');
    await form.waitFor();
    expect(await form.textContent()).toBe('Phiếu yêu cầu bổ sung hồ sơ trong quá trình giải quyết (Mẫu 02)');
    const popup = page.waitForEvent('popup', { timeout: 15_000 });
    await form.click();
    const pdf = await popup;
    expect(pdf.url()).toMatch(/^blob:/);
    await pdf.close();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-desk-supplement-form.png') });
    expect(browser.pageErrors).toEqual([]);
  });

  it('the citizen follows the dossier on a phone with the QR link', async () => {
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      // the link the citizen got at submission (with the tracking reference) still works after receipt, and shows the code
      const { code } = await p.db('dossiers').where({ reference: online.reference }).first('code');
      await phone.page.goto(`${p.url}/tra-cuu/${encodeURIComponent(online.reference)}?t=${encodeURIComponent(online.lookupToken)}`);
      const result = phone.page.getByTestId('lookup-result');
      await result.getByRole('heading', { name: code }).waitFor();
      await result.getByText(`Mã tra cứu khi nộp: ${online.reference}`).waitFor();
      await result.getByText('P*** T** C**').waitFor();
      expect(await result.textContent()).toMatch(/Đã tiếp nhận|Đang xử lý/);
      await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-lookup-phone.png') });
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
