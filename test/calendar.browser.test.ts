import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, signInWithForm, type BrowserSession } from './helpers/browser-chromium.js';

const SCREENSHOTS = path.resolve('test-results');

describe('the working calendar in a real browser', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let admin: TestUser;
  let officer: TestUser;
  let unit: string;
  const reason = `Thử nghiệm lịch ${Date.now().toString(36)}`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    // the override goes to a fresh unit, so the national calendar other tests count on is untouched
    unit = await createUnit(p.db, { name: 'Phòng thử lịch' });
    admin = await createUser(p.db, { roles: ['admin'], unitCode: 'TINH', fullName: 'Quản Trị Lịch' });
    officer = await createUser(p.db, { roles: ['officer'], unitCode: unit });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('an admin sees Tết 2026, adds a day off with a reason, and the history and due date follow', async () => {
    const { page } = browser;
    await signInWithForm(page, p.url, admin);
    await page.getByRole('link', { name: 'Lịch làm việc', exact: true }).click();
    await page.waitForURL(/\/calendar/);

    // the year is in the URL
    await page.goto(`${p.url}/calendar?year=2026`);
    await page.getByRole('heading', { name: 'Lịch làm việc năm 2026' }).waitFor();
    const days = page.getByTestId('calendar-days');
    await days.locator('tr[data-date="2026-02-17"]').waitFor();
    expect(await days.locator('tr[data-date="2026-02-17"]').textContent()).toContain('Tết Nguyên đán (mùng 1)');
    for (const d of ['2026-02-16', '2026-02-18', '2026-02-19', '2026-02-20']) expect(await days.locator(`tr[data-date="${d}"]`).count()).toBe(1);

    // the unit's calendar: the due date before the change
    await page.goto(`${p.url}/calendar?year=2026&unit=${unit}`);
    await days.locator('tr[data-date="2026-02-17"]').waitFor();
    const due = page.getByTestId('calendar-due');
    await due.getByLabel('Ngày tiếp nhận').fill('09/03/2026');
    await due.getByLabel('Giờ tiếp nhận').fill('08:00');
    await due.getByLabel('Số ngày làm việc').fill('2');
    await due.getByRole('button', { name: 'Tính hạn' }).click();
    await page.getByTestId('calendar-due-value').waitFor();
    const before = await page.getByTestId('calendar-due-value').textContent();
    expect(before).toContain('11/03/2026');

    // a server error (too short a reason is stopped by the browser; a duplicate is refused by the server) shows as an alert
    const add = page.getByTestId('calendar-add');
    await add.getByLabel('Ngày', { exact: true }).fill('17/02/2026');
    await add.getByLabel('Tên').fill('Trùng');
    await add.getByLabel('Lý do thay đổi').fill('Thử trùng');
    await add.getByLabel('Đơn vị (để trống: lịch quốc gia)').selectOption('');
    await add.getByRole('button', { name: 'Thêm ngày' }).click();
    await add.getByRole('alert').waitFor();
    expect(await add.getByRole('alert').textContent()).toContain('2026-02-17');

    // add a day off for the unit
    await add.getByLabel('Đơn vị (để trống: lịch quốc gia)').selectOption(unit);
    await add.getByLabel('Ngày', { exact: true }).fill('10/03/2026');
    await add.getByLabel('Loại').selectOption('day_off');
    await add.getByLabel('Tên').fill('Nghỉ kiểm kê kho');
    await add.getByLabel('Lý do thay đổi').fill(reason);
    await add.getByRole('button', { name: 'Thêm ngày' }).click();
    await days.locator('tr[data-date="2026-03-10"]').waitFor();
    const row = await days.locator('tr[data-date="2026-03-10"]').textContent();
    expect(row).toContain('Nghỉ kiểm kê kho');
    expect(row).toContain(`Đơn vị ${unit}`);

    // the change history: who, what and why
    const changes = page.getByTestId('calendar-changes');
    await changes.getByText(reason).waitFor();
    const change = await changes.locator('tr', { hasText: reason }).textContent();
    expect(change).toContain(admin.username);
    expect(change).toContain('Nghỉ kiểm kê kho');

    // the due date moves past the new day off, and says why
    await due.getByRole('button', { name: 'Tính hạn' }).click();
    await page.getByTestId('calendar-due-skipped').waitFor();
    await expect.poll(() => page.getByTestId('calendar-due-value').textContent()).toContain('12/03/2026');
    expect(await page.getByTestId('calendar-due-skipped').textContent()).toContain('Nghỉ kiểm kê kho');

    await page.screenshot({ path: path.join(SCREENSHOTS, 'calendar.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('an officer reads the calendar but has no edit controls', async () => {
    const { page } = browser;
    await page.evaluate(() => localStorage.clear());
    await signInWithForm(page, p.url, officer);
    expect(await page.getByRole('link', { name: 'Lịch làm việc', exact: true }).count()).toBe(0);
    await page.goto(`${p.url}/calendar?year=2026&unit=${unit}`);
    const days = page.getByTestId('calendar-days');
    await days.locator('tr[data-date="2026-03-10"]').waitFor();
    expect(await days.locator('tr[data-date="2026-02-17"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Sửa' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Xóa' }).count()).toBe(0);
    expect(await page.getByTestId('calendar-add').count()).toBe(0);
    expect(await page.getByTestId('calendar-settings').count()).toBe(0);
    expect(await page.getByTestId('calendar-changes').count()).toBe(0);
    await page.getByTestId('calendar-due').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
