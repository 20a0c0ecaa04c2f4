import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { lawChangeModels, withoutTimeLimits } from './helpers/law-change-bpmn.js';
import { rawZeebeClient } from './helpers/raw-zeebe.js';

/**
 * Issue 20, item 1 in a real browser: the administrator picks the document that changed, the procedure
 * citing it, the version pair, reads the plan (the case at the redrawn step named with its reason), ticks
 * a case and migrates it; the case is then on the new version, and the plan read again still lists it as
 * moved (also once the history has caught up with its new version). The process is deployed straight to
 * the engine (test/law-change.test.ts migrates the platform's own procedures).
 */
describe('the administrator moves running dossiers to the version a law change asked for', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let adminUser: TestUser;
  let officer: Client;
  const tag = Date.now().toString(36);
  const number = `${Number.parseInt(tag.slice(-4), 36)}/2026/TT-BTP`;
  let keys: { task: string; redrawn: string };
  let m: ReturnType<typeof lawChangeModels>;

  const openTask = (rootKey: string, elementId: string) =>
    waitFor(async () => {
      const r = await officer.get('/api/tasks?view=personal&limit=100');
      return (r.body?.items as any[] | undefined)?.find((t) => t.elementId === elementId && t.processInstanceKey === rootKey);
    }, `${elementId} of ${rootKey}`);

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    const unit = await createUnit(p.db, { parentCode: 'TINH' });
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit }));
    adminUser = await createUser(p.db, { roles: ['admin'] });
    const admin = await login(p.app, adminUser);
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    m = lawChangeModels(`b${tag}`, { desk: `${unit}/officer`, division: `${unit}/officer`, partner: `${unit}/officer` });
    const doc = await admin.post('/api/legal/documents', {
      number,
      kind: 'thong_tu',
      issuer: 'Bộ Tư pháp',
      signedOn: '2026-11-20',
      title: 'sửa đổi thời hạn thẩm định (thử nghiệm trình duyệt)',
    });
    expect(doc.status, JSON.stringify(doc.body)).toBe(201);
    const raw = rawZeebeClient();
    try {
      await raw.deployResource({ process: Buffer.from(withoutTimeLimits(m.child)), name: `${m.ids.child}.bpmn` });
      await raw.deployResource({ process: Buffer.from(withoutTimeLimits(m.root(1))), name: `${m.ids.root}.bpmn` });
      await waitFor(async () => (await p.db('process_definitions').where({ bpmn_process_id: m.ids.root, version: 1 }).first()) ?? false, 'v1 learnt');
      expect((await designer.post('/api/procedures', { bpmnProcessId: m.ids.root, xml: withoutTimeLimits(m.root(1)) })).status).toBe(201);
      const cite = await p.app.inject({
        method: 'PUT',
        url: `/api/legal/procedures/${m.ids.root}/citations`,
        headers: { authorization: `Bearer ${designer.token}` },
        payload: { citations: [{ documentId: doc.body.id, article: 'Điều 5' }] },
      });
      expect(cite.statusCode, cite.body).toBe(200);
      const start = async (huong: string, code: string) => {
        const r = await officer.post('/api/process-instances', { bpmnProcessId: m.ids.root, variables: { huong, maHoSo: code } });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        return r.body.processInstanceKey as string;
      };
      keys = { task: await start('thang', `LC-${tag}-1`), redrawn: await start('tiepnhan', `LC-${tag}-2`) };
      const reception = await openTask(keys.task, 'TiepNhan');
      expect((await officer.post(`/api/tasks/${reception.id}/claim`)).status).toBe(200);
      expect((await officer.post(`/api/tasks/${reception.id}/complete`, { variables: {} })).status).toBe(200);
      await openTask(keys.task, 'ThamDinh');
      await openTask(keys.redrawn, 'TiepNhan');
      await raw.deployResource({ process: Buffer.from(withoutTimeLimits(m.root(2))), name: `${m.ids.root}.bpmn` });
      await waitFor(async () => (await p.db('process_definitions').where({ bpmn_process_id: m.ids.root, version: 2 }).first()) ?? false, 'v2 learnt');
    } finally {
      await raw.close();
    }
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('document → procedure → versions → plan → tick → migrate → result; the case runs on version 2', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(adminUser.username);
    await page.getByLabel('Mật khẩu').fill(adminUser.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => !u.pathname.endsWith('/login'));
    await page.getByRole('link', { name: 'Thay đổi pháp luật' }).click();
    await page.getByRole('heading', { name: 'Văn bản pháp luật thay đổi: chuyển hồ sơ đang giải quyết' }).waitFor();
    const option = page.getByTestId('law-document').locator('option', { hasText: number });
    await page.getByTestId('law-document').selectOption({ value: (await option.getAttribute('value'))! });
    await page.getByTestId('law-procedures').getByRole('radio', { name: 'Thủ tục thử thay đổi pháp luật' }).check();
    expect(await page.getByTestId('law-procedures').textContent()).toContain('Điều 5');
    await page.getByTestId('law-show-plan').click();
    await page.getByTestId('law-cases').waitFor();
    expect(await page.getByTestId('law-mapping').textContent()).toContain('Không còn ở phiên bản mới: Tiếp nhận hồ sơ (TiepNhan)');
    const redrawnRow = page.locator(`tr[data-case="${keys.redrawn}"]`);
    expect(await redrawnRow.getByTestId('law-migratable').textContent()).toContain('không còn trong phiên bản 2');
    const taskRow = page.locator(`tr[data-case="${keys.task}"]`);
    expect(await taskRow.textContent()).toContain('Thẩm định hồ sơ');
    await taskRow.getByRole('checkbox').check();
    await page.getByTestId('law-migrate').click();
    const result = page.getByTestId('law-result').locator(`li[data-case="${keys.task}"]`);
    await result.waitFor();
    expect(await result.getAttribute('data-outcome')).toBe('migrated');
    expect(await result.textContent()).toContain('Đã chuyển sang phiên bản mới');
    await waitFor(
      async () => ((await p.db('hist_process_instances').where({ process_instance_key: keys.task }).first('version')) as { version: number }).version === 2,
      'the case on version 2',
    );
    expect((await openTask(keys.task, 'ThamDinh')).processVersion).toBe(2);
    // the plan read again once the history shows the case on version 2: still listed, marked moved, and it
    // cannot be ticked twice
    await page.getByTestId('law-show-plan').click();
    await page.locator(`tr[data-case="${keys.task}"]`).getByText('Đã chuyển').waitFor();
    expect(await page.locator(`tr[data-case="${keys.task}"]`).getByRole('checkbox').isDisabled()).toBe(true);
  });
});
