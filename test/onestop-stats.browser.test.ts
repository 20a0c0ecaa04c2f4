import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { vn, createUnit, createUser, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, signInWithForm, type BrowserSession } from './helpers/browser-chromium.js';

const SCREENSHOTS = path.resolve('test-results');

describe('one-stop statistics, apology and evaluation in a real browser', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let leader: TestUser;
  let officer: TestUser;
  let agency: string;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const token = randomBytes(32).toString('base64url');

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform({ runtime: false });
    agency = await createUnit(p.db, { name: `Sở thử thống kê ${run}` });
    leader = await createUser(p.db, { roles: ['leader'], unitCode: agency, fullName: 'Lãnh Đạo Thống Kê' });
    officer = await createUser(p.db, { roles: ['officer'], unitCode: agency, fullName: 'Cán Bộ Thống Kê' });
    await p.db('onestop_procedures').insert({
      code: `B${run}`,
      name: `Cấp phép thử ${run}`,
      field: 'Xây dựng',
      agency_code: agency,
      agency_name: `Sở thử thống kê ${run}`,
      desk_unit_code: agency,
      agency_eid: 'H00.99',
      time_limit_days: 10,
      result: 'Giấy phép',
      online_level: 'partial',
      bpmn_process_id: 'mc-test',
    });
    const base = {
      procedure_code: `B${run}`,
      field: 'Xây dựng',
      agency_code: agency,
      desk_unit_code: agency,
      applicant: { name: 'Lê Thị Dân' },
      lookup_token: token,
      received_by: officer.username,
    };
    await p.db('dossiers').insert([
      // resolved early in March, returned: evaluated below
      {
        ...base,
        code: `${run}-1`,
        channel: 'online',
        status: 'RETURNED',
        submitted_at: vn('2026-03-02 09:00'),
        received_at: vn('2026-03-02 09:00'),
        appointment_at: vn('2026-03-10 17:00'),
        resolved_at: vn('2026-03-09 10:00'),
        returned_at: vn('2026-03-09 15:00'),
        closed_at: vn('2026-03-09 15:00'),
      },
      // in progress, past its appointment: overdue, stuck at appraisal
      {
        ...base,
        lookup_token: randomBytes(32).toString('base64url'),
        code: `${run}-2`,
        channel: 'in_person',
        status: 'IN_PROCESSING',
        submitted_at: vn('2026-03-03 09:00'),
        received_at: vn('2026-03-03 09:00'),
        appointment_at: vn('2026-03-17 17:00'),
        current_step: 'Thẩm định hồ sơ',
        current_unit_code: agency,
      },
      // in progress, appointment Wed 10/03/2027: the apology may go out until Tue 09/03/2027
      {
        ...base,
        lookup_token: randomBytes(32).toString('base64url'),
        code: `${run}-3`,
        channel: 'in_person',
        status: 'IN_PROCESSING',
        submitted_at: vn('2027-02-24 09:00'),
        received_at: vn('2027-02-24 09:00'),
        appointment_at: vn('2027-03-10 17:00'),
        current_step: 'Thẩm định hồ sơ',
        current_unit_code: agency,
      },
    ]);
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('an officer drafts an apology from the dossier before its appointment; the leader sees the dashboard and approves it', async () => {
    const { page } = browser;
    await signInWithForm(page, p.url, officer);
    await page.getByRole('link', { name: 'Hồ sơ quá hạn', exact: true }).click();
    const table = page.getByTestId('overdue-table');
    await table.waitFor();
    const row = table.locator('tr', { hasText: `${run}-2` });
    expect(await row.textContent()).toContain('Thẩm định hồ sơ');
    // Past its appointment: too late for an apology.
    await row.getByText('Đã quá thời hạn gửi phiếu xin lỗi').waitFor();
    const id = (
      await p
        .db('dossiers')
        .where({ code: `${run}-3` })
        .first('id')
    ).id;
    await page.goto(`${p.url}/mot-cua/ho-so/${id}`);
    const panel = page.getByTestId('apology-panel');
    await panel.getByText('chậm nhất ngày 09/03/2027').waitFor();
    await panel.getByRole('button', { name: 'Lập văn bản xin lỗi' }).click();
    const form = page.getByTestId('apology-form');
    await form.getByLabel('Lý do chậm trễ').fill('Chờ kết quả kiểm tra hiện trạng công trình');
    await form.getByLabel('Ngày hẹn trả mới').fill('15/03/2027');
    await form.getByRole('button', { name: 'Lưu dự thảo' }).click();
    await page.getByText(`Đã lập dự thảo văn bản xin lỗi cho hồ sơ ${run}-3.`).waitFor();
    await page.getByRole('button', { name: 'Đăng xuất' }).click();

    await signInWithForm(page, p.url, leader);
    await page.getByRole('link', { name: 'Thống kê một cửa', exact: true }).click();
    await page.goto(`${p.url}/onestop/stats?from=2026-03-01&to=2026-03-31&groupBy=agency`);
    await page.getByTestId('stats-table').waitFor();
    // received 2 (1 online, 1 in person); resolved 1 early; in progress 1, past deadline
    expect(await page.getByTestId('kpi-received').textContent()).toBe('2');
    expect(await page.getByTestId('kpi-resolved').textContent()).toBe('1');
    expect(await page.getByTestId('kpi-in-progress').textContent()).toBe('1');
    const cells = await page.getByTestId('stats-table').locator('tbody tr').first().locator('td').allTextContents();
    expect(cells).toEqual(['2', '1', '1', '0', '1', '1', '0', '0', '1', '0', '1']);
    // the chart's table beside it: resolved early 1, on time 0, late 0, in progress within 0, past 1; 2 in all
    expect(await page.getByTestId('stats-chart-table').locator('tbody tr').first().locator('td').allTextContents()).toEqual(['1', '0', '0', '0', '1', '2']);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('stats-excel').click()]);
    expect(download.suggestedFilename()).toBe('bieu-II.06a-2026-03-01-2026-03-31.xlsx');
    // the export's progress line is gone and the button usable again once the file is saved
    await page.getByTestId('stats-excel-status').getByText('Đang chuẩn bị tệp').waitFor({ state: 'detached' });
    expect(await page.getByTestId('stats-excel').isEnabled()).toBe(true);
    // The nine indicators (issue 17 item 11) of the one dossier resolved in March: early (2), no leg of its own
    // (the total decides: 2), no supplement (2), online but no postal return (1), desk (1), catalogue entry
    // without legal basis or documents (0), early without complaint (2), no feedback (2), 1 of 2 online, none
    // late (2): 14 of 18, rated good.
    const index = page.getByTestId('service-index');
    await index.getByTestId('service-index-summary').waitFor();
    expect(await index.getByTestId('service-index-summary').textContent()).toBe('Số hồ sơ được chấm: 1 · Điểm trung bình: 14/18 · Xếp loại: Tốt');
    expect(await index.getByTestId('service-index-indicators').locator('tbody td').allTextContents()).toEqual(['2', '2', '2', '1', '1', '0', '2', '2', '2']);
    // QĐ 766: publication 0 of 1 complete (0), progress 1 of 1 on time (20), no file stored (0), 1 of 2 online
    // (11), no evaluation yet: 31 of the 82 points with data.
    expect(await index.getByTestId('service-index-766').locator('tbody td:nth-child(2)').allTextContents()).toEqual(['0', '20', '0', '11', 'chưa có dữ liệu']);
    await index.getByText('Tổng: 31 / 82 điểm có dữ liệu').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-stats-dashboard.png'), fullPage: true });

    await page.getByRole('link', { name: 'Hồ sơ quá hạn', exact: true }).click();
    const pending = page.getByTestId('pending-apologies');
    await pending.waitFor();
    await pending.getByRole('button', { name: 'Phê duyệt' }).click();
    await page.getByText(`Đã phê duyệt văn bản xin lỗi cho hồ sơ ${run}-3, công dân được thông báo.`).waitFor();
    expect(
      await p
        .db('dossier_events')
        .join('dossiers', 'dossiers.id', 'dossier_events.dossier_id')
        .where({ 'dossiers.code': `${run}-3`, type: 'sla.apology_issued' }),
    ).toHaveLength(1);
    expect(browser.pageErrors).toEqual([]);
  });

  it('a citizen evaluates on a phone with the link, once, and sees the public results', async () => {
    const phone = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      const { page } = phone;
      await page.goto(`${p.url}/danh-gia/${run}-1?t=${token}`);
      await page.getByTestId('evaluation-page').getByText(`Cấp phép thử ${run}`).waitFor();
      for (const legend of ['Đánh giá chung', 'Tiếp nhận hồ sơ', 'Giải quyết hồ sơ', 'Trả kết quả']) {
        await page.getByRole('group', { name: legend, exact: true }).getByText('Hài lòng', { exact: true }).click();
      }
      // the receiving officer is listed for the receipt stage
      await page.getByRole('group', { name: 'Cán Bộ Thống Kê (tiếp nhận)' }).getByText('Rất hài lòng').click();
      await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
      await page.getByText('Cảm ơn Ông/Bà đã đánh giá.').waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'onestop-evaluation-phone.png'), fullPage: true });
      // the page opened again says it was evaluated
      await page.reload();
      await page.getByText('Hồ sơ này đã được đánh giá').waitFor();
      const rows = await p.db('dossier_evaluations').join('dossiers', 'dossiers.id', 'dossier_evaluations.dossier_id').where('dossiers.code', `${run}-1`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ overall: 4, receipt: 4, processing: 4, return_stage: 4 });

      await page.getByRole('link', { name: 'Kết quả đánh giá mức độ hài lòng' }).click();
      const byAgency = page.getByTestId('results-by-agency');
      await byAgency.waitFor();
      // mean 4,00 (Vietnamese decimal comma), 100 % satisfied, 1 evaluation
      expect(
        await byAgency
          .locator('tr', { hasText: `Sở thử thống kê ${run}` })
          .locator('td')
          .allTextContents(),
      ).toEqual(['4,00', '100%', '1']);
      expect(await page.content()).not.toContain('Lê Thị Dân');
      // no horizontal scrolling on a phone
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
