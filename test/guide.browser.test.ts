import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Locator, Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { deskBpmn, pdfBytes, procedureEntry } from './helpers/onestop.js';
import { connect, createFromPalette, elementCenter, fillPanelEntry, replaceWith, selectElement, selectPanelEntry } from './helpers/modeler-page.js';

/**
 * The user guide per role (docs/guide/*.md), walked through in a real browser: each step the guide describes
 * is done here, what the guide says the user sees is asserted, and the guide's pictures are taken at that
 * moment (docs/guide/img/<role>-<n>-<step>.png, 1280×800; the citizen's at 390 px). `npm test` runs this file,
 * so the pictures always show the current screens; commit them when they change.
 *
 * The file has its own department (units with their own codes under the province), its own copy of the land
 * procedure whose steps are offered to those units, and its own one-stop procedure: the inboxes, the
 * leader's statistics and the auditor's search show this file's work only.
 */
const IMG = path.resolve('docs/guide/img');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

describe('the user guide, role by role, with its pictures', () => {
  let p: TestPlatform;
  let desk: BrowserSession;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const units = { dept: '', desk: '', land: '', iso: '' };
  const people = {} as Record<'reception' | 'specialist' | 'leader' | 'designer' | 'secretary' | 'auditor' | 'admin', TestUser>;
  const api = {} as Record<'reception' | 'specialist' | 'leader' | 'designer' | 'admin', Client>;
  const landId = `huong-dan-bien-dong-${run.toLowerCase()}`;
  const caseCode = (n: number) => `HD-${run}-${n}`;
  let procedure: Record<string, any>;
  let online: { reference: string; lookupToken: string };
  let finishedKey = '';

  /** The picture of the page (or of one part of it) at this step of the guide. */
  const shot = async (page: Page, name: string, part?: Locator) => {
    // no caret blinking or hover state in the picture
    await page.mouse.move(0, 0);
    const file = path.join(IMG, `${name}.png`);
    if (part) await part.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    else await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  };

  const signIn = async (page: Page, user: TestUser) => {
    await page.evaluate(() => localStorage.removeItem('eiso.token')).catch(() => undefined);
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(user.username);
    await page.getByLabel('Mật khẩu').fill(user.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('current-user').waitFor();
  };

  const openTask = (processInstanceKey: string, elementId: string) =>
    waitFor(
      async () => {
        const row = await p.db('inbox_tasks').where({ process_instance_key: processInstanceKey, element_id: elementId, status: 'open' }).first('job_key');
        return row ? String(row.job_key) : undefined;
      },
      `${elementId} of ${processInstanceKey} in the inbox`,
      60_000,
    );
  const work = async (who: Client, key: string, elementId: string, variables: Record<string, unknown>) => {
    const id = await openTask(key, elementId);
    expect((await who.post(`/api/tasks/${id}/claim`)).status).toBe(200);
    expect((await who.post(`/api/tasks/${id}/complete`, { variables })).status).toBe(200);
  };
  const startLand = async (n: number) => {
    const r = await api.reception.post('/api/process-instances', { bpmnProcessId: landId, variables: { maHoSo: caseCode(n) } });
    expect(r.status).toBe(201);
    return r.body.processInstanceKey as string;
  };

  beforeAll(async () => {
    await ensureWebBuilt();
    mkdirSync(IMG, { recursive: true });
    p = await startTestPlatform();
    // A department of its own under the province, as the demo has it.
    await ensureDemoUnits(p.db);
    units.dept = await createUnit(p.db, { name: 'Sở Nông nghiệp và Môi trường', parentCode: 'TINH' });
    units.desk = await createUnit(p.db, { name: 'Văn phòng Sở (Bộ phận một cửa)', parentCode: units.dept });
    units.land = await createUnit(p.db, { name: 'Phòng Quản lý đất đai', parentCode: units.dept });
    units.iso = await createUnit(p.db, { name: 'Tổ thư ký ISO', parentCode: units.dept });
    people.reception = await createUser(p.db, { roles: ['officer'], unitCode: units.desk, fullName: 'Nguyễn Thị Mai' });
    people.specialist = await createUser(p.db, { roles: ['officer'], unitCode: units.land, fullName: 'Trần Văn Hùng' });
    people.leader = await createUser(p.db, { roles: ['leader'], unitCode: units.dept, fullName: 'Lê Minh Đức' });
    people.designer = await createUser(p.db, { roles: ['designer'], unitCode: units.dept, fullName: 'Phạm Thu Hà' });
    people.secretary = await createUser(p.db, { roles: ['officer'], unitCode: units.iso, fullName: 'Đặng Thị Lan' });
    people.auditor = await createUser(p.db, { roles: ['auditor'], unitCode: units.dept, fullName: 'Vũ Quốc Khánh' });
    people.admin = await createUser(p.db, { roles: ['admin'], unitCode: units.dept, fullName: 'Hoàng Văn Quản' });
    for (const k of ['reception', 'specialist', 'leader', 'designer', 'admin'] as const) api[k] = await login(p.app, people[k]);

    // The land procedure as bundled, its steps offered to this department's units.
    const forms = Object.fromEntries(
      ['tiep-nhan-ho-so', 'tham-dinh-ho-so', 'phe-duyet', 'tra-ket-qua'].map((f) => [f, JSON.parse(readFileSync(`processes/forms/${f}.form`, 'utf8'))]),
    );
    const xml = readFileSync('processes/dang-ky-bien-dong-dat-dai.bpmn', 'utf8')
      .replaceAll('dang-ky-bien-dong-dat-dai', landId)
      .replaceAll('SNNMT-VP/officer', `${units.desk}/officer`)
      .replaceAll('SNNMT-QLDD/officer', `${units.land}/officer`)
      .replaceAll('SNNMT/leader', `${units.dept}/leader`);
    expect((await api.designer.post('/api/process-definitions', { resourceName: `${landId}.bpmn`, xml, forms })).status).toBe(201);

    // A one-stop procedure of the department's catalogue, received at its desk, appraised by the land division.
    procedure = procedureEntry({
      name: 'Đăng ký biến động quyền sử dụng đất',
      agencyCode: units.dept,
      agencyName: 'Sở Nông nghiệp và Môi trường',
      deskUnitCode: units.desk,
      agencyEid: 'H99.31',
    });
    expect((await api.admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    const deskXml = deskBpmn(procedure.bpmnProcessId)
      .replaceAll('SNNMT-QLDD/officer', `${units.land}/officer`)
      .replaceAll('SNNMT-VP/officer', `${units.desk}/officer`);
    expect((await api.designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskXml })).status).toBe(201);
    // A citizen's online submission waits in the desk's queue.
    const fd = new FormData();
    fd.append('procedureCode', procedure.code);
    fd.append('applicantName', 'Phạm Thị Cúc');
    fd.append('doc:DON', new Blob([new Uint8Array(pdfBytes('don'))]), 'don.pdf');
    fd.append('doc:CCCD', new Blob([new Uint8Array(pdfBytes('cccd'))]), 'cccd.pdf');
    const req = new Request('http://localhost/', { method: 'POST', body: fd });
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/public/dossiers',
      headers: { 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    expect(r.statusCode, r.body).toBe(201);
    online = r.json();

    // The officer's day: two land cases received at the desk wait for the land division's appraisal;
    // a third went all the way through (sent back once by the leader), for the auditor.
    const applicants = ['Nguyễn Văn An', 'Lý Thị Bình', 'Đỗ Thị Hoa'];
    const keys = await Promise.all([1, 2, 3].map((n) => startLand(n)));
    await Promise.all(keys.map((key, i) => work(api.reception, key, 'TiepNhan', { nguoiNop: applicants[i], soThua: `${i + 1}2/5`, hoSoDayDu: true })));
    finishedKey = keys[2];
    await work(api.specialist, finishedKey, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
    await work(api.leader, finishedKey, 'PheDuyet', { pheDuyet: 'tham-dinh-lai', yKienLanhDao: 'Bổ sung trích lục thửa đất' });
    await work(api.specialist, finishedKey, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đã bổ sung trích lục' });
    await work(api.leader, finishedKey, 'PheDuyet', { pheDuyet: 'dong-y' });
    await work(api.reception, finishedKey, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
    desk = await launchChromium({ viewport: DESKTOP });
  });

  afterAll(async () => {
    await desk?.close();
    await p?.close();
  });

  it("the officer's day: sign in, the inbox, claim a task, read its step, fill the form, complete it", async () => {
    const { page } = desk;
    await page.goto(`${p.url}/login`);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Tên đăng nhập').fill(people.specialist.username);
    await shot(page, 'chung-1-dang-nhap');
    await page.getByLabel('Mật khẩu').fill(people.specialist.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();

    // The inbox opens on "Chờ nhận", where the two cases wait, each with its deadline.
    await page.waitForURL((u) => u.pathname === '/inbox' && u.searchParams.get('scope') === 'available');
    const rows = page.getByTestId('task-row');
    await rows.filter({ hasText: caseCode(2) }).waitFor();
    expect(await rows.count()).toBe(2);
    // the counts are a query of their own, loaded beside the list: the badges may follow the rows by a moment
    await expect.poll(() => page.getByTestId('count-available').textContent()).toBe('2');
    await expect.poll(() => page.getByTestId('count-mine').textContent()).toBe('0');
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('Thẩm định hồ sơ');
      expect(text).toMatch(/Trong hạn|Sắp đến hạn/);
    }
    await page.locator('[data-testid="live-indicator"][data-live="true"]').waitFor();
    await shot(page, 'can-bo-1-hop-cong-viec');

    // The task page: the step's instructions, time limit and diagram; "Nhận xử lý" takes it.
    await rows
      .filter({ hasText: caseCode(1) })
      .getByRole('link', { name: 'Thẩm định hồ sơ' })
      .click();
    await page.waitForURL(/\/tasks\/\d+$/);
    await page.getByRole('heading', { name: 'Thẩm định hồ sơ' }).waitFor();
    await page.getByText('Thời hạn của bước').waitFor();
    await page.getByTestId('claim').click();
    await page.getByTestId('complete').and(page.locator(':enabled')).waitFor();
    expect(await page.getByTestId('task-status').textContent()).toBeTruthy();
    // the form shows what reception entered
    await waitFor(async () => (await page.getByLabel('Người nộp').inputValue()) === 'Nguyễn Văn An', 'the applicant from reception');
    // form-js draws its own list for a select: it says "Chọn…" until answered; open it, pick the answer
    const verdict = page.locator('.fjs-form-field-select', { hasText: 'Kết quả thẩm định' });
    const shown = verdict.locator('.fjs-select-display');
    expect(await shown.evaluate((el) => getComputedStyle(el, '::before').content)).toBe('"Chọn…"');
    await shown.click();
    await page.locator('.fjs-dropdownlist-item').getByText('Đủ điều kiện', { exact: true }).click();
    await waitFor(async () => (await shown.textContent()) === 'Đủ điều kiện', 'the verdict chosen');
    await page.getByLabel('Ý kiến thẩm định').fill('Hồ sơ đủ điều kiện; đề nghị lãnh đạo phê duyệt.');
    await page.getByTestId('task-diagram').locator('.djs-element').first().waitFor();
    // the form, where the officer works (the sticky bar: "Trả lại" to unclaim, "Hoàn thành")
    await shot(page, 'can-bo-3-bieu-mau');
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'can-bo-2-cong-viec');

    // "Hoàn thành": back in the inbox with a confirmation; the case went on to the leader.
    await page.getByTestId('complete').click();
    await page.getByRole('status').filter({ hasText: 'Đã hoàn thành “Thẩm định hồ sơ”.' }).waitFor();
    await page.getByRole('link', { name: 'Đã xong' }).first().click();
    await page.waitForURL((u) => u.searchParams.get('state') === 'done');
    await page
      .getByTestId('task-row')
      .filter({ hasText: caseCode(1) })
      .waitFor();
    await shot(page, 'can-bo-4-da-xong');
    expect(desk.pageErrors).toEqual([]);
  });

  it('the designer draws a procedure, meets the check, sets the time limits and publishes it', async () => {
    const { page } = desk;
    const id = `cap-phep-${run.toLowerCase()}`;
    await signIn(page, people.designer);
    await page.waitForURL((u) => u.pathname === '/procedures');
    await page.getByTestId('new-procedure-name').fill('Cấp giấy phép khai thác nước mặt');
    await page.getByTestId('new-procedure-id').fill(id);
    await shot(page, 'thiet-ke-1-danh-sach');
    await page.getByTestId('create-procedure').click();
    await page.waitForURL(new RegExp(`/procedures/${id}$`));
    await page.locator('.djs-element[data-element-id="BatDau"]').waitFor();

    // Draw: start → "Thẩm định hồ sơ" (a user task) → end.
    await selectElement(page, 'KetThuc');
    await page.locator('.djs-context-pad [data-action="delete"]').click();
    const start = await elementCenter(page, 'BatDau');
    const taskId = await createFromPalette(page, 'create.task', { x: start.x + 200, y: start.y });
    const endId = await createFromPalette(page, 'create.end-event', { x: start.x + 400, y: start.y });
    await connect(page, 'BatDau', taskId);
    await connect(page, taskId, endId);
    await replaceWith(page, taskId, 'replace-with-user-task');
    await selectElement(page, taskId);
    await fillPanelEntry(page, 'name', 'Thẩm định hồ sơ');
    await expect.poll(() => page.locator(`#bio-properties-panel-eiso-unit option[value="${units.land}"]`).count()).toBe(1);
    await selectPanelEntry(page, 'eiso-unit', units.land);
    await selectPanelEntry(page, 'eiso-role', 'officer');

    // The check names the missing time limit and Publish waits for it.
    const issue = page.locator(`[data-testid="lint-issue"][data-rule="eiso/user-task-time-limit"][data-element-id="${taskId}"]`);
    await issue.waitFor();
    expect(await issue.textContent()).toContain('Bước chưa có thời hạn');
    expect(await page.getByTestId('publish').isDisabled()).toBe(true);
    await shot(page, 'thiet-ke-2-ve-quy-trinh');

    await fillPanelEntry(page, 'eiso-time-limit', '3');
    await fillPanelEntry(page, 'eiso-records', 'Phiếu thẩm định');
    await page.mouse.click(start.x + 300, start.y + 200); // empty canvas: the procedure itself
    await fillPanelEntry(page, 'eiso-process-time-limit', '10');
    await issue.waitFor({ state: 'detached' });
    await page.locator('[data-testid="save-state"][data-state="saved"]').waitFor({ timeout: 15_000 });
    await page.getByTestId('publish').and(page.locator(':enabled')).waitFor();
    await page.getByTestId('publish').click();
    await page.locator('[data-testid="version-row"][data-version="1"]').waitFor({ timeout: 30_000 });
    await shot(page, 'thiet-ke-3-xuat-ban');
    expect(desk.pageErrors).toEqual([]);
  });

  it('the one-stop desk receives in person with the checklist, prints the slip, accepts an online submission', async () => {
    const { page } = desk;
    await signIn(page, people.reception);
    await page.getByRole('link', { name: 'Một cửa', exact: true }).click();
    await page.getByRole('heading', { name: 'Bộ phận tiếp nhận và trả kết quả' }).waitFor();
    await page.getByLabel('Thủ tục hành chính').selectOption(procedure.code);
    await page.getByLabel('Họ và tên').fill('Nguyễn Văn Bảo');
    await page.getByLabel('Số định danh cá nhân').fill('001099001234');
    const checklist = page.getByTestId('onestop-checklist');
    await checklist.getByRole('checkbox', { name: /Đơn đề nghị/ }).check();
    // a missing mandatory document: nothing is received, the missing one is named (form 02 to hand over)
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByRole('alert').filter({ hasText: 'Hồ sơ chưa đầy đủ, còn thiếu: Bản sao căn cước' }).waitFor();
    expect(await page.getByTestId('print-form-02').textContent()).toBe('Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)');
    await shot(page, 'mot-cua-1-tiep-nhan');
    await checklist.getByRole('checkbox', { name: /Bản sao căn cước/ }).check();
    // the paper is digitised at the desk: a scan per document handed in
    await checklist
      .getByLabel('Bản scan (PDF, JPEG, PNG): Đơn đề nghị')
      .setInputFiles({ name: 'don-scan.pdf', mimeType: 'application/pdf', buffer: pdfBytes('don scan') });
    await checklist
      .getByLabel('Bản scan (PDF, JPEG, PNG): Bản sao căn cước')
      .setInputFiles({ name: 'cccd-scan.pdf', mimeType: 'application/pdf', buffer: pdfBytes('cccd scan') });
    await shot(page, 'mot-cua-1b-ban-scan');
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.waitForURL(/\/mot-cua\/ho-so\/\d+/);
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /Đã tiếp nhận|Đang xử lý/ })
      .waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toMatch(/^Hồ sơ H99\.31-\d{6}-\d{4}$/);
    expect(await page.getByTestId('slip-link').textContent()).toBe('Giấy tiếp nhận và hẹn trả kết quả (PDF)');
    expect(await page.getByTestId('form-06').textContent()).toBe('Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06)');
    await shot(page, 'mot-cua-2-ho-so');

    // The queue of online submissions: open one, accept it.
    await page.getByRole('link', { name: 'Bộ phận tiếp nhận và trả kết quả' }).click();
    await page.getByRole('link', { name: 'Hồ sơ trực tuyến chờ tiếp nhận' }).click();
    const queue = page.getByTestId('onestop-queue');
    // before receipt a submission has no code (TT 03/2025): the queue names it by its tracking reference
    await queue.getByRole('link', { name: online.reference }).waitFor();
    await shot(page, 'mot-cua-3-truc-tuyen');
    await queue.getByRole('link', { name: online.reference }).click();
    await page.getByTestId('dossier-status').filter({ hasText: 'Chờ tiếp nhận' }).waitFor();
    await page.getByRole('button', { name: 'Tiếp nhận', exact: true }).click();
    await page
      .getByTestId('dossier-status')
      .filter({ hasText: /Đã tiếp nhận|Đang xử lý/ })
      .waitFor();
    expect(desk.pageErrors).toEqual([]);
  });

  it('the citizen follows the dossier on a phone with the link of the slip', async () => {
    const phone = await launchChromium({ viewport: PHONE });
    try {
      const { page } = phone;
      // the link of the submission (its tracking reference) shows the code the desk gave at receipt
      const { code } = await p.db('dossiers').where({ reference: online.reference }).first('code');
      await page.goto(`${p.url}/tra-cuu/${encodeURIComponent(online.reference)}?t=${encodeURIComponent(online.lookupToken)}`);
      const result = page.getByTestId('lookup-result');
      await result.getByRole('heading', { name: code }).waitFor();
      await result.getByText('P*** T** C**').waitFor();
      expect(await result.textContent()).toMatch(/Đã tiếp nhận|Đang xử lý/);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, 'cong-dan-1-tra-cuu');
      await page.goto(`${p.url}/nop-ho-so`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await shot(page, 'cong-dan-2-nop-ho-so');
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it("the leader's oversight: the whole unit, reassign and urge, approve, the one-stop statistics, a quality objective", async () => {
    const { page } = desk;
    // The second case is in the hands of the specialist; the leader hands it to nobody else but urges it.
    const second = (await api.specialist.get(`/api/tasks?scope=available&caseCode=${caseCode(2)}`)).body.items[0].id as string;
    expect((await api.specialist.post(`/api/tasks/${second}/claim`)).status).toBe(200);
    await signIn(page, people.leader);
    await page.goto(`${p.url}/inbox?view=unit&scope=mine`);
    const row = page.locator(`[data-testid="task-row"][data-task-id="${second}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Trần Văn Hùng');
    await row.getByTestId('urge').click();
    await page.getByTestId('urge-message').fill('Đề nghị hoàn thành thẩm định trước 16 giờ hôm nay');
    await shot(page, 'lanh-dao-1-toan-don-vi');
    await page.getByTestId('urge-send').click();
    await page
      .getByRole('status')
      .filter({ hasText: `Đã đôn đốc ${people.specialist.username}` })
      .waitFor();
    await row.getByTestId('reminded').waitFor();

    // The approval waiting for the leader (case 1, appraised this morning).
    await page.goto(`${p.url}/inbox?view=personal&scope=available`);
    const approval = page.getByTestId('task-row').filter({ hasText: caseCode(1) });
    await approval.getByRole('link', { name: 'Lãnh đạo phê duyệt' }).click();
    await page.getByRole('heading', { name: 'Lãnh đạo phê duyệt' }).waitFor();
    await page.getByTestId('claim').click();
    await page.getByTestId('complete').and(page.locator(':enabled')).waitFor();
    await waitFor(async () => (await page.getByLabel('Ý kiến thẩm định').inputValue()).startsWith('Hồ sơ đủ điều kiện'), "the specialist's opinion");
    await page.getByRole('radio', { name: 'Đồng ý', exact: true }).check();
    await page.getByLabel('Ý kiến lãnh đạo').fill('Đồng ý cấp.');
    await shot(page, 'lanh-dao-2-phe-duyet');
    await page.getByTestId('complete').click();
    await page.getByRole('status').filter({ hasText: 'Đã hoàn thành “Lãnh đạo phê duyệt”.' }).waitFor();

    // The one-stop statistics of the department: the two dossiers the desk received above.
    await page.getByRole('link', { name: 'Thống kê một cửa', exact: true }).click();
    await page.getByTestId('stats-table').waitFor();
    await waitFor(async () => Number(await page.getByTestId('kpi-received').textContent()) >= 1, 'the dossiers received');
    await shot(page, 'lanh-dao-3-thong-ke');

    // A quality objective of the department, measured from the data.
    await page.goto(`${p.url}/iso?tab=objectives`);
    const form = page.getByTestId('objective-form');
    await form.getByLabel('Đơn vị').fill(units.dept);
    await form.getByLabel('Tên mục tiêu').fill('Giải quyết đúng hạn hồ sơ đất đai');
    await form.getByLabel('Chỉ số đo').selectOption({ label: 'Tỷ lệ hồ sơ giải quyết đúng hạn (%)' });
    await form.getByLabel('Chỉ tiêu (%)').fill('98');
    await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
    await form.getByRole('status').filter({ hasText: 'Đã lưu mục tiêu «Giải quyết đúng hạn hồ sơ đất đai».' }).waitFor();
    await shot(page, 'lanh-dao-4-muc-tieu', form);
    expect(desk.pageErrors).toEqual([]);
  });

  it('the ISO secretary records a nonconformity, reads the registers and the clauses', async () => {
    const { page } = desk;
    await signIn(page, people.secretary);
    await page.getByRole('link', { name: 'ISO', exact: true }).click();
    await page.getByRole('heading', { name: 'Hệ thống quản lý chất lượng ISO 9001:2015' }).waitFor();
    const form = page.getByTestId('iso-nc-form');
    await form.getByLabel('Sự không phù hợp').fill(`Sổ tiếp nhận ghi thiếu ngày hẹn trả ${run}`);
    await form.getByLabel('Mô tả').fill('Ba hồ sơ đất đai tháng 11 không ghi ngày hẹn trả trên sổ theo dõi (Mẫu 07).');
    await form.getByLabel('Đơn vị chủ trì (mã, nếu biết)').fill(units.desk);
    await form.getByRole('button', { name: 'Ghi nhận' }).click();
    const opened = await form.getByRole('status').textContent();
    expect(opened).toMatch(/^Đã ghi nhận phiếu /);
    const ncCode = opened!.replace('Đã ghi nhận phiếu ', '');
    const ncRow = page.getByTestId('iso-nc-table').locator('tr', { hasText: ncCode });
    await ncRow.waitFor();
    expect(await ncRow.textContent()).toContain('Cán bộ phát hiện');
    await shot(page, 'thu-ky-iso-1-khong-phu-hop');

    // A new controlled document: the draft enters the register and its drafting process starts.
    await page.getByRole('link', { name: 'Tài liệu kiểm soát' }).click();
    const docForm = page.getByTestId('iso-doc-form');
    const docCode = `QT-${run}`;
    await docForm.getByLabel('Mã tài liệu').fill(docCode);
    await docForm.getByLabel('Tên tài liệu').fill('Quy trình tiếp nhận và trả kết quả hồ sơ đất đai');
    await docForm.getByLabel('Loại').selectOption('quy-trinh');
    await docForm.getByLabel('Tóm tắt nội dung').fill('Ban hành lần đầu theo Nghị định 118/2025/NĐ-CP');
    await docForm.getByLabel('Đơn vị nhận (mã, cách nhau bởi dấu phẩy)').fill(`${units.desk}, ${units.land}`);
    await docForm.getByRole('button', { name: 'Bắt đầu soạn thảo' }).click();
    const docRow = page.getByTestId('iso-doc-table').locator('tr', { hasText: docCode });
    await docRow.waitFor();
    expect(await docRow.textContent()).toContain('Dự thảo');
    await docRow.evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await shot(page, 'thu-ky-iso-2-tai-lieu');

    await page.getByRole('link', { name: 'Điều khoản ISO' }).click();
    const clauses = page.getByTestId('iso-clauses');
    const nc = clauses.locator('details').filter({ has: page.locator('summary strong').getByText('10.2', { exact: true }) });
    if (!(await nc.evaluate((el) => (el as HTMLDetailsElement).open))) await nc.locator('summary').click();
    await nc.evaluate((el) => el.scrollIntoView({ block: 'start' }));
    expect(await nc.textContent()).toMatch(/Sổ theo dõi sự không phù hợp và hành động khắc phục: \d+ bản ghi/);
    await shot(page, 'thu-ky-iso-3-dieu-khoan');
    expect(desk.pageErrors).toEqual([]);
  });

  it("the auditor searches the cases, reads a case's timeline on its diagram and verifies the log", async () => {
    const { page } = desk;
    await signIn(page, people.auditor);
    await page.waitForURL((u) => u.pathname === '/audit');
    await page.getByLabel('Từ khóa').fill(`HD-${run}`);
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('q') === `HD-${run}`);
    const cases = page.getByTestId('audit-cases');
    await cases.getByRole('link', { name: caseCode(3) }).waitFor();
    await shot(page, 'kiem-tra-1-tim-kiem');

    await cases.getByRole('link', { name: caseCode(3) }).click();
    await page.waitForURL(new RegExp(`/cases/${finishedKey}$`));
    await page.getByRole('heading', { name: `Hồ sơ ${caseCode(3)}` }).waitFor();
    // appraised twice: the leader sent it back once
    expect(await page.getByTestId('timeline-steps').locator('tr[data-element="ThamDinh"]').count()).toBe(2);
    await page.locator('[data-testid="case-diagram"] .audit-label[data-element="ThamDinh"]').waitFor();
    expect(await page.locator('[data-testid="case-diagram"] .audit-label[data-element="ThamDinh"]').textContent()).toMatch(/^2×/);
    await shot(page, 'kiem-tra-2-dong-thoi-gian');

    await page.goto(`${p.url}/audit/verify`);
    await page.getByTestId('audit-verify-run').click();
    await page.getByTestId('audit-verify-result').filter({ hasText: 'Toàn vẹn' }).waitFor({ timeout: 30_000 });
    await shot(page, 'kiem-tra-3-xac-minh');
    expect(desk.pageErrors).toEqual([]);
  });

  it("the administrator's calendar: a year of month grids, a unit's day off, the due date it moves; then the account", async () => {
    const { page } = desk;
    await signIn(page, people.admin);
    await page.getByRole('link', { name: 'Lịch làm việc', exact: true }).click();
    await page.goto(`${p.url}/calendar?year=2026&unit=${units.land}`);
    await page.getByRole('heading', { name: 'Lịch làm việc năm 2026' }).waitFor();
    const days = page.getByTestId('calendar-days');
    await days.locator('tr[data-date="2026-02-17"]').waitFor();
    expect(await days.locator('tr[data-date="2026-02-17"]').textContent()).toContain('Tết Nguyên đán (mùng 1)');
    await shot(page, 'quan-tri-1-lich');

    // A day off of the land division alone (its own calendar; the national one is unchanged).
    const due = page.getByTestId('calendar-due');
    await due.getByLabel('Ngày tiếp nhận').fill('09/03/2026');
    await due.getByLabel('Giờ tiếp nhận').fill('08:00');
    await due.getByLabel('Số ngày làm việc').fill('2');
    await due.getByRole('button', { name: 'Tính hạn' }).click();
    await expect.poll(() => page.getByTestId('calendar-due-value').textContent()).toContain('11/03/2026');
    const add = page.getByTestId('calendar-add');
    await add.getByLabel('Đơn vị (để trống: lịch quốc gia)').selectOption(units.land);
    await add.getByLabel('Ngày', { exact: true }).fill('10/03/2026');
    await add.getByLabel('Loại').selectOption('day_off');
    await add.getByLabel('Tên').fill('Nghỉ kiểm kê hồ sơ lưu trữ');
    await add.getByLabel('Lý do thay đổi').fill(`Quyết định của Giám đốc Sở ${run}`);
    await add.scrollIntoViewIfNeeded();
    await shot(page, 'quan-tri-2-them-ngay', add);
    await add.getByRole('button', { name: 'Thêm ngày' }).click();
    await days.locator('tr[data-date="2026-03-10"]').waitFor();
    expect(await days.locator('tr[data-date="2026-03-10"]').textContent()).toContain('Nghỉ kiểm kê hồ sơ lưu trữ');
    // the same dossier received on 09/03 at 08:00 with 2 working days is now due on 12/03, the day off named
    await due.getByRole('button', { name: 'Tính hạn' }).click();
    await page.getByTestId('calendar-due-skipped').waitFor();
    await expect.poll(() => page.getByTestId('calendar-due-value').textContent()).toContain('12/03/2026');
    expect(await page.getByTestId('calendar-due-skipped').textContent()).toContain('Nghỉ kiểm kê hồ sơ lưu trữ');
    await page.getByTestId('calendar-changes').getByText(`Quyết định của Giám đốc Sở ${run}`).waitFor();
    await shot(page, 'quan-tri-3-tinh-han', due);

    // The catalogue of procedures the desk receives.
    await page.goto(`${p.url}/mot-cua/danh-muc`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText(procedure.code).first().waitFor();
    await shot(page, 'quan-tri-4-danh-muc');

    // Every user's own account: the password, and signing out everywhere.
    await page.getByTestId('change-password-link').click();
    await page.getByRole('heading', { name: 'Đổi mật khẩu' }).waitFor();
    await page.getByTestId('sign-out-everywhere').waitFor();
    await shot(page, 'quan-tri-5-tai-khoan');
    expect(desk.pageErrors).toEqual([]);
  });
});
