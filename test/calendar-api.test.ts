import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, type Client } from './helpers/fixtures.js';
import { loadCalendar } from '../domain/deadlines/calendar-store.js';

/**
 * The calendar admin API against the real database. Each test works on units it creates (a province
 * and a commune under it), so the national calendar shared by the run is never changed.
 */
describe('calendar API', () => {
  let p: TestPlatform;
  let admin: Client;
  let officer: Client;
  let auditor: Client;
  let province: string;
  let commune: string;

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    province = await createUnit(p.db, { name: 'Tỉnh thử lịch' });
    commune = await createUnit(p.db, { name: 'Xã thử lịch', parentCode: province });
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: commune }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'] }));
  });
  afterAll(async () => p?.close());

  const put = async (who: Client, url: string, payload: object) => {
    const r = await p.app.inject({ method: 'PUT', url, headers: { authorization: `Bearer ${who.token}` }, payload });
    return { status: r.statusCode, body: r.json() };
  };
  const dueOf = async (who: Client, start: string, days: number, unit?: string) => {
    const r = await who.get(`/api/calendar/due?start=${encodeURIComponent(start)}&days=${days}${unit ? `&unit=${unit}` : ''}`);
    expect(r.status).toBe(200);
    return r.body;
  };
  const unitId = async (code: string) => (await p.db('org_units').where({ code }).first('id')).id as number;
  const snapshot = async () => ({
    days: await p.db('calendar_days').orderBy('id').select('*'),
    settings: await p.db('calendar_settings').orderBy('id').select('*'),
    changes: Number((await p.db('calendar_changes').count('* as n'))[0].n),
  });

  it('computes due dates from the seeded official schedule for any signed-in user', async () => {
    // Fri 13/2/2026 10:00 + 2.5 working days across the official Tết break (Sat 14/2 – Sun 22/2) → Tue 24/2 17:00.
    const why = await dueOf(officer, '2026-02-13T10:00:00+07:00', 2.5);
    expect(why.due).toBe('2026-02-24T17:00:00+07:00');
    expect(why.skipped).toHaveLength(9);
    expect(why.skipped.find((d: any) => d.date === '2026-02-17')).toMatchObject({
      kind: 'holiday',
      origin: 'national',
      occasion: 'lunar-new-year',
      source: 'CV 9859/VPCP-KGVX 13/10/2025',
    });
    // Same instant in UTC gives the same answer.
    expect((await dueOf(officer, '2026-02-13T03:00:00Z', 2.5)).due).toBe('2026-02-24T17:00:00+07:00');

    const year = await officer.get('/api/calendar/years/2026');
    expect(year.status).toBe(200);
    expect(year.body.days.map((d: any) => d.date)).toEqual(expect.arrayContaining(['2026-01-10', '2026-02-16', '2026-04-27', '2026-08-22', '2026-11-24']));
    expect(year.body.days.find((d: any) => d.date === '2026-11-24')).toMatchObject({ origin: 'law', occasion: 'culture-day' });
    // 2027 has no schedule: the lunar holidays are computed (mùng 1 Tết = Sat 6/2/2027, nghỉ bù Wed 10/2, Thu 11/2).
    const y2027 = await officer.get('/api/calendar/years/2027');
    expect(y2027.body.days.filter((d: any) => d.occasion === 'lunar-new-year').map((d: any) => d.date)).toEqual([
      '2027-02-05',
      '2027-02-06',
      '2027-02-07',
      '2027-02-08',
      '2027-02-09',
      '2027-02-10',
      '2027-02-11',
    ]);
  });

  it('an admin adds, changes and removes a province override; the commune inherits it; every change is audited', async () => {
    // Given: Fri 13/3/2026 14:00 + ½ day for the commune is Mon 16/3 11:30.
    const start = '2026-03-13T14:00:00+07:00';
    expect((await dueOf(officer, start, 0.5, commune)).due).toBe('2026-03-16T11:30:00+07:00');

    // When the admin closes the province on Mon 16/3
    const created = await admin.post('/api/calendar/days', {
      date: '2026-03-16',
      kind: 'day_off',
      name: 'Lễ hội tỉnh',
      unit: province,
      reason: 'QĐ 12/QĐ-UBND của tỉnh',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ date: '2026-03-16', kind: 'day_off', unitCode: province, occasion: null });

    // Then the commune's due date moves to Tue 17/3 11:30 and the explanation names the province's day off.
    const after = await dueOf(officer, start, 0.5, commune);
    expect(after.due).toBe('2026-03-17T11:30:00+07:00');
    expect(after.skipped.find((d: any) => d.date === '2026-03-16')).toMatchObject({ origin: 'unit', unitCode: province, name: 'Lễ hội tỉnh', kind: 'day_off' });
    // The national calendar is untouched.
    expect((await dueOf(officer, start, 0.5)).due).toBe('2026-03-16T11:30:00+07:00');
    const view = await officer.get(`/api/calendar/years/2026?unit=${commune}`);
    expect(view.body.days.find((d: any) => d.date === '2026-03-16')).toMatchObject({ origin: 'unit', unitCode: province, id: created.body.id });

    // And the change is in the audit trail with who, what and why.
    const rows = await p
      .db('calendar_changes')
      .where({ unit_id: await unitId(province) })
      .orderBy('id');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'create',
      entity: 'day',
      username: admin.user.username,
      user_id: admin.user.id,
      unit_code: province,
      before: null,
      reason: 'QĐ 12/QĐ-UBND của tỉnh',
    });
    expect(rows[0].after).toEqual({ date: '2026-03-16', kind: 'day_off', name: 'Lễ hội tỉnh', occasion: null, unitCode: province, source: null });

    // When the admin turns it into a working day, the before/after images record it.
    const changed = await put(admin, `/api/calendar/days/${created.body.id}`, {
      kind: 'working_day',
      name: 'Lễ hội tỉnh (vẫn làm việc)',
      reason: 'Hủy nghỉ theo QĐ 13',
    });
    expect(changed.status).toBe(200);
    expect((await dueOf(officer, start, 0.5, commune)).due).toBe('2026-03-16T11:30:00+07:00');
    const update = await p
      .db('calendar_changes')
      .where({ unit_id: await unitId(province), action: 'update' })
      .first();
    expect(update.before).toMatchObject({ kind: 'day_off', name: 'Lễ hội tỉnh' });
    expect(update.after).toMatchObject({ kind: 'working_day', name: 'Lễ hội tỉnh (vẫn làm việc)' });

    // When it is removed, the entry is gone and the deletion is audited with the row it removed.
    const removed = await admin.del(`/api/calendar/days/${created.body.id}?reason=${encodeURIComponent('Nhập nhầm')}`);
    expect(removed.status).toBe(200);
    expect(await p.db('calendar_days').where({ id: created.body.id }).first()).toBeUndefined();
    const del = await p
      .db('calendar_changes')
      .where({ unit_id: await unitId(province), action: 'delete' })
      .first();
    expect(del).toMatchObject({ after: null, reason: 'Nhập nhầm' });
    expect(del.before).toMatchObject({ date: '2026-03-16', kind: 'working_day' });

    // Auditors read the trail through the API, newest first; officers may not.
    const trail = await auditor.get(`/api/calendar/changes?unit=${province}`);
    expect(trail.status).toBe(200);
    expect(trail.body.total).toBe(3);
    expect(trail.body.items.map((c: any) => c.action)).toEqual(['delete', 'update', 'create']);
    expect(trail.body.items[2]).toMatchObject({ username: admin.user.username, unitCode: province, date: '2026-03-16', before: null });
    expect((await officer.get('/api/calendar/changes')).status).toBe(403);
  });

  it('refuses an officer every change with 403, and nothing changes', async () => {
    const own = await admin.post('/api/calendar/days', {
      date: '2026-06-15',
      kind: 'day_off',
      name: 'Nghỉ của xã',
      unit: commune,
      reason: 'Chuẩn bị cho phép thử',
    });
    expect(own.status).toBe(201);
    const before = await snapshot();

    const tries = [
      await officer.post('/api/calendar/days', { date: '2026-06-16', kind: 'day_off', name: 'Tự cho nghỉ', unit: commune, reason: 'Không được phép' }),
      await put(officer, `/api/calendar/days/${own.body.id}`, { kind: 'working_day', reason: 'Không được phép' }),
      await officer.del(`/api/calendar/days/${own.body.id}?reason=khong-duoc`),
      await put(officer, '/api/calendar/settings', {
        unit: commune,
        morningStart: '08:00',
        morningEnd: '11:00',
        afternoonStart: '13:00',
        afternoonEnd: '16:00',
        cutoff: null,
        reason: 'Không được phép',
      }),
      await officer.get('/api/calendar/settings'),
    ];
    for (const r of tries) {
      expect(r.status).toBe(403);
      expect(r.body.message).toMatch(/^Cần vai trò admin \/ Requires role admin/);
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses bad dates and duplicates with 400 and a Vietnamese-first message, and nothing changes', async () => {
    const before = await snapshot();
    const body = { kind: 'day_off', name: 'Thử', unit: commune, reason: 'Ngày sai' };
    const cases: [string, RegExp][] = [
      ['2026-02-30', /^Ngày không hợp lệ: 2026-02-30 \/ Invalid date: 2026-02-30$/],
      ['2026-13-01', /^Ngày không hợp lệ: 2026-13-01 \/ Invalid date/],
      ['1999-12-31', /^Ngày phải trong khoảng năm 2000–2100: 1999-12-31 \/ The date must be within 2000–2100/],
      ['2101-01-01', /^Ngày phải trong khoảng năm 2000–2100/],
      ['30/04/2026', /^Dữ liệu không hợp lệ: trường "date" (không đúng định dạng ngày|có ký tự hoặc dạng không được phép).* \/ Invalid input/],
    ];
    for (const [date, message] of cases) {
      const r = await admin.post('/api/calendar/days', { ...body, date });
      expect(r.status, date).toBe(400);
      expect(r.body.message).toMatch(message);
    }
    expect((await admin.post('/api/calendar/days', { date: '2026-07-01', kind: 'day_off', name: 'Thử', unit: 'KHONG-CO', reason: 'Đơn vị sai' })).status).toBe(
      400,
    );
    expect(
      (
        await admin.post('/api/calendar/days', {
          date: '2026-07-01',
          kind: 'day_off',
          name: 'Thử',
          unit: commune,
          occasion: 'new-year',
          reason: 'Dịp lễ cho đơn vị',
        })
      ).status,
    ).toBe(400);
    expect(await snapshot()).toEqual(before);

    // A duplicate of an existing entry of the same unit is refused; the first one stays as it was.
    const first = await admin.post('/api/calendar/days', { date: '2026-07-02', kind: 'day_off', name: 'Lần đầu', unit: commune, reason: 'Ngày thứ nhất' });
    expect(first.status).toBe(201);
    const afterFirst = await snapshot();
    const dup = await admin.post('/api/calendar/days', { date: '2026-07-02', kind: 'working_day', name: 'Lần hai', unit: commune, reason: 'Ngày trùng' });
    expect(dup.status).toBe(400);
    expect(dup.body).toMatchObject({ code: 'CALENDAR_DUPLICATE' });
    expect(dup.body.message).toMatch(/^Đã có một ngày 2026-07-02 trong lịch của đơn vị .+ \/ There is already an entry on 2026-07-02/);
    // Moving another entry onto that date is a duplicate too; an invalid date on update is refused.
    const other = await admin.post('/api/calendar/days', { date: '2026-07-03', kind: 'day_off', name: 'Khác', unit: commune, reason: 'Ngày khác' });
    const afterOther = await snapshot();
    expect((await put(admin, `/api/calendar/days/${other.body.id}`, { date: '2026-07-02', reason: 'Dời ngày' })).status).toBe(400);
    expect((await put(admin, `/api/calendar/days/${other.body.id}`, { date: '2026-02-29', reason: 'Dời ngày' })).status).toBe(400);
    expect(await snapshot()).toEqual(afterOther);
    expect(afterOther.changes).toBe(afterFirst.changes + 1);
    // The same date in the parent unit is not a duplicate (it is the province's own entry).
    expect(
      (await admin.post('/api/calendar/days', { date: '2026-07-02', kind: 'day_off', name: 'Của tỉnh', unit: province, reason: 'Ngày của tỉnh' })).status,
    ).toBe(201);

    // The due computation refuses bad input too.
    expect((await officer.get('/api/calendar/due?start=2026-03-09T10:00:00%2B07:00&days=0.3')).status).toBe(400);
    expect((await officer.get('/api/calendar/due?start=hom-nay-luc-10-gio&days=1')).body.message).toMatch(/^Thời điểm tiếp nhận không hợp lệ/);
    expect((await officer.get('/api/calendar/due?start=1999-03-09T10:00:00%2B07:00&days=1')).status).toBe(400);
  });

  it('lets an admin set working hours for a province, inherited by its commune, and audits it', async () => {
    const start = '2026-03-17T10:00:00+07:00'; // Tue: ½ day = the afternoon
    expect((await dueOf(officer, start, 0.5, commune)).due).toBe('2026-03-17T17:00:00+07:00');
    const settings = { morningStart: '07:30', morningEnd: '11:30', afternoonStart: '13:30', afternoonEnd: '16:30', cutoff: '15:00' };

    const bad = await put(admin, '/api/calendar/settings', { ...settings, afternoonStart: '11:00', unit: province, reason: 'Sai thứ tự' });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Giờ làm việc phải theo thứ tự/);

    const set = await put(admin, '/api/calendar/settings', { ...settings, unit: province, reason: 'Giờ làm việc mùa đông' });
    expect(set.status).toBe(200);
    expect(set.body.effective).toMatchObject({ afternoonEnd: '16:30', inheritedFrom: province });
    expect((await dueOf(officer, start, 0.5, commune)).due).toBe('2026-03-17T16:30:00+07:00');
    const got = await admin.get(`/api/calendar/settings?unit=${commune}`);
    expect(got.body).toMatchObject({ unit: commune, own: null, effective: { afternoonEnd: '16:30', inheritedFrom: province }, cultureDay: true });

    const audit = await p
      .db('calendar_changes')
      .where({ unit_id: await unitId(province), entity: 'settings' })
      .first();
    expect(audit).toMatchObject({ action: 'create', before: null, reason: 'Giờ làm việc mùa đông' });
    expect(audit.after).toMatchObject({ afternoonEnd: '16:30', cutoff: '15:00' });

    const removed = await admin.del(`/api/calendar/settings?unit=${province}&reason=${encodeURIComponent('Hết mùa đông')}`);
    expect(removed.status).toBe(200);
    expect(removed.body.effective).toMatchObject({ afternoonEnd: '17:00', inheritedFrom: null });
    expect((await dueOf(officer, start, 0.5, commune)).due).toBe('2026-03-17T17:00:00+07:00');
  });

  it('loadCalendar sees a change written by another process (the audit trail grew)', async () => {
    const cal = await loadCalendar(p.db, commune);
    expect(cal.isWorkingDay('2026-10-05')).toBe(true);
    // Another API process writes an entry and its audit row; this process's cache must not hide it.
    const [{ id }] = await p
      .db('calendar_days')
      .insert({ day: '2026-10-05', kind: 'day_off', name: 'Nghỉ do bão / Storm closure', unit_id: await unitId(province) })
      .returning('id');
    await p.db('calendar_changes').insert({
      username: 'khac',
      action: 'create',
      entity: 'day',
      unit_id: await unitId(province),
      unit_code: province,
      day: '2026-10-05',
      after: JSON.stringify({ id }),
      reason: 'Bão số 9',
    });
    expect((await loadCalendar(p.db, commune)).isWorkingDay('2026-10-05')).toBe(false);
    expect((await loadCalendar(p.db)).isWorkingDay('2026-10-05')).toBe(true);
    await expect(loadCalendar(p.db, 'KHONG-CO')).rejects.toThrow(/Unknown unit KHONG-CO/);
  });

  it('publishes its routes in the OpenAPI document', async () => {
    const doc = await p.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toEqual(
      expect.arrayContaining([
        '/api/calendar/due',
        '/api/calendar/days',
        '/api/calendar/days/{id}',
        '/api/calendar/years/{year}',
        '/api/calendar/settings',
        '/api/calendar/changes',
      ]),
    );
  });
});
