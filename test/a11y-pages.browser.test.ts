import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { vn, createUnit, createUser, login, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { axeViolations } from './helpers/axe.js';
import { LAND_PROCESS } from './helpers/audit-flow.js';

/**
 * Issue 18, item 4: axe-core finds no serious or critical violation on any page of the web app. The
 * routes are those of web/src/app.tsx: the citizen's pages without sign-in, then every signed-in page
 * (one user holding every role, so that each role's pages render with their controls), the ISO tabs,
 * and the pages of one record each (a task, a case, a procedure, a dossier, a complaint).
 */
describe('every page passes axe-core (no serious or critical violation)', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let phone: BrowserSession;
  let everyone: TestUser;
  const run = randomBytes(3).toString('hex').toUpperCase();
  const token = randomBytes(32).toString('base64url');
  let desk: string;
  let dossierId: string;
  let taskId: string;
  let caseKey: string;
  let procedureId: string;
  let complaint: { code: string; trackingToken: string };

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    desk = await createUnit(p.db, { name: `Bộ phận một cửa thử ${run}` });
    everyone = await createUser(p.db, { roles: ['officer', 'leader', 'designer', 'auditor', 'admin'], unitCode: 'SNNMT-VP', fullName: 'Người Đủ Quyền' });
    const deskOfficer = await createUser(p.db, { roles: ['officer', 'leader'], unitCode: desk, fullName: 'Cán Bộ Một Cửa' });
    await p.db('onestop_procedures').insert({
      code: `A${run}`,
      name: `Thủ tục thử truy cập ${run}`,
      field: 'Đất đai',
      agency_code: desk,
      agency_name: `Bộ phận một cửa thử ${run}`,
      desk_unit_code: desk,
      agency_eid: 'H00.97',
      time_limit_days: 10,
      result: 'Giấy chứng nhận',
      online_level: 'partial',
      bpmn_process_id: 'mc-test',
    });
    const [d] = await p
      .db('dossiers')
      .insert({
        code: `AX${run}-1`,
        procedure_code: `A${run}`,
        field: 'Đất đai',
        agency_code: desk,
        desk_unit_code: desk,
        applicant: { name: 'Trần Thị Dân' },
        lookup_token: token,
        received_by: deskOfficer.username,
        channel: 'online',
        status: 'RETURNED',
        submitted_at: vn('2026-03-02 09:00'),
        received_at: vn('2026-03-02 09:00'),
        appointment_at: vn('2026-03-10 17:00'),
        resolved_at: vn('2026-03-09 10:00'),
        returned_at: vn('2026-03-09 15:00'),
        closed_at: vn('2026-03-09 15:00'),
      })
      .returning('id');
    dossierId = String(d.id);
    // the everyone-user is a desk officer too: the dossier page is theirs to open
    await p.db('dossiers').where({ id: d.id }).update({ desk_unit_code: 'SNNMT-VP' });

    const api = await login(p.app, everyone);
    const started = await api.post('/api/process-instances', { bpmnProcessId: LAND_PROCESS, variables: { maHoSo: `AX-${run}` } });
    expect(started.status).toBe(201);
    caseKey = String(started.body.processInstanceKey);
    taskId = await waitFor(async () => {
      const items = (await api.get(`/api/tasks?scope=available&caseCode=AX-${run}`)).body.items as { id: string }[];
      return items[0]?.id;
    }, 'the first task in the inbox');
    const created = await api.post('/api/procedures', { bpmnProcessId: `a11y-${run.toLowerCase()}`, name: `Quy trình thử truy cập ${run}` });
    expect(created.status).toBe(201);
    procedureId = String(created.body.bpmnProcessId);
    const sent = await p.app.inject({
      method: 'POST',
      url: '/api/public/complaints',
      payload: { kind: 'gop-y', title: `Góp ý thử ${run}`, content: 'Nội dung góp ý thử nghiệm', name: 'Nguyễn Văn Góp' },
    });
    expect(sent.statusCode).toBe(201);
    complaint = sent.json();

    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
    phone = await launchChromium({ viewport: { width: 390, height: 844 } });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await phone?.close();
    await p?.close();
  });

  /** The API requests in flight per page (the live event stream aside), to wait until a page has what it asked for. */
  const inflight = new Map<Page, Set<unknown>>();
  const track = (page: Page) => {
    if (inflight.has(page)) return;
    const set = new Set<unknown>();
    inflight.set(page, set);
    const isApi = (url: string) => new URL(url).pathname.startsWith('/api/') && new URL(url).pathname !== '/api/events';
    page.on('request', (r) => isApi(r.url()) && set.add(r));
    page.on('requestfinished', (r) => set.delete(r));
    page.on('requestfailed', (r) => set.delete(r));
  };

  /** Opens a path, waits for its heading and for the requests to settle, returns axe's findings. */
  const check = async (page: Page, path: string) => {
    track(page);
    await page.goto(`${p.url}${path}`);
    await page
      .locator('h1, h2, [role="heading"], strong')
      .first()
      .waitFor()
      .catch(() => {
        throw new Error(`no heading on ${path}`);
      });
    await waitFor(async () => inflight.get(page)!.size === 0, `the requests of ${path}`);
    await page
      .locator('.muted', { hasText: /^(Đang tải…|Loading…)$/ })
      .first()
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    return axeViolations(page);
  };

  const publicPaths = () => [
    '/login',
    '/nop-ho-so',
    '/tra-cuu',
    `/tra-cuu/AX${run}-1?t=${token}`,
    `/bo-sung/AX${run}-1?t=${token}`,
    `/danh-gia/AX${run}-1?t=${token}`,
    '/ket-qua-danh-gia',
    '/gop-y',
    `/gop-y/${encodeURIComponent(complaint.code)}?t=${encodeURIComponent(complaint.trackingToken)}`,
  ];

  it('the public pages, on a desktop and on a 390 px phone without horizontal scrolling', { timeout: 180_000 }, async () => {
    const found: string[] = [];
    const wide: string[] = [];
    for (const path of publicPaths()) {
      found.push(...(await check(browser.page, path)));
      found.push(...(await check(phone.page, path)));
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 390) wide.push(`${path}: ${width} px`);
      // every control of the page fits the phone's width and can be reached
      const offscreen = await phone.page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea, button, a[href]')]
          .filter((e) => (e as HTMLElement).offsetParent !== null)
          .filter((e) => {
            const r = e.getBoundingClientRect();
            return r.right > 391 || r.left < -1 || r.width < 1;
          })
          .map((e) => e.outerHTML.slice(0, 80)),
      );
      if (offscreen.length) wide.push(`${path}: ${offscreen.join(' | ')}`);
    }
    expect(found).toEqual([]);
    expect(wide).toEqual([]);
    expect([...browser.pageErrors, ...phone.pageErrors]).toEqual([]);
  });

  it('every signed-in page of every role', { timeout: 300_000 }, async () => {
    const { page } = browser;
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(everyone.username);
    await page.getByLabel('Mật khẩu').fill(everyone.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('current-user').waitFor();
    const isoTabs = ['nc', 'documents', 'objectives', 'risks', 'audits', 'complaints', 'reviews', 'clauses', 'report'];
    const paths = [
      '/inbox',
      '/inbox?scope=available',
      '/inbox?state=done',
      `/tasks/${taskId}`,
      '/doi-mat-khau',
      '/procedures',
      `/procedures/${procedureId}`,
      `/procedures/${procedureId}/diff`,
      '/processes',
      '/audit',
      `/audit?q=AX-${run}`,
      '/audit/verify',
      `/audit/heatmap?bpmnProcessId=${LAND_PROCESS}`,
      `/cases/${caseKey}`,
      '/calendar',
      '/su-co',
      '/onestop/stats',
      '/onestop/overdue',
      '/mot-cua',
      '/mot-cua/danh-muc',
      `/mot-cua/ho-so/${dossierId}`,
      ...isoTabs.map((tab) => `/iso?tab=${tab}`),
      '/trang-khong-co',
    ];
    const found: string[] = [];
    for (const path of paths) found.push(...(await check(page, path)));
    expect(found).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
