import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, signInWithForm, type BrowserSession } from './helpers/browser-chromium.js';
import { axeViolations } from './helpers/axe.js';
import { PROCESSES_DIR, readBundledFiles } from '../engine/bundled.js';
import { importBundledProcedures } from '../domain/procedures/bundled.js';

/**
 * Issue 20, item 1 in a real browser: a designer opens a shipped procedure (a bundled folder of this file's
 * own, unique id, citing Luật Hộ tịch and the ISO standard), sees its citations in the "Phiếu quy trình"
 * panel, adds a document to the register from there, cites it at "Điều 5", moves it first, renames the
 * procedure and saves; after a reload the order is kept. The sheet of a newly published version prints the
 * line, and the administrator's law-change page lists the procedure under the new document.
 */
describe('a designer edits the procedure sheet and its legal basis', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let adminBrowser: BrowserSession;
  let designerUser: TestUser;
  let adminUser: TestUser;
  let officerUser: TestUser;
  let designer: Client;
  const tag = randomBytes(3).toString('hex');
  const id = `iso-sheet-ui-${tag}`;
  const number = `${Number.parseInt(tag, 16)}/2026/NĐ-CP`;
  const name = `Quy trình thử phiếu ${tag}`;
  const line = `Điều 5 Nghị định ${number} ngày 01/12/2026 của Chính phủ về thủ tục thử phiếu quy trình`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-sheet-ui-'));

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    designerUser = await createUser(p.db, { roles: ['designer'] });
    adminUser = await createUser(p.db, { roles: ['admin'] });
    officerUser = await createUser(p.db, { roles: ['officer'] });
    designer = await login(p.app, designerUser);
    writeFileSync(path.join(dir, `${id}.bpmn`), readFileSync(path.join(PROCESSES_DIR, 'iso-xu-ly-rui-ro.bpmn'), 'utf8').replaceAll('iso-xu-ly-rui-ro', id));
    mkdirSync(path.join(dir, 'forms'));
    for (const f of ['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet'])
      copyFileSync(path.join(PROCESSES_DIR, 'forms', `${f}.form`), path.join(dir, 'forms', `${f}.form`));
    writeFileSync(
      path.join(dir, 'procedure-sheets.json'),
      JSON.stringify({
        [id]: {
          code: 'QT-UI-01',
          purpose: 'Mục đích thử.',
          scope: 'Phạm vi thử.',
          citations: [
            { kind: 'luat', number: '60/2014/QH13', issuer: 'Quốc hội', signedOn: null, title: 'Hộ tịch', article: 'Điều 16' },
            {
              kind: 'tieu_chuan',
              number: 'TCVN ISO 9001:2015',
              issuer: '',
              signedOn: null,
              title: '(ISO 9001:2015) Hệ thống quản lý chất lượng - Các yêu cầu',
              article: 'điều 6.1',
            },
          ],
          legalNote: 'Ghi chú thử.',
          formerLegalBasis: [],
        },
      }),
    );
    expect((await importBundledProcedures(p.db, p.zeebe, readBundledFiles(dir))).map((r) => r.outcome)).toEqual(['created']);
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
    adminBrowser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await adminBrowser?.close();
    await p?.close();
  });

  const openPanel = async () => {
    const { page } = browser;
    await page.goto(`${p.url}/procedures/${id}`);
    await page.getByTestId('procedure-editor').waitFor();
    await page.locator('[data-testid="sheet-panel"] > summary').click();
    await page.getByTestId('sheet-citation').first().waitFor();
    return page.getByTestId('sheet-panel');
  };
  const citedOrder = async () =>
    browser.page
      .getByTestId('sheet-citation')
      .evaluateAll((rows) =>
        rows.map((r) => [
          (r.querySelector('select') as HTMLSelectElement).selectedOptions[0]?.textContent ?? '',
          (r.querySelector('input') as HTMLInputElement).value,
        ]),
      );

  it('sees the citations, adds a document, cites it at Điều 5, moves it first, saves; the order stays; the new version prints it; the law-change page finds it', async () => {
    const { page } = browser;
    await signInWithForm(page, p.url, designerUser);

    // Given the shipped procedure's sheet panel, open: its citations as the first start filled them.
    const panel = await openPanel();
    expect((await citedOrder()).map(([doc, article]) => [doc.split(' ')[0], article])).toEqual([
      ['60/2014/QH13', 'Điều 16'],
      ['TCVN', 'điều 6.1'],
    ]);
    expect(await panel.getByTestId('sheet-preview').innerText()).toContain('Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội');
    expect(await panel.getByLabel('Ghi chú căn cứ pháp lý (mỗi dòng một ý, in sau các văn bản)').inputValue()).toBe('Ghi chú thử.');

    // When they add a document to the register from the panel.
    await panel.locator('.sheet-add-document > summary').click();
    const form = panel.getByTestId('add-document');
    await form.getByLabel('Số ký hiệu').fill(number);
    await form.getByLabel('Loại văn bản').selectOption('nghi_dinh');
    await form.getByLabel('Cơ quan ban hành').fill('Chính phủ');
    await form.getByLabel('Ngày ký').fill('01/12/2026');
    await form.getByLabel('Trích yếu').fill('về thủ tục thử phiếu quy trình');
    expect(await axeViolations(page)).toEqual([]);
    await form.getByRole('button', { name: 'Thêm vào danh mục' }).click();
    await form.getByTestId('add-document-done').getByText(`Đã thêm văn bản ${number} vào danh mục.`).waitFor();

    // Then it is cited as the third line; they write the article, move it first (by keyboard), rename the procedure and save.
    await panel.getByLabel('Điều, khoản của căn cứ 3').fill('Điều 5');
    await panel.getByRole('button', { name: 'Chuyển căn cứ 3 lên' }).focus();
    await page.keyboard.press('Enter');
    await panel.getByRole('button', { name: 'Chuyển căn cứ 2 lên' }).click();
    await waitFor(async () => (await panel.getByTestId('sheet-preview').locator('li').first().innerText()) === line, 'the preview starts with Điều 5');
    await panel.getByLabel('Tên quy trình').fill(name);
    await panel.getByRole('button', { name: 'Lưu phiếu quy trình' }).click();
    await panel.getByTestId('sheet-saved').getByText('Đã lưu').waitFor();

    // The same number again is refused with the reason in words.
    await form.getByLabel('Số ký hiệu').fill(number);
    await form.getByLabel('Ngày ký').fill('01/12/2026');
    await form.getByRole('button', { name: 'Thêm vào danh mục' }).click();
    await form.getByRole('alert').getByText(`Văn bản số ${number} đã có trong danh mục`).waitFor();

    // After a reload the order is kept.
    await page.reload();
    await openPanel();
    expect((await citedOrder()).map(([doc, article]) => [doc.split(' ')[0], article])).toEqual([
      [number, 'Điều 5'],
      ['60/2014/QH13', 'Điều 16'],
      ['TCVN', 'điều 6.1'],
    ]);
    expect(await page.getByTestId('procedure-editor').locator('h1').innerText()).toBe(name);

    // A newly published version's sheet prints the line first.
    const procedure = (await designer.get(`/api/procedures/${id}`)).body;
    const saved = await p.app.inject({
      method: 'PUT',
      url: `/api/procedures/${id}/draft`,
      headers: { authorization: `Bearer ${designer.token}` },
      payload: { revision: procedure.draft.revision, xml: `${procedure.draft.xml}\n<!-- phiên bản 2 -->\n`, forms: procedure.draft.forms },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await designer.post(`/api/procedures/${id}/publish`, {});
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const sheet = await designer.get(`/api/procedures/${id}/versions/${published.body.version}/sheet`);
    expect(sheet.body.legalBasis).toEqual([
      line,
      'Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội',
      'điều 6.1 Tiêu chuẩn quốc gia TCVN ISO 9001:2015 (ISO 9001:2015) Hệ thống quản lý chất lượng - Các yêu cầu',
      'Ghi chú thử.',
    ]);

    // The administrator's law-change page lists the procedure under the new document, at Điều 5.
    const admin = adminBrowser.page;
    await signInWithForm(admin, p.url, adminUser);
    await admin.goto(`${p.url}/thay-doi-phap-luat`);
    const option = admin.getByTestId('law-document').locator('option', { hasText: number });
    await option.waitFor({ state: 'attached' });
    await admin.getByTestId('law-document').selectOption({ value: (await option.getAttribute('value'))! });
    const row = admin.getByTestId('law-procedures').getByRole('row', { name: new RegExp(name) });
    await row.waitFor();
    expect(await row.innerText()).toContain('Điều 5');
    expect(await axeViolations(admin)).toEqual([]);
    expect([...browser.pageErrors, ...adminBrowser.pageErrors]).toEqual([]);
  });

  it('whoever cannot edit the procedure reads the sheet panel without changing it', async () => {
    const session = await launchChromium();
    try {
      const { page } = session;
      await signInWithForm(page, p.url, officerUser);
      await page.goto(`${p.url}/procedures/${id}`);
      await page.getByTestId('procedure-editor').waitFor();
      await page.locator('[data-testid="sheet-panel"] > summary').click();
      await page.getByTestId('sheet-citation').first().waitFor();
      const panel = page.getByTestId('sheet-panel');
      expect(await panel.getByLabel('Mã hiệu').isDisabled()).toBe(true);
      expect(await panel.getByLabel('Văn bản của căn cứ 1').isDisabled()).toBe(true);
      expect(await panel.getByTestId('sheet-save').count()).toBe(0);
      expect(await panel.getByTestId('add-document').count()).toBe(0);
      expect(await panel.getByTestId('sheet-citation-up').count()).toBe(0);
      expect(await panel.getByTestId('sheet-preview').innerText()).toContain('Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội');
      expect(session.pageErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });
});
