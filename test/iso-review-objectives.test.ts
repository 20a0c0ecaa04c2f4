import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';

/**
 * Quality objectives measured from real cases of a unit, and a management review
 * (processes/iso-xem-xet-lanh-dao.bpmn) whose clause 9.3.2 inputs come from that data.
 */
describe('ISO quality objectives and management review', () => {
  let p: TestPlatform;
  let unitCode: string; // a fresh reception unit: its cases are the only ones measured
  let reception: Client;
  let specialist: Client;
  let top: Client; // SNNMT leader
  let secretary: Client; // SNNMT-ISO officer
  let vpHead: Client; // SNNMT-VP leader
  let landHead: Client; // SNNMT-QLDD leader
  let processId: string;
  const year = new Date().getFullYear();
  const vnMonth = new Date(Date.now() + 7 * 3_600_000).getUTCMonth();
  const quarter = `Q${Math.floor(vnMonth / 3) + 1}`;

  beforeAll(async () => {
    p = await startTestPlatform();
    await ensureDemoUnits(p.db);
    unitCode = await createUnit(p.db, { parentCode: 'SNNMT', name: 'Bộ phận một cửa thử' });
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    top = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    secretary = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-ISO' }));
    vpHead = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-VP' }));
    landHead = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-QLDD' }));
    // The bundled land procedure, received by the fresh unit.
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    processId = `dat-dai-${unitCode.toLowerCase()}`;
    const xml = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8')
      .replaceAll('dang-ky-bien-dong-dat-dai', processId)
      .replaceAll('SNNMT-VP/officer', `${unitCode}/officer`);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${processId}.bpmn`, xml, forms: loadBundledForms() });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  });
  afterAll(async () => p?.close());

  const done: string[] = [];
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>, match: (t: any) => boolean = () => true) => {
    const t = await waitFor(
      async () => {
        const r = await who.get('/api/tasks?scope=all&limit=200');
        return (r.body.items as any[]).find(
          (x) => x.processInstanceKey === instanceKey && x.elementId === elementId && x.status === 'open' && !done.includes(x.id) && match(x),
        );
      },
      `${elementId} for ${who.user.username}`,
      30_000,
    );
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const r = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    done.push(t.id);
    return t;
  };
  /**
   * A case received now through the API, or, with a receipt date in the past (eisoReceivedAt is
   * platform-owned: POST /api/process-instances refuses it), started on the engine as the platform
   * does for a dossier received earlier.
   */
  const startCase = async (variables: Record<string, unknown>) => {
    if (!('eisoReceivedAt' in variables))
      return (await reception.post('/api/process-instances', { bpmnProcessId: processId, variables })).body.processInstanceKey as string;
    const r = await p.zeebe.createProcessInstance({
      bpmnProcessId: processId,
      variables: { ...variables, startedBy: reception.user.username, startedByUnit: unitCode },
    });
    return String(r.processInstanceKey);
  };
  const runCase = async (variables: Record<string, unknown>) => {
    const key = await startCase(variables);
    await work(reception, key, 'TiepNhan', { nguoiNop: 'Trần Văn B', soThua: '7/3', hoSoDayDu: true });
    await work(specialist, key, 'ThamDinh', { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' });
    await work(top, key, 'PheDuyet', { pheDuyet: 'dong-y' });
    await work(reception, key, 'TraKetQua', { hinhThucTra: 'truc-tiep', daTraKetQua: true });
    await waitFor(
      async () => (await p.db('case_deadlines').where({ process_instance_key: key }).whereNotNull('finished_at').first()) ?? false,
      'case finished',
    );
    return key;
  };

  it("measures objectives from the unit's cases, per quarter and for the year", async () => {
    // Bad input changes nothing.
    expect(
      (await top.post('/api/iso/objectives', { unitCode, year, title: 'Đúng hạn', metric: 'on_time_rate', target: 150, direction: 'at_least' })).status,
    ).toBe(400);
    expect(
      (await landHead.post('/api/iso/objectives', { unitCode, year, title: 'Đúng hạn', metric: 'on_time_rate', target: 95, direction: 'at_least' })).status,
    ).toBe(403);
    expect(
      (await reception.post('/api/iso/objectives', { unitCode, year, title: 'Đúng hạn', metric: 'on_time_rate', target: 95, direction: 'at_least' })).status,
    ).toBe(403);
    expect(await p.db('iso_objectives').where({ unit_code: unitCode })).toHaveLength(0);

    const onTime = await top.post('/api/iso/objectives', {
      unitCode,
      year,
      title: 'Tỷ lệ hồ sơ đúng hạn',
      metric: 'on_time_rate',
      target: 95,
      direction: 'at_least',
    });
    expect(onTime.status).toBe(201);
    const overdue = await top.post('/api/iso/objectives', {
      unitCode,
      year,
      title: 'Không có hồ sơ quá hạn tồn đọng',
      metric: 'overdue_open',
      target: 0,
      direction: 'at_most',
    });
    expect(overdue.status).toBe(201);
    const before = (await top.get(`/api/iso/objectives?year=${year}`)).body.items.find((o: any) => o.id === onTime.body.items[0].id);
    expect(before.periods.find((x: any) => x.label === quarter)).toEqual({ label: quarter, value: null, met: null });

    // One case on time, one received 40 days ago (late), one late and still open.
    await runCase({});
    await runCase({ eisoReceivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    const open = await startCase({ eisoReceivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString() });
    await waitFor(async () => p.db('case_deadlines').where({ process_instance_key: open }).first(), 'open case clock');

    const items = (await vpHead.get(`/api/iso/objectives?year=${year}`)).body.items;
    const rate = items.find((o: any) => o.id === onTime.body.items[0].id);
    expect(rate.periods.find((x: any) => x.label === quarter)).toEqual({ label: quarter, value: 50, met: false });
    expect(rate.periods.find((x: any) => x.label === String(year))).toEqual({ label: String(year), value: 50, met: false });
    const backlog = items.find((o: any) => o.id === overdue.body.items[0].id);
    expect(backlog.periods.find((x: any) => x.label === String(year))).toEqual({ label: String(year), value: 1, met: false });
  });

  it('runs a management review with a returned notice, a report per department and inputs from live data', async () => {
    // Satisfaction (c1) and risks (e) are the whole province's registers, which other test files write to
    // meanwhile: the review's figure must lie between the counts before it started and after it was read.
    const vnYear = (col: string) => p.db.raw(`extract(year FROM ${col} AT TIME ZONE 'Asia/Ho_Chi_Minh') = ?`, [year]);
    // The review reads its own agency's quality system (SNNMT, issue 17 item 5): the evaluations of dossiers of that agency's units.
    const ofSnnmt = (q: Knex.QueryBuilder) => q.whereRaw(`iso_agency_of(agency_code) = 'SNNMT'`);
    const evaluationsNow = async () =>
      (await p.db('dossier_evaluations').where(vnYear('submitted_at')).modify(ofSnnmt).select(p.db.raw('count(*)::int AS n')))[0].n as number;
    const risksNow = async () => Number((await p.db('iso_risks').where({ agency: 'SNNMT' }).count<{ n: string }[]>({ n: '*' }))[0].n);
    const before = { evaluations: await evaluationsNow(), risks: await risksNow() };
    expect((await secretary.post('/api/iso/reviews', { year, title: 'Xem xét', departments: ['KHONG-CO'] })).status).toBe(400);
    const started = await secretary.post('/api/iso/reviews', { year, title: `Xem xét của lãnh đạo năm ${year}`, departments: ['SNNMT-VP', 'SNNMT-QLDD'] });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey as string;

    const notice = await work(secretary, key, 'SoanThongBao', { thongBao: 'Họp ngày 15/12; các phòng báo cáo kết quả mục tiêu' });
    // The inputs reached the form, with the missing ones named.
    expect(notice.variables.dauVaoTomTat).toContain('c3) Kết quả thực hiện các quá trình');
    expect(notice.variables.dauVaoTomTat).toContain('chưa có dữ liệu');
    await work(top, key, 'DuyetThongBao', { pheDuyet: 'khong-dat', yKienPheDuyet: 'Thêm nội dung rủi ro' });
    await work(secretary, key, 'SoanThongBao', { thongBao: 'Họp ngày 15/12; báo cáo mục tiêu và rủi ro' });
    await work(top, key, 'DuyetThongBao', { pheDuyet: 'dat' });
    await work(vpHead, key, 'BaoCao', { baoCao: 'Văn phòng: đạt mục tiêu' }, (t) => t.variables.donVi === 'SNNMT-VP');
    await work(landHead, key, 'BaoCao', { baoCao: 'Phòng đất đai: 1 hồ sơ trễ' }, (t) => t.variables.donVi === 'SNNMT-QLDD');
    await work(secretary, key, 'TongHop', { tongHop: 'Tổng hợp 2 báo cáo' });
    await work(secretary, key, 'HopXemXet', { bienBan: 'Biên bản họp ngày 15/12' });
    await work(top, key, 'KetLuanXemXet', { ketLuanXemXet: 'Hệ thống phù hợp, có hiệu lực', hanhDongXemXet: 'Rút ngắn thời gian thẩm định' });

    const review = await waitFor(
      async () => {
        const r = (await top.get('/api/iso/reviews')).body.items.find((x: any) => x.id === started.body.id);
        return r?.status === 'closed' ? r : null;
      },
      'review closed',
      30_000,
    );
    expect(review).toMatchObject({
      notice: 'Họp ngày 15/12; báo cáo mục tiêu và rủi ro',
      conclusion: 'Hệ thống phù hợp, có hiệu lực',
      actions: 'Rút ngắn thời gian thẩm định',
      minutes: 'Biên bản họp ngày 15/12',
    });
    expect(review.reports.map((r: any) => [r.unitCode, r.submittedBy])).toEqual([
      ['SNNMT-QLDD', landHead.user.username],
      ['SNNMT-VP', vpHead.user.username],
    ]);
    const input = (k: string) => review.inputs.find((i: any) => i.key === k);
    expect(review.inputs.map((i: any) => i.key)).toEqual(['a', 'b', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'd', 'e', 'f']);
    expect(input('c3').value.byProcess.find((x: any) => x.bpmnProcessId === processId)).toEqual({
      bpmnProcessId: processId,
      name: 'Đăng ký biến động quyền sử dụng đất',
      finished: 2,
      onTime: 1,
    });
    expect(input('c2').value.find((o: any) => o.unit === unitCode && o.title === 'Tỷ lệ hồ sơ đúng hạn')).toMatchObject({ target: 95, year: 50, met: false });
    const after = { evaluations: await evaluationsNow(), risks: await risksNow() };
    // Satisfaction: the citizens' evaluations of the year; none: null with a note.
    const c1 = input('c1');
    if (c1.value.satisfaction === null) {
      expect(before.evaluations).toBe(0);
      expect(c1.note).toContain('Chưa có đánh giá hài lòng');
    } else {
      expect(c1.value.satisfaction.evaluations).toBeGreaterThanOrEqual(Math.max(1, before.evaluations));
      expect(c1.value.satisfaction.evaluations).toBeLessThanOrEqual(after.evaluations);
      // When nobody else evaluated meanwhile, the share is exactly the register's.
      const [ev] = await p
        .db('dossier_evaluations')
        .where(vnYear('submitted_at'))
        .modify(ofSnnmt)
        .select(p.db.raw('count(*)::int AS n'), p.db.raw('(count(*) FILTER (WHERE overall >= 4))::int AS ok'));
      if (before.evaluations === after.evaluations && ev.n === after.evaluations)
        expect(c1.value.satisfaction).toMatchObject({ evaluations: ev.n, satisfiedPct: Math.round((ev.ok / ev.n) * 1000) / 10 });
    }
    // Risks: the register as a whole; empty: null with a note.
    const e = input('e');
    if (e.value === null) {
      expect(before.risks).toBe(0);
      expect(e.note).toContain('rủi ro');
    } else {
      expect(e.value.total).toBeGreaterThanOrEqual(Math.max(1, before.risks));
      expect(e.value.total).toBeLessThanOrEqual(after.risks);
      expect(e.note).toBeNull();
    }

    const report = await top.get(`/api/iso/report?year=${year}`);
    expect(report.body.reviews.find((r: any) => r.code === review.code)).toMatchObject({ status: 'closed', recordLink: `/cases/${key}` });
    expect(report.body.objectives.find((o: any) => o.unitCode === unitCode && o.title === 'Tỷ lệ hồ sơ đúng hạn')).toMatchObject({ value: 50, met: false });
  });
});
