import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

/**
 * The account in the browser: changing the password (Vietnamese errors of the policy, the other
 * browser's session ends by itself through its live stream) and signing out (the token is revoked on
 * the server, not only forgotten by the page).
 */
describe('account: password change and sign-out in a real browser', () => {
  let p: TestPlatform;
  let user: TestUser;
  let mine: BrowserSession;
  let other: BrowserSession;
  const NEW_PASSWORD = 'Cánh đồng lúa chín vàng';

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform({ runtime: false });
    user = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Phạm Thị Mai' });
    mine = await launchChromium();
    other = await launchChromium();
  });
  afterAll(async () => {
    await mine?.close();
    await other?.close();
    await p?.close();
  });

  const signIn = async (s: BrowserSession, password: string) => {
    await s.page.goto(`${p.url}/login`);
    await s.page.getByLabel('Tên đăng nhập').fill(user.username);
    await s.page.getByLabel('Mật khẩu').fill(password);
    await s.page.getByRole('button', { name: 'Đăng nhập' }).click();
    await s.page.waitForURL(/\/inbox/);
    await s.page.getByTestId('current-user').waitFor();
  };
  const tokenOf = (s: BrowserSession) => s.page.evaluate(() => localStorage.getItem('eiso.token'));
  const meWith = async (token: string | null) => (await fetch(`${p.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status;

  it('changes the password from the header; the policy speaks Vietnamese; the other browser is signed out by itself', async () => {
    await signIn(mine, user.password);
    await signIn(other, user.password);
    const otherToken = await tokenOf(other);
    const { page } = mine;
    await page.getByTestId('change-password-link').click();
    await page.waitForURL(/\/doi-mat-khau$/);
    await page.getByRole('heading', { name: 'Đổi mật khẩu' }).waitFor();

    await page.getByLabel('Mật khẩu hiện tại').fill(user.password);
    await page.getByLabel('Mật khẩu mới', { exact: true }).fill('matkhau123');
    await page.getByLabel('Nhập lại mật khẩu mới').fill('matkhau123');
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Mật khẩu quá phổ biến').waitFor();

    await page.getByLabel('Mật khẩu mới', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Nhập lại mật khẩu mới').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await page.getByText('Đã đổi mật khẩu').waitFor();
    // This page carries on with its new token; the other browser's token is dead and its page goes to the login.
    expect(await meWith(await tokenOf(mine))).toBe(200);
    expect(await meWith(otherToken)).toBe(401);
    await other.page.waitForURL(/\/login$/, { timeout: 15_000 });
    await page.goto(`${p.url}/inbox`);
    await page.getByTestId('current-user').waitFor();
  });

  it('signing out revokes the token on the server', async () => {
    const token = await tokenOf(mine);
    expect(await meWith(token)).toBe(200);
    await mine.page.getByTestId('logout').click();
    await mine.page.waitForURL(/\/login$/);
    expect(await tokenOf(mine)).toBeNull();
    expect(await meWith(token)).toBe(401);
    // And the new password signs in again.
    await signIn(mine, NEW_PASSWORD);
    expect(mine.pageErrors.filter((e) => !/401|Failed to load resource/.test(e))).toEqual([]);
  });
});
