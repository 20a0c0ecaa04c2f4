import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { LAND_PROCESS } from './helpers/audit-flow.js';

/**
 * Presses Tab until the focused element is the one described (its tag, accessible text or label), at most
 * `limit` times; returns how many presses it took. No mouse anywhere.
 */
async function tabTo(
  page: Page,
  describe: string,
  matches: (el: { tag: string; text: string; label: string; type: string }) => boolean,
  limit = 120,
): Promise<number> {
  for (let i = 1; i <= limit; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      if (!a) return { tag: '', text: '', label: '', type: '' };
      const id = a.getAttribute('id');
      const label =
        (id ? document.querySelector(`label[for="${CSS.escape(id)}"]`)?.textContent : a.closest('label')?.textContent) ?? a.getAttribute('aria-label') ?? '';
      return { tag: a.tagName.toLowerCase(), text: (a.textContent ?? '').trim(), label: label.trim(), type: a.getAttribute('type') ?? '' };
    });
    if (matches(el)) return i;
  }
  throw new Error(`Tab never reached ${describe}`);
}

/** Issue 18, item 4: an officer goes from the inbox to a task, fills its form and completes it with the keyboard alone. */
describe('an officer works a task with the keyboard alone', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let officer: TestUser;
  const code = `KB-${randomBytes(3).toString('hex').toUpperCase()}`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Bàn Phím Văn' });
    const api = await login(p.app, officer);
    const started = await api.post('/api/process-instances', { bpmnProcessId: LAND_PROCESS, variables: { maHoSo: code } });
    expect(started.status).toBe(201);
    await waitFor(async () => ((await api.get(`/api/tasks?scope=available&caseCode=${code}`)).body.items as unknown[]).length > 0, 'the task to claim');
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('Tab, Enter and Space only: from the inbox to the task, claimed, its form filled and completed', async () => {
    const { page } = browser;
    const api = await login(p.app, officer);
    await page.goto(`${p.url}/login`);
    await tabTo(page, 'the user name', (e) => e.label.startsWith('Tên đăng nhập'));
    await page.keyboard.type(officer.username);
    await tabTo(page, 'the password', (e) => e.label.startsWith('Mật khẩu'));
    await page.keyboard.type(officer.password);
    await page.keyboard.press('Enter');
    await page.getByTestId('current-user').waitFor();
    // the inbox opens on the tasks to claim; search the case with the keyboard
    await page.waitForURL((u) => u.pathname === '/inbox');
    await page.locator('a', { hasText: 'Tiếp nhận và kiểm tra hồ sơ' }).first().waitFor();
    const taskId = ((await api.get(`/api/tasks?scope=available&caseCode=${code}`)).body.items as { id: string }[])[0].id;
    await tabTo(page, 'the link to the task', (e) => e.tag === 'a' && e.text === 'Tiếp nhận và kiểm tra hồ sơ');
    // the focused link is the task of this case (several cases may wait in the desk's queue: move on until it is)
    for (let i = 0; i < 50 && (await page.evaluate(() => (document.activeElement as HTMLAnchorElement).getAttribute('href'))) !== `/tasks/${taskId}`; i++) {
      await tabTo(page, 'the next task link', (e) => e.tag === 'a' && e.text === 'Tiếp nhận và kiểm tra hồ sơ');
    }
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === `/tasks/${taskId}`);

    await page.getByTestId('claim').waitFor();
    await tabTo(page, 'the claim button', (e) => e.tag === 'button' && e.text === 'Nhận xử lý');
    await page.keyboard.press('Enter');
    await page.getByTestId('task-status').filter({ hasText: /./ }).waitFor();
    await page.getByTestId('complete').and(page.locator(':enabled')).waitFor();

    await tabTo(page, 'the applicant field', (e) => e.label.includes('Họ tên người nộp'));
    await page.keyboard.type('Nguyễn Thị Bàn');
    await tabTo(page, 'the parcel field', (e) => e.label.includes('Số thửa'));
    await page.keyboard.type('15/7');
    await tabTo(page, 'the checkbox', (e) => e.type === 'checkbox' && e.label.includes('Hồ sơ đầy đủ'));
    await page.keyboard.press('Space');
    await tabTo(page, 'the complete button', (e) => e.tag === 'button' && e.text === 'Hoàn thành');
    await page.keyboard.press('Enter');

    // back in the inbox with the confirmation; the server has the form's values
    await page.getByRole('status').filter({ hasText: 'Tiếp nhận và kiểm tra hồ sơ' }).waitFor();
    const done = await waitFor(async () => {
      const t = await api.get(`/api/tasks/${taskId}`);
      return t.body.status === 'completed' ? t.body : undefined;
    }, 'the task completed');
    expect(done.completedBy).toBe(officer.username);
    // the case holds what was typed and ticked
    const values = await waitFor(async () => {
      const rows = await p.db('hist_variables').where({ process_instance_key: done.processInstanceKey }).whereIn('name', ['nguoiNop', 'soThua', 'hoSoDayDu']);
      return rows.length === 3 ? Object.fromEntries(rows.map((r) => [r.name, r.value])) : undefined;
    }, 'the form values in the case history');
    expect(values).toEqual({ nguoiNop: 'Nguyễn Thị Bàn', soThua: '15/7', hoSoDayDu: true });
    expect(browser.pageErrors).toEqual([]);
  });
});
