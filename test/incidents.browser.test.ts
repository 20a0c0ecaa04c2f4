import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession, signInWithForm } from './helpers/browser-chromium.js';
import { incidentModel } from './helpers/incident-bpmn.js';

/** Issue 16, item 5 in a real browser: a case driven into an incident is listed on "Sự cố", marked on its diagram, fixed by an administrator, and finished by the officer. */
describe('an incident listed, fixed and finished through the UI', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let adminUser: TestUser;
  let officerUser: TestUser;
  let officer: Client;
  const tag = Date.now().toString(36);
  const processId = `su-co-web-${tag}`;
  const code = `SC-WEB-${tag}`;
  let key: string;

  const signIn = (user: TestUser) => signInWithForm(browser.page, p.url, user);

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const unit = await createUnit(p.db);
    officerUser = await createUser(p.db, { roles: ['officer'], unitCode: unit });
    officer = await login(p.app, officerUser);
    adminUser = await createUser(p.db, { roles: ['admin'] });
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    expect(
      (await designer.post('/api/process-definitions', { resourceName: `${processId}.bpmn`, xml: incidentModel(processId, `${unit}/officer`) })).status,
    ).toBe(201);
    const started = await officer.post('/api/process-instances', { bpmnProcessId: processId, variables: { maHoSo: code } });
    expect(started.status).toBe(201);
    key = started.body.processInstanceKey;
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('the administrator sees the incident with its reason and element, sees it on the diagram, fixes it; the officer finishes the case', async () => {
    const { page } = browser;
    await signIn(adminUser);
    await page.getByRole('link', { name: 'Sự cố' }).click();
    await page.getByRole('heading', { name: 'Sự cố của quy trình' }).waitFor();
    const row = page.getByTestId('incident-row').filter({ hasText: code });
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain('Thủ tục có điều kiện lỗi');
    expect(text).toContain('Số tiền lớn?');
    expect(text).toContain('soTien');

    // the case's page marks the incident on the diagram
    await row.getByRole('link', { name: code }).click();
    await page.getByTestId('case-diagram').locator('.djs-element.audit-incident[data-element-id="KiemTraSoTien"]').waitFor();
    await page.goBack();

    // fix: set the missing variable and retry
    await page.getByTestId('incident-row').filter({ hasText: code }).getByTestId('incident-fix-open').click();
    await page.getByTestId('incident-variables').fill('{"soTien": 500}');
    await page.getByTestId('incident-note').fill('Bổ sung số tiền theo hồ sơ giấy');
    await page.getByTestId('incident-fix-submit').click();
    await page.getByTestId('incident-fixed').waitFor();
    await waitFor(async () => (await page.getByTestId('incident-row').filter({ hasText: code }).count()) === 0, 'the incident gone from the page');

    // the officer works the step the case went on to, in the browser
    await browser.context.clearCookies();
    await page.evaluate(() => localStorage.clear());
    await signIn(officerUser);
    const task = await waitFor(async () => {
      const r = await officer.get('/api/tasks?view=personal&limit=100');
      return (r.body.items as any[]).find((t) => t.processInstanceKey === key && t.elementId === 'XuLy');
    }, 'the step after the fix');
    await page.goto(`${p.url}/tasks/${task.id}`);
    await page.getByRole('heading', { name: 'Xử lý hồ sơ giá trị lớn' }).waitFor();
    await page.getByTestId('claim').click();
    await page.getByTestId('complete').click();
    await waitFor(async () => (await officer.get(`/api/tasks/${task.id}`)).body.status === 'completed', 'the step completed');
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
      'the case completed',
    );
    expect(browser.pageErrors).toEqual([]);
  });
});
