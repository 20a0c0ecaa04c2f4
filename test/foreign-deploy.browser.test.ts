import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { rawZeebeClient } from './helpers/raw-zeebe.js';
import { createUser, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { NS } from './helpers/plain-model.js';

/** The process list in a real browser: a model deployed with the raw SDK is marked external, with its warning. */
describe('the process list shows versions deployed outside the platform', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let designer: TestUser;
  const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const processId = `ngoai_web_${run}`;
  const model = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${processId}" targetNamespace="http://camunda.org/examples">
  <bpmn:process id="${processId}" name="Quy trình ngoài ${run}" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="KhongAi" name="Thẩm định ${run}"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="KhongAi" />
    <bpmn:sequenceFlow id="F2" sourceRef="KhongAi" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    designer = await createUser(p.db, { roles: ['designer'] });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('marks the version external and says which step has no owner', async () => {
    const zeebe = rawZeebeClient();
    await zeebe.deployResource({ process: Buffer.from(model), name: `${processId}.bpmn` });
    await zeebe.close();
    await waitFor(() => p.db('process_definitions').where({ bpmn_process_id: processId }).first(), 'the version recorded from the engine');

    const { page } = browser;
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(designer.username);
    await page.getByLabel('Mật khẩu').fill(designer.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // A designer's home is the procedure list; the deployed versions are one link away.
    await page.waitForURL(/\/procedures/);
    await page.getByRole('link', { name: 'Phiên bản đã triển khai' }).click();
    await page.waitForURL(/\/processes/);

    const row = page.getByRole('row').filter({ hasText: processId });
    await row.waitFor();
    expect(await row.getByText('Triển khai ngoài hệ thống').isVisible()).toBe(true);
    expect(await row.getByRole('alert').innerText()).toContain(`Bước "Thẩm định ${run}" chưa có người xử lý`);
  });
});
