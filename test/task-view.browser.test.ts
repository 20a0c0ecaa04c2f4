import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, type BrowserSession } from './helpers/browser-chromium.js';

const PROCESS_ID = 'xu-ly-van-ban-den';
const SCREENSHOTS = path.resolve('test-results');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const EXECUTABLE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00', 'latin1'), Buffer.alloc(100, 0)]);

describe('the task view in a real browser', () => {
  let p: TestPlatform;
  let specialistUser: TestUser;
  let leader: Client;
  let instanceKey: string;
  let taskId: string;
  let browser: BrowserSession;

  const nextTask = (who: Client, elementId: string, not?: string) =>
    waitFor(async () => {
      const r = await who.get('/api/tasks?limit=200');
      return (r.body.items as any[]).find((t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open' && t.id !== not);
    }, `${elementId} in the inbox of ${who.user.username}`);

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform();
    const clerk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Lê Thị Văn Thư' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT', fullName: 'Phạm Văn Lãnh Đạo' }));
    specialistUser = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD', fullName: 'Nguyễn Văn Chuyên' });
    // Given a document received by the clerk and assigned by the leader: the specialist's step is next.
    const started = await clerk.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `VBD-WEB-${Date.now()}` } });
    instanceKey = started.body.processInstanceKey;
    const t1 = await nextTask(clerk, 'VanThuTiepNhan');
    await clerk.post(`/api/tasks/${t1.id}/claim`);
    await clerk.post(`/api/tasks/${t1.id}/comments`, { body: 'Văn bản có 3 trang, đủ chữ ký và dấu.' });
    await clerk.post(`/api/tasks/${t1.id}/complete`, {
      variables: { soKyHieu: '45/STNMT', coQuanBanHanh: 'Sở Tài chính', trichYeu: 'Đề nghị phối hợp rà soát giá đất', doKhan: 'khan' },
    });
    const t2 = await nextTask(leader, 'LanhDaoPhanCong');
    await leader.post(`/api/tasks/${t2.id}/claim`);
    await leader.post(`/api/tasks/${t2.id}/complete`, { variables: { yKienPhanCong: 'Giao Phòng QLĐĐ chủ trì, trả lời trước thứ Sáu' } });
    const specialist = await login(p.app, specialistUser);
    taskId = (await nextTask(specialist, 'ChuyenVienXuLy')).id;
    // The history projector has recorded the path so far.
    await waitFor(async () => (await specialist.get(`/api/tasks/${taskId}/diagram`)).body.takenSequenceFlowIds?.includes('F5'), 'the path in history');
    browser = await launchChromium({ viewport: { width: 1360, height: 900 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('an officer opens the task, sees the highlighted diagram, uploads a PDF, comments and sends the case back with a reason', async () => {
    const { page } = browser;
    await page.goto(`${p.url}/inbox`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel('Tên đăng nhập').fill(specialistUser.username);
    await page.getByLabel('Mật khẩu').fill(specialistUser.password);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.waitForURL(/\/inbox/);

    // When the officer opens the task: the step's instructions and records, and the diagram.
    await page.goto(`${p.url}/tasks/${taskId}`);
    await page.getByRole('heading', { name: 'Chuyên viên xử lý' }).waitFor();
    const stepPanel = page.getByTestId('step-panel');
    await stepPanel.getByText('Nghiên cứu văn bản theo ý kiến phân công', { exact: false }).waitFor();
    expect(await stepPanel.textContent()).toContain('Dự thảo văn bản trả lời');
    expect(await stepPanel.textContent()).toContain('3 ngày làm việc');
    const diagram = page.getByTestId('task-diagram');
    await diagram.locator('.djs-element.eiso-current[data-element-id="ChuyenVienXuLy"]').waitFor();
    expect(await diagram.locator('.djs-element.eiso-done[data-element-id="LanhDaoPhanCong"]').count()).toBe(1);
    expect(await diagram.locator('.djs-element.eiso-done[data-element-id="VanThuTiepNhan"]').count()).toBe(1);
    expect(await diagram.locator('.djs-connection.eiso-taken[data-element-id="F4"]').count()).toBe(1);
    expect(await diagram.locator('.djs-element.eiso-done[data-element-id="LanhDaoDuyet"]').count()).toBe(0);
    // The clerk's comment from the first step is there; uploading and sending back need the task in hand.
    await page.getByTestId('comment').filter({ hasText: 'Văn bản có 3 trang' }).waitFor();
    expect(await page.getByTestId('attachment-input').count()).toBe(0);
    expect(await page.getByTestId('send-back').count()).toBe(0);
    await page.getByTestId('claim').click();
    await page.getByTestId('send-back').waitFor();

    // Upload: a wrong type is refused in the page, a disguised executable by the server, a PDF is attached.
    const input = page.getByTestId('attachment-input');
    await input.setInputFiles({ name: 'cai-dat.exe', mimeType: 'application/octet-stream', buffer: EXECUTABLE });
    await page.getByRole('alert').filter({ hasText: 'không thuộc loại được phép' }).waitFor();
    await input.setInputFiles({ name: 'hoa-don.pdf', mimeType: 'application/pdf', buffer: EXECUTABLE });
    await page.getByRole('alert').filter({ hasText: 'Nội dung tệp không đúng định dạng .pdf' }).waitFor();
    await input.setInputFiles({ name: 'Dự thảo công văn trả lời.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('status').filter({ hasText: 'Đã đính kèm “Dự thảo công văn trả lời.pdf”' }).waitFor();
    const row = page.getByTestId('attachment-row').filter({ hasText: 'Dự thảo công văn trả lời.pdf' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Chuyên viên xử lý');
    expect(await page.getByTestId('attachment-row').count()).toBe(1);
    // Download gives back the same file under its name.
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: /Tải về/ }).click()]);
    expect(download.suggestedFilename()).toBe('Dự thảo công văn trả lời.pdf');

    // Comment: markup is shown as text, never interpreted.
    const payload = '<b>Đã dự thảo</b> <img src=x onerror=alert(1)> xin ý kiến';
    await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
    await page.getByText('Nhập nội dung ý kiến.').waitFor();
    await page.getByLabel('Ý kiến của bạn').fill(payload);
    await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
    const mine = page.getByTestId('comment').filter({ hasText: 'Đã dự thảo' });
    await mine.waitFor();
    expect(await mine.locator('.tv-comment-body').textContent()).toBe(payload);
    expect(await page.locator('.tv-comment-body b, .tv-comment-body img').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'task-view.png'), fullPage: true });

    // Send back: the reason is required; then the case returns to the leader's step.
    await page.getByTestId('send-back').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Trả lại hồ sơ về bước “Lãnh đạo phân công xử lý”' }).waitFor();
    await dialog.getByTestId('send-back-confirm').click();
    await dialog.getByText('Vui lòng nêu lý do trả lại.').waitFor();
    expect((await p.db('inbox_tasks').where({ job_key: taskId }).first()).status).toBe('open');
    const reason = 'Văn bản thuộc thẩm quyền Phòng Kinh tế đất, đề nghị phân công lại';
    await dialog.getByLabel('Lý do trả lại (bắt buộc)').fill(reason);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'task-view-send-back.png') });
    await dialog.getByTestId('send-back-confirm').click();
    await page.waitForURL(/\/inbox/);
    await page.getByRole('status').filter({ hasText: 'Đã trả lại' }).waitFor();

    // Then the leader's step is open again with the reason, and the officer's task is done as sent back.
    const back = await nextTask(leader, 'LanhDaoPhanCong');
    expect(back.variables).toMatchObject({ sendBackReason: reason, sentBackFrom: 'ChuyenVienXuLy', sentBackBy: specialistUser.username });
    expect(await p.db('inbox_tasks').where({ job_key: taskId }).first()).toMatchObject({ status: 'completed', outcome: 'sent_back', send_back_reason: reason });
    expect(browser.pageErrors).toEqual([]);
  });
});
