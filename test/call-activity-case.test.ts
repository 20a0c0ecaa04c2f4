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
});
