import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * The inbox's answers to scale (issue 4): totals and badge numbers counted up to 1,000 and marked
 * beyond, finished views limited to the last 30 days unless widened, and badge numbers that follow
 * every claim, assignment, completion and cancellation of real Zeebe tasks to the task.
 */
describe('inbox at scale: capped numbers, finished period, exact badges', () => {
  let p: TestPlatform;
  const DAY = 86_400_000;
  const keyBase = 7_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 100_000n;
  let seq = 0;

  beforeAll(async () => {
    p = await startTestPlatform();
  });
  afterAll(async () => p?.close());

  /** n open tasks offered to a group, written in one statement (the way many tasks arrive over days). */
  async function openTasks(group: string, n: number, proc: string, o: { overdue?: boolean } = {}): Promise<void> {
    const first = keyBase + BigInt(seq);
    seq += n;
    await p.db.raw(
      `INSERT INTO inbox_tasks (job_key, process_instance_key, element_instance_key, process_definition_key, bpmn_process_id, process_version,
         element_id, name, candidate_groups, candidate_users, due_date, variables, created_at)
       SELECT ?::bigint + i, ?::bigint + i, ?::bigint + i, 1, ?, 1, 'Step', 'Thẩm định hồ sơ', ARRAY[?]::text[], '{}', now() + ?::interval, '{}', now() - i * interval '1 second'
       FROM generate_series(0, ? - 1) AS i`,
      [String(first), String(first), String(first), proc, group, o.overdue ? '-1 day' : '3 days', n],
    );
  }

  /** A task finished `ago` ms ago by `by`, offered to `groups` (and candidate `users`). */
  async function finishedTask(o: { groups: string[]; users?: string[]; by: string; ago: number; proc: string; late?: boolean }): Promise<string> {
    const key = String(keyBase + BigInt(seq++));
    const done = new Date(Date.now() - o.ago);
    await p.db('inbox_tasks').insert({
      job_key: key,
      process_instance_key: key,
      element_instance_key: key,
      process_definition_key: '1',
      bpmn_process_id: o.proc,
      process_version: 1,
      element_id: 'Step',
      name: 'Trả kết quả',
      assignee: o.by,
      candidate_groups: o.groups,
      candidate_users: o.users ?? [],
      due_date: new Date(done.getTime() + (o.late ? -DAY : DAY)),
      variables: {},
      status: 'completed',
      completed_by: o.by,
      created_at: new Date(done.getTime() - 2 * DAY),
      completed_at: done,
    });
    return key;
  }

  const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id);

  it('counts totals and badges exactly up to 1,000 and marks larger ones as "1000+"', async () => {
    // Given a unit whose officers are offered exactly 1,000 tasks of a procedure
    const unit = await createUnit(p.db, { name: 'Bộ phận một cửa lớn' });
    const officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit }));
    const proc = `cap-${randomBytes(3).toString('hex')}`;
    await openTasks(`${unit}/officer`, 1000, proc);

    // Then the list and the badge say 1,000, exactly
    let list = await officer.get(`/api/tasks?scope=available&bpmnProcessId=${proc}&limit=20`);
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1000);
    expect(list.body.totalCapped).toBeUndefined();
    let counts = await officer.get(`/api/tasks/counts?bpmnProcessId=${proc}`);
    expect(counts.body.not_started).toEqual({ total: 1000, onTime: 1000, overdue: 0 });

    // When one more on-time and 3 overdue tasks arrive
    await openTasks(`${unit}/officer`, 1, proc);
    await openTasks(`${unit}/officer`, 3, proc, { overdue: true });

    // Then the total is "at least 1,000" and marked so; the small overdue part stays exact
    list = await officer.get(`/api/tasks?scope=available&bpmnProcessId=${proc}&limit=20`);
    expect(list.body.total).toBe(1000);
    expect(list.body.totalCapped).toBe(true);
    expect(list.body.items).toHaveLength(20);
    counts = await officer.get(`/api/tasks/counts?bpmnProcessId=${proc}`);
    expect(counts.body.not_started).toEqual({ total: 1003, onTime: 1000, overdue: 3, atLeast: ['total', 'onTime'] });
    expect(counts.body.in_progress).toEqual({ total: 0, onTime: 0, overdue: 0 });
    const overdue = await officer.get(`/api/tasks?scope=available&bpmnProcessId=${proc}&timing=overdue`);
    expect(overdue.body.total).toBe(3);
    expect(overdue.body.totalCapped).toBeUndefined();

    // Paging past the cap still works: the last page is counted to its end and is exact
    const last = await officer.get(`/api/tasks?scope=available&bpmnProcessId=${proc}&limit=200&offset=900`);
    expect(last.body.items).toHaveLength(104);
    expect(last.body.total).toBe(1004);
    expect(last.body.totalCapped).toBeUndefined();
    // Pages are disjoint and ordered: page 5 of 200 ends where the last one starts
    const page = await officer.get(`/api/tasks?scope=available&bpmnProcessId=${proc}&limit=200&offset=700`);
    const together = [...ids(page), ...ids(last)];
    expect(new Set(together).size).toBe(304);
  });

  it('shows the finished work of the last 30 days by default and widens the period on request', async () => {
    // Given R ─ A, an officer of A and a leader of R; finished tasks from 10 days to 2 years ago
    const R = await createUnit(p.db, { name: 'Sở lưu trữ' });
    const A = await createUnit(p.db, { parentCode: R, name: 'Phòng lưu trữ' });
    const other = await createUnit(p.db, { name: 'Sở khác' });
    const officerUser = await createUser(p.db, { roles: ['officer'], unitCode: A });
    const officer = await login(p.app, officerUser);
    const leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: R }));
    const outsider = await createUser(p.db, { roles: ['officer'], unitCode: other });
    const me = officerUser.username;
    const proc = `period-${randomBytes(3).toString('hex')}`;
    const g = `${A}/officer`;
    const d10 = await finishedTask({ groups: [g], by: me, ago: 10 * DAY, proc, late: true });
    const d1 = await finishedTask({ groups: [g], by: me, ago: DAY / 2, proc });
    const d60 = await finishedTask({ groups: [g], by: me, ago: 60 * DAY, proc });
    const d200 = await finishedTask({ groups: [g], by: me, ago: 200 * DAY, proc });
    const d700 = await finishedTask({ groups: [g], by: me, ago: 700 * DAY, proc });
    // In the leader's subtree without being finished by its officer: offered to A's group, or to A's officer by name
    const byOutsider = await finishedTask({ groups: [g], by: outsider.username, ago: 3 * DAY, proc });
    const named = await finishedTask({ groups: [`${other}/officer`], users: [me], by: outsider.username, ago: 5 * DAY, proc });
    // Outside the subtree altogether
    await finishedTask({ groups: [`${other}/officer`], by: outsider.username, ago: 2 * DAY, proc });

    // Default: the last 30 days, and the answer says from when
    const dflt = await officer.get(`/api/tasks?bucket=finished&bpmnProcessId=${proc}`);
    expect(dflt.status).toBe(200);
    expect(ids(dflt)).toEqual([d1, d10]);
    expect(dflt.body.total).toBe(2);
    expect(Date.now() - Date.parse(dflt.body.finishedSince)).toBeGreaterThanOrEqual(30 * DAY - 60_000);
    expect(Date.now() - Date.parse(dflt.body.finishedSince)).toBeLessThan(30 * DAY + 60_000);
    expect((await officer.get(`/api/tasks/counts?bpmnProcessId=${proc}`)).body.finished).toEqual({ total: 2, onTime: 1, overdue: 1 });

    // Widened step by step, up to everything
    expect(ids(await officer.get(`/api/tasks?bucket=finished&bpmnProcessId=${proc}&finishedWithin=90d`))).toEqual([d1, d10, d60]);
    expect(ids(await officer.get(`/api/tasks?bucket=finished&bpmnProcessId=${proc}&finishedWithin=365d`))).toEqual([d1, d10, d60, d200]);
    const all = await officer.get(`/api/tasks?bucket=finished&bpmnProcessId=${proc}&finishedWithin=all`);
    expect(ids(all)).toEqual([d1, d10, d60, d200, d700]);
    expect(all.body.finishedSince).toBeNull();
    expect((await officer.get(`/api/tasks/counts?bpmnProcessId=${proc}&finishedWithin=all`)).body.finished).toEqual({ total: 5, onTime: 4, overdue: 1 });

    // The leader's subtree over the same periods (through the subtree + period index), newest first
    const unitDone = (q: string) => leader.get(`/api/tasks?view=unit&bucket=finished&bpmnProcessId=${proc}${q}`);
    expect(ids(await unitDone(''))).toEqual([d1, byOutsider, named, d10]);
    expect(ids(await unitDone('&finishedWithin=90d'))).toEqual([d1, byOutsider, named, d10, d60]);
    expect(ids(await unitDone('&finishedWithin=all'))).toEqual([d1, byOutsider, named, d10, d60, d200, d700]);
    expect((await leader.get(`/api/tasks/counts?view=unit&bpmnProcessId=${proc}`)).body.finished).toEqual({ total: 4, onTime: 3, overdue: 1 });
    // One row per page gives the same order as one page of all (the newest days are read first)
    const oneByOne: string[] = [];
    for (let offset = 0; offset < 5; offset++) oneByOne.push(...ids(await unitDone(`&limit=1&offset=${offset}`)));
    expect(oneByOne).toEqual([d1, byOutsider, named, d10]);

    // A period that is not one of the offered ones is refused
    const bad = await officer.get(`/api/tasks?bucket=finished&finishedWithin=7y`);
    expect(bad.status).toBe(400);
  });

  it('files finished work under every unit above the one it was done for, and keeps it there when the officer moves', async () => {
    // Given Sở ─ Phòng ─ Tổ, a leader at each of the two upper levels, and an officer of Tổ
    const so = await createUnit(p.db, { name: 'Sở ba cấp' });
    const phong = await createUnit(p.db, { parentCode: so, name: 'Phòng giữa' });
    const to = await createUnit(p.db, { parentCode: phong, name: 'Tổ dưới cùng' });
    const elsewhere = await createUnit(p.db, { name: 'Sở bên cạnh' });
    const officerUser = await createUser(p.db, { roles: ['officer'], unitCode: to });
    const soLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: so }));
    const phongLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: phong }));
    const elsewhereLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: elsewhere }));
    const proc = `ba-cap-${seq}`;
    // Offered to Tổ's group (late), and offered elsewhere but completed by Tổ's officer
    const offered = await finishedTask({ groups: [`${to}/officer`], by: officerUser.username, ago: DAY, proc, late: true });
    const doneBy = await finishedTask({ groups: [`${elsewhere}/officer`], by: officerUser.username, ago: 2 * DAY, proc });
    const unitDone = (c: Client) => c.get(`/api/tasks?view=unit&bucket=finished&bpmnProcessId=${proc}`);
    expect(ids(await unitDone(soLeader))).toEqual([offered, doneBy]);
    expect(ids(await unitDone(phongLeader))).toEqual([offered, doneBy]);
    // The other Sở sees the task offered to it, not the one offered to Tổ
    expect(ids(await unitDone(elsewhereLeader))).toEqual([doneBy]);
    expect((await soLeader.get(`/api/tasks/counts?view=unit`)).body.finished).toEqual({ total: 2, onTime: 1, overdue: 1 });
    expect((await unitDone(soLeader)).body.items.map((x: { deadlineState: string }) => x.deadlineState)).toEqual(['overdue', 'on_time']);
    expect(ids(await soLeader.get(`/api/tasks?view=unit&bucket=finished&timing=overdue&bpmnProcessId=${proc}`))).toEqual([offered]);
    expect(ids(await soLeader.get(`/api/tasks?view=unit&bucket=finished&timing=on_time`))).toEqual([doneBy]);

    // When the officer later moves to the other Sở, the work done for Tổ stays in Tổ's history
    await p
      .db('users')
      .where({ username: officerUser.username })
      .update({ unit_id: p.db('org_units').where({ code: elsewhere }).select('id') });
    expect(ids(await unitDone(soLeader))).toEqual([offered, doneBy]);
    expect(ids(await unitDone(elsewhereLeader))).toEqual([doneBy]);
  });

  it("keeps a leader's unfiltered badges (read from the open tasks' unit index) in step with every change of a task", async () => {
    // Given Sở ─ Phòng, the Sở's leader, an officer of the Phòng and one of another Sở
    const so = await createUnit(p.db, { name: 'Sở đếm' });
    const phong = await createUnit(p.db, { parentCode: so, name: 'Phòng đếm' });
    const other = await createUnit(p.db, { name: 'Sở ngoài' });
    const officer = await createUser(p.db, { roles: ['officer'], unitCode: phong });
    const outsider = await createUser(p.db, { roles: ['officer'], unitCode: other });
    const leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: so }));
    const badges = async () => {
      const r = await leader.get('/api/tasks/counts?view=unit');
      expect(r.status).toBe(200);
      const b = r.body as Record<string, { onTime: number; overdue: number }>;
      return Object.fromEntries(['not_started', 'in_progress', 'reminded'].map((k) => [k, [b[k].onTime, b[k].overdue]]));
    };
    const proc = `dem-${seq}`;
    // Two open tasks offered to the Phòng (one overdue), one offered elsewhere, one offered elsewhere but held by our officer
    await openTasks(`${phong}/officer`, 1, proc);
    await openTasks(`${phong}/officer`, 1, proc, { overdue: true });
    await openTasks(`${other}/officer`, 1, proc);
    await openTasks(`${other}/officer`, 1, proc);
    const [t1, t2, t3, t4] = (await p.db('inbox_tasks').where({ bpmn_process_id: proc }).orderBy('job_key').pluck('job_key')).map(String) as [
      string,
      string,
      string,
      string,
    ];
    await p.db('inbox_tasks').where({ job_key: t4 }).update({ assignee: outsider.username });
    expect(await badges()).toEqual({ not_started: [1, 1], in_progress: [0, 0], reminded: [0, 0] });
    // Held by our officer: counted as in progress, wherever it was offered
    await p.db('inbox_tasks').where({ job_key: t4 }).update({ assignee: officer.username });
    await p.db('inbox_tasks').where({ job_key: t1 }).update({ assignee: officer.username });
    expect(await badges()).toEqual({ not_started: [0, 1], in_progress: [2, 0], reminded: [0, 0] });
    // Urged, then its due date passes; reminded by the deadline timer while nobody holds it
    await p.db('inbox_tasks').where({ job_key: t1 }).update({ urged_at: new Date() });
    await p
      .db('inbox_tasks')
      .where({ job_key: t1 })
      .update({ due_date: new Date(Date.now() - 3_600_000) });
    await p.db('inbox_tasks').where({ job_key: t2 }).update({ reminded_at: new Date() });
    expect(await badges()).toEqual({ not_started: [0, 1], in_progress: [1, 1], reminded: [0, 2] });
    // Completed and cancelled tasks leave the badges; the one offered elsewhere and never held never counted
    await p.db('inbox_tasks').where({ job_key: t1 }).update({ status: 'completed', completed_by: officer.username, completed_at: new Date() });
    await p.db('inbox_tasks').where({ job_key: t2 }).update({ status: 'cancelled' });
    expect(await badges()).toEqual({ not_started: [0, 0], in_progress: [1, 0], reminded: [0, 0] });
    // The same numbers as the list the badge stands for
    expect(ids(await leader.get('/api/tasks?view=unit&bucket=in_progress'))).toEqual([t4]);
    await p.db('inbox_tasks').where({ job_key: t3 }).delete();
  });

  it('keeps every badge exact through claim, assignment, completion and cancellation of real tasks', async () => {
    const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';
    // Given two officers of the reception unit and the department's leader; three cases started
    const officerA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const officerB = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    const tag = randomBytes(3).toString('hex');
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await officerA.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `SCALE-${tag}-${i}` } });
      expect(started.status).toBe(201);
      keys.push(started.body.processInstanceKey);
    }
    const mineOf = (k: string) => p.db('inbox_tasks').where({ process_instance_key: k, element_id: 'TiepNhan' }).first();
    const tasks = await Promise.all(keys.map((k) => waitFor(() => mineOf(k), `reception task of ${k}`)));
    const [t1, t2, t3] = tasks.map((t) => String(t.job_key)) as [string, string, string];

    const badge = async (c: Client, view = 'personal') => {
      const r = await c.get(`/api/tasks/counts?q=SCALE-${tag}&view=${view}`);
      expect(r.status).toBe(200);
      return Object.fromEntries(Object.entries(r.body as Record<string, { total: number }>).map(([b, n]) => [b, n.total]));
    };
    // The run's database holds other files' cases of the same procedure: the badges are filtered on this test's case codes
    expect(await badge(officerA)).toEqual({ not_started: 3, in_progress: 0, reminded: 0, finished: 0 });

    // Claim: one moves from "to claim" to "mine"
    expect((await officerA.post(`/api/tasks/${t1}/claim`)).status).toBe(200);
    expect(await badge(officerA)).toEqual({ not_started: 2, in_progress: 1, reminded: 0, finished: 0 });
    expect(await badge(officerB)).toEqual({ not_started: 2, in_progress: 0, reminded: 0, finished: 0 });

    // Reassign by the leader: t2 to B, t1 from A to B
    expect((await leader.post('/api/tasks/reassign', { taskIds: [t1, t2], assignee: officerB.user.username })).status).toBe(200);
    expect(await badge(officerA)).toEqual({ not_started: 1, in_progress: 0, reminded: 0, finished: 0 });
    expect(await badge(officerB)).toEqual({ not_started: 1, in_progress: 2, reminded: 0, finished: 0 });
    expect(await badge(leader, 'unit')).toEqual({ not_started: 1, in_progress: 2, reminded: 0, finished: 0 });

    // Urge: B's "reminded"
    expect((await leader.post(`/api/tasks/${t2}/urge`, { message: 'Xử lý gấp' })).status).toBe(200);
    expect(await badge(officerB)).toEqual({ not_started: 1, in_progress: 2, reminded: 1, finished: 0 });

    // Complete: "mine" to "done" (the next step goes to another unit)
    const done = await officerB.post(`/api/tasks/${t1}/complete`, { variables: { nguoiNop: 'Trần Văn Bình', soThua: '7/3', hoSoDayDu: true } });
    expect(done.status).toBe(200);
    expect(await badge(officerB)).toEqual({ not_started: 1, in_progress: 1, reminded: 1, finished: 1 });
    // The next step (appraisal) waits in the land division, inside the leader's department
    await waitFor(() => p.db('inbox_tasks').where({ process_instance_key: keys[0], element_id: 'ThamDinh', status: 'open' }).first(), 'the appraisal step');
    expect(await badge(leader, 'unit')).toEqual({ not_started: 2, in_progress: 1, reminded: 1, finished: 1 });

    // Cancel the unclaimed case in Zeebe: it leaves every "to claim"
    await p.zeebe.cancelProcessInstance(keys[2]);
    await waitFor(async () => (await p.db('inbox_tasks').where({ job_key: t3 }).first())?.status === 'cancelled', 'the cancelled task');
    expect(await badge(officerA)).toEqual({ not_started: 0, in_progress: 0, reminded: 0, finished: 0 });
    expect(await badge(officerB)).toEqual({ not_started: 0, in_progress: 1, reminded: 1, finished: 1 });
    expect(await badge(leader, 'unit')).toEqual({ not_started: 1, in_progress: 1, reminded: 1, finished: 1 });

    // And the lists agree with the badges
    expect(ids(await officerB.get(`/api/tasks?bucket=in_progress&q=SCALE-${tag}`))).toEqual([t2]);
    expect(ids(await officerB.get(`/api/tasks?bucket=finished&q=SCALE-${tag}`))).toEqual([t1]);
    for (const k of keys.slice(0, 2)) await p.zeebe.cancelProcessInstance(k).catch(() => {});
  });
});
