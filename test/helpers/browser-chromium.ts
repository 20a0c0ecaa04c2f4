import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (no downloaded browser builds). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIST = path.join(repoRoot, 'dist/web');

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors seen in the page (CSP violations show up here), HTTP error statuses aside. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * One headless Chromium per test process: vitest's integration workers run their files one after another in
 * the same process (`isolate: false`), and starting a browser costs about a second of CPU each time. Every
 * session gets a context of its own (its own cookies, storage and cache, like a fresh profile).
 */
let shared: Promise<Browser> | undefined;
async function sharedBrowser(): Promise<Browser> {
  if (shared) {
    const browser = await shared.catch(() => undefined);
    if (browser?.isConnected()) return browser;
  }
  // playwright's default launch timeout (30 s) is short for the first start of a cold Chromium on a slow, loaded CI
  // machine (two shards, their brokers and databases starting at the same moment)
  shared = chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 120_000 });
  return shared;
}

/** A headless Chromium session with a fresh context; fails with a clear message when Chromium is not installed. */
export async function launchChromium(opts: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  const browser = await sharedBrowser();
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    locale: opts.locale ?? 'vi-VN',
    timezoneId: 'Asia/Ho_Chi_Minh',
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // HTTP errors the app handles (a 401 on a wrong password, a 409) are logged by Chromium too; they are not faults.
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) pageErrors.push(`console: ${msg.text()}`);
  });
  return {
    context,
    page,
    pageErrors,
    async close() {
      await context.close().catch(() => undefined);
    },
  };
}

/** Builds the web app when dist/web is missing (`npm test` builds it first; a lone `vitest run` may not have). */
export async function ensureWebBuilt(): Promise<void> {
  if (existsSync(path.join(WEB_DIST, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(repoRoot, 'web/vite.config.ts'), logLevel: 'warn' });
}

/**
 * Signs in through the login form as a person would (Vietnamese labels) and waits until the signed-in shell
 * shows who is signed in, wherever the role lands (the inbox, the audit search, ...).
 */
export async function signInWithForm(page: Page, baseUrl: string, user: { username: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Tên đăng nhập').fill(user.username);
  await page.getByLabel('Mật khẩu').fill(user.password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByTestId('current-user').waitFor();
}
