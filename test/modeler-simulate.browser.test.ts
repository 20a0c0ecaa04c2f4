import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';
import { signInWithToken } from './helpers/modeler-page.js';
import { simulateXml } from './helpers/simulate-bpmn.js';

/**
 * The designer runs a draft before publishing: tokens through the diagram (a gateway and a called
 * process on the way), then the "what if" on the working calendar, received Thu 30/04/2026 10:00
 * (dates computed by hand in test/modeler-simulate.test.ts).
 */
describe('simulating a draft in the modeler', () => {
  let p: TestPlatform;
  let designer: Client;
  let browser: BrowserSession;
  const id = `chay-thu-web-${Date.now()}`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform({ runtime: false });
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'], fullName: 'Lê Thị Mô Phỏng' }));
    expect((await designer.post('/api/procedures', { bpmnProcessId: id, name: 'Cấp phép chạy thử', xml: simulateXml(id) })).status).toBe(201);
    browser = await launchChromium({ viewport: { width: 1500, height: 950 } });
    await signInWithToken(browser.page, p.url, designer.token);
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('runs a token through the gateway and the called process, then shows each step due and the flag on the calendar', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/procedures/${id}`);
    await page.locator('.djs-element[data-element-id="BatDau"]').waitFor();

    // Token simulation: switched on from the toolbar (Vietnamese label), the palette gives way to the simulation's controls.
    const toggle = page.getByTestId('token-simulation');
    expect(await toggle.textContent()).toBe('Mô phỏng luồng');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await toggle.textContent()).toBe('Tắt mô phỏng luồng');
    await page.locator('.simulation .bts-palette').waitFor();
    const status = page.getByTestId('token-simulation-status');
    expect(await status.textContent()).toContain('bấm nút ▶ trên sự kiện bắt đầu');

    // The start event's play button (its tooltip in Vietnamese) starts a token.
    const play = page.locator('.djs-overlays[data-container-id="BatDau"] .bts-context-pad');
    await play.waitFor();
    expect(await play.getAttribute('title')).toBe('Phát token tại đây');
    await play.click();
    // A token is drawn moving on the canvas…
    await page.locator('.bts-token').first().waitFor({ timeout: 10_000 });
    // …and goes through the gateway and the call activity to the end.
    await expect.poll(() => status.getAttribute('data-ended'), { timeout: 60_000, interval: 250 }).toBe('true');
    const entered = Number(await status.getAttribute('data-entered'));
    // start, Tiếp nhận, Thẩm định, gateway, Lấy ý kiến, Phê duyệt, Trả kết quả, end (and the flows between them)
    expect(entered).toBeGreaterThanOrEqual(8);
    expect(await status.textContent()).toContain('Token đã đến điểm kết thúc.');
    await toggle.click();
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    expect(await status.count()).toBe(0);

    // What if: received Thu 30/04/2026 10:00 (30/04 and 01/05 are holidays).
    await page.getByTestId('simulate-day').fill('30/04/2026');
    await page.getByTestId('simulate-time').fill('10:00');
    await page.getByTestId('simulate-run').click();
    await page.getByTestId('simulate-table').waitFor();
    const dues = await page.getByTestId('simulate-due').allTextContents();
    expect(dues).toEqual(['04/05/2026 11:30', '13/05/2026 11:30', '14/05/2026 11:30', '19/05/2026 11:30', '19/05/2026 17:00']);
    const first = page.locator('tr[data-step="TiepNhan"]');
    expect(await first.getAttribute('class')).toContain('crosses-holiday');
    expect(await first.textContent()).toContain('30/04/2026 Ngày Chiến thắng 30/4');
    expect(await first.textContent()).toContain('01/05/2026 Ngày Quốc tế Lao động 1/5');
    expect(await first.textContent()).toContain('02/05, 03/05 cuối tuần');
    expect(await page.locator('tr[data-step="XinYKien"]').textContent()).toContain('Quy trình được gọi “Lấy ý kiến”');
    expect(await page.getByTestId('simulate-appointment').textContent()).toContain('15/05/2026 17:00 (thời hạn luật định 15 ngày)');
    const flag = await page.getByTestId('simulate-flag').textContent();
    expect(flag).toContain('Vượt thời hạn luật định');
    expect(flag).toContain('12 ngày làm việc, xong lúc 19/05/2026 17:00 — 19 ngày kể từ ngày nhận — muộn hơn ngày hẹn trả 15/05/2026 17:00 (15 ngày)');

    // The same draft received Fri 21/08/2026 16:00, after the cut-off: counting starts on the make-up Saturday 22/08.
    await page.getByTestId('simulate-day').fill('21/08/2026');
    await page.getByTestId('simulate-time').fill('16:00');
    await page.getByTestId('simulate-run').click();
    await expect.poll(() => page.getByTestId('simulate-due').first().textContent()).toBe('22/08/2026 11:30');
    expect(await page.getByTestId('simulate-result').textContent()).toContain('Nhận sau giờ chốt 15:00: thời hạn được tính từ 22/08/2026 07:30.');
    // 15 calendar days from 22/08 end on Sun 06/09, a day off: the appointment moves to Mon 07/09; the steps end Thu 10/09.
    expect(await page.getByTestId('simulate-appointment').textContent()).toContain('07/09/2026 17:00');
    expect(await page.locator('tr[data-step="ThamDinh"]').textContent()).toContain('31/08/2026 Nghỉ hoán đổi (làm bù thứ Bảy 22/8)');
  });
});
