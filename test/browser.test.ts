import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';
const FIRST_STEP = 'Tiếp nhận và kiểm tra hồ sơ';
const SCREENSHOTS = path.resolve('test-results');

describe('the web app in a real browser against the real platform', () => {
  let p: TestPlatform;
  let officerUser: TestUser;
  let officer: Client;
  let taskId: string;
  let browser: BrowserSession;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    officerUser = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Trần Thị Lan' });
    officer = await login(p.app, officerUser);
    const started = await officer.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `WEB-${Date.now()}` } });
    expect(started.status).toBe(201);
    const instanceKey = started.body.processInstanceKey as string;
    const task = await waitFor(async () => {
      // narrowed to the case: other files offer tasks to the same unit meanwhile
      const r = await officer.get(`/api/tasks?scope=available&caseCode=${instanceKey}`);
      return (r.body.items as { id: string; processInstanceKey: string }[]).find((t) => t.processInstanceKey === instanceKey);
    }, 'the first step in the inbox');
    taskId = task.id;
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('an officer signs in, claims a task, fills its form, completes it and finds it under "Đã xong"', async () => {
    const { page } = browser;
    const row = page.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`);

    // Given a signed-out visitor: the inbox sends them to the login page.
    await page.goto(`${p.url}/inbox`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Tên đăng nhập').fill(officerUser.username);
    await page.getByLabel('Mật khẩu').fill('wrong password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Sai tên đăng nhập hoặc mật khẩu');

    // When they sign in, they land in the inbox with their name and unit in the header.
    await page.getByLabel('Mật khẩu').fill(officerUser.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/inbox/);
    await page.getByRole('heading', { name: 'Hộp công việc' }).waitFor();
    expect(await page.getByTestId('current-user').textContent()).toContain('Trần Thị Lan');

    // The task waits under "Chờ nhận"; the tab is in the URL.
    await page.getByRole('link', { name: 'Chờ nhận' }).click();
    await page.waitForURL(/scope=available/);
    await row.waitFor();
    expect(await row.textContent()).toContain(FIRST_STEP);
    await row.getByTestId('claim').click();
    await page.getByRole('status').filter({ hasText: 'Đã nhận xử lý' }).waitFor();
    expect((await officer.get(`/api/tasks/${taskId}`)).body.assignee).toBe(officerUser.username);

    // It moves to "Của tôi"; open it.
    await page.getByRole('link', { name: 'Của tôi' }).click();
    await page.waitForURL(/scope=mine/);
    await row.getByRole('link', { name: FIRST_STEP }).click();
    await page.waitForURL(new RegExp(`/tasks/${taskId}$`));
    await page.getByRole('heading', { name: FIRST_STEP }).waitFor();

    // Completing with required fields empty shows what is missing and sends nothing.
    const nguoiNop = page.getByLabel('Họ tên người nộp');
    await nguoiNop.waitFor();
    await page.getByTestId('complete').click();
    expect(await page.getByTestId('form-errors').textContent()).toContain('Số thửa / tờ bản đồ');
    expect((await officer.get(`/api/tasks/${taskId}`)).body.status).toBe('open');

    await nguoiNop.fill('Nguyễn Thị Hoa');
    await page.getByLabel('Số thửa / tờ bản đồ').fill('12/5');
    await page.getByLabel('Hồ sơ đầy đủ theo danh mục').check();
    await page.getByTestId('complete').click();

    // Then: back in the inbox with a confirmation, and the task is listed under "Đã xong".
    await page.waitForURL(/\/inbox\?scope=mine/);
    await page.getByRole('status').filter({ hasText: 'Đã hoàn thành' }).waitFor();
    await page.getByRole('link', { name: 'Đã xong' }).click();
    await page.waitForURL(/state=done/);
    await row.waitFor();
    expect(await row.textContent()).toContain(FIRST_STEP);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox.png'), fullPage: true });

    // And the API reports it completed by the officer, with the form's data.
    const done = await officer.get(`/api/tasks/${taskId}`);
    expect(done.body).toMatchObject({ status: 'completed', completedBy: officerUser.username });
    expect(done.body.variables).toMatchObject({ nguoiNop: 'Nguyễn Thị Hoa', soThua: '12/5', hoSoDayDu: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('switches to English and remembers the choice across a reload', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/inbox?scope=mine`);
    await page.getByRole('heading', { name: 'Hộp công việc' }).waitFor();

    await page.getByRole('button', { name: 'EN' }).click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.getByRole('link', { name: 'Done' }).waitFor();
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => [localStorage.getItem('eiso.lang'), document.documentElement.lang])).toEqual(['en', 'en']);

    await page.reload();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-en.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });
});
