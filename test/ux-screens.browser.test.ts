import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { randomBytes } from 'node:crypto';
import { createUnit, createUser, login, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession, signInWithForm } from './helpers/browser-chromium.js';
import { axeViolations } from './helpers/axe.js';

/**
 * Screens users still lacked (issue 18, item 3), each seen as the real role sees it: requests only for
 * what the role may see, the inbox opening where the work is, dates as dd/mm/yyyy, no second evaluation.
 */
describe('screens as each role sees them', () => {
  let p: TestPlatform;
  const sessions: BrowserSession[] = [];

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
  });
  afterAll(async () => {
    for (const s of sessions) await s.close();
    await p?.close();
  });

  const open = async (locale?: string) => {
    const s = await launchChromium({ viewport: { width: 1360, height: 900 }, locale });
    sessions.push(s);
    return s;
  };

  /** Every API request of the page, to wait until the page has asked for everything it wanted (the event stream aside). */
  const trackRequests = (page: Page) => {
    const inflight = new Set<unknown>();
    const forbidden: string[] = [];
    const isApi = (url: string) => new URL(url).pathname.startsWith('/api/') && new URL(url).pathname !== '/api/events';
    page.on('request', (r) => isApi(r.url()) && inflight.add(r));
    page.on('requestfinished', (r) => inflight.delete(r));
    page.on('requestfailed', (r) => inflight.delete(r));
    page.on('response', (r: Response) => {
      if (r.status() === 403) forbidden.push(`${r.request().method()} ${new URL(r.url()).pathname}${new URL(r.url()).search}`);
    });
    return {
      forbidden,
      settled: () => waitFor(async () => inflight.size === 0, 'the page to finish its requests'),
    };
  };

  const signIn = (page: Page, user: TestUser) => signInWithForm(page, p.url, user);

  /** Visits the landing page, every link of the main navigation and the extra paths; returns the paths seen. */
  const accessibility: string[] = [];
  const visitAll = async (page: Page, track: ReturnType<typeof trackRequests>, extra: string[]) => {
    const seen: string[] = [new URL(page.url()).pathname];
    await page.locator('h1').first().waitFor();
    await track.settled();
    accessibility.push(...(await axeViolations(page)));
    const links = await page.locator('nav.main-nav a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
    for (const href of links) {
      await page.locator(`nav.main-nav a[href="${href}"]`).click();
      await page.waitForURL((u) => u.pathname === href);
      await page.locator('h1').first().waitFor();
      await track.settled();
      accessibility.push(...(await axeViolations(page)));
      seen.push(href);
    }
    for (const path of extra) {
      await page.goto(`${p.url}${path}`);
      await page.locator('h1').first().waitFor();
      await track.settled();
      accessibility.push(...(await axeViolations(page)));
      seen.push(path);
    }
    // The brand link leads home, which is a page of the role too.
    await page.locator('.brand-name').click();
    await page.locator('h1').first().waitFor();
    await track.settled();
    seen.push(new URL(page.url()).pathname);
    return seen;
  };

  // Each role walks every page of its navigation with an accessibility check on each: minutes on a loaded CI machine.
  it('a designer visits all their pages without one forbidden request', { timeout: 240_000 }, async () => {
    const designer = await createUser(p.db, { roles: ['designer'], unitCode: 'SNNMT', fullName: 'Đỗ Văn Thiết' });
    const d = await open();
    const dTrack = trackRequests(d.page);
    await signIn(d.page, designer);
    // A designer lands on the procedures, not on an inbox they have no tasks in.
    await d.page.waitForURL((u) => u.pathname === '/procedures');
    const designerSeen = await visitAll(d.page, dTrack, []);
    expect(designerSeen).toContain('/procedures');
    expect(await d.page.locator('nav.main-nav a[href="/inbox"]').count()).toBe(0);
    expect(dTrack.forbidden).toEqual([]);
    expect(d.pageErrors).toEqual([]);
    // and axe finds no serious or critical accessibility problem on any of those pages
    expect(accessibility).toEqual([]);
  });

  it('an auditor visits all their pages without one forbidden request', { timeout: 240_000 }, async () => {
    const auditor = await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH', fullName: 'Vũ Thị Kiểm' });
    const a = await open();
    const aTrack = trackRequests(a.page);
    await signIn(a.page, auditor);
    await a.page.waitForURL((u) => u.pathname === '/audit');
    const auditorSeen = await visitAll(a.page, aTrack, ['/audit/verify', '/audit/heatmap']);
    expect(auditorSeen).toEqual(expect.arrayContaining(['/audit', '/audit/verify', '/audit/heatmap', '/iso']));
    expect(aTrack.forbidden).toEqual([]);
    expect(a.pageErrors).toEqual([]);
    expect(accessibility).toEqual([]);
  });

  it("an officer's inbox opens on the bucket that holds the work, then keeps the bucket they pick", async () => {
    const officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Phan Thị Mở' });
    const api = await login(p.app, officer);
    // A case received at the desk: its first step waits to be claimed by the desk's officers; none is the officer's yet.
    const caseCode = `UX-${randomBytes(3).toString('hex').toUpperCase()}`;
    const started = await api.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai', variables: { maHoSo: caseCode } });
    expect(started.status).toBe(201);
    await waitFor(async () => ((await api.get(`/api/tasks?scope=available&caseCode=${caseCode}`)).body.items as unknown[]).length > 0, 'the task to claim');

    const s = await open();
    const { page } = s;
    await signIn(page, officer);
    // Then the inbox opens on "Chờ nhận", where the task is, not on an empty "Của tôi"
    await page.waitForURL((u) => u.pathname === '/inbox' && u.searchParams.get('scope') === 'available');
    expect(await page.getByTestId('tab-available').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('count-mine').textContent()).toBe('0');
    await page.getByTestId('task-row').filter({ hasText: caseCode }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // When the officer picks "Của tôi" and later comes back through the navigation
    await page.getByTestId('tab-mine').click();
    await page.waitForURL((u) => u.searchParams.get('scope') === 'mine');
    await page.getByRole('link', { name: 'Quy trình', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/procedures');
    await page.locator('nav.main-nav a[href="/inbox"]').click();
    // Then their choice holds
    await page.waitForURL((u) => u.pathname === '/inbox' && u.searchParams.get('scope') === 'mine');
    expect(await page.getByTestId('tab-mine').getAttribute('aria-current')).toBe('page');
    expect(s.pageErrors).toEqual([]);
  });

  it("the citizen's lookup offers the evaluation until the dossier is rated, then says it was rated", async () => {
    const run = randomBytes(3).toString('hex').toUpperCase();
    const token = randomBytes(32).toString('base64url');
    const agency = await createUnit(p.db, { name: `Sở thử tra cứu ${run}` });
    await p.db('onestop_procedures').insert({
      code: `UXB${run}`,
      name: `Cấp phép tra cứu ${run}`,
      field: 'Xây dựng',
      agency_code: agency,
      agency_name: `Sở thử tra cứu ${run}`,
      desk_unit_code: agency,
      agency_eid: 'H00.98',
      time_limit_days: 10,
      result: 'Giấy phép',
      online_level: 'partial',
      bpmn_process_id: 'mc-test',
    });
    const code = `UX${run}-1`;
    const at = (s: string) => new Date(`${s}:00+07:00`);
    await p.db('dossiers').insert({
      code,
      procedure_code: `UXB${run}`,
      field: 'Xây dựng',
      agency_code: agency,
      desk_unit_code: agency,
      applicant: { name: 'Lê Thị Dân' },
      lookup_token: token,
      channel: 'online',
      status: 'RETURNED',
      submitted_at: at('2026-03-02T09:00'),
      received_at: at('2026-03-02T09:00'),
      appointment_at: at('2026-03-10T17:00'),
      resolved_at: at('2026-03-09T10:00'),
      returned_at: at('2026-03-09T15:00'),
      closed_at: at('2026-03-09T15:00'),
    });

    const s = await open();
    const { page } = s;
    // Given the citizen's lookup with the key of the slip's QR code
    await page.goto(`${p.url}/tra-cuu/${code}?t=${token}`);
    await page.getByTestId('lookup-result').waitFor();
    await page.getByRole('link', { name: 'Đánh giá mức độ hài lòng' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // the evaluation is offered
    await page.getByRole('link', { name: 'Đánh giá mức độ hài lòng' }).click();
    await page.waitForURL((u) => u.pathname === `/danh-gia/${code}`);
    await page.getByRole('button', { name: 'Gửi đánh giá' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    for (const legend of ['Đánh giá chung', 'Tiếp nhận hồ sơ', 'Giải quyết hồ sơ', 'Trả kết quả'])
      await page.getByRole('group', { name: legend, exact: true }).getByText('Hài lòng', { exact: true }).click();
    await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
    await page.getByText('Cảm ơn Ông/Bà đã đánh giá.').waitFor();

    // When the citizen looks the dossier up again
    await page.goto(`${p.url}/tra-cuu/${code}?t=${token}`);
    await page.getByTestId('lookup-result').waitFor();
    // Then it says it was rated and offers no second evaluation
    await page.getByTestId('evaluated').waitFor();
    expect(await page.getByTestId('evaluated').textContent()).toContain('Hồ sơ đã được đánh giá');
    expect(await page.getByRole('link', { name: 'Đánh giá mức độ hài lòng' }).count()).toBe(0);
    expect(s.pageErrors).toEqual([]);
  });

  it("dates are typed and shown as dd/mm/yyyy in Vietnamese, and in the browser's order in English", async () => {
    const officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Ngô Văn Ngày' });
    // An English (United States) browser: its own date fields would read mm/dd/yyyy whatever the page's language.
    const s = await open('en-US');
    const { page } = s;
    await signIn(page, officer);
    await page.goto(`${p.url}/inbox?scope=mine`);
    const from = page.getByLabel('Tạo từ ngày');
    await from.waitFor();
    // No field of the browser's own date kind is left on the page
    expect(await page.locator('input[type="date"]').count()).toBe(0);
    expect(await from.getAttribute('placeholder')).toBe('dd/mm/yyyy');
    expect(await axeViolations(page)).toEqual([]);

    // A day that does not exist is refused with a message saying how to write it
    await from.fill('31/02/2026');
    expect(await from.evaluate((el) => (el as HTMLInputElement).validationMessage)).toContain('dd/mm/yyyy');
    await page.getByRole('button', { name: 'Áp dụng' }).click();
    expect(new URL(page.url()).searchParams.get('from')).toBeNull();

    // A Vietnamese day is read day first and sent to the server as an ISO day
    await from.fill('17/2/2026');
    await page.getByRole('button', { name: 'Áp dụng' }).click();
    await page.waitForURL((u) => u.searchParams.get('from') === '2026-02-17');
    // and shown back as Vietnamese offices write it
    await waitFor(async () => (await page.getByLabel('Tạo từ ngày').inputValue()) === '17/02/2026', 'the day written back as 17/02/2026');

    // The done tab states its period with a Vietnamese date
    await page.goto(`${p.url}/inbox?state=done`);
    const period = await page.getByTestId('done-period').textContent();
    expect(period).toMatch(/\d{2}\/\d{2}\/\d{4}/);
    const [dd, mm, yyyy] = period!.match(/(\d{2})\/(\d{2})\/(\d{4})/)!.slice(1);
    const daysAgo = (Date.now() - Date.parse(`${yyyy}-${mm}-${dd}T00:00:00+07:00`)) / 86400_000;
    expect(daysAgo).toBeGreaterThan(29);
    expect(daysAgo).toBeLessThan(32);

    // In English, an en-US reader types and reads month first
    await page.getByRole('button', { name: 'EN' }).click();
    await page.goto(`${p.url}/inbox?scope=mine&from=2026-02-17`);
    const fromEn = page.getByLabel('Created from');
    await waitFor(async () => (await fromEn.inputValue()) === '02/17/2026', 'the day written month first');
    expect(await fromEn.getAttribute('placeholder')).toBe('mm/dd/yyyy');
    await fromEn.fill('03/05/2026');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL((u) => u.searchParams.get('from') === '2026-03-05');
    expect(s.pageErrors).toEqual([]);
  });
});
