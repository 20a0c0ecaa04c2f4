import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, type Client } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

/** What an officer sees of the inbox's limits at scale: "1000+" badges and the done tab's period. */
describe('the inbox at scale in a real browser', () => {
  let p: TestPlatform;
  let officer: Client;
  let tab: BrowserSession;
  let unit: string;
  const proc = `scale-ui-${randomBytes(3).toString('hex')}`;
  const DAY = 86_400_000;
  const keyBase = 6_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 100_000n;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    unit = await createUnit(p.db, { name: 'Bộ phận tiếp nhận đông việc' });
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit, fullName: 'Phạm Thị Lan' }));
    tab = await launchChromium();
  });
  afterAll(async () => {
    await tab?.close();
    await p?.close();
  });

  const open = async (to: string) => {
    await tab.page.goto(`${p.url}/login`);
    await tab.page.evaluate((t) => localStorage.setItem('eiso.token', t), officer.token);
    await tab.page.goto(`${p.url}${to}`);
    await tab.page.getByRole('heading', { name: 'Hộp công việc' }).waitFor();
  };

  it('shows "1000+" when a bucket holds more than 1,000 tasks, and still pages on', async () => {
    // Given 1,001 open tasks offered to the officer's unit
    await p.db.raw(
      `INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id, process_version,
         element_id, name, candidate_groups, candidate_users, due_date, variables, created_at)
       SELECT ?::bigint + i, ?::bigint + i, ?::bigint + i, 1, ?, 1, 'Step', 'Tiếp nhận hồ sơ ' || i, ARRAY[?]::text[], '{}', now() + interval '5 days', '{}', now() - i * interval '1 second'
       FROM generate_series(0, 1000) AS i`,
      [String(keyBase), String(keyBase), String(keyBase), proc, `${unit}/officer`],
    );
    // When the officer opens "to claim" for that procedure
    await open(`/inbox?scope=available&proc=${proc}`);
    const badge = tab.page.getByTestId('count-available');
    await badge.waitFor();
    // Then the badge and the pager say "1000+", and the next page is there
    await expect.poll(() => badge.textContent()).toBe('1000+');
    expect(await badge.getAttribute('title')).toBe('Hơn 1000 việc (chỉ đếm tới 1000)');
    expect(await tab.page.getByTestId('range').textContent()).toBe('1–20 trên 1000+');
    await tab.page.getByRole('button', { name: 'Trang sau' }).click();
    await expect.poll(() => tab.page.getByTestId('range').textContent()).toBe('21–40 trên 1000+');
    expect(await tab.page.getByTestId('task-row').count()).toBe(20);
  });

  it('states the period of the done tab (last 30 days) and widens it', async () => {
    // Given tasks the officer finished 3 days and 100 days ago
    const mk = async (i: number, ago: number, name: string) => {
      const key = String(keyBase + 50_000n + BigInt(i));
      const done = new Date(Date.now() - ago);
      await p.db('inbox_tasks').insert({
        job_key: key,
        process_instance_key: key,
        element_instance_key: key,
        process_definition_key: '1',
        bpmn_process_id: proc,
        process_version: 1,
        element_id: 'Step',
        name,
        assignee: officer.user.username,
        candidate_groups: [`${unit}/officer`],
        candidate_users: [],
        variables: {},
        status: 'completed',
        completed_by: officer.user.username,
        created_at: new Date(done.getTime() - DAY),
        completed_at: done,
      });
    };
    await mk(1, 3 * DAY, 'Việc xong gần đây');
    await mk(2, 100 * DAY, 'Việc xong từ lâu');

    await open(`/inbox?state=done&proc=${proc}`);
    const period = tab.page.getByTestId('done-period');
    await period.waitFor();
    // Then the period is stated, with its first day, and only the recent task is listed
    expect(await period.textContent()).toMatch(/^Việc hoàn thành trong 30 ngày qua \(từ \d\d\/\d\d\/\d{4}\)$/);
    await tab.page.getByTestId('task-row').filter({ hasText: 'Việc xong gần đây' }).waitFor();
    expect(await tab.page.getByTestId('task-row').count()).toBe(1);
    expect(await tab.page.getByTestId('count-done').textContent()).toBe('1');

    // When the officer widens it to everything
    await tab.page.getByTestId('period-all').click();
    await tab.page.getByTestId('task-row').filter({ hasText: 'Việc xong từ lâu' }).waitFor();
    expect(tab.page.url()).toContain('period=all');
    expect(await period.textContent()).toBe('Mọi việc đã hoàn thành (toàn bộ thời gian)');
    expect(await tab.page.getByTestId('task-row').count()).toBe(2);
    await expect.poll(() => tab.page.getByTestId('count-done').textContent()).toBe('2');
  });
});
