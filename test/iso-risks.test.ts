import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/** Risks and opportunities (processes/iso-xu-ly-rui-ro.bpmn): scoring, a treatment task with a deadline, periodic review. */
describe('ISO risks and opportunities', () => {
  let p: TestPlatform;
  let officer: Client; // SNNMT-QLDD officer
  let head: Client; // SNNMT-QLDD leader
  let secretary: Client; // SNNMT-ISO officer
  const done: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform();
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    head = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-QLDD' }));
    secretary = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-ISO' }));
  });
  afterAll(async () => p?.close());

  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>) => {
    const t = await waitFor(
      async () => {
        // narrowed to the case: other files offer tasks to the same units meanwhile
        const r = await who.get(`/api/tasks?scope=all&caseCode=${instanceKey}`);
        return (r.body.items as any[]).find(
          (x) => x.processInstanceKey === instanceKey && x.elementId === elementId && x.status === 'open' && !done.includes(x.id),
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
  const risk = (id: string, ok: (r: any) => boolean, what: string) =>
    waitFor(async () => ((await officer.get('/api/iso/risks')).body.items as any[]).find((r) => r.id === id && ok(r)), what, 30_000);

  it('scores a risk, gives its treatment a deadline, and keeps monitoring it or closes it after review', async () => {
    expect((await officer.post('/api/iso/risks', { unitCode: 'SNNMT-VP', kind: 'risk', title: 'Mất hồ sơ', description: 'Hồ sơ giấy thất lạc' })).status).toBe(
      403,
    );
    expect((await officer.post('/api/iso/risks', { unitCode: 'KHONG-CO', kind: 'risk', title: 'Mất hồ sơ', description: 'Hồ sơ giấy thất lạc' })).status).toBe(
      400,
    );
    expect((await officer.post('/api/iso/risks', { kind: 'nguy-co', title: 'Mất hồ sơ', description: 'Hồ sơ giấy thất lạc' })).status).toBe(400);

    const created = await officer.post('/api/iso/risks', {
      kind: 'risk',
      title: 'Hồ sơ đất đai trễ hạn do thiếu cán bộ thẩm định',
      description: 'Một cán bộ nghỉ dài ngày',
      reviewCycleDays: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ unitCode: 'SNNMT-QLDD', kind: 'risk', score: null, level: null });
    const id = created.body.id as string;
    const key = created.body.processInstanceKey as string;

    await work(head, key, 'DanhGiaRuiRo', { khaNang: 4, mucDo: 5, bienPhap: 'Phân công cán bộ dự phòng', hanXuLy: '2026-12-20' });
    const assessed = await risk(id, (r) => r.status === 'treating' && r.currentStep, 'risk assessed, treatment task open');
    expect(assessed).toMatchObject({
      likelihood: 4,
      severity: 5,
      score: 20,
      initialScore: 20,
      level: 'high',
      treatment: 'Phân công cán bộ dự phòng',
      treatmentDue: '2026-12-20',
      currentStep: 'Thực hiện biện pháp xử lý',
    });
    // The treatment is a task with a due date on the working-day calendar.
    const treatment = await work(officer, key, 'ThucHienBienPhap', { ketQuaXuLy: 'Đã phân công 2 cán bộ dự phòng' });
    expect(treatment.dueDate).toMatch(/^\d{4}-\d\d-\d\dT/);

    await work(secretary, key, 'XemXetDinhKy', { khaNang: 2, mucDo: 3, ketQuaXemXet: 'Đã giảm', tiepTucTheoDoi: 'tiep-tuc' });
    const monitored = await risk(id, (r) => r.status === 'monitoring', 'risk monitored');
    expect(monitored).toMatchObject({ score: 6, level: 'low', initialScore: 20, reviews: 1, treatmentResult: 'Đã phân công 2 cán bộ dự phòng' });
    const days = (new Date(monitored.nextReviewAt).getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
    // The instance now waits for the next review period at its timer.
    await waitFor(
      async () => (await p.db('hist_element_instances').where({ process_instance_key: key, element_id: 'ChoKyXemXet' }).first()) ?? false,
      'waiting at the review timer',
    );

    // An opportunity reviewed once and closed.
    const opp = await head.post('/api/iso/risks', {
      kind: 'opportunity',
      title: 'Tiếp nhận hồ sơ trực tuyến',
      description: 'Giảm thời gian đi lại của người dân',
    });
    expect(opp.status).toBe(201);
    const k2 = opp.body.processInstanceKey as string;
    await work(head, k2, 'DanhGiaRuiRo', { khaNang: 3, mucDo: 2, bienPhap: 'Mở dịch vụ công trực tuyến' });
    await work(officer, k2, 'ThucHienBienPhap', { ketQuaXuLy: 'Đã mở' });
    await work(secretary, k2, 'XemXetDinhKy', { khaNang: 3, mucDo: 2, tiepTucTheoDoi: 'dong' });
    const closed = await risk(opp.body.id, (r) => r.status === 'closed', 'opportunity closed');
    expect(closed.closedAt).toBeTruthy();

    // Every staff member of the agency may read its register; another agency (the commune) keeps its own
    // quality system and does not see this one (issue 17, item 5). The annual report counts them.
    const office = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    expect((await office.get('/api/iso/risks')).body.items.map((r: any) => r.id)).toEqual(expect.arrayContaining([id, opp.body.id]));
    const commune = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
    const communeSees = (await commune.get('/api/iso/risks')).body.items.map((r: any) => r.id);
    expect(communeSees).not.toContain(id);
    expect(communeSees).not.toContain(opp.body.id);
    const report = await head.get(`/api/iso/report?year=${new Date().getFullYear()}`);
    expect(report.body.risks.reduced).toBeGreaterThanOrEqual(1);
    expect(report.body.risks.total).toBeGreaterThanOrEqual(2);
  });
});
