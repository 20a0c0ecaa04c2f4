import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { callChain } from './helpers/call-chain-bpmn.js';

/** Issue 16, item 3 in a real browser: an officer works a step of a called process (two levels down) with the root case's code on screen. */
describe('a step of a called process in the browser', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let approverUser: TestUser;
  let approver: Client;
  const tag = Date.now().toString(36);
  const code = `LT-WEB-${tag}`;
  let root: string;
  let taskId: string;

  const inboxTask = (who: Client, elementId: string) =>
    waitFor(async () => {
      const r = await who.get('/api/tasks?view=personal&limit=100');
      return (r.body?.items as any[] | undefined)?.find((t) => t.elementId === elementId && (t.rootCase?.processInstanceKey ?? t.processInstanceKey) === root);
    }, `${elementId} of case ${root} in ${who.user.username}'s inbox`);
  const work = async (who: Client, elementId: string) => {
    const t = await inboxTask(who, elementId);
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    expect((await who.post(`/api/tasks/${t.id}/complete`, { variables: {} })).status).toBe(200);
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const units = { root: await createUnit(p.db), level1: await createUnit(p.db), level2: await createUnit(p.db) };
    const reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: units.root }));
    const appraiser = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: units.level1 }));
    approverUser = await createUser(p.db, { roles: ['officer'], unitCode: units.level2, fullName: 'Phạm Phê Duyệt' });
    approver = await login(p.app, approverUser);
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const chain = callChain(tag, { root: `${units.root}/officer`, level1: `${units.level1}/officer`, level2: `${units.level2}/officer` });
    for (const m of chain.models) expect((await designer.post('/api/process-definitions', m)).status).toBe(201);
    const started = await reception.post('/api/process-instances', { bpmnProcessId: chain.ids.root, variables: { maHoSo: code } });
    expect(started.status).toBe(201);
    root = started.body.processInstanceKey;
    await work(reception, 'TiepNhan');
    await work(appraiser, 'ThamDinh');
    taskId = (await inboxTask(approver, 'PheDuyet')).id;
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('the officer sees the root case code in the inbox and on the task, and completes the step', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/inbox`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Tên đăng nhập').fill(approverUser.username);
    await page.getByLabel('Mật khẩu').fill(approverUser.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/inbox/);

    // The inbox row of the level-2 step names the root case.
    await page.goto(`${p.url}/inbox?scope=available`);
    const row = page.locator(`[data-testid="task-row"][data-task-id="${taskId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('task-case').textContent()).toContain(code);

    // The task page: "Hồ sơ gốc" with the root case's code, procedure and key.
    await row.getByRole('link', { name: 'Phê duyệt kết quả liên thông' }).click();
    await page.getByRole('heading', { name: 'Phê duyệt kết quả liên thông' }).waitFor();
    const rootCase = page.getByTestId('root-case');
    await rootCase.waitFor();
    expect(await rootCase.locator('dt').textContent()).toBe('Hồ sơ gốc');
    expect(await page.getByTestId('root-case-code').textContent()).toBe(code);
    expect(await rootCase.textContent()).toContain('Thủ tục liên thông hai cấp');
    expect(await rootCase.textContent()).toContain(root);

    // The officer works the step.
    await page.getByTestId('claim').click();
    await page.getByTestId('complete').click();
    await waitFor(async () => (await approver.get(`/api/tasks/${taskId}`)).body.status === 'completed', 'the step completed');
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: root, state: 'completed' }).first()) ?? false,
      'the case completed',
    );
    expect(browser.pageErrors).toEqual([]);
  });
});
