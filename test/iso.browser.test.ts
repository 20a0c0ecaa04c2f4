import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession, signInWithForm } from './helpers/browser-chromium.js';

const SCREENSHOTS = path.resolve('test-results');

/**
 * The ISO pages in a real browser, in Vietnamese: the registers (nonconformities, documents,
 * complaints with the staff feedback form, risks) as an officer, the clause view and the annual
 * report (with its PDF) as an auditor, and the citizen's complaint page on a phone.
 */
describe('the ISO pages in a real browser', () => {
  let p: TestPlatform;
  let officerUser: TestUser; // SNNMT-VP officer: the Office
  let auditorUser: TestUser;
  let office: Client;
  let drafter: Client;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const docCode = `QT-WEB-${run}`;
  let ncCode: string;
  let ncId: string;
  let riskCode: string;
  let complaintCode: string;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    officerUser = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Phạm Văn Phòng' });
    auditorUser = await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH', fullName: 'Vũ Thị Kiểm' });
    office = await login(p.app, officerUser);
    drafter = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    // given: one record in each register, made through the API
    const nc = await office.post('/api/iso/nonconformities', {
      title: `Sổ tiếp nhận ghi thiếu ngày hẹn ${run}`,
      description: 'Ba hồ sơ tháng 11 không ghi ngày hẹn trả',
      unitCode: 'SNNMT-VP',
    });
    expect(nc.status).toBe(201);
    ncCode = nc.body.code;
    ncId = nc.body.id;
    expect(
      (
        await drafter.post('/api/iso/documents', {
          code: docCode,
          title: `Quy trình tiếp nhận hồ sơ ${run}`,
          docType: 'quy-trinh',
          summary: 'Ban hành lần đầu',
          distributeTo: ['SNNMT-VP'],
        })
      ).status,
    ).toBe(201);
    const risk = await office.post('/api/iso/risks', { kind: 'risk', title: `Mất dữ liệu hồ sơ giấy ${run}`, description: 'Kho lưu trữ ẩm' });
    expect(risk.status).toBe(201);
    riskCode = risk.body.code;
    const complaint = await p.app.inject({
      method: 'POST',
      url: '/api/public/complaints',
      payload: { kind: 'phan-anh', title: `Quầy một cửa đông ${run}`, content: 'Chờ hơn 2 giờ mới được tiếp nhận.', name: 'Đỗ Thị Dân' },
    });
    expect(complaint.statusCode).toBe(201);
    complaintCode = complaint.json().code;
    // The Office sees the public complaint once its first step reached the inbox.
    await waitFor(
      async () => (await office.get('/api/iso/complaints')).body.items.find((c: any) => c.code === complaintCode),
      'public complaint visible to the Office',
      60_000,
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => p?.close());

  const signIn = (browser: BrowserSession, user: TestUser) => signInWithForm(browser.page, p.url, user);

  it('an officer works the registers: nonconformities, documents, complaints (and sends feedback), risks', async () => {
    const browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    try {
      const { page } = browser;
      await signIn(browser, officerUser);
      await page.getByRole('link', { name: 'ISO', exact: true }).click();
      await page.waitForURL(/\/iso$/);
      await page.getByRole('heading', { name: 'Hệ thống quản lý chất lượng ISO 9001:2015' }).waitFor();

      // Nonconformities: the register and the detail of one.
      await page.getByRole('heading', { name: 'Sổ theo dõi hành động khắc phục' }).waitFor();
      const ncTable = page.getByTestId('iso-nc-table');
      await ncTable.getByRole('link', { name: ncCode }).click();
      await page.waitForURL((u) => u.searchParams.get('id') === ncId);
      const detail = page.getByTestId('iso-nc-detail');
      await detail.getByRole('heading', { name: new RegExp(`^${ncCode}: Sổ tiếp nhận ghi thiếu ngày hẹn`) }).waitFor();
      expect(await detail.textContent()).toContain('Ba hồ sơ tháng 11 không ghi ngày hẹn trả');
      expect(await ncTable.locator('tr', { hasText: ncCode }).textContent()).toContain('Cán bộ phát hiện');

      // Controlled documents: the draft in the register.
      await page.getByRole('link', { name: 'Tài liệu kiểm soát' }).click();
      await page.waitForURL((u) => u.searchParams.get('tab') === 'documents');
      const docRow = page.getByTestId('iso-doc-table').locator('tr', { hasText: docCode });
      await docRow.waitFor();
      expect(await docRow.textContent()).toContain('Dự thảo');
      expect(await docRow.textContent()).toContain('SNNMT-QLDD');

      // Complaints: the citizen's one, then internal feedback from the form.
      await page.getByRole('link', { name: 'Phản ánh, khiếu nại' }).click();
      await page.waitForURL((u) => u.searchParams.get('tab') === 'complaints');
      const publicRow = page.getByTestId('iso-complaints').locator('tr', { hasText: complaintCode });
      await publicRow.waitFor();
      expect(await publicRow.textContent()).toContain('Người dân gửi trực tuyến');
      expect(await publicRow.textContent()).toContain('Đỗ Thị Dân');
      const form = page.getByTestId('iso-feedback-form');
      await form.getByLabel('Loại').selectOption('gop-y');
      await form.getByLabel('Tiêu đề').fill(`Máy lấy số hay treo ${run}`);
      await form.getByLabel('Nội dung').fill('Máy lấy số thứ tự ở quầy treo mỗi sáng thứ hai.');
      await form.getByRole('button', { name: 'Gửi' }).click();
      const sent = await form.getByRole('status').textContent();
      expect(sent).toMatch(/^Đã gửi, số PA-\d{4}-\d+$/);
      const feedbackCode = sent!.replace('Đã gửi, số ', '');
      const staffRow = page.getByTestId('iso-complaints').locator('tr', { hasText: feedbackCode });
      await staffRow.waitFor();
      expect(await staffRow.textContent()).toContain('Góp ý nội bộ');
      expect(await staffRow.textContent()).toContain('Phạm Văn Phòng');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'iso-complaints.png'), fullPage: true });

      // Risks: the register every staff member reads.
      await page.getByRole('link', { name: 'Rủi ro và cơ hội' }).click();
      const riskRow = page.getByTestId('iso-risks').locator('tr', { hasText: riskCode });
      await riskRow.waitFor();
      expect(await riskRow.textContent()).toContain('Rủi ro');
      expect(await riskRow.textContent()).toContain(`Mất dữ liệu hồ sơ giấy ${run}`);

      // The annual report is for leaders, auditors and administrators: an officer is told so.
      await page.getByRole('link', { name: 'Báo cáo năm' }).click();
      await page.getByTestId('iso-report').getByRole('alert').waitFor();
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('an auditor reads the clause view and the annual report with its conformity evidence, and downloads the PDF', async () => {
    const browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    try {
      const { page } = browser;
      await signIn(browser, auditorUser);
      const countAtOpen = Number((await p.db('iso_nonconformities').count<{ n: string }[]>({ n: '*' }))[0].n);
      await page.goto(`${p.url}/iso?tab=clauses`);
      const clauses = page.getByTestId('iso-clauses');
      const nc = clauses.locator('details').filter({ has: page.locator('summary strong').getByText('10.2', { exact: true }) });
      await nc.waitFor();
      expect(await nc.locator('summary').textContent()).toBe('10.2 Sự không phù hợp và hành động khắc phục');
      // The register's size as the database has it: other test files add records meanwhile, so the page's
      // figure lies between the count when the page was opened and the count after it was read.
      const ncCount = async () => Number((await p.db('iso_nonconformities').count<{ n: string }[]>({ n: '*' }))[0].n);
      const shown = /Sổ theo dõi sự không phù hợp và hành động khắc phục: (\d+) bản ghi/.exec((await nc.textContent()) ?? '');
      expect(shown).not.toBeNull();
      expect(Number(shown![1])).toBeGreaterThanOrEqual(countAtOpen);
      expect(Number(shown![1])).toBeLessThanOrEqual(await ncCount());
      const complaints = clauses.locator('details', { hasText: 'Sự thỏa mãn của khách hàng' }).first();
      expect(await complaints.textContent()).toContain('Tiếp nhận và xử lý phản ánh, khiếu nại');

      // A province auditor reads every agency's quality system, side by side (issue 17, item 5).
      expect(await page.getByTestId('iso-agency').textContent()).toBe('Toàn tỉnh: xem hệ thống quản lý chất lượng của mọi cơ quan');
      await page.getByRole('link', { name: 'Các cơ quan' }).click();
      expect(await page.getByTestId('agency-SNNMT').locator('th').textContent()).toBe('Sở Nông nghiệp và Môi trường (SNNMT)');
      await page.getByRole('link', { name: 'Báo cáo năm' }).click();
      const report = page.getByTestId('iso-report');
      await report.getByRole('heading', { name: 'Minh chứng công bố phù hợp TCVN ISO 9001:2015' }).waitFor();
      const evidence = page.getByTestId('iso-conformity');
      expect(await evidence.locator('li', { hasText: 'Chính sách chất lượng' }).first().textContent()).toContain('Chưa đủ minh chứng');
      const corrective = evidence.locator(':scope > li', { hasText: 'Hành động khắc phục các điểm không phù hợp' });
      expect(await corrective.textContent()).toMatch(/\d+ điểm không phù hợp, \d+ đã khắc phục xong, \d+ đang xử lý/);
      await corrective.getByRole('link', { name: `Phiếu ${ncCode}` }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, 'iso-report.png'), fullPage: true });

      const [pdf] = await Promise.all([page.waitForEvent('download'), report.getByRole('button', { name: 'Tải PDF' }).click()]);
      expect(pdf.suggestedFilename()).toBe(`bao-cao-hdqlcl-${new Date().getFullYear()}.pdf`);
      expect(
        readFileSync(await pdf.path())
          .subarray(0, 5)
          .toString('latin1'),
      ).toBe('%PDF-');

      // The link of the evidence opens the record's timeline.
      await corrective.getByRole('link', { name: `Phiếu ${ncCode}` }).click();
      await page.waitForURL(/\/cases\/\d+$/);
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);

  it('a citizen sends a complaint from a phone without signing in and follows it by its link', async () => {
    const browser = await launchChromium({ viewport: { width: 390, height: 844 } });
    try {
      const { page } = browser;
      await page.goto(`${p.url}/gop-y`);
      await page.getByRole('heading', { name: 'Góp ý, phản ánh, khiếu nại', level: 1 }).waitFor();
      await page.getByLabel('Khiếu nại').check();
      await page.getByLabel('Họ và tên').fill('Hoàng Văn Công');
      await page.getByLabel('Số điện thoại hoặc email (để nhận trả lời)').fill('0987 654 321');
      await page.getByLabel('Tiêu đề').fill('Không được hướng dẫn bổ sung hồ sơ');
      await page.getByLabel('Nội dung').fill('Tôi nộp hồ sơ ngày 10/11, đến nay chưa được hướng dẫn bổ sung.');
      // Every field and the button fit the phone's width.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'iso-feedback-phone.png'), fullPage: true });
      await page.getByRole('button', { name: 'Gửi ý kiến' }).click();

      const sent = page.getByTestId('feedback-sent');
      await sent.getByRole('heading', { name: 'Đã tiếp nhận ý kiến của Ông/Bà' }).waitFor();
      const code = (await sent.locator('.fb-code').textContent())!.replace('Số phản ánh: ', '');
      expect(code).toMatch(/^PA-\d{4}-\d+$/);
      const row = await p.db('iso_complaints').where({ code }).first();
      expect(row).toMatchObject({ origin: 'public', kind: 'khieu-nai', submitter: 'Hoàng Văn Công', contact: '0987 654 321', received_by: null });

      await sent.getByRole('link', { name: 'Theo dõi kết quả' }).click();
      await page.waitForURL((u) => u.pathname === `/gop-y/${code}` && Boolean(u.searchParams.get('t')));
      const tracking = page.getByTestId('feedback-tracking');
      await tracking.getByRole('heading', { name: `${code}: Không được hướng dẫn bổ sung hồ sơ` }).waitFor();
      expect(await tracking.textContent()).toContain('Đã tiếp nhận');
      expect(await tracking.textContent()).toContain('Cơ quan đang xem xét');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

      // The same page without the key tells the citizen what is wrong, in Vietnamese.
      await page.goto(`${p.url}/gop-y/${code}`);
      await page.getByTestId('feedback-tracking').getByText('Đường dẫn thiếu mã tra cứu').waitFor();
      expect(browser.pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
