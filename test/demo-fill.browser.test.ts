import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { demoAccounts } from './helpers/demo-users.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { demoFilledBefore, fillDemo, type DemoFillResult } from '../api/demo-fill.js';

/**
 * After `npm start` the demo users look around while the demo fills (api/demo-fill.ts): a banner says how
 * far it is and goes away when it is done; each user then finds their pages filled. (SERIAL: the fixed demo
 * accounts. When an earlier file of the same database made the demo data already, the fill is skipped as
 * on a restart and there is no banner to see.)
 */
describe('the demo fills while the user looks around', () => {
  let p: TestPlatform;
  let passwords: Map<string, string>;
  let browser: BrowserSession;
  let fill: Promise<DemoFillResult>;
  let fillsNow: boolean;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const accounts = await demoAccounts(p.db);
    passwords = accounts.passwords;
    fillsNow = (await demoFilledBefore(p.db, accounts.dataDir)) === null;
    fill = fillDemo({ app: p.app, db: p.db, dataDir: accounts.dataDir, passwords: accounts.passwords, dossiers: 15, concurrency: 8, stepTimeoutMs: 120_000 });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
  });
  afterAll(async () => {
    await fill?.catch(() => undefined);
    await browser?.close();
    const keys = await p
      ?.db('dossiers')
      .whereRaw(`applicant->>'email' LIKE '%.demo.%@example.com'`)
      .whereNotNull('process_instance_key')
      .whereNull('closed_at')
      .pluck('process_instance_key');
    for (const k of keys ?? []) await p.zeebe.cancelProcessInstance(String(k)).catch(() => {});
    await p?.close();
  });

  const signIn = async (username: string) => {
    const { page } = browser;
    await page.evaluate(() => localStorage.clear()).catch(() => undefined);
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(passwords.get(username)!);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => u.pathname !== '/login');
    await page.getByTestId('current-user').waitFor();
  };

  it('the banner shows the progress while the demo fills, and goes away when it is done', { timeout: 240_000 }, async () => {
    await signIn('motcuaxa');
    const banner = browser.page.getByTestId('demo-banner');
    if (fillsNow) {
      await banner.waitFor({ timeout: 30_000 });
      expect(await banner.textContent()).toMatch(/^Đang tạo dữ liệu demo: \d+\/\d+\./);
    }
    const result = await fill;
    expect(result.errors).toEqual([]);
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    // The inbox (opened afresh: a bare /inbox picks its bucket once, from the counts) has the desk's tasks.
    await browser.page.goto(`${p.url}/inbox`);
    await browser.page.getByTestId('task-row').first().waitFor({ timeout: 30_000 });
    expect(await browser.page.getByTestId('task-row').count()).toBeGreaterThan(0);
  });

  it('each demo user finds their pages filled', { timeout: 120_000 }, async () => {
    const { page } = browser;
    // An officer of an agency: open tasks in the inbox.
    await signIn('kinhtexa');
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByTestId('task-row').count()).toBeGreaterThan(0);

    // The provincial desk: its dossiers.
    await signIn('motcuatinh');
    await page.goto(`${p.url}/mot-cua?tab=all`);
    await page.getByTestId('onestop-list').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('onestop-list').locator('tbody tr').count()).toBeGreaterThan(0);

    // The ISO secretary: the nonconformities and the documents.
    await signIn('thukyiso');
    await page.goto(`${p.url}/iso?tab=nc`);
    await page.getByTestId('iso-nc-table').locator('tbody tr').first().waitFor();
    await page.goto(`${p.url}/iso?tab=documents`);
    await page.getByTestId('iso-doc-table').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('iso-doc-table').locator('tbody tr').count()).toBeGreaterThan(0);

    // The auditor: the cases of the province.
    await signIn('kiemtra');
    await page.goto(`${p.url}/audit`);
    const total = page.getByTestId('audit-total');
    await total.waitFor();
    expect(await total.textContent()).toMatch(/^(Khoảng )?[1-9][\d.]* hồ sơ/);
  });
});
