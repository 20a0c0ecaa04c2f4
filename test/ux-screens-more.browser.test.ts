import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Route } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type TestUser } from './helpers/fixtures.js';
import { openTask, startLandCase, LAND_PROCESS } from './helpers/audit-flow.js';
import { selectElement } from './helpers/modeler-page.js';
import { ensureWebBuilt, launchChromium, type BrowserSession, signInWithForm } from './helpers/browser-chromium.js';
import { axeViolations } from './helpers/axe.js';

/**
 * The rest of issue 18 item 3, as the role sees it in a real browser: setting a quality objective, the
 * year of month grids, the progress of a slow export.
 */
describe('more screens users lacked', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let unit: string;
  let leader: TestUser;
  let auditor: TestUser;
  let admin: TestUser;
  const run = Date.now().toString(36);

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    unit = await createUnit(p.db, { name: `Phòng Thử Màn Hình ${run}`, parentCode: 'SNNMT' });
    leader = await createUser(p.db, { roles: ['leader'], unitCode: unit, fullName: 'Lãnh Đạo Mục Tiêu' });
    auditor = await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH', fullName: 'Kiểm Tra Mục Tiêu' });
    admin = await createUser(p.db, { roles: ['admin'], unitCode: 'SNNMT', fullName: 'Quản Trị Lịch' });
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  const signIn = async (page: Page, user: TestUser) => {
    await page.context().clearCookies();
    await page.goto(`${p.url}/login`);
    await page.evaluate(() => localStorage.clear());
    await signInWithForm(page, p.url, user);
  };

  it('a leader sets a quality objective of their unit: the form says what is wrong in Vietnamese, the list shows the new objective', async () => {
    const { page } = browser;
    await signIn(page, leader);
    await page.goto(`${p.url}/iso?tab=objectives`);
    const form = page.getByTestId('objective-form');
    await form.waitFor();
    const year = await page.evaluate(() => new Date().getFullYear());
    expect(await form.getByRole('heading').textContent()).toBe(`Đặt mục tiêu chất lượng năm ${year}`);

    // nothing filled in: each field says what it needs, nothing is sent
    await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
    expect((await form.getByRole('alert').allTextContents()).map((s) => s.trim())).toEqual([
      'Hãy nhập mã đơn vị (chọn trong danh sách gợi ý).',
      'Tên mục tiêu phải có ít nhất 3 ký tự.',
      'Chỉ tiêu phải là một số, ví dụ 95 hoặc 2,5.',
    ]);
    expect(await form.getByLabel('Tên mục tiêu').getAttribute('aria-invalid')).toBe('true');

    // a rate above 100 %
    await form.getByLabel('Đơn vị').fill(unit);
    await form.getByLabel('Tên mục tiêu').fill(`Đúng hạn ${run}`);
    await form.getByLabel('Chỉ số đo').selectOption({ label: 'Tỷ lệ hồ sơ giải quyết đúng hạn (%)' });
    await form.getByLabel('Chỉ tiêu (%)').fill('120');
    await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
    expect((await form.getByRole('alert').allTextContents()).map((s) => s.trim())).toEqual(['Chỉ tiêu tỷ lệ phải từ 0 đến 100.']);

    // a unit above the leader's own: the server refuses, the form says why
    await form.getByLabel('Đơn vị').fill('SNNMT');
    await form.getByLabel('Chỉ tiêu (%)').fill('95,5');
    await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
    await form.locator('.alert').waitFor();
    expect(await form.locator('.alert').textContent()).toContain('Đơn vị SNNMT không thuộc phạm vi của bạn');

    // their own unit: saved, and the table of the year shows it with its target
    await form.getByLabel('Đơn vị').fill(unit);
    await form.getByRole('button', { name: 'Lưu mục tiêu' }).click();
    await form
      .getByRole('status')
      .filter({ hasText: `Đã lưu mục tiêu «Đúng hạn ${run}».` })
      .waitFor();
    const row = page.getByTestId('objectives-chart').locator('tbody tr', { hasText: `Đúng hạn ${run}` });
    await row.waitFor({ state: 'attached' });
    const cells = (await row.locator('td').allTextContents()).map((s) => s.trim());
    expect(cells.slice(0, 3)).toEqual([unit, `Đúng hạn ${run}`, '≥ 95.5 %']);
    expect(await form.getByLabel('Tên mục tiêu').inputValue()).toBe('');
    const [stored] = await p.db('iso_objectives').where({ unit_code: unit, year }).select('title', 'metric', 'target', 'direction', 'created_by');
    expect({ ...stored, target: Number(stored.target) }).toEqual({
      title: `Đúng hạn ${run}`,
      metric: 'on_time_rate',
      target: 95.5,
      direction: 'at_least',
      created_by: leader.username,
    });
    expect(await axeViolations(page)).toEqual([]);

    // an auditor reads the objectives but is offered no form (the API refuses them)
    await signIn(page, auditor);
    await page.goto(`${p.url}/iso?tab=objectives`);
    await page
      .getByTestId('objectives-chart')
      .locator('tbody tr', { hasText: `Đúng hạn ${run}` })
      .waitFor({ state: 'attached' });
    expect(await page.getByTestId('objective-form').count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });

  it('the calendar shows the year as month grids, each day saying in words what it is; the year changes from the keyboard', async () => {
    const { page } = browser;
    const api = await login(p.app, admin);
    const off = await api.post('/api/calendar/days', { date: '2026-08-10', kind: 'day_off', name: `Nghỉ thử ${run}`, unit, reason: 'kiểm thử lưới' });
    expect(off.status).toBe(201);
    const makeUp = await api.post('/api/calendar/days', { date: '2026-08-15', kind: 'working_day', name: `Làm bù thử ${run}`, unit, reason: 'kiểm thử lưới' });
    expect(makeUp.status).toBe(201);

    await signIn(page, admin);
    await page.goto(`${p.url}/calendar?year=2026&unit=${unit}`);
    const grid = page.getByTestId('calendar-year-grid');
    await grid.locator('td[data-date="2026-08-10"]').waitFor();
    expect(await grid.getByRole('heading').first().textContent()).toBe('Lịch năm 2026 theo tháng');
    expect(await grid.locator('table caption').allTextContents()).toEqual(Array.from({ length: 12 }, (_, i) => `Tháng ${i + 1}`));
    // August 2026 begins on a Saturday: five blanks (Monday to Friday) before the 1st
    const august = grid.locator('table[data-month="8"]');
    expect(await august.locator('thead th').allTextContents()).toEqual(['T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'CN']);
    expect(await august.locator('tbody tr').first().locator('td.calendar-blank').count()).toBe(5);
    expect(await august.locator('td[data-date]').count()).toBe(31);

    // the day off: a visible word and a full sentence, not a colour alone
    const dayOff = grid.locator('td[data-date="2026-08-10"]');
    expect(await dayOff.locator('.calendar-tag').textContent()).toBe('Nghỉ');
    expect(await dayOff.locator('.visually-hidden').textContent()).toBe(`Thứ Hai 10/08/2026, ngày nghỉ (nghỉ bù, hoán đổi): Nghỉ thử ${run}`);
    // the make-up Saturday
    const saturday = grid.locator('td[data-date="2026-08-15"]');
    expect(await saturday.locator('.calendar-tag').textContent()).toBe('Làm bù');
    expect(await saturday.locator('.visually-hidden').textContent()).toBe(`Thứ Bảy 15/08/2026, ngày làm bù (làm việc): Làm bù thử ${run}`);
    // an ordinary Sunday and an ordinary Tuesday
    expect(await grid.locator('td[data-date="2026-08-16"] .visually-hidden').textContent()).toBe('Chủ nhật 16/08/2026, nghỉ cuối tuần');
    expect(await grid.locator('td[data-date="2026-08-11"] .visually-hidden').textContent()).toBe('Thứ Ba 11/08/2026, ngày làm việc');
    // the list of special days stays beside the grids
    expect(await page.getByTestId('calendar-days').locator('tr[data-date="2026-08-10"]').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    // the year from the keyboard: back from the year field to "Năm trước", Enter; then forward to "Năm sau", Enter twice
    await page.getByLabel('Năm', { exact: true }).focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Năm trước');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Lịch năm 2025 theo tháng' }).waitFor();
    await page.getByLabel('Năm', { exact: true }).focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Năm sau');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Lịch năm 2026 theo tháng' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Lịch năm 2027 theo tháng' }).waitFor();
    expect(new URL(page.url()).searchParams.get('year')).toBe('2027');
    expect(browser.pageErrors).toEqual([]);
  });

  it('the Excel of a year says the file is being prepared and keeps its buttons disabled until it arrives; a failure is said in Vietnamese', async () => {
    const { page } = browser;
    await signIn(page, leader);
    await page.goto(`${p.url}/iso?tab=report`);
    const xlsx = page.getByTestId('report-xlsx');
    await xlsx.waitFor();

    // the real answer, held back until the page has shown its progress
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      await held;
      await route.continue();
    };
    await page.route('**/api/iso/report.xlsx*', hold);
    const download = page.waitForEvent('download');
    await xlsx.click();
    const status = page.getByTestId('report-file-status').locator('[role="status"]');
    await status.filter({ hasText: 'Đang chuẩn bị tệp…' }).waitFor();
    expect(await xlsx.isDisabled()).toBe(true);
    expect(await page.getByTestId('report-pdf').isDisabled()).toBe(true);
    expect(await xlsx.getAttribute('aria-busy')).toBe('true');
    expect(await page.getByTestId('report-file-status').locator('.spinner').count()).toBe(1);
    release();
    const file = await download;
    const year = await page.evaluate(() => new Date().getFullYear());
    expect(file.suggestedFilename()).toBe(`bao-cao-hdqlcl-${year}.xlsx`);
    await page.waitForFunction(() => !(document.querySelector('[data-testid="report-xlsx"]') as HTMLButtonElement).disabled);
    expect((await status.textContent())?.trim()).toBe('');
    await page.unroute('**/api/iso/report.xlsx*', hold);

    // the server refuses a year before 2000: the message says so, the buttons come back
    await page.getByLabel('Năm').fill('1999');
    await xlsx.click();
    const alert = page.getByTestId('report-file-status').locator('.alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/^Không tải được tệp: Dữ liệu không hợp lệ/);
    expect(await xlsx.isDisabled()).toBe(false);

    // the connection drops: said in Vietnamese too
    await page.getByLabel('Năm').fill(String(year));
    await page.route('**/api/iso/report.xlsx*', (route) => route.abort('connectionreset'));
    await xlsx.click();
    await alert.filter({ hasText: 'Không tải được tệp: Không kết nối được máy chủ. Vui lòng thử lại.' }).waitFor();
    await page.unroute('**/api/iso/report.xlsx*');
  });

  it("the modeler's properties panel names its groups in Vietnamese, and in English when the page is in English", async () => {
    const { page } = browser;
    const designer = await createUser(p.db, { roles: ['designer'], fullName: 'Thiết Kế Bảng' });
    await signIn(page, designer);
    await page.goto(`${p.url}/procedures/${LAND_PROCESS}`);
    await page.locator('.djs-element[data-element-id="ThamDinh"]').waitFor();
    const titles = async () => {
      await page.locator('.bio-properties-panel-group-header-title').first().waitFor();
      return (await page.locator('.bio-properties-panel-group-header-title').allTextContents()).map((s) => s.trim());
    };

    await selectElement(page, 'ThamDinh');
    const vi = await titles();
    // a job-based user task (the inbox takes its jobs): the groups of the BPMN and Zeebe providers and our own
    expect([...vi].sort()).toEqual(
      [
        'Chung',
        'Bước hành chính',
        'Mô tả',
        'Cách thực hiện',
        'Phân công',
        'Biểu mẫu',
        'Ánh xạ đầu vào',
        'Ánh xạ đầu ra',
        'Thông tin kèm theo',
        'Bộ lắng nghe thực thi',
        'Thuộc tính mở rộng',
      ].sort(),
    );

    await page.locator('.lang-switch button[lang="en"]').click();
    await waitFor(
      async () => (await page.locator('.djs-palette [data-action="create.task"]').getAttribute('aria-label')) === 'Create task',
      'the English modeler',
    );
    await selectElement(page, 'ThamDinh');
    const en = await titles();
    expect([...en].sort()).toEqual(
      [
        'General',
        'Government step',
        'Documentation',
        'Implementation',
        'Assignment',
        'Form',
        'Input mapping',
        'Output mapping',
        'Headers',
        'Execution listeners',
        'Extension properties',
      ].sort(),
    );
    // the same groups, each in the page's language: no English header is left on the Vietnamese panel
    expect(vi.length).toBe(en.length);
    expect(vi.filter((title) => en.includes(title))).toEqual([]);
    await page.locator('.lang-switch button[lang="vi"]').click();
    await waitFor(
      async () => (await page.locator('.djs-palette [data-action="create.task"]').getAttribute('aria-label')) === 'Tạo công việc',
      'the Vietnamese modeler',
    );
    expect(browser.pageErrors).toEqual([]);
  });

  it('officers and auditors see the procedure as drawn, each timed step with a clock and its limit, not the reminder and escalation boxes', async () => {
    const { page } = browser;
    const reception = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Một Cửa Sơ Đồ' });
    const key = await startLandCase(await login(p.app, reception), { maHoSo: `SD-${run}` });
    const taskId = await openTask(p.db, key, 'TiepNhan');
    // the four steps, two gateways, start and end as the file draws them; none of the 4 × 2 branches the deploy hangs under the steps
    const drawn = ['BatDau', 'GopThamDinh', 'KetQuaDuyet', 'KetThuc', 'PheDuyet', 'ThamDinh', 'TiepNhan', 'TraKetQua'];
    const shapes = (testId: string) =>
      page
        .locator(`[data-testid="${testId}"] .djs-shape[data-element-id]`)
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-element-id')!).filter((id) => !id.endsWith('_label')))
        .then((ids) => ids.sort());
    const clocks = (testId: string) =>
      page
        .locator(`[data-testid="${testId}"] .step-clock`)
        .evaluateAll((els) =>
          els
            .map((e) => [e.getAttribute('data-element'), e.textContent, e.getAttribute('aria-label')])
            .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        );
    // hand-read from processes/dang-ky-bien-dong-dat-dai.bpmn: eiso.timeLimit 0.5, 5, 2, 0.5 working days
    const expectedClocks = [
      ['PheDuyet', '⏱ 2 ngày', 'Thời hạn của bước: 2 ngày làm việc'],
      ['ThamDinh', '⏱ 5 ngày', 'Thời hạn của bước: 5 ngày làm việc'],
      ['TiepNhan', '⏱ 0,5 ngày', 'Thời hạn của bước: 0,5 ngày làm việc'],
      ['TraKetQua', '⏱ 0,5 ngày', 'Thời hạn của bước: 0,5 ngày làm việc'],
    ];

    await signIn(page, reception);
    await page.goto(`${p.url}/tasks/${taskId}`);
    await page.locator('[data-testid="task-diagram"] .step-clock').first().waitFor();
    expect(await shapes('task-diagram')).toEqual(drawn);
    expect(await clocks('task-diagram')).toEqual(expectedClocks);
    expect(await page.locator('[data-testid="task-diagram"] .djs-element.eiso-current[data-element-id="TiepNhan"]').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    await signIn(page, auditor);
    await page.goto(`${p.url}/cases/${key}`);
    await page.locator('[data-testid="case-diagram"] .step-clock').first().waitFor();
    expect(await shapes('case-diagram')).toEqual(drawn);
    expect(await clocks('case-diagram')).toEqual(expectedClocks);
    // the case file still carries the model the engine ran, branches included
    const timeline = await (await login(p.app, auditor)).get(`/api/cases/${key}/timeline`);
    expect(timeline.body.xml).toContain('id="ThamDinh_QuaHan"');
    expect(timeline.body.drawing.xml).not.toContain('ThamDinh_QuaHan');
    expect(await axeViolations(page)).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
