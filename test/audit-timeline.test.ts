import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { LAND_PROCESS, runLandCase, startLandCase, type LandActors } from './helpers/audit-flow.js';
import { timerMessageProcess } from './helpers/audit-bpmn.js';

/** Case timelines, search, samples and heat maps over cases of the bundled land procedure. */
describe('case timeline and search for auditors', () => {
  let p: TestPlatform;
  let actors: LandActors;
  let auditor: Client;
  const run = `R${Date.now().toString(36)}`;
  let looped: string; // sent back once by the leader
  let straight: string;
  let late: string; // one step completed after its due date
  let active: string;

  beforeAll(async () => {
    p = await startTestPlatform();
    actors = {
      reception: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' })),
      specialist: await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' })),
      leader: await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' })),
    };
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    looped = await runLandCase(p.db, actors, { maHoSo: `${run}-1`, sendBack: true });
    straight = await runLandCase(p.db, actors, { maHoSo: `${run}-2` });
    late = await runLandCase(p.db, actors, { maHoSo: `${run}-3` });
    // The appraisal of case 3 was due an hour before it was completed.
    await p
      .db('inbox_tasks')
      .where({ process_instance_key: late, element_id: 'ThamDinh' })
      .update({ due_date: p.db.raw(`completed_at - interval '1 hour'`) });
    active = await startLandCase(actors.reception, { maHoSo: `${run}-4` });
    await waitFor(async () => (await p.db('hist_variables').where({ scope_key: active, name: 'maHoSo' }).first()) ?? false, 'the active case in history');
  });
  afterAll(async () => {
    await actors?.leader.del(`/api/process-instances/${active}`);
    await p?.close();
  });

  it('shows every element of a finished case in order, with who completed each step and the variables it changed', async () => {
    const res = await auditor.get(`/api/cases/${looped}/timeline`);
    expect(res.status).toBe(200);
    const tl = res.body;
    expect(tl).toMatchObject({
      processInstanceKey: looped,
      bpmnProcessId: LAND_PROCESS,
      processName: 'Đăng ký biến động quyền sử dụng đất',
      state: 'completed',
      caseCode: `${run}-1`,
    });
    expect(tl.units).toEqual(expect.arrayContaining(['SNNMT', 'SNNMT-QLDD', 'SNNMT-VP']));

    // every element, in the order it ran, the loop included
    const { reception, specialist, leader } = actors;
    expect(tl.elements.map((e: any) => [e.elementId, e.type, e.state, e.name, e.completedBy])).toEqual([
      [LAND_PROCESS, 'PROCESS', 'completed', 'Đăng ký biến động quyền sử dụng đất', null],
      ['BatDau', 'START_EVENT', 'completed', 'Nhận hồ sơ', null],
      ['TiepNhan', 'USER_TASK', 'completed', 'Tiếp nhận và kiểm tra hồ sơ', reception.user.username],
      ['GopThamDinh', 'EXCLUSIVE_GATEWAY', 'completed', null, null],
      ['ThamDinh', 'USER_TASK', 'completed', 'Thẩm định hồ sơ', specialist.user.username],
      ['PheDuyet', 'USER_TASK', 'completed', 'Lãnh đạo phê duyệt', leader.user.username],
      ['KetQuaDuyet', 'EXCLUSIVE_GATEWAY', 'completed', 'Đồng ý?', null],
      ['GopThamDinh', 'EXCLUSIVE_GATEWAY', 'completed', null, null],
      ['ThamDinh', 'USER_TASK', 'completed', 'Thẩm định hồ sơ', specialist.user.username],
      ['PheDuyet', 'USER_TASK', 'completed', 'Lãnh đạo phê duyệt', leader.user.username],
      ['KetQuaDuyet', 'EXCLUSIVE_GATEWAY', 'completed', 'Đồng ý?', null],
      ['TraKetQua', 'USER_TASK', 'completed', 'Trả kết quả cho công dân', reception.user.username],
      ['KetThuc', 'END_EVENT', 'completed', 'Đã trả kết quả', null],
    ]);
    for (const e of tl.elements) {
      expect(e.end).not.toBeNull();
      expect(e.durationMs).toBe(new Date(e.end).getTime() - new Date(e.start).getTime());
      if (e.type === 'USER_TASK') expect(e.taskKey).toMatch(/^\d+$/);
    }
    const starts = tl.elements.slice(1).map((e: any) => new Date(e.start).getTime());
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);

    // the variables, as each step changed them, in log order
    const changes = tl.variables
      .filter((v: any) => ['maHoSo', 'nguoiNop', 'pheDuyet', 'yKienThamDinh', 'daTraKetQua'].includes(v.name))
      .map((v: any) => [v.name, v.intent, v.value]);
    expect(changes).toEqual([
      ['maHoSo', 'CREATED', `${run}-1`],
      ['nguoiNop', 'CREATED', 'Nguyễn Thị Hoa'],
      ['yKienThamDinh', 'CREATED', 'Đủ điều kiện'],
      ['pheDuyet', 'CREATED', 'tham-dinh-lai'],
      ['yKienThamDinh', 'UPDATED', 'Đã bổ sung'],
      ['pheDuyet', 'UPDATED', 'dong-y'],
      ['daTraKetQua', 'CREATED', true],
    ]);
    expect(tl.variables.find((v: any) => v.name === 'startedBy').value).toBe(reception.user.username);

    // the path on the diagram, the per-element durations, the human actions, no incident or timer
    expect(tl.flowsTaken).toEqual(expect.arrayContaining(['F1', 'F2', 'F2b', 'F3', 'F4', 'F5', 'F6', 'F7']));
    expect(tl.elementStats.find((s: any) => s.elementId === 'ThamDinh')).toMatchObject({ count: 2, late: 0, active: false });
    expect(tl.xml).toContain('<bpmn:userTask id="PheDuyet"');
    expect(tl.incidents).toEqual([]);
    expect(tl.events).toEqual([]);
    // the human actions: the start, then each step claimed and completed by the person the timeline names
    expect([tl.audit[0].action, tl.audit[0].actor]).toEqual(['case.start', reception.user.username]);
    const completers = tl.elements.filter((e: any) => e.type === 'USER_TASK').map((e: any) => e.completedBy);
    expect(tl.audit.filter((a: any) => a.action === 'task.complete').map((a: any) => a.actor)).toEqual(completers);
    expect(tl.audit.slice(1).every((a: any) => ['task.claim', 'task.complete'].includes(a.action))).toBe(true);

    // unknown case: 404; an officer may not read timelines
    expect((await auditor.get('/api/cases/999999999999/timeline')).status).toBe(404);
    expect((await reception.get(`/api/cases/${looped}/timeline`)).status).toBe(403);
  });

  it('marks a step completed after its due date as late in the timeline', async () => {
    const tl = (await auditor.get(`/api/cases/${late}/timeline`)).body;
    expect(tl.elements.filter((e: any) => e.late).map((e: any) => e.elementId)).toEqual(['ThamDinh']);
  });

  it('searches cases by procedure, status, on time or late, breached step, officer, variable and text, with paging', async () => {
    const keys = async (qs: string) => {
      const r = await auditor.get(`/api/audit/cases?bpmnProcessId=${LAND_PROCESS}&q=${run}&${qs}`);
      expect(r.status).toBe(200);
      return (r.body.items as any[]).map((c) => c.processInstanceKey).sort();
    };
    const sorted = (...k: string[]) => [...k].sort();
    expect(await keys('')).toEqual(sorted(looped, straight, late, active));
    expect(await keys('status=completed')).toEqual(sorted(looped, straight, late));
    expect(await keys('status=active')).toEqual([active]);
    expect(await keys('timing=late')).toEqual([late]);
    expect(await keys('timing=on_time&status=completed')).toEqual(sorted(looped, straight));
    expect(await keys('breachedStep=ThamDinh')).toEqual([late]);
    expect(await keys('breachedStep=PheDuyet')).toEqual([]);
    expect(await keys(`officer=${actors.leader.user.username}`)).toEqual(sorted(looped, straight, late));
    expect(await keys(`variable=${encodeURIComponent('pheDuyet=tham-dinh-lai')}`)).toEqual([]); // current value is dong-y
    expect(await keys(`variable=${encodeURIComponent(`maHoSo=${run}-2`)}`)).toEqual([straight]);
    expect(await keys('unit=SNNMT')).toEqual(sorted(looped, straight, late, active));
    expect(await keys('unit=XA-TANPHU')).toEqual([]);
    const from = new Date(Date.now() + 3600_000).toISOString();
    expect(await keys(`from=${encodeURIComponent(from)}`)).toEqual([]);

    const page = await auditor.get(`/api/audit/cases?q=${run}&limit=2&offset=0`);
    expect(page.body.total).toBe(4);
    expect(page.body.items).toHaveLength(2);
    const lateRow = (await auditor.get(`/api/audit/cases?q=${run}-3`)).body.items[0];
    expect(lateRow).toMatchObject({
      processInstanceKey: late,
      late: true,
      breachedSteps: ['ThamDinh'],
      caseCode: `${run}-3`,
      startedByUnit: 'SNNMT-VP',
      state: 'completed',
    });
    // the search is itself in the audit log, with its filters
    const logged = await p.db('audit_log').where({ actor: auditor.user.username, action: 'audit.search' }).orderBy('seq', 'desc').first();
    expect(logged.after.query).toMatchObject({ q: `${run}-3` });
    expect((await auditor.get('/api/audit/cases?variable=no-equals-sign')).status).toBe(400);
  });

  it('draws a reproducible random sample of N cases per procedure, within scope', async () => {
    const sample = (seed: string, size = 2) => auditor.get(`/api/audit/cases/sample?q=${run}&size=${size}&seed=${seed}`);
    const a = await sample('dot-1');
    expect(a.status).toBe(200);
    expect(a.body.items).toHaveLength(2);
    expect(new Set(a.body.items.map((c: any) => c.bpmnProcessId))).toEqual(new Set([LAND_PROCESS]));
    expect((await sample('dot-1')).body.items.map((c: any) => c.processInstanceKey)).toEqual(a.body.items.map((c: any) => c.processInstanceKey));
    expect((await sample('dot-1', 10)).body.items).toHaveLength(4);
    const seeds = await Promise.all(
      ['s1', 's2', 's3', 's4', 's5', 's6'].map(async (s) => (await sample(s)).body.items.map((c: any) => c.processInstanceKey).join()),
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
    const generated = await auditor.get(`/api/audit/cases/sample?q=${run}&size=1`);
    expect(generated.body.seed).toMatch(/^[0-9a-f]{12}$/);
    // an auditor of the commune draws from nothing
    const commune = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'XA-TANPHU' }));
    expect((await commune.get(`/api/audit/cases/sample?q=${run}&size=3&seed=dot-1`)).body.items).toEqual([]);
    const logged = await p.db('audit_log').where({ actor: auditor.user.username, action: 'audit.sample' }).orderBy('seq', 'desc').first();
    expect(logged.after.seed).toBe(generated.body.seed);
  });

  it('gives a heat map per element of the procedure: count, median and p90 duration, breaches', async () => {
    const res = await auditor.get(`/api/audit/heatmap?bpmnProcessId=${LAND_PROCESS}`);
    expect(res.status).toBe(200);
    expect(res.body.xml).toContain('TiepNhan');
    const byId = Object.fromEntries(res.body.elements.map((e: any) => [e.elementId, e]));
    expect(byId.ThamDinh.count).toBeGreaterThanOrEqual(4);
    expect(byId.ThamDinh.breaches).toBeGreaterThanOrEqual(1);
    expect(byId.ThamDinh.p90Ms).toBeGreaterThanOrEqual(byId.ThamDinh.medianMs);
    expect(byId.KetThuc.count).toBeGreaterThanOrEqual(3);
    expect(byId[LAND_PROCESS]).toBeUndefined();
    expect(res.body.cases).toBeGreaterThanOrEqual(4);
  });
  it('lists the timers fired and the messages received, with the elements that waited for them', async () => {
    // given a process that waits one second, then for a citizen's supplement (deployed straight to Zeebe)
    const processId = `audit_wait_${run}`;
    const messageName = `bo-sung-${run}`;
    await p.zeebe.deployResource({ name: `${processId}.bpmn`, process: Buffer.from(timerMessageProcess(processId, messageName)) });
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const { processInstanceKey } = await p.zeebe.createProcessInstance({
      bpmnProcessId: processId,
      variables: { caseCode: `${run}-W`, startedByUnit: 'SNNMT' },
    });
    const key = String(processInstanceKey);
    await waitFor(
      async () => (await p.db('hist_element_instances').where({ process_instance_key: key, element_id: 'supplement', state: 'active' }).first()) ?? false,
      'the timer to fire',
      20_000,
    );
    await p.zeebe.publishMessage({ name: messageName, correlationKey: `${run}-W`, variables: { giayToBoSung: 'Bản sao sổ đỏ' } });
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
      'the case to end',
    );

    // then the timeline has the timer and the message, in order, on their elements
    const tl = (await admin.get(`/api/cases/${key}/timeline`)).body;
    expect(tl.events.map((e: any) => [e.kind, e.elementId])).toEqual([
      ['timer', 'wait'],
      ['message', 'supplement'],
    ]);
    expect(tl.events[1].detail).toBe(messageName);
    expect(tl.variables.find((v: any) => v.name === 'giayToBoSung')).toMatchObject({ intent: 'CREATED', value: 'Bản sao sổ đỏ' });
    expect(tl.elements.map((e: any) => e.elementId)).toEqual([processId, 'start', 'wait', 'supplement', 'end']);
    expect(tl.elements.find((e: any) => e.elementId === 'wait').durationMs).toBeGreaterThanOrEqual(900);
    expect(tl.flowsTaken).toEqual(['f1', 'f2', 'f3']);
  });
});
