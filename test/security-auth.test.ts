import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type TestUser } from './helpers/fixtures.js';

/**
 * Sign-in and session security: lockout after wrong passwords, tampered / foreign / expired tokens,
 * security headers on the API and the web app, oversized bodies, and the login rate limit.
 */
describe('authentication security', () => {
  let p: TestPlatform;
  const SECRET = randomBytes(32).toString('hex');
  const hs256 = (claims: object, secret = SECRET) => {
    const head = b64({ alg: 'HS256', typ: 'JWT' });
    const body = b64(claims);
    return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  };
  const loginAs = (username: string, password: string, ip = '10.0.0.1') =>
    p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip });
  const me = (token: string) => p.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false, config: { loginMaxFailures: 3, loginLockMinutes: 15, jwtSecret: SECRET } });
  });
  afterAll(async () => p?.close());

  it('locks an account after three wrong passwords in a row, refuses even the right one, and tells until when', async () => {
    const user = await createUser(p.db, { roles: ['officer'] });
    for (let i = 1; i <= 2; i++) {
      const res = await loginAs(user.username, 'sai-mat-khau');
      expect(res.statusCode).toBe(401);
    }
    const before = Date.now();
    const third = await loginAs(user.username, 'sai-mat-khau');
    expect(third.statusCode).toBe(423);
    expect(third.json().message).toMatch(/^Tài khoản tạm khóa đến \d{2}:\d{2},? \d{2}\/\d{2}\/\d{4} vì nhập sai mật khẩu 3 lần liên tiếp/);

    const row = await p.db('users').where({ username: user.username }).first();
    const lockMs = new Date(row.locked_until).getTime() - before;
    expect(lockMs).toBeGreaterThan(14 * 60_000);
    expect(lockMs).toBeLessThan(16 * 60_000);

    const right = await loginAs(user.username, user.password);
    expect(right.statusCode).toBe(423);
    expect(right.body).not.toContain('token');

    const actions = await p.db('audit_log').where({ target_id: user.username }).orderBy('seq').pluck('action');
    expect(actions).toEqual(['auth.login_failed', 'auth.login_failed', 'auth.login_failed', 'auth.account_locked', 'auth.login_locked']);

    // Fifteen minutes later (the lock's end moved into the past): the right password works and clears the count.
    await p.db('users').where({ username: user.username }).update({ locked_until: new Date(Date.now() - 1000) });
    expect((await loginAs(user.username, user.password)).statusCode).toBe(200);
    const after = await p.db('users').where({ username: user.username }).first();
    expect(after.failed_logins).toBe(0);
    expect(after.locked_until).toBeNull();
  });

  it('a successful sign-in resets the count, so failures must be consecutive to lock', async () => {
    const user = await createUser(p.db, { roles: ['officer'] });
    for (const password of ['x1', 'x2', user.password, 'x3', 'x4']) await loginAs(user.username, password);
    expect((await loginAs(user.username, user.password)).statusCode).toBe(200);
  });

  it('unknown usernames answer like wrong passwords and lock nothing', async () => {
    for (let i = 0; i < 4; i++) {
      const res = await loginAs('khong-ton-tai-abc', 'x');
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toBe('Sai tên đăng nhập hoặc mật khẩu / Wrong username or password');
    }
  });

  describe('tokens', () => {
    let user: TestUser;
    let token: string;
    beforeAll(async () => {
      user = await createUser(p.db, { roles: ['officer'] });
      token = (await login(p.app, user)).token;
    });

    it('accepts the genuine token', async () => {
      const res = await me(token);
      expect(res.statusCode).toBe(200);
      expect(res.json().username).toBe(user.username);
    });

    it('refuses a token whose payload was changed (another user id)', async () => {
      const [header, payload, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const forged = `${header}.${b64({ ...claims, sub: '1', username: 'quantri' })}.${sig}`;
      const res = await me(forged);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toContain('Phiên đăng nhập không hợp lệ');
    });

    it('refuses a token signed with another secret, and one with alg "none"', async () => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      expect((await me(hs256(claims))).statusCode).toBe(200); // the same claims, signed with the platform's secret: accepted
      expect((await me(hs256(claims, 'not-the-secret'))).statusCode).toBe(401);
      expect((await me(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).statusCode).toBe(401);
    });

    it('refuses an expired token', async () => {
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      const now = Math.floor(Date.now() / 1000);
      const res = await me(hs256({ sub: claims.sub, username: claims.username, iat: now - 7200, exp: now - 60 }));
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toContain('hết hạn');
    });

    it('refuses the token of a deactivated account at once', async () => {
      const other = await createUser(p.db, { roles: ['officer'] });
      const otherToken = (await login(p.app, other)).token;
      await p.db('users').where({ username: other.username }).update({ active: false });
      const res = await me(otherToken);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toContain('Tài khoản không còn hoạt động');
    });
  });

  it('sends security headers on API answers and on the web app', async () => {
    for (const url of ['/api/me', '/']) {
      const res = await fetch(`${p.url}${url}`);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('refuses an oversized JSON body with 413 and a clear message', async () => {
    const res = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: JSON.stringify({ username: 'a', password: 'x'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toMatch(/quá lớn/i);
  });

  it('rate-limits sign-in attempts per address with 429', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await loginAs('ai-do', 'x', '10.9.9.9')).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
    const res = await loginAs('ai-do', 'x', '10.9.9.9');
    expect(res.json().message).toMatch(/Quá nhiều yêu cầu|Too many/);
  });
});
