import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { login, waitFor, type Client } from './helpers/fixtures.js';
import { demoAccounts } from './helpers/demo-users.js';
import { DEMO_USERS } from '../api/demo.js';
import { fillDemo, type DemoFillResult } from '../api/demo-fill.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { toLocalIso } from '../domain/deadlines/calendar/index.js';

/**
 * The demo's activity (npm start, api/demo-fill.ts) at a reduced size (35 dossiers: the first seven kinds of
 * each procedure) on the real broker and database: while it fills, a signed-in user sees a banner with the
 * progress, gone when it is done; every demo user then finds their pages filled, through the API they use
 * and in the browser; a second start on the same data folder adds nothing. One file, one fill: the demo is
 * made once per database. (SERIAL: it makes the fixed demo accounts, which other files must not see.)
 */
describe('demo activity (npm start)', () => {
  let p: TestPlatform;
  let dataDir: string;
  let passwords: Map<string, string>;
  let result: DemoFillResult;
  const clients = new Map<string, Client>();
  let browser: BrowserSession;
  const as = (u: string) => clients.get(u)!;
  const today = toLocalIso(new Date()).slice(0, 10);

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const accounts = await demoAccounts(p.db);
    dataDir = accounts.dataDir;
    passwords = accounts.passwords;
    for (const [n, u] of DEMO_USERS.entries()) {
      const user = { id: 0, username: u.username, password: accounts.passwords.get(u.username)!, unitCode: u.unitCode, roles: u.roles };
      clients.set(u.username, await login(p.app, user, { remoteAddress: `203.0.113.${n + 1}` }));
    }
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
  });
  afterAll(async () => {
    await browser?.close();
    // The open demo cases stop here (their rows stay); other files start their own.
    const keys = await p
      ?.db('dossiers')
      .whereRaw(`applicant->>'email' LIKE '%.demo.%@example.com'`)
      .whereNotNull('process_instance_key')
      .whereNull('closed_at')
      .pluck('process_instance_key');
    for (const k of keys ?? []) await p.zeebe.cancelProcessInstance(String(k)).catch(() => {});
    await p?.close();
  });

  const signIn = async (username: string) => {
    const { page } = browser;
    await page.evaluate(() => localStorage.clear()).catch(() => undefined);
    await page.goto(`${p.url}/login`);
    await page.getByLabel('Tên đăng nhập').fill(username);
    await page.getByLabel('Mật khẩu').fill(passwords.get(username)!);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL((u) => u.pathname !== '/login');
    await page.getByTestId('current-user').waitFor();
  };

  it('fills through the API while the status route reports progress and a banner shows it, then done', { timeout: 240_000 }, async () => {
    expect((await p.app.inject({ method: 'GET', url: '/api/demo/status' })).json()).toEqual({ running: false, done: false, total: 0, completed: 0, failed: 0 });
    const lines: string[] = [];
    const run = fillDemo({ app: p.app, db: p.db, dataDir, passwords, dossiers: 35, concurrency: 8, say: (m) => lines.push(m), stepTimeoutMs: 120_000 });
    const status = async () => (await p.app.inject({ method: 'GET', url: '/api/demo/status' })).json();
    expect((await status()).running).toBe(true);
    const during = await waitFor(async () => ((await status()).total > 0 ? status() : undefined), 'the planned work counted', 30_000);
    expect(during.running).toBe(true);
    expect(during.total).toBeGreaterThan(35);
    // A user signed in meanwhile sees the progress.
    await signIn('motcuaxa');
    const banner = browser.page.getByTestId('demo-banner');
    await banner.waitFor({ timeout: 30_000 });
    expect(await banner.textContent()).toMatch(/^Đang tạo dữ liệu demo: \d+\/\d+\./);
    result = await run;
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({ skipped: false, failed: 0 });
    expect(result.completed).toBe(result.total);
    const after = (await p.app.inject({ method: 'GET', url: '/api/demo/status' })).json();
    expect(after).toMatchObject({ running: false, done: true, total: result.total, completed: result.total, failed: 0 });
    expect(lines.at(-1)).toContain(`${result.total}/${result.total}`);
    expect(existsSync(path.join(dataDir, 'demo-fill.json'))).toBe(true);
    // The banner goes away; the desk's inbox (opened afresh: a bare /inbox picks its bucket once, from the counts) has its tasks.
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await browser.page.goto(`${p.url}/inbox`);
    await browser.page.getByTestId('task-row').first().waitFor({ timeout: 30_000 });
    expect(await browser.page.getByTestId('task-row').count()).toBeGreaterThan(0);
  });

  it('every officer and leader of the demo has tasks in the inbox', async () => {
    const workers = DEMO_USERS.filter((u) => u.roles.includes('officer') || u.roles.includes('leader'));
    for (const u of workers) {
      const r = await as(u.username).get('/api/tasks?scope=all&limit=200');
      expect(r.status, u.username).toBe(200);
      expect(r.body.items.length, `${u.username}'s inbox`).toBeGreaterThan(0);
    }
    // Open ones among them, for the officers of the procedures.
    for (const u of ['motcuaxa', 'kinhtexa', 'hotich', 'motcuatinh', 'tuphap', 'duocsi', 'motcua', 'chuyenvien']) {
      const r = await as(u).get('/api/tasks?scope=all&limit=200');
      expect(r.body.items.filter((t: any) => t.status === 'open').length, `${u}'s open tasks`).toBeGreaterThan(0);
    }
  });

  it("the agencies' leaders see the one-stop statistics, the desks their dossiers, the auditor the cases", async () => {
    for (const leader of ['chutichxa', 'giamdocstp', 'giamdocsyt']) {
      const r = await as(leader).get(`/api/onestop-stats/statistics?from=${today}&to=${today}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.totals.received.total, leader).toBeGreaterThan(0);
      expect(r.body.totals.resolved.total + r.body.totals.inProgress.total, leader).toBeGreaterThan(0);
    }
    for (const desk of ['motcuaxa', 'motcuatinh']) {
      const r = await as(desk).get('/api/onestop/dossiers');
      expect(r.status).toBe(200);
      expect(r.body.items.length, desk).toBeGreaterThan(0);
    }
    const cases = await as('kiemtra').get('/api/audit/cases?limit=50');
    expect(cases.status, JSON.stringify(cases.body)).toBe(200);
    expect(cases.body.total).toBeGreaterThan(0);
    const procedures = await as('thietke').get('/api/procedures');
    expect(procedures.status).toBe(200);
    expect(procedures.body.items.length).toBeGreaterThan(0);
  });

  it('the ISO secretary finds every register filled', async () => {
    for (const register of ['documents', 'nonconformities', 'audits', 'reviews', 'objectives', 'risks', 'complaints']) {
      const r = await as('thukyiso').get(`/api/iso/${register}${register === 'objectives' ? `?year=${new Date().getFullYear()}` : ''}`);
      expect(r.status, `${register}: ${JSON.stringify(r.body).slice(0, 200)}`).toBe(200);
      expect(r.body.items.length, register).toBeGreaterThan(0);
    }
  });

  it('each demo user finds their pages filled', { timeout: 120_000 }, async () => {
    const { page } = browser;
    // An officer of an agency: open tasks in the inbox.
    await signIn('kinhtexa');
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByTestId('task-row').count()).toBeGreaterThan(0);

    // The provincial desk: its dossiers.
    await signIn('motcuatinh');
    await page.goto(`${p.url}/mot-cua?tab=all`);
    await page.getByTestId('onestop-list').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('onestop-list').locator('tbody tr').count()).toBeGreaterThan(0);

    // The ISO secretary: the nonconformities and the documents.
    await signIn('thukyiso');
    await page.goto(`${p.url}/iso?tab=nc`);
    await page.getByTestId('iso-nc-table').locator('tbody tr').first().waitFor();
    await page.goto(`${p.url}/iso?tab=documents`);
    await page.getByTestId('iso-doc-table').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('iso-doc-table').locator('tbody tr').count()).toBeGreaterThan(0);

    // The auditor: the cases of the province.
    await signIn('kiemtra');
    await page.goto(`${p.url}/audit`);
    const total = page.getByTestId('audit-total');
    await total.waitFor();
    expect(await total.textContent()).toMatch(/^(Khoảng )?[1-9][\d.]* hồ sơ/);
  });

  it('a second start on the same data folder adds nothing', async () => {
    const count = async () => Number((await p.db('dossiers').count({ n: '*' }))[0].n);
    const before = await count();
    const again = await fillDemo({ app: p.app, db: p.db, dataDir, passwords, dossiers: 35 });
    expect(again).toMatchObject({ skipped: true, total: result.total, completed: result.completed });
    expect(await count()).toBe(before);
    expect((await p.app.inject({ method: 'GET', url: '/api/demo/status' })).json()).toMatchObject({ running: false, done: true });
  });
});
