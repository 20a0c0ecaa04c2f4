import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';
const SCREENSHOTS = path.resolve('test-results');

describe('the inbox in a real browser: live updates, leader tools, reminders', () => {
  let p: TestPlatform;
  let starter: Client; // one-stop officer who receives cases
  let officer: Client; // one-stop officer whose inbox is open in the browser
  let leader: Client; // leader of the department (SNNMT ⊃ SNNMT-VP)
  let officerTab: BrowserSession;
  let leaderTab: BrowserSession;
  // Every case of this file carries the token in its code: the pages filter on it, so other files' tasks stay out.
  const token = `TTHC-${randomBytes(3).toString('hex').toUpperCase()}`;
  const tasks: string[] = [];

  const signIn = async (page: Page, who: Client, to: string) => {
    await page.goto(`${p.url}/login`);
    await page.evaluate((t) => localStorage.setItem('eiso.token', t), who.token);
    await page.goto(`${p.url}${to}`);
    await page.getByRole('heading', { name: 'Hộp công việc' }).waitFor();
    // The page is live once its event stream is open.
    await page.locator('[data-testid="live-indicator"][data-live="true"]').waitFor({ timeout: 10_000 });
  };
  const row = (page: Page, id: string) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);

  const startCase = async (n: number, wait = true) => {
    const started = await starter.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `${token}-${n}` } });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey as string;
    if (!wait) return key;
    return waitFor(async () => {
      const r = await starter.get(`/api/tasks?scope=available&caseCode=${token}-${n}`);
      return (r.body.items as { id: string; processInstanceKey: string }[]).find((t) => t.processInstanceKey === key)?.id;
    }, `case ${n} in the inbox`);
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    starter = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Lê Văn Nhận' }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Trần Thị Bình' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT', fullName: 'Hoàng Văn Đạo' }));
    officerTab = await launchChromium();
    leaderTab = await launchChromium({ viewport: { width: 1360, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await officerTab?.close();
    await leaderTab?.close();
    await p?.close();
  });

  it("a new task shows in an officer's open inbox without a reload", async () => {
    const page = officerTab.page;
    // Given the officer's "to claim" list, filtered on this file's cases, open and live (polling is 30 s while live).
    await signIn(page, officer, `/inbox?scope=available&q=${token}`);
    await page.getByText('Không có công việc nào').waitFor();
    const before = await page.evaluate(() => performance.getEntriesByType('navigation').length);

    // When a case is received
    const instanceKey = await startCase(1, false);
    // Then its first step appears in the same page (no navigation happened), well before the 30-second fallback
    // poll would bring it: the live stream (its latency is measured by bench/, not here: a loaded CI machine took 2.4 s).
    const newRow = page.getByTestId('task-row').filter({ hasText: `${token}-1` });
    await newRow.waitFor({ timeout: 15_000 });
    const seenAt = Date.now();
    const written = await p.db('inbox_tasks').where({ process_instance_key: instanceKey }).first('job_key', 'created_at');
    tasks.push(String(written.job_key));
    expect(seenAt - written.created_at.getTime()).toBeLessThan(10_000);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(before);
    expect(await row(page, tasks[0]).textContent()).toContain('Tiếp nhận và kiểm tra hồ sơ');
    // the counts are a query of their own, refetched beside the list: the badge may follow the row by a moment
    await expect.poll(() => page.getByTestId('count-available').textContent()).toBe('1');
    expect(await row(page, tasks[0]).getAttribute('data-deadline')).toMatch(/^(on_time|near_due|overdue)$/);
    expect(await row(page, tasks[0]).getByTestId('deadline').textContent()).toMatch(/Trong hạn|Sắp đến hạn|Quá hạn/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-live-officer.png'), fullPage: true });
    expect(officerTab.pageErrors).toEqual([]);
  });

  it('a leader reassigns two tasks at once and urges one; the officer finds it under "Được nhắc"', async () => {
    // Given two cases held by the receiving officer
    tasks.push(await startCase(2));
    for (const id of tasks) expect((await starter.post(`/api/tasks/${id}/claim`)).status).toBe(200);
    // and the officer watching "Mine"
    const page = officerTab.page;
    await page.getByRole('link', { name: 'Của tôi' }).click();
    await page.waitForURL(/scope=mine/);

    // When the leader opens the whole unit's in-progress tasks
    const lp = leaderTab.page;
    await signIn(lp, leader, `/inbox?view=unit&scope=mine&q=${token}`);
    for (const id of tasks) await row(lp, id).waitFor();
    expect(await row(lp, tasks[0]).textContent()).toContain('Lê Văn Nhận');
    // selects both and hands them to the officer
    for (const id of tasks) await row(lp, id).getByTestId('select-task').check();
    await lp.getByTestId('reassign-to').selectOption(officer.user.username);
    await lp.getByTestId('reassign').click();
    await lp.getByRole('status').filter({ hasText: 'Đã chuyển 2 công việc cho Trần Thị Bình' }).waitFor();
    for (const id of tasks)
      expect((await officer.get(`/api/tasks/${id}`)).body).toMatchObject({ assignee: officer.user.username, assignedBy: leader.user.username });
    await waitFor(async () => (await row(lp, tasks[0]).textContent())?.includes('Trần Thị Bình'), 'the leader list to show the new holder');

    // and urges the first one with a message
    await row(lp, tasks[0]).getByTestId('urge').click();
    await lp.getByTestId('urge-message').fill('Đề nghị hoàn thành tiếp nhận trước 10 giờ');
    await lp.getByTestId('urge-send').click();
    await lp
      .getByRole('status')
      .filter({ hasText: `Đã đôn đốc ${officer.user.username}` })
      .waitFor();
    await row(lp, tasks[0]).getByTestId('reminded').waitFor();
    await lp.screenshot({ path: path.join(SCREENSHOTS, 'inbox-leader.png'), fullPage: true });

    // Then, live, both tasks are in the officer's "Mine", and the bell counts the news
    for (const id of tasks) await row(page, id).waitFor({ timeout: 5000 });
    await waitFor(
      async () =>
        Number(
          await page
            .getByTestId('notification-count')
            .textContent()
            .catch(() => '0'),
        ) >= 2,
      'two unread notifications',
    );
    // and the urged one is under "Được nhắc", with the leader's words.
    await page.getByRole('link', { name: 'Được nhắc' }).click();
    await page.waitForURL(/scope=reminded/);
    await page.locator('[data-testid="task-list"][aria-busy="false"]').waitFor();
    await row(page, tasks[0]).waitFor();
    expect(await row(page, tasks[1]).count()).toBe(0);
    expect(await row(page, tasks[0]).getByTestId('reminded').textContent()).toContain('Đề nghị hoàn thành tiếp nhận trước 10 giờ');
    expect(await page.getByTestId('count-reminded').textContent()).toBe('1');

    // The bell lists the urge; reading it lowers the count.
    await page.getByTestId('notification-bell').click();
    const urgeItem = page.locator('[data-testid="notification-item"][data-kind="task_urged"]').first();
    await urgeItem.waitFor();
    expect(await urgeItem.textContent()).toContain('Đề nghị hoàn thành tiếp nhận trước 10 giờ');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-reminded-officer.png'), fullPage: true });
    const unread = Number(await page.getByTestId('notification-count').textContent());
    await urgeItem.getByRole('button', { name: 'Đánh dấu đã đọc' }).click();
    await waitFor(
      async () =>
        Number(
          await page
            .getByTestId('notification-count')
            .textContent()
            .catch(() => '0'),
        ) ===
        unread - 1,
      'one notification fewer',
    );

    expect(officerTab.pageErrors).toEqual([]);
    expect(leaderTab.pageErrors).toEqual([]);
  });
  it("a refusal reads in the reader's language only: the code's English text, not the bilingual message", async () => {
    // Given a task of this file and an officer of another unit, who is not offered it, reading in English
    const id = await startCase(90);
    const outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU', fullName: 'Phạm Văn Ngoài' }));
    const refused = await outsider.get(`/api/tasks/${id}`);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'TASK_NOT_OFFERED', params: {} });
    expect(refused.body.message).toContain(' / ');
    const page = officerTab.page;
    await page.goto(`${p.url}/login`);
    await page.evaluate((t) => {
      localStorage.setItem('eiso.token', t);
      localStorage.setItem('eiso.lang', 'en');
    }, outsider.token);
    // When the task's page is opened
    await page.goto(`${p.url}/tasks/${id}`);
    // Then the refusal is the code's English text alone
    const alert = page.getByText('This task is not offered to you', { exact: true });
    await alert.waitFor({ timeout: 10_000 });
    await expect(page.getByText('Công việc này không thuộc quyền của bạn').count()).resolves.toBe(0);
    await page.evaluate(() => localStorage.setItem('eiso.lang', 'vi'));
  });
});
