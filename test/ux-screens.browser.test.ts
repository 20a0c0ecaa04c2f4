import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, waitFor, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

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

  const open = async () => {
    const s = await launchChromium({ viewport: { width: 1360, height: 900 } });
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

  const signInWithForm = async (page: Page, user: TestUser) => {
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(user.username);
    await page.getByLabel('Mật khẩu').fill(user.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByTestId('current-user').waitFor();
  };

  /** Visits the landing page, every link of the main navigation and the extra paths; returns the paths seen. */
  const visitAll = async (page: Page, track: ReturnType<typeof trackRequests>, extra: string[]) => {
    const seen: string[] = [new URL(page.url()).pathname];
    await page.locator('h1').first().waitFor();
    await track.settled();
    const links = await page.locator('nav.main-nav a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')!));
    for (const href of links) {
      await page.locator(`nav.main-nav a[href="${href}"]`).click();
      await page.waitForURL((u) => u.pathname === href);
      await page.locator('h1').first().waitFor();
      await track.settled();
      seen.push(href);
    }
    for (const path of extra) {
      await page.goto(`${p.url}${path}`);
      await page.locator('h1').first().waitFor();
      await track.settled();
      seen.push(path);
    }
    // The brand link leads home, which is a page of the role too.
    await page.locator('.brand-name').click();
    await page.locator('h1').first().waitFor();
    await track.settled();
    seen.push(new URL(page.url()).pathname);
    return seen;
  };

  it('a designer and an auditor visit all their pages without one forbidden request', async () => {
    const designer = await createUser(p.db, { roles: ['designer'], unitCode: 'SNNMT', fullName: 'Đỗ Văn Thiết' });
    const auditor = await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH', fullName: 'Vũ Thị Kiểm' });

    const d = await open();
    const dTrack = trackRequests(d.page);
    await signInWithForm(d.page, designer);
    // A designer lands on the procedures, not on an inbox they have no tasks in.
    await d.page.waitForURL((u) => u.pathname === '/procedures');
    const designerSeen = await visitAll(d.page, dTrack, []);
    expect(designerSeen).toContain('/procedures');
    expect(await d.page.locator('nav.main-nav a[href="/inbox"]').count()).toBe(0);

    const a = await open();
    const aTrack = trackRequests(a.page);
    await signInWithForm(a.page, auditor);
    await a.page.waitForURL((u) => u.pathname === '/audit');
    const auditorSeen = await visitAll(a.page, aTrack, ['/audit/verify', '/audit/heatmap']);
    expect(auditorSeen).toEqual(expect.arrayContaining(['/audit', '/audit/verify', '/audit/heatmap', '/iso']));

    expect({ designer: dTrack.forbidden, auditor: aTrack.forbidden }).toEqual({ designer: [], auditor: [] });
    expect(d.pageErrors).toEqual([]);
    expect(a.pageErrors).toEqual([]);
  });
});
