import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession, signInWithForm } from './helpers/browser-chromium.js';

/** Issue 18, item 3: "sign out everywhere" ends the account's sessions on every device, not only this browser. */
describe('sign out everywhere', () => {
  let p: TestPlatform;
  let office: BrowserSession;
  let home: BrowserSession;
  let officer: TestUser;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform({ runtime: false });
    officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Hai Máy Tính' });
    office = await launchChromium({ viewport: { width: 1280, height: 900 } });
    home = await launchChromium({ viewport: { width: 1280, height: 900 } });
  });
  afterAll(async () => {
    await office?.close();
    await home?.close();
    await p?.close();
  });

  const signIn = (page: Page) => signInWithForm(page, p.url, officer);

  it('signed in on two computers, the button on one ends the session on the other too', async () => {
    await signIn(office.page);
    await signIn(home.page);
    const homeToken = await home.page.evaluate(() => Object.values(localStorage).find((v) => v.split('.').length === 3) ?? '');

    await office.page.getByRole('link', { name: 'Đổi mật khẩu' }).click();
    await office.page.getByRole('heading', { name: 'Đăng xuất khỏi mọi thiết bị' }).waitFor();
    await office.page.getByRole('button', { name: 'Đăng xuất khỏi mọi thiết bị' }).click();
    await office.page.waitForURL((u) => u.pathname === '/login');

    // the other computer's token is refused by the API, and its next page sends it to the sign-in page
    expect(homeToken).toMatch(/^ey/);
    const res = await p.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${homeToken}` } });
    expect(res.statusCode).toBe(401);
    await home.page.reload();
    await home.page.waitForURL((u) => u.pathname === '/login');
    await home.page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    expect([...office.pageErrors, ...home.pageErrors]).toEqual([]);
  });
});
