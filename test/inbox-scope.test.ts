import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, type Client } from './helpers/fixtures.js';
import { upsertInboxTask } from '../domain/inbox/store.js';

/**
 * Who sees and may change which task: officers their units and roles, leaders their unit's subtree.
 * The tasks are written with the inbox worker's own upsert (exact groups, due dates and creation
 * times), so buckets, counts, filters and deadline states can be checked to the task.
 */
describe('inbox scope, buckets and leader actions', () => {
  let p: TestPlatform;
  // R (department) ─┬─ A ── A1
  //                 └─ B          O: another department
  const u = { R: '', A: '', A1: '', B: '', O: '' };
  let leaderR: Client, leaderA: Client, leaderO: Client;
  let officerA: Client, officerA2: Client, officerA1: Client, officerB: Client, officerO: Client, auditorA: Client;
  const proc = `scope-${randomBytes(3).toString('hex')}`;
  const procB = `${proc}-b`;
  const HOUR = 3600_000;
  const DAY = 24 * HOUR;
  let seq = 0;
  const keyBase = 8_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n;
  const t: Record<string, string> = {};

  async function makeTask(o: {
    groups: string[];
    name: string;
    assignee?: string;
    dueIn?: number;
    createdAgo?: number;
    completedBy?: string;
    completedAgo?: number;
    variables?: Record<string, unknown>;
    bpmnProcessId?: string;
  }): Promise<string> {
    const key = String(keyBase + BigInt(++seq));
    const now = Date.now();
    await upsertInboxTask(p.db, {
      jobKey: key,
      processInstanceKey: String(keyBase + 500n + BigInt(seq)),
      elementInstanceKey: key,
      processDefinitionKey: '1',
      bpmnProcessId: o.bpmnProcessId ?? proc,
      processVersion: 1,
      elementId: 'Step',
      name: o.name,
      assignee: o.assignee ?? null,
      candidateGroups: o.groups,
      candidateUsers: [],
      dueDate: o.dueIn === undefined ? null : new Date(now + o.dueIn),
      formKey: null,
      variables: o.variables ?? {},
    });
    await p
      .db('inbox_tasks')
      .where({ job_key: key })
      .update({
        created_at: new Date(now - (o.createdAgo ?? HOUR)),
        claimed_at: o.assignee ? new Date(now) : null,
        ...(o.completedBy ? { status: 'completed', completed_by: o.completedBy, completed_at: new Date(now - (o.completedAgo ?? 0)) } : {}),
      });
    return key;
  }

  const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id).sort();
  const sorted = (...keys: string[]) => [...keys].sort();
  const row = (key: string) => p.db('inbox_tasks').where({ job_key: key }).first();

  beforeAll(async () => {
    p = await startTestPlatform();
    u.R = await createUnit(p.db, { name: 'Sở thử' });
    u.A = await createUnit(p.db, { parentCode: u.R, name: 'Phòng A' });
    u.A1 = await createUnit(p.db, { parentCode: u.A, name: 'Tổ A1' });
    u.B = await createUnit(p.db, { parentCode: u.R, name: 'Phòng B' });
    u.O = await createUnit(p.db, { name: 'Sở khác' });
    const mk = async (roles: ('officer' | 'leader' | 'auditor')[], unitCode: string) => login(p.app, await createUser(p.db, { roles, unitCode }));
    [leaderR, leaderA, leaderO] = await Promise.all([mk(['leader'], u.R), mk(['leader'], u.A), mk(['leader'], u.O)]);
    [officerA, officerA2, officerA1, officerB, officerO, auditorA] = await Promise.all([
      mk(['officer'], u.A),
      mk(['officer'], u.A),
      mk(['officer'], u.A1),
      mk(['officer'], u.B),
      mk(['officer'], u.O),
      mk(['auditor'], u.A),
    ]);
    const A = `${u.A}/officer`;
    t.open = await makeTask({ groups: [A], name: 'Tiếp nhận hồ sơ', dueIn: 10 * DAY, createdAgo: 2 * DAY });
    t.late = await makeTask({ groups: [A], name: 'Thẩm định hồ sơ', assignee: officerA.user.username, dueIn: -2 * HOUR, createdAgo: 3 * DAY });
    t.nearB = await makeTask({ groups: [`${u.B}/officer`], name: 'Kiểm tra thực địa', dueIn: HOUR, createdAgo: 10 * DAY });
    t.a1 = await makeTask({ groups: [`${u.A1}/officer`], name: 'Đo đạc', assignee: officerA1.user.username, dueIn: 5 * DAY });
    t.other = await makeTask({ groups: [`${u.O}/officer`], name: 'Việc sở khác', dueIn: 5 * DAY });
    t.doneLate = await makeTask({
      groups: [A],
      name: 'Đã xong trễ',
      assignee: officerA.user.username,
      dueIn: -DAY,
      createdAgo: 5 * DAY,
      completedBy: officerA.user.username,
      completedAgo: 0,
    });
    t.doneOk = await makeTask({
      groups: [A],
      name: 'Đã xong đúng hạn',
      assignee: officerA.user.username,
      dueIn: DAY,
      createdAgo: 5 * DAY,
      completedBy: officerA.user.username,
      completedAgo: 2 * DAY,
    });
    t.caseB = await makeTask({
      groups: [A],
      name: 'Bước quy trình B',
      dueIn: 3 * DAY,
      variables: { maHoSo: `HS-${proc}` },
      bpmnProcessId: procB,
      createdAgo: 30 * DAY,
    });
  });
  afterAll(async () => p?.close());

  it('an officer sees the tasks of their own unit and role only', async () => {
    // Given tasks in A, B, A1 and another department; when officer A lists all open tasks
    const all = await officerA.get(`/api/tasks?scope=all&limit=200`);
    expect(all.status).toBe(200);
    const mine = all.body.items
      .filter((x: { id: string }) => Object.values(t).includes(x.id))
      .map((x: { id: string }) => x.id)
      .sort();
    // Then: A's open tasks, nothing of B, A1 or O
    expect(mine).toEqual(sorted(t.open, t.late, t.caseB));
    for (const key of [t.nearB, t.a1, t.other]) expect((await officerA.get(`/api/tasks/${key}`)).status).toBe(403);
    // The unit view is for leaders.
    expect((await officerA.get('/api/tasks?view=unit')).status).toBe(403);
    expect((await officerA.get('/api/tasks/counts?view=unit')).status).toBe(403);
    // The auditor of A is no officer: no inbox at all.
    expect((await auditorA.get('/api/tasks')).status).toBe(403);
  });

  it('a leader sees every task of their subtree, and nothing of another unit', async () => {
    const open = await leaderR.get(`/api/tasks?view=unit&limit=200&bpmnProcessId=${proc}`);
    expect(ids(open)).toEqual(sorted(t.open, t.late, t.nearB, t.a1));
    const finished = await leaderR.get(`/api/tasks?view=unit&bucket=finished&bpmnProcessId=${proc}`);
    expect(ids(finished)).toEqual(sorted(t.doneLate, t.doneOk));
    // A leader of A sees A and A1, not B.
    expect(ids(await leaderA.get(`/api/tasks?view=unit&limit=200&bpmnProcessId=${proc}`))).toEqual(sorted(t.open, t.late, t.a1));
    expect(ids(await leaderO.get(`/api/tasks?view=unit&limit=200&bpmnProcessId=${proc}`))).toEqual([t.other]);
    // One task: the subtree reads it, another department does not.
    expect((await leaderR.get(`/api/tasks/${t.a1}`)).status).toBe(200);
    expect((await leaderO.get(`/api/tasks/${t.a1}`)).status).toBe(403);
    // Leaders act through assignment, not by claiming tasks offered to officers.
    expect((await leaderR.post(`/api/tasks/${t.open}/claim`)).status).toBe(403);
  });

  it('counts every bucket with its on-time / overdue split and deadline states', async () => {
    const c = await officerA.get(`/api/tasks/counts?bpmnProcessId=${proc}`);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({
      not_started: { total: 1, onTime: 1, overdue: 0 },
      in_progress: { total: 1, onTime: 0, overdue: 1 },
      reminded: { total: 0, onTime: 0, overdue: 0 },
      finished: { total: 2, onTime: 1, overdue: 1 },
    });
    const lc = await leaderR.get(`/api/tasks/counts?view=unit&bpmnProcessId=${proc}`);
    expect(lc.body.not_started).toEqual({ total: 2, onTime: 2, overdue: 0 });
    expect(lc.body.in_progress).toEqual({ total: 2, onTime: 1, overdue: 1 });
    expect(lc.body.finished).toEqual({ total: 2, onTime: 1, overdue: 1 });

    // Lists agree with the counts, per timing.
    expect(ids(await officerA.get(`/api/tasks?bucket=in_progress&timing=overdue&bpmnProcessId=${proc}`))).toEqual([t.late]);
    expect(ids(await officerA.get(`/api/tasks?bucket=finished&timing=overdue&bpmnProcessId=${proc}`))).toEqual([t.doneLate]);
    expect(ids(await officerA.get(`/api/tasks?bucket=finished&timing=on_time&bpmnProcessId=${proc}`))).toEqual([t.doneOk]);

    // Deadline states colour the rows.
    const states = Object.fromEntries(
      (await leaderR.get(`/api/tasks?view=unit&limit=200&bpmnProcessId=${proc}`)).body.items.map((x: { id: string; deadlineState: string }) => [
        x.id,
        x.deadlineState,
      ]),
    );
    expect(states).toEqual({ [t.open]: 'on_time', [t.late]: 'overdue', [t.nearB]: 'near_due', [t.a1]: 'on_time' });
    const done = (await officerA.get(`/api/tasks?state=done&bpmnProcessId=${proc}`)).body.items;
    expect(Object.fromEntries(done.map((x: { id: string; deadlineState: string }) => [x.id, x.deadlineState]))).toEqual({
      [t.doneLate]: 'overdue',
      [t.doneOk]: 'on_time',
    });
  });

  it('filters by procedure, unit, period, case code and text; sorts and pages', async () => {
    const unitList = (q: string) => leaderR.get(`/api/tasks?view=unit&limit=200&${q}`);
    expect(ids(await unitList(`bpmnProcessId=${procB}`))).toEqual([t.caseB]);
    expect(ids(await unitList(`bpmnProcessId=${proc}&unit=${u.A1}`))).toEqual([t.a1]);
    expect(ids(await unitList(`bpmnProcessId=${proc}&unit=${u.A}`))).toEqual(sorted(t.open, t.late, t.a1));
    expect((await unitList('unit=KHONG-CO')).status).toBe(400);
    // Period: created between two instants (the A tasks of 2 and 3 days ago).
    const from = new Date(Date.now() - 3.5 * DAY).toISOString();
    const to = new Date(Date.now() - 1.5 * DAY).toISOString();
    expect(ids(await unitList(`bpmnProcessId=${proc}&createdFrom=${encodeURIComponent(from)}&createdTo=${encodeURIComponent(to)}`))).toEqual(
      sorted(t.open, t.late),
    );
    expect((await unitList('createdFrom=2026-02-30')).status).toBe(400);
    // Case code: the maHoSo variable or the process instance key.
    expect(ids(await unitList(`caseCode=HS-${proc}`))).toEqual([t.caseB]);
    const pik = (await row(t.nearB)).process_instance_key;
    expect(ids(await unitList(`caseCode=${pik}`))).toEqual([t.nearB]);
    // Free text over step and procedure names and the case code.
    expect(ids(await unitList(`q=${encodeURIComponent('thực địa')}&bpmnProcessId=${proc}`))).toEqual([t.nearB]);
    expect(ids(await unitList(`q=HS-${proc}`))).toEqual([t.caseB]);
    // ... and the procedure's name, from its deployed definition
    const defKey = String(keyBase + 900n);
    await p.db('process_definitions').insert({
      process_definition_key: defKey,
      bpmn_process_id: procB,
      name: `Thủ tục khai thác ${proc}`,
      version: 1,
      resource_name: `${procB}.bpmn`,
      deployment_key: defKey,
      xml: '<x/>',
      checksum: 'x',
    });
    await p.db('inbox_tasks').where({ job_key: t.caseB }).update({ process_definition_key: defKey });
    expect(ids(await unitList(`q=${encodeURIComponent(`khai thác ${proc}`)}`))).toEqual([t.caseB]);
    expect(ids(await unitList(`q=${encodeURIComponent('không có chữ này')}&bpmnProcessId=${proc}`))).toEqual([]);
    // The definition was only a name for this search: other files read the deployed models of the shared database
    await p.db('inbox_tasks').where({ job_key: t.caseB }).update({ process_definition_key: '1' });
    await p.db('process_definitions').where({ process_definition_key: defKey }).delete();
    // Sort by due date, earliest first (the overdue one leads); then paging.
    const byDue = await unitList(`bpmnProcessId=${proc}&sort=due&order=asc`);
    expect(byDue.body.items.map((x: { id: string }) => x.id)).toEqual([t.late, t.nearB, t.a1, t.open]);
    const byName = await unitList(`bpmnProcessId=${proc}&sort=name&order=asc`);
    expect(byName.body.items.map((x: { name: string }) => x.name)).toEqual(
      [...byName.body.items.map((x: { name: string }) => x.name)].sort((a, b) => a.localeCompare(b, 'vi')),
    );
    const page2 = await leaderR.get(`/api/tasks?view=unit&bpmnProcessId=${proc}&sort=due&order=asc&limit=2&offset=2`);
    expect(page2.body.total).toBe(4);
    expect(page2.body.items.map((x: { id: string }) => x.id)).toEqual([t.a1, t.open]);
  });

  it('a leader assigns inside the subtree only, to someone offered the step; refusals change nothing', async () => {
    const key = await makeTask({ groups: [`${u.A}/officer`], name: 'Giao việc', dueIn: 2 * DAY });
    const before = await row(key);
    // Outside the subtree, wrong role, wrong group, other leader, officer: refused.
    const refusals: [Client, string, number][] = [
      [leaderR, officerO.user.username, 403],
      [leaderR, auditorA.user.username, 400],
      [leaderR, officerB.user.username, 400],
      [leaderR, 'khong-ton-tai', 400],
      [leaderO, officerA.user.username, 403],
      [officerA2, officerA.user.username, 403],
    ];
    for (const [who, assignee, status] of refusals) {
      const r = await who.post(`/api/tasks/${key}/assign`, { assignee });
      expect([assignee, r.status]).toEqual([assignee, status]);
      expect(r.body.message).toBeTruthy();
    }
    // A leader of A cannot touch B's task either.
    expect((await leaderA.post(`/api/tasks/${t.nearB}/assign`, { assignee: officerB.user.username })).status).toBe(403);
    expect(await row(key)).toEqual(before);
    expect(await p.db('notifications').where({ recipient: officerA.user.username, task_key: key }).first()).toBeUndefined();

    // When the leader of R assigns it to officer A
    const ok = await leaderR.post(`/api/tasks/${key}/assign`, { assignee: officerA.user.username });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      id: key,
      assignee: officerA.user.username,
      assigneeName: `Người thử ${officerA.user.username}`,
      assignedBy: leaderR.user.username,
      assignedByName: `Người thử ${leaderR.user.username}`,
    });
    // Then it is in officer A's in-progress bucket and their bell.
    expect(ids(await officerA.get(`/api/tasks?bucket=in_progress&limit=200`))).toContain(key);
    const bell = await officerA.get('/api/notifications');
    expect(bell.body.unread).toBeGreaterThanOrEqual(1);
    expect(bell.body.items[0]).toMatchObject({ kind: 'task_assigned', taskId: key, readAt: null });
    // A closed task cannot be reassigned.
    expect((await leaderR.post(`/api/tasks/${t.doneOk}/assign`, { assignee: officerA.user.username })).status).toBe(409);
  });

  it('bulk reassignment is all or nothing, each task checked', async () => {
    const k1 = await makeTask({ groups: [`${u.A}/officer`], name: 'Hàng loạt 1', assignee: officerA.user.username, dueIn: DAY });
    const k2 = await makeTask({ groups: [`${u.A}/officer`], name: 'Hàng loạt 2', dueIn: DAY });
    const kB = await makeTask({ groups: [`${u.B}/officer`], name: 'Hàng loạt B', dueIn: DAY });
    const snapshot = async () => Promise.all([k1, k2, kB].map((k) => row(k)));
    const before = await snapshot();
    // One task not offered to the new holder, one unknown, one outside the leader's unit: nothing moves.
    expect((await leaderR.post('/api/tasks/reassign', { taskIds: [k1, k2, kB], assignee: officerA2.user.username })).status).toBe(400);
    expect((await leaderR.post('/api/tasks/reassign', { taskIds: [k1, '8999999999999999999'], assignee: officerA2.user.username })).status).toBe(404);
    expect((await leaderA.post('/api/tasks/reassign', { taskIds: [k1, kB], assignee: officerA2.user.username })).status).toBe(403);
    expect((await officerA.post('/api/tasks/reassign', { taskIds: [k1, k2], assignee: officerA2.user.username })).status).toBe(403);
    expect((await leaderR.post('/api/tasks/reassign', { taskIds: [], assignee: officerA2.user.username })).status).toBe(400);
    expect(await snapshot()).toEqual(before);

    const ok = await leaderR.post('/api/tasks/reassign', { taskIds: [k1, k2], assignee: officerA2.user.username });
    expect(ok.status).toBe(200);
    expect(ok.body.items.map((x: { id: string; assignee: string }) => [x.id, x.assignee])).toEqual([
      [k1, officerA2.user.username],
      [k2, officerA2.user.username],
    ]);
    expect(ids(await officerA.get('/api/tasks?bucket=in_progress&limit=200'))).not.toContain(k1);
    expect(ids(await officerA2.get('/api/tasks?bucket=in_progress&limit=200'))).toEqual(expect.arrayContaining([k1, k2]));
    const bell = await officerA2.get('/api/notifications?unreadOnly=true');
    expect(bell.body.items[0]).toMatchObject({ kind: 'task_assigned', subject: expect.stringContaining('2') });
  });

  it('a leader urges the holder: the task lands in their "reminded" bucket and bell', async () => {
    const key = await makeTask({ groups: [`${u.A}/officer`], name: 'Đôn đốc', assignee: officerA.user.username, dueIn: 2 * HOUR, createdAgo: DAY });
    const free = await makeTask({ groups: [`${u.A}/officer`], name: 'Chưa ai nhận', dueIn: DAY });
    // Refused: another department's leader, an officer, nobody holds it, empty message.
    expect((await leaderO.post(`/api/tasks/${key}/urge`, { message: 'Nhanh lên' })).status).toBe(403);
    expect((await officerA2.post(`/api/tasks/${key}/urge`, { message: 'Nhanh lên' })).status).toBe(403);
    expect((await leaderR.post(`/api/tasks/${free}/urge`, { message: 'Nhanh lên' })).status).toBe(409);
    expect((await leaderR.post(`/api/tasks/${key}/urge`, { message: '' })).status).toBe(400);
    expect(await p.db('task_urges').whereIn('job_key', [key, free])).toEqual([]);

    const r = await leaderR.post(`/api/tasks/${key}/urge`, { message: 'Đề nghị hoàn thành trong sáng nay' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      reminded: true,
      deadlineState: 'near_due',
      lastUrge: {
        by: leaderR.user.username,
        byName: `Người thử ${leaderR.user.username}`,
        to: officerA.user.username,
        message: 'Đề nghị hoàn thành trong sáng nay',
      },
    });
    expect(await p.db('task_urges').where({ job_key: key }).select('by_user', 'to_user', 'message')).toEqual([
      { by_user: leaderR.user.username, to_user: officerA.user.username, message: 'Đề nghị hoàn thành trong sáng nay' },
    ]);
    const reminded = await officerA.get('/api/tasks?bucket=reminded&limit=200');
    expect(ids(reminded)).toContain(key);
    expect(reminded.body.items.find((x: { id: string }) => x.id === key).lastUrge.message).toBe('Đề nghị hoàn thành trong sáng nay');
    expect((await officerA.get('/api/tasks/counts')).body.reminded.total).toBeGreaterThanOrEqual(1);
    const bell = await officerA.get('/api/notifications');
    const n = bell.body.items.find((x: { taskId: string; kind: string }) => x.taskId === key && x.kind === 'task_urged');
    expect(n.body).toContain('Đề nghị hoàn thành trong sáng nay');
    // The leader sees it reminded in the unit view.
    expect(ids(await leaderR.get(`/api/tasks?view=unit&bucket=reminded&limit=200`))).toContain(key);

    // Read: one, then all; nobody else can touch it.
    expect((await officerA2.post(`/api/notifications/${n.id}/read`)).status).toBe(404);
    const read = await officerA.post(`/api/notifications/${n.id}/read`);
    expect(read.status).toBe(200);
    expect(read.body.readAt).toBeTruthy();
    await officerA.post('/api/notifications/read-all');
    expect((await officerA.get('/api/notifications')).body.unread).toBe(0);

    // Handing the task to someone else: the urge was to the previous holder, so it leaves "reminded".
    await leaderR.post(`/api/tasks/${key}/assign`, { assignee: officerA2.user.username });
    expect(ids(await officerA.get('/api/tasks?bucket=reminded&limit=200'))).not.toContain(key);
    expect(ids(await officerA2.get('/api/tasks?bucket=reminded&limit=200'))).not.toContain(key);
  });

  it('lists the units and, for leaders, the people of the subtree', async () => {
    const units = await leaderR.get('/api/units');
    expect(units.body.items.map((x: { code: string; depth: number }) => [x.code, x.depth])).toEqual(
      expect.arrayContaining([
        [u.R, 0],
        [u.A, 1],
        [u.A1, 2],
        [u.B, 1],
      ]),
    );
    expect(units.body.items).toHaveLength(4);
    expect((await officerA.get('/api/units')).body.items.map((x: { code: string }) => x.code)).toEqual([u.A]);
    const members = await leaderR.get(`/api/units/${u.R}/members?role=officer`);
    expect(members.status).toBe(200);
    const names = members.body.items.map((x: { username: string }) => x.username);
    expect(names).toEqual(expect.arrayContaining([officerA.user.username, officerA2.user.username, officerA1.user.username, officerB.user.username]));
    expect(names).not.toContain(officerO.user.username);
    expect(names).not.toContain(auditorA.user.username);
    expect((await leaderR.get(`/api/units/${u.O}/members`)).status).toBe(403);
    expect((await leaderR.get('/api/units/KHONG-CO/members')).status).toBe(404);
    expect((await officerA.get(`/api/units/${u.A}/members`)).status).toBe(403);
  });
});
