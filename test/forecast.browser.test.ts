import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, type TestUser } from './helpers/fixtures.js';
import { ensureWebBuilt, launchChromium, signInWithForm, type BrowserSession } from './helpers/browser-chromium.js';
import { loadCalendar } from '../domain/deadlines/calendar-store.js';
import { localDateOf } from '../domain/deadlines/calendar/index.js';

const SCREENSHOTS = path.resolve('test-results');

/**
 * The leader's "nguy cơ trễ hẹn" in a real browser. The rows are written as the engine's workers leave them
 * (test/forecast.test.ts runs the same through the engine): four finished dossiers of procedure S whose
 * appraisal took two weeks and whose result came three weeks after it began, an open dossier of S received
 * now with five working days to go (every recorded run took longer: 100 %), and an open dossier of procedure
 * N that has no history and whose step is due before its appointment (the drawn limits: 0 %).
 */
describe('lateness forecast in the leader inbox and on the overdue page', () => {
  let p: TestPlatform;
  let browser: BrowserSession;
  let leader: TestUser;
  let agency: string;
  const run = randomBytes(3).toString('hex').toUpperCase();
  let key = 9_300_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const risky = `${run}-RISKY`;
  const calm = `${run}-CALM`;

  beforeAll(async () => {
    await ensureWebBuilt();
    p = await startTestPlatform({ runtime: false });
    agency = await createUnit(p.db, { name: `Sở thử dự báo ${run}` });
    leader = await createUser(p.db, { roles: ['leader'], unitCode: agency, fullName: 'Lãnh Đạo Dự Báo' });
    for (const c of ['S', 'N'])
      await p.db('onestop_procedures').insert({
        code: `${c}${run}`,
        name: c === 'S' ? `Cấp phép chậm ${run}` : `Xác nhận nhanh ${run}`,
        field: 'Xây dựng',
        agency_code: agency,
        agency_name: `Sở thử dự báo ${run}`,
        desk_unit_code: agency,
        agency_eid: 'H00.98',
        time_limit_days: 5,
        result: 'Giấy phép',
        online_level: 'partial',
        bpmn_process_id: 'mc-test',
      });
    const cal = await loadCalendar(p.db);
    const now = new Date();
    const dossier = async (
      code: string,
      proc: string,
      d: { received: Date; appointment: Date; resolved?: Date; step: { started: Date; completed?: Date; due?: Date } },
    ) => {
      const instance = key++;
      await p.db('dossiers').insert({
        code,
        procedure_code: `${proc}${run}`,
        field: 'Xây dựng',
        agency_code: agency,
        desk_unit_code: agency,
        channel: 'in_person',
        status: d.resolved ? 'RETURNED' : 'IN_PROCESSING',
        applicant: { name: 'Lê Thị Dân' },
        lookup_token: randomBytes(32).toString('base64url'),
        submitted_at: d.received,
        received_at: d.received,
        appointment_at: d.appointment,
        resolved_at: d.resolved ?? null,
        closed_at: d.resolved ?? null,
        process_instance_key: instance,
      });
      const task = key++;
      await p.db('inbox_tasks').insert({
        job_key: task,
        process_instance_key: instance,
        element_instance_key: task,
        process_definition_key: 1,
        bpmn_process_id: 'mc-test',
        process_version: 1,
        element_id: 'ThamDinh',
        name: 'Thẩm định hồ sơ',
        candidate_groups: [`${agency}/officer`],
        status: d.step.completed ? 'completed' : 'open',
        created_at: d.step.started,
        completed_at: d.step.completed ?? null,
      });
      if (d.step.due)
        await p.db('step_deadlines').insert({
          element_instance_key: task,
          process_instance_key: instance,
          process_definition_key: 1,
          bpmn_process_id: 'mc-test',
          element_id: 'ThamDinh',
          unit_code: null,
          time_limit_days: 2,
          started_at: d.step.started,
          due_at: d.step.due,
          remind_at: d.step.due,
        });
    };
    const day = 86_400_000;
    for (let i = 0; i < 4; i++) {
      const start = new Date(now.getTime() - (70 - 7 * i) * day);
      await dossier(`${run}-H${i}`, 'S', {
        received: start,
        appointment: cal.addWorkingDays(start, 5),
        resolved: new Date(start.getTime() + 21 * day),
        step: { started: start, completed: new Date(start.getTime() + 14 * day) },
      });
    }
    const appointment = cal.addWorkingDays(now, 5);
    await dossier(risky, 'S', { received: now, appointment, step: { started: now } });
    await dossier(calm, 'N', { received: now, appointment, step: { started: now, due: cal.addWorkingDays(now, 2) } });
    browser = await launchChromium({ viewport: { width: 1400, height: 1000 } });
    mkdirSync(SCREENSHOTS, { recursive: true });
    expect(localDateOf(appointment) > localDateOf(now)).toBe(true);
  });
  afterAll(async () => {
    await browser?.close();
    await p?.close();
  });

  it('the leader sees "nguy cơ trễ hẹn" in the inbox, the risky dossier first with 100 %, the apology and reassignment offered; and on the overdue page', async () => {
    const { page } = browser;
    await signInWithForm(page, p.url, leader);
    const panel = page.getByTestId('forecast-panel');
    await panel.getByRole('heading', { name: 'Nguy cơ trễ hẹn' }).waitFor();
    const rows = panel.getByTestId('forecast-row');
    await rows.first().waitFor();
    // the inbox lists the dossiers at some risk (from 20 %) only: the calm one is on the overdue page
    expect(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-code')))).toEqual([risky]);
    const first = rows.first();
    expect(await first.getByTestId('forecast-probability').textContent()).toBe('100%');
    expect(await first.textContent()).toContain('4 hồ sơ cùng bước, cùng đơn vị');
    await first.getByTestId('forecast-apology').getByText('Lập phiếu xin lỗi (mẫu 04, hạn').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'forecast-inbox.png'), fullPage: true });

    // reassign: the unit view of the inbox on that dossier
    await first.getByTestId('forecast-reassign').click();
    await page.waitForURL((u) => u.pathname === '/inbox' && u.searchParams.get('view') === 'unit' && u.searchParams.get('case') === risky);

    await page.goto(`${p.url}/onestop/overdue`);
    const overdue = page.getByTestId('overdue-page');
    await overdue.getByTestId('forecast-panel').getByRole('heading', { name: 'Nguy cơ trễ hẹn' }).waitFor();
    const all = overdue.getByTestId('forecast-row');
    await all.first().waitFor();
    expect(await all.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-code')))).toEqual([risky, calm]);
    expect(await all.nth(1).getByTestId('forecast-probability').textContent()).toBe('0%');
    expect(await all.nth(1).textContent()).toContain('Chưa đủ lịch sử: theo thời hạn của bước');
    expect(await all.nth(1).getByTestId('forecast-apology').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'forecast-overdue.png'), fullPage: true });

    // the apology link opens the dossier, where the letter is drafted (form 04)
    await overdue.getByTestId('forecast-row').first().getByTestId('forecast-apology').click();
    await page.getByTestId('apology-panel').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
