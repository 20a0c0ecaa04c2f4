import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, ensureDemoUnits, login, waitFor, type Client } from './helpers/fixtures.js';
import { callChain } from './helpers/call-chain-bpmn.js';

/**
 * Issue 16, item 3: a case is its root process instance. A two-level call activity (root -> level 1
 * -> level 2) is one case wherever a user looks: the steps of the called processes carry the root
 * case (its code, procedure and key) in the inbox and on the task, the root case's timeline lists
 * them with who did them, the auditor's search finds the root case by the officer of a called step,
 * a leader whose unit only works a called step may examine the case, and cancelling the root case
 * cancels the called processes and takes their steps out of the inbox.
 */
describe('a call activity chain is one case', () => {
  let p: TestPlatform;
  const tag = Date.now().toString(36);
  let units: { root: string; level1: string; level2: string; other: string };
  let reception: Client;
  let appraiser: Client;
  let approver: Client;
  let leader2: Client; // leader of the unit that only works the level-2 step
  let otherLeader: Client;
  let auditor: Client;
  let admin: Client;
  let ids: { root: string; level1: string; level2: string };

  /** The open inbox task of an element (in any instance of the chain) as `who` sees it in the inbox list. */
  const inboxTask = (who: Client, elementId: string, rootKey: string) =>
    waitFor(async () => {
      const r = await who.get('/api/tasks?view=personal&limit=100');
      return (r.body?.items as any[] | undefined)?.find(
        (t) => t.elementId === elementId && (t.rootCase?.processInstanceKey ?? t.processInstanceKey) === rootKey,
      );
    }, `${elementId} of case ${rootKey} in ${who.user.username}'s inbox`);

  const work = async (who: Client, taskId: string) => {
    expect((await who.post(`/api/tasks/${taskId}/claim`)).status).toBe(200);
    const done = await who.post(`/api/tasks/${taskId}/complete`, { variables: {} });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
  };

  const start = async (code: string) => {
    const r = await reception.post('/api/process-instances', { bpmnProcessId: ids.root, variables: { maHoSo: code } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.processInstanceKey as string;
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    await ensureDemoUnits(p.db); // the province exists whichever file runs first
    const under = { parentCode: 'TINH' }; // the province: inside the auditor's scope
    units = {
      root: await createUnit(p.db, under),
      level1: await createUnit(p.db, under),
      level2: await createUnit(p.db, under),
      other: await createUnit(p.db, under),
    };
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: units.root, fullName: 'Lê Tiếp Nhận' }));
    appraiser = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: units.level1, fullName: 'Trần Thẩm Định' }));
    approver = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: units.level2, fullName: 'Phạm Phê Duyệt' }));
    leader2 = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: units.level2 }));
    otherLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: units.other }));
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const chain = callChain(tag, { root: `${units.root}/officer`, level1: `${units.level1}/officer`, level2: `${units.level2}/officer` });
    ids = chain.ids;
    for (const m of chain.models) {
      const dep = await designer.post('/api/process-definitions', m);
      expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    }
  });
  afterAll(async () => {
    await p?.close();
  });

  it('shows the root case on every step of the called processes, and the root case holds their steps, people and units', async () => {
    const code = `LT-${tag}-1`;
    const root = await start(code);

    // the root's own step: no root case of its own to show
    const reception1 = await inboxTask(reception, 'TiepNhan', root);
    expect(reception1.rootCase).toBeNull();
    await work(reception, reception1.id);

    // level 1: its own instance, the root case on the row and on the task page
    const appraisal = await inboxTask(appraiser, 'ThamDinh', root);
    expect(appraisal.processInstanceKey).not.toBe(root);
    expect(appraisal.bpmnProcessId).toBe(ids.level1);
    expect(appraisal.rootCase).toEqual({ processInstanceKey: root, caseCode: code, processName: 'Thủ tục liên thông hai cấp' });
    const level1Key = appraisal.processInstanceKey as string;
    // the root case is due 10 working days after its start: the 2-day step keeps its own due date, before it
    const rootAppointment = (await reception.get(`/api/cases/${root}`)).body.appointmentAt as string;
    expect(Date.parse(appraisal.dueDate)).toBeLessThan(Date.parse(rootAppointment));
    expect((await appraiser.get(`/api/tasks/${appraisal.id}`)).body.rootCase).toEqual(appraisal.rootCase);
    await work(appraiser, appraisal.id);

    // level 2, called by the called process: still the root case
    const approval = await inboxTask(approver, 'PheDuyet', root);
    expect(approval.bpmnProcessId).toBe(ids.level2);
    expect(approval.processInstanceKey).not.toBe(level1Key);
    expect(approval.rootCase).toEqual({ processInstanceKey: root, caseCode: code, processName: 'Thủ tục liên thông hai cấp' });
    const level2Key = approval.processInstanceKey as string;
    // the inbox's case filter finds the called steps by the root case's code and by the root's key
    for (const caseCode of [code, root]) {
      const found = await approver.get(`/api/tasks?view=personal&limit=100&caseCode=${encodeURIComponent(caseCode)}`);
      expect(found.status, JSON.stringify(found.body)).toBe(200);
      expect(found.body.items.map((t: { id: string }) => t.id)).toContain(approval.id);
    }

    // a leader whose unit only works the level-2 step may examine the case (and the called instance); another unit's leader may not
    // (the case index learns the level-2 unit once the history projector has recorded the called instance
    // under its root: a moment after the step reached the inbox)
    await waitFor(async () => (await leader2.get(`/api/cases/${root}/timeline`)).status === 200, "the level-2 unit's leader may examine the root case");
    expect((await leader2.get(`/api/cases/${level2Key}/timeline`)).status).toBe(200);
    const outside = await otherLeader.get(`/api/cases/${root}/timeline`);
    expect(outside.status).toBe(403);
    expect(outside.body.code).toBe('CASE_OUTSIDE_EXAMINED_UNITS');
    expect((await otherLeader.get(`/api/cases/${level2Key}/timeline`)).status).toBe(403);

    await work(approver, approval.id);
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: root, state: 'completed' }).first()) ?? false,
      'the root case completed in history',
    );

    // the root case's timeline: the called steps with who did them, in order, with their level
    const tl = (await auditor.get(`/api/cases/${root}/timeline`)).body;
    expect(tl.caseCode).toBe(code);
    expect(tl.rootCase).toBeNull();
    expect(tl.calledSteps.map((s: any) => [s.bpmnProcessId, s.processInstanceKey, s.depth, s.elementId, s.name, s.state, s.completedBy])).toEqual([
      [ids.level1, level1Key, 1, 'ThamDinh', 'Thẩm định hồ sơ liên thông', 'completed', appraiser.user.username],
      [ids.level2, level2Key, 2, 'PheDuyet', 'Phê duyệt kết quả liên thông', 'completed', approver.user.username],
    ]);
    expect(tl.units).toEqual([units.level1, units.level2, units.root].sort());
    expect(tl.audit.filter((a: any) => a.action === 'task.complete').map((a: any) => a.actor)).toEqual([
      reception.user.username,
      appraiser.user.username,
      approver.user.username,
    ]);

    // a called instance's timeline names the case it belongs to
    const inner = (await auditor.get(`/api/cases/${level2Key}/timeline`)).body;
    expect(inner.rootCase).toEqual({ processInstanceKey: root, caseCode: code, processName: 'Thủ tục liên thông hai cấp' });

    // the auditor's search finds the root case by the officer of the level-2 step, and by that step's unit
    const byOfficer = await waitFor(async () => {
      const r = await auditor.get(`/api/audit/cases?officer=${approver.user.username}`);
      return r.body.items?.length ? r.body : undefined;
    }, 'the root case found by the officer of a called step');
    expect(byOfficer.items.map((c: any) => [c.processInstanceKey, c.caseCode])).toEqual([[root, code]]);
    const byUnit = (await auditor.get(`/api/audit/cases?unit=${units.level2}`)).body;
    expect(byUnit.items.map((c: any) => c.processInstanceKey)).toEqual([root]);
  });

  it("counts the called processes' steps within the root case's appointment", async () => {
    // A dossier received earlier (reception gives the engine its receipt, eisoReceivedAt, as the one-stop
    // desk does): Monday 02/11/2026 08:00. The root procedure's limit is 10 working days, counted from
    // the first half-day that starts after the receipt: Monday afternoon, Tuesday 03/11 to Friday 06/11
    // (8), Monday 09/11 to Friday 13/11 (10), Monday 16/11 morning: the 20th half-day ends at 11:30.
    // Appointment: 16/11/2026 11:30 (+07:00) = 04:30 UTC.
    const code = `LT-${tag}-3`;
    const appointment = '2026-11-16T04:30:00.000Z';
    const { processInstanceKey } = await p.zeebe.createProcessInstance({
      bpmnProcessId: ids.root,
      variables: { maHoSo: code, eisoReceivedAt: '2026-11-02T08:00:00+07:00' },
    });
    const root = String(processInstanceKey);
    const kase = await waitFor(async () => {
      const r = await reception.get(`/api/cases/${root}`);
      return r.status === 200 ? r.body : undefined;
    }, 'the root case clock');
    expect(kase.appointmentAt).toBe('2026-11-16T11:30:00+07:00');

    // The root's own step counts on its own (2 working days from now, after the appointment).
    const reception3 = await inboxTask(reception, 'TiepNhan', root);
    expect(Date.parse(reception3.dueDate)).toBeGreaterThan(Date.parse(appointment));
    await work(reception, reception3.id);

    // The called steps would be due 2 working days after they start (December 2026): the case is due on
    // 16/11, so each is due then, at both levels of the chain.
    const appraisal = await inboxTask(appraiser, 'ThamDinh', root);
    expect(appraisal.rootCase.processInstanceKey).toBe(root);
    expect(appraisal.dueDate).toBe(appointment);
    await work(appraiser, appraisal.id);
    const approval = await inboxTask(approver, 'PheDuyet', root);
    expect(approval.dueDate).toBe(appointment);
    expect((await approver.get(`/api/tasks/${approval.id}`)).body.dueDate).toBe(appointment);
    await work(approver, approval.id);
  });

  it('cancelling the root case cancels the processes it called and takes their open steps out of the inbox', async () => {
    const root = await start(`LT-${tag}-2`);
    await work(reception, (await inboxTask(reception, 'TiepNhan', root)).id);
    const appraisal = await inboxTask(appraiser, 'ThamDinh', root);
    await work(appraiser, appraisal.id);
    const approval = await inboxTask(approver, 'PheDuyet', root);

    expect((await admin.del(`/api/process-instances/${root}`)).status).toBe(204);

    await waitFor(async () => (await approver.get(`/api/tasks/${approval.id}`)).body.status === 'cancelled', 'the level-2 step cancelled');
    const open = (await approver.get('/api/tasks?view=personal&limit=100')).body.items.filter((t: any) => t.id === approval.id);
    expect(open).toEqual([]);
    // the whole chain is terminated, as the auditor's timelines show it
    for (const key of [root, appraisal.processInstanceKey, approval.processInstanceKey]) {
      await waitFor(async () => (await auditor.get(`/api/cases/${key}/timeline`)).body.state === 'terminated', `instance ${key} terminated`);
    }
    const tl = (await auditor.get(`/api/cases/${root}/timeline`)).body;
    expect(tl.calledSteps.map((s: any) => [s.elementId, s.state, s.completedBy])).toEqual([
      ['ThamDinh', 'completed', appraiser.user.username],
      ['PheDuyet', 'terminated', null],
    ]);
  });

  it("the auditor's heat map offers the called processes and their steps, and a sample shows each case's called steps with who did them", async () => {
    // Runs last: the file's three cases (LT-1 finished on time, LT-3 finished past its appointment, LT-2 cancelled at level 2).
    const codes = [`LT-${tag}-1`, `LT-${tag}-2`, `LT-${tag}-3`];
    const roots = await waitFor(async () => {
      const r = await auditor.get(`/api/audit/cases?bpmnProcessId=${ids.root}&limit=10`);
      const items = (r.body.items ?? []) as any[];
      return items.length === 3 && items.every((c) => c.state !== 'active') ? items : undefined;
    }, 'the three root cases ended in the index');
    expect(roots.map((c) => c.caseCode).sort()).toEqual(codes);
    const keyOf = (code: string) => roots.find((c) => c.caseCode === code).processInstanceKey as string;

    // The root procedure's heat map: its own elements, and the processes its cases called, at both depths.
    const rootMap = await auditor.get(`/api/audit/heatmap?bpmnProcessId=${ids.root}`);
    expect(rootMap.status, JSON.stringify(rootMap.body)).toBe(200);
    expect(rootMap.body.cases).toBe(3);
    expect(rootMap.body.elements.find((e: any) => e.elementId === 'Goi').count).toBe(3);
    expect(rootMap.body.calledProcesses).toEqual(
      [
        { bpmnProcessId: ids.level1, processName: 'Thẩm định liên thông', cases: 3, runs: 3 },
        { bpmnProcessId: ids.level2, processName: 'Phê duyệt liên thông', cases: 3, runs: 3 },
      ].sort((a, b) => a.bpmnProcessId.localeCompare(b.bpmnProcessId)),
    );

    // Opened from there: the called process's steps inside this procedure's cases, the late one of LT-3 counted.
    const level1Map = (await auditor.get(`/api/audit/heatmap?bpmnProcessId=${ids.level1}&calledFrom=${ids.root}`)).body;
    expect(level1Map.cases).toBe(3);
    expect(level1Map.elements.filter((e: any) => e.elementId === 'ThamDinh').map((e: any) => [e.name, e.count, e.breaches])).toEqual([
      ['Thẩm định hồ sơ liên thông', 3, 1],
    ]);
    expect(level1Map.xml).toContain('ThamDinh');
    const level2Map = (await auditor.get(`/api/audit/heatmap?bpmnProcessId=${ids.level2}&calledFrom=${ids.root}`)).body;
    expect(level2Map.elements.filter((e: any) => e.elementId === 'PheDuyet').map((e: any) => [e.count, e.breaches])).toEqual([[3, 1]]);
    // ... and only inside that procedure's cases
    expect((await auditor.get(`/api/audit/heatmap?bpmnProcessId=${ids.level1}&calledFrom=${ids.level2}`)).body.cases).toBe(0);

    // A sample of the root procedure's cases: every case with the steps of the processes it called and who did them.
    const sample = await auditor.get(`/api/audit/cases/sample?bpmnProcessId=${ids.root}&size=10&seed=called`);
    expect(sample.status, JSON.stringify(sample.body)).toBe(200);
    const steps = (code: string) =>
      sample.body.items
        .find((c: any) => c.caseCode === code)
        .calledSteps.map((s: any) => [s.bpmnProcessId, s.elementId, s.name, s.state, s.completedBy, s.late]);
    expect(steps(codes[0])).toEqual([
      [ids.level1, 'ThamDinh', 'Thẩm định hồ sơ liên thông', 'completed', appraiser.user.username, false],
      [ids.level2, 'PheDuyet', 'Phê duyệt kết quả liên thông', 'completed', approver.user.username, false],
    ]);
    expect(steps(codes[2])).toEqual([
      [ids.level1, 'ThamDinh', 'Thẩm định hồ sơ liên thông', 'completed', appraiser.user.username, true],
      [ids.level2, 'PheDuyet', 'Phê duyệt kết quả liên thông', 'completed', approver.user.username, true],
    ]);
    expect(steps(codes[1])).toEqual([
      [ids.level1, 'ThamDinh', 'Thẩm định hồ sơ liên thông', 'completed', appraiser.user.username, false],
      [ids.level2, 'PheDuyet', 'Phê duyệt kết quả liên thông', 'terminated', null, false],
    ]);
    expect(sample.body.items.find((c: any) => c.caseCode === codes[1]).processInstanceKey).toBe(keyOf(codes[1]));
  });
});
