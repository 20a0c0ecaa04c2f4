import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import {
  connect,
  createFromPalette,
  elementCenter,
  fillPanelEntry,
  lintCounts,
  replaceWith,
  selectElement,
  selectPanelEntry,
  signInWithToken,
} from './helpers/modeler-page.js';

const SCREENSHOTS = path.resolve('test-results');
const MIWG = path.resolve('..', 'shared', 'testdata', 'bpmn-miwg');
const suffix = () => Math.random().toString(36).slice(2, 8);

describe('the procedure modeler in a real browser against the real platform', () => {
  let p: TestPlatform;
  let designerUser: TestUser;
  let designer: Client;
  let officer: Client;
  let browser: BrowserSession;
  /** The procedure test (a) publishes, and its user task. */
  let drawn: { id: string; taskId: string } | undefined;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    designerUser = await createUser(p.db, { roles: ['designer'], fullName: 'Trần Thị Thiết' });
    designer = await login(p.app, designerUser);
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD', fullName: 'Phạm Văn Chuyên' }));
    browser = await launchChromium({ viewport: { width: 1500, height: 950 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await signInWithToken(browser.page, p.url, designer.token);
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('a designer draws start → user task → end, meets a validation error, fixes it, publishes; the first task reaches the officer', async () => {
    const { page } = browser;
    const id = `thu-tuc-${suffix()}`;

    // Given a new procedure created from the list page: the blank template (start → end).
    await page.goto(`${p.url}/procedures`);
    await page.getByTestId('new-procedure-name').fill('Cấp giấy phép thử nghiệm');
    await page.getByTestId('new-procedure-id').fill(id);
    await page.getByTestId('create-procedure').click();
    await page.waitForURL(new RegExp(`/procedures/${id}$`));
    await page.locator('.djs-element[data-element-id="BatDau"]').waitFor();

    // When the designer removes the end event and draws a user task and an end event from the palette.
    await selectElement(page, 'KetThuc');
    await page.locator('.djs-context-pad [data-action="delete"]').click();
    const start = await elementCenter(page, 'BatDau');
    const taskId = await createFromPalette(page, 'create.task', { x: start.x + 220, y: start.y });
    const endId = await createFromPalette(page, 'create.end-event', { x: start.x + 440, y: start.y });
    await connect(page, 'BatDau', taskId);
    await connect(page, taskId, endId);
    await replaceWith(page, taskId, 'replace-with-user-task');
    await selectElement(page, taskId);
    expect(await page.locator(`.djs-element[data-element-id="${taskId}"]`).count()).toBe(1);

    // And sets the step through the government step group: name, unit/role, a form; no time limit yet.
    await fillPanelEntry(page, 'name', 'Thẩm định hồ sơ');
    // The unit is chosen from the organisation (the role defaults to officer).
    await expect.poll(() => page.locator('#bio-properties-panel-eiso-unit option').count()).toBeGreaterThan(3);
    await selectPanelEntry(page, 'eiso-unit', 'SNNMT-QLDD');
    await selectPanelEntry(page, 'eiso-role', 'officer');
    await page.getByTestId('edit-step-form').click();
    await page.getByTestId('form-editor').locator('.fjs-editor-container').waitFor();
    await page.getByTestId('form-preview-tab').click();
    await page.getByTestId('form-preview').locator('.fjs-container').waitFor();
    await page.getByTestId('form-dialog-close').click();

    // Then the lint panel names the missing time limit on that step, and Publish is blocked.
    const timeLimitIssue = page.locator(`[data-testid="lint-issue"][data-rule="eiso/user-task-time-limit"][data-element-id="${taskId}"]`);
    await timeLimitIssue.waitFor();
    expect(await timeLimitIssue.textContent()).toContain('Bước chưa có thời hạn');
    expect(await timeLimitIssue.textContent()).toContain('Thẩm định hồ sơ');
    expect(await page.getByTestId('publish').isDisabled()).toBe(true);

    // Clicking the finding selects the step; the designer fixes the time limit and the procedure's total.
    await selectElement(page, endId);
    await timeLimitIssue.click();
    await page.locator(`.djs-element.selected[data-element-id="${taskId}"]`).waitFor();
    await fillPanelEntry(page, 'eiso-time-limit', '2.5');
    await fillPanelEntry(page, 'eiso-records', 'Phiếu thẩm định');
    await page.mouse.click(start.x + 300, start.y + 220); // empty canvas: the process
    await fillPanelEntry(page, 'eiso-process-time-limit', '5');
    // the law states this total in calendar days ("không quá 5 ngày"): the unit beside it
    expect(await page.locator('label[for="bio-properties-panel-eiso-process-time-limit-unit"]').textContent()).toBe(
      'Đơn vị của thời hạn (theo văn bản quy định)',
    );
    expect(await page.locator('#bio-properties-panel-eiso-process-time-limit-unit').inputValue()).toBe('working_days');
    await selectPanelEntry(page, 'eiso-process-time-limit-unit', 'calendar_days');
    await timeLimitIssue.waitFor({ state: 'detached' });
    await waitFor(async () => (await lintCounts(page)).errors === 0, 'no lint errors', 10_000);

    // The draft autosaves with the step settings as engine/step-meta.ts says.
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('save-state').textContent()).toBe('Đã lưu');
    const saved = (await designer.get(`/api/procedures/${id}`)).body;
    expect(saved.draft.xml).toContain('candidateGroups="SNNMT-QLDD/officer"');
    expect(saved.draft.xml).toMatch(/<zeebe:header key="eiso.timeLimit" value="2.5" \/>/);
    expect(saved.draft.xml).toMatch(/<zeebe:property name="eiso.timeLimit" value="5" \/>/);
    expect(saved.draft.xml).toMatch(/<zeebe:property name="eiso.timeLimitUnit" value="calendar_days" \/>/);
    expect(saved.draft.xml).toMatch(/formKey="app:tham-dinh-ho-so"/);
    expect(Object.keys(saved.draft.forms)).toEqual(['tham-dinh-ho-so']);

    // When they publish.
    await page.getByTestId('publish').click();
    await page.locator('[data-testid="version-row"][data-version="1"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'modeler-editor.png') });

    // Then an instance started through the API puts the first step into the officer's inbox.
    const started = await officer.post('/api/process-instances', { bpmnProcessId: id, variables: { maHoSo: `MOD-${suffix()}` } });
    expect(started.status).toBe(201);
    const task = await waitFor(
      async () => {
        const r = await officer.get('/api/tasks?scope=available&limit=200');
        if (r.status !== 200) throw new Error(`GET /api/tasks: ${r.status} ${JSON.stringify(r.body)}`);
        return (r.body.items as { processInstanceKey: string; name: string; formKey: string | null }[]).find(
          (t) => t.processInstanceKey === started.body.processInstanceKey,
        );
      },
      'the first step in the officer inbox',
      30_000,
    );
    expect(task.name).toBe('Thẩm định hồ sơ');
    drawn = { id, taskId };
    expect(task.formKey).toBe('app:tham-dinh-ho-so');

    // And the versions list shows the running instance on version 1.
    await waitFor(
      async () => {
        await page.reload();
        const cell = page.locator('[data-testid="version-row"][data-version="1"] [data-testid="running-instances"]');
        await cell.waitFor();
        return (await cell.textContent()) === '1';
      },
      'one running instance on version 1',
      30_000,
      1000,
    );
    expect(browser.pageErrors).toEqual([]);
  });

  it('a concurrent save shows a conflict; version 2 differs visibly from version 1; version 1 retires; the language switch relabels the modeler', async () => {
    const { page } = browser;
    expect(drawn).toBeDefined();
    const { id, taskId } = drawn!;
    await page.goto(`${p.url}/procedures/${id}`);
    await page.locator(`.djs-element[data-element-id="${taskId}"]`).waitFor();

    // Given someone else saves the draft meanwhile (same revision the page holds).
    const draft = (await designer.get(`/api/procedures/${id}`)).body.draft;
    const other = await p.app.inject({
      method: 'PUT',
      url: `/api/procedures/${id}/draft`,
      headers: { authorization: `Bearer ${designer.token}` },
      payload: { revision: draft.revision, xml: draft.xml, forms: draft.forms },
    });
    expect(other.statusCode).toBe(200);

    // When the designer renames the step, the autosave is refused and the conflict is shown; they overwrite.
    await selectElement(page, taskId);
    await fillPanelEntry(page, 'name', 'Thẩm định và trình ký');
    await page.getByTestId('save-conflict').waitFor({ timeout: 15_000 });
    await page.getByTestId('save-conflict').getByRole('button', { name: 'Ghi đè bằng bản của tôi' }).click();
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
    expect((await designer.get(`/api/procedures/${id}`)).body.draft.xml).toContain('Thẩm định và trình ký');

    // Then publishing makes version 2, and the diff of 1 and 2 marks the renamed step as changed.
    await page.getByTestId('publish').click();
    await page.locator('[data-testid="version-row"][data-version="2"]').waitFor({ timeout: 30_000 });
    await page.goto(`${p.url}/procedures/${id}/diff?from=1&to=2`);
    await page.locator('[data-testid="diff-row"][data-kind="changed"]').first().waitFor();
    expect(await page.getByTestId('diff-table').textContent()).toContain('Thẩm định và trình ký');
    expect(await page.locator(`[data-testid="diff-new"] .djs-element.diff-changed[data-element-id="${taskId}"]`).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'modeler-diff.png') });

    // Version 1 is retired from the versions list.
    await page.goto(`${p.url}/procedures/${id}`);
    await page.locator('[data-testid="version-row"][data-version="1"] [data-testid="retire"]').click();
    await page.locator('[data-testid="version-row"][data-version="1"][data-state="retired"]').waitFor({ timeout: 15_000 });

    // The language switch relabels palette and panel.
    const createTask = page.locator('.djs-palette [data-action="create.task"]');
    expect(await createTask.getAttribute('aria-label')).toBe('Tạo công việc');
    await page.locator('.lang-switch button[lang="en"]').click();
    await waitFor(async () => (await createTask.getAttribute('aria-label')) === 'Create task', 'the English palette');
    await selectElement(page, taskId);
    await page.locator('[data-group-id="group-eiso-government-step"]').getByText('Government step').waitFor();
    await page.locator('.lang-switch button[lang="vi"]').click();
    await waitFor(async () => (await createTask.getAttribute('aria-label')) === 'Tạo công việc', 'the Vietnamese palette');
    expect(browser.pageErrors).toEqual([]);
  });

  it('an officer sees procedures without edit controls', async () => {
    const session = await launchChromium();
    try {
      await signInWithToken(session.page, p.url, officer.token);
      await session.page.goto(`${p.url}/procedures/${drawn!.id}`);
      await session.page.locator('.djs-element[data-element-id="BatDau"]').waitFor();
      expect(await session.page.getByTestId('publish').count()).toBe(0);
      expect(await session.page.getByTestId('open-file').count()).toBe(0);
      expect(await session.page.getByText('Bạn chỉ có quyền xem quy trình này.').count()).toBe(1);
      await session.page.goto(`${p.url}/procedures`);
      await session.page.locator(`[data-testid="procedure-row"][data-procedure-id="${drawn!.id}"]`).waitFor();
      expect(await session.page.getByTestId('create-procedure').count()).toBe(0);
      expect(session.pageErrors).toEqual([]);
    } finally {
      await session.close();
    }
  });

  it('opens every MIWG reference file: shapes render, non-executable ones get lint messages, no page errors', async () => {
    const { page } = browser;
    const id = `miwg-${suffix()}`;
    expect((await designer.post('/api/procedures', { bpmnProcessId: id, name: 'MIWG' })).status).toBe(201);
    await page.goto(`${p.url}/procedures/${id}`);
    await page.locator('.djs-element[data-element-id="BatDau"]').waitFor();

    const files = readdirSync(MIWG)
      .filter((f) => f.endsWith('.bpmn'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(20);
    const errorsBefore = browser.pageErrors.length;
    for (const file of files) {
      const xml = readFileSync(path.join(MIWG, file), 'utf8');
      const firstShape = /BPMNShape\b[^>]*\bbpmnElement="([^"]+)"/.exec(xml)?.[1];
      await page.getByTestId('open-file').setInputFiles(path.join(MIWG, file));
      if (firstShape) await page.locator(`.djs-element[data-element-id="${firstShape}"]`).first().waitFor({ timeout: 15_000 });
      const shapes = await page.locator('.djs-element.djs-shape').count();
      expect(shapes, file).toBeGreaterThan(0);
      expect(await page.getByRole('alert').count(), file).toBe(0);
      expect(browser.pageErrors.slice(errorsBefore), file).toEqual([]);
      if (!/isExecutable="true"/.test(xml)) {
        await waitFor(async () => (await page.getByTestId('lint-issue').count()) > 0, `lint messages for ${file}`, 10_000);
      }
    }
    expect(browser.pageErrors.slice(errorsBefore)).toEqual([]);
  });

  it('exports the diagram as non-empty BPMN, SVG and PNG files', async () => {
    const { page } = browser;
    const sizes: Record<string, number> = {};
    for (const kind of ['xml', 'svg', 'png'] as const) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${kind}`).click()]);
      const file = await download.path();
      sizes[kind] = statSync(file).size;
      const head = readFileSync(file).subarray(0, 8);
      if (kind === 'png') expect(head.toString('hex')).toBe('89504e470d0a1a0a');
      if (kind === 'svg') expect(readFileSync(file, 'utf8')).toContain('<svg');
    }
    expect(sizes.xml).toBeGreaterThan(500);
    expect(sizes.svg).toBeGreaterThan(500);
    expect(sizes.png).toBeGreaterThan(1000);
  });
});
