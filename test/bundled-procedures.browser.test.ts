import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { fillPanelEntry, lintCounts, selectElement, signInWithToken } from './helpers/modeler-page.js';
import { pdfText } from './helpers/onestop.js';
import { PROCESSES_DIR, readBundledFiles } from '../engine/bundled.js';
import { importBundledProcedures } from '../domain/procedures/bundled.js';

const SCREENSHOTS = path.resolve('test-results');

/**
 * Issue 16, item 1 in the browser: the designer's "Quy trình" lists every shipped process, marked as
 * shipped; a shipped ISO process opens in the modeler, is edited, published as version 2 and printed.
 * The process edited is a shipped ISO file imported under an id of this file's own (the run's other
 * files start the real ones at the same time).
 */
describe('shipped processes in the modeler, in a real browser', () => {
  let p: TestPlatform;
  let designer: Client;
  let browser: BrowserSession;
  const isoId = `iso-xu-ly-rui-ro-${randomBytes(3).toString('hex')}`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'], fullName: 'Trần Thị Thiết' }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bundled-web-'));
    writeFileSync(
      path.join(dir, `${isoId}.bpmn`),
      readFileSync(path.join(PROCESSES_DIR, 'iso-xu-ly-rui-ro.bpmn'), 'utf8').replaceAll('iso-xu-ly-rui-ro', isoId),
    );
    mkdirSync(path.join(dir, 'forms'));
    for (const f of ['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet'])
      copyFileSync(path.join(PROCESSES_DIR, 'forms', `${f}.form`), path.join(dir, 'forms', `${f}.form`));
    expect((await importBundledProcedures(p.db, p.zeebe, readBundledFiles(dir))).map((r) => r.outcome)).toEqual(['created']);
    browser = await launchChromium({ viewport: { width: 1500, height: 950 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signInWithToken(browser.page, p.url, designer.token);
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('the designer sees every shipped process, marked as shipped, each with its version in force', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/procedures`);
    await page.getByTestId('procedure-table').waitFor();
    const shipped = readdirSync(PROCESSES_DIR)
      .filter((f) => f.endsWith('.bpmn'))
      .map((f) => f.replace(/\.bpmn$/, ''));
    expect(shipped).toHaveLength(15);
    for (const id of [...shipped, isoId]) {
      const row = page.locator(`[data-testid="procedure-row"][data-procedure-id="${id}"]`);
      expect(await row.getAttribute('data-shipped'), id).toBe('true');
      expect(await row.getByTestId('shipped-badge').textContent(), id).toBe('Đi kèm hệ thống');
      expect(await row.getByTestId('latest-version').textContent(), id).toBe('1');
    }
    const risk = page.locator('[data-testid="procedure-row"][data-procedure-id="iso-xu-ly-rui-ro"]');
    expect(await risk.getByRole('link').textContent()).toBe('Đánh giá và xử lý rủi ro, cơ hội');
    expect(await risk.getByTestId('kind-badge').textContent()).toBe('Quy trình ISO');
    expect(await page.locator('[data-testid="procedure-row"][data-procedure-id="mc-dang-ky-khai-sinh"]').getByTestId('kind-badge').textContent()).toBe(
      'Thủ tục một cửa',
    );
    expect(await page.getByText('Chưa có quy trình nào.').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'bundled-procedures-list.png') });
    expect(browser.pageErrors).toEqual([]);
  });

  it('opens a shipped ISO process in the modeler, renames a step, publishes version 2 and prints its sheet', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/procedures`);
    await page.locator(`[data-testid="procedure-row"][data-procedure-id="${isoId}"]`).getByRole('link').click();
    await page.waitForURL(new RegExp(`/procedures/${isoId}$`));
    await page.locator('.djs-element[data-element-id="XemXetDinhKy"]').waitFor();
    expect(await page.getByTestId('procedure-origin').textContent()).toContain(`Đi kèm hệ thống (tệp ${isoId}.bpmn)`);
    await page.locator('[data-testid="version-row"][data-version="1"]').waitFor();

    // When the designer renames the ISO secretary's step in the properties panel.
    await selectElement(page, 'XemXetDinhKy');
    await fillPanelEntry(page, 'name', 'Rà soát rủi ro định kỳ');
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
    expect((await designer.get(`/api/procedures/${isoId}`)).body.draft.xml).toContain('name="Rà soát rủi ro định kỳ"');
    // The shipped model passes the modeler's checks (the lint list names any finding).
    await waitFor(async () => (await lintCounts(page)).errors === 0, 'no lint errors', 20_000).catch(async (err: Error) => {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'bundled-procedure-lint.png') });
      throw new Error(`${err.message}: ${(await page.getByTestId('lint-issue').allTextContents()).join(' | ')}`);
    });

    // And publishes.
    await page.getByTestId('publish').click();
    await page.locator('[data-testid="version-row"][data-version="2"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'bundled-procedure-v2.png') });

    // Then the sheet of version 2 prints with the renamed step.
    const [pdf] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid="version-row"][data-version="2"] [data-testid="sheet-pdf"]').click(),
    ]);
    const text = await pdfText(readFileSync(await pdf.path()));
    expect(text).toContain('Rà soát rủi ro định kỳ');
    expect(text).not.toContain('Thư ký ISO xem xét, đánh giá lại');

    // And the list shows version 2 in force, still marked as shipped.
    await page.getByRole('link', { name: '← Danh sách quy trình' }).click();
    const row = page.locator(`[data-testid="procedure-row"][data-procedure-id="${isoId}"]`);
    await waitFor(async () => (await row.getByTestId('latest-version').textContent()) === '2', 'version 2 in the list', 15_000);
    expect(await row.getByTestId('shipped-badge').count()).toBe(1);
    expect(browser.pageErrors).toEqual([]);
  });
});
