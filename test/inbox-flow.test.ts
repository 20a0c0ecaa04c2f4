import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';

const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';

describe('a procedure driven end to end through the HTTP API', () => {
  let p: TestPlatform;
  let reception: Client; // SNNMT-VP officer: receives and returns
  let specialist: Client; // SNNMT-QLDD officer: appraises
  let leader: Client; // SNNMT leader: approves
  let outsider: Client; // an officer of the commune: sees none of it

  beforeAll(async () => {
    p = await startTestPlatform();
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    specialist = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
  });
  afterAll(async () => p?.close());

  /**
   * The open task of this instance offered to `who`, once the inbox bridge has written it. The list is
   * narrowed to the case (caseCode = the instance key): other files running meanwhile offer tasks to
   * the same units, and an unfiltered first page need not hold this one.
   */
  const nextTask = (who: Client, instanceKey: string, elementId: string) =>
    waitFor(async () => {
      const r = await who.get(`/api/tasks?scope=all&caseCode=${instanceKey}`);
      return (r.body.items as any[]).find((t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open');
    }, `${elementId} in the inbox of ${who.user.username}`);

  const instanceTasks = async (instanceKey: string) =>
    p.db('inbox_tasks').where({ process_instance_key: instanceKey }).orderBy('created_at').select('element_id', 'status', 'assignee', 'completed_by');

  it('routes each step to the right unit and role, with its form, and ends the instance', async () => {
    const started = await reception.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: 'TEST-001' } });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey as string;

    // Step 1: reception. Offered to SNNMT-VP officers only.
    const t1 = await nextTask(reception, key, 'TiepNhan');
    expect(t1).toMatchObject({
      name: 'Tiếp nhận và kiểm tra hồ sơ',
      processName: 'Đăng ký biến động quyền sử dụng đất',
      formKey: 'app:tiep-nhan-ho-so',
      assignee: null,
      candidateGroups: ['SNNMT-VP/officer'],
    });
    expect(t1.dueDate).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(t1.variables.maHoSo).toBe('TEST-001');
    for (const other of [specialist, leader, outsider]) {
      const r = await other.get(`/api/tasks?scope=all&caseCode=${key}`);
      expect(r.body.items.find((t: any) => t.id === t1.id)).toBeUndefined();
      expect((await other.post(`/api/tasks/${t1.id}/claim`)).status).toBe(403);
    }
    const form = await reception.get(`/api/forms/${encodeURIComponent(t1.formKey)}`);
    expect(form.status).toBe(200);
    expect(form.body.schema.components.some((c: any) => c.key === 'nguoiNop')).toBe(true);

    // Completing before claiming is refused; claim, then it is in "mine" and not "available".
    expect((await reception.post(`/api/tasks/${t1.id}/complete`, { variables: {} })).status).toBe(403);
    const claimed = await reception.post(`/api/tasks/${t1.id}/claim`);
    expect(claimed.status).toBe(200);
    expect(claimed.body.assignee).toBe(reception.user.username);
    expect((await reception.get('/api/tasks?scope=mine')).body.items.map((t: any) => t.id)).toContain(t1.id);
    expect((await reception.get('/api/tasks?scope=available')).body.items.map((t: any) => t.id)).not.toContain(t1.id);
    // Unclaim gives it back; claim again.
    expect((await reception.post(`/api/tasks/${t1.id}/unclaim`)).body.assignee).toBeNull();
    expect((await reception.post(`/api/tasks/${t1.id}/claim`)).status).toBe(200);
    const done1 = await reception.post(`/api/tasks/${t1.id}/complete`, { variables: { nguoiNop: 'Nguyễn Thị Hoa', soThua: '12/5', hoSoDayDu: true } });
    expect(done1.status).toBe(200);
    expect(done1.body.status).toBe('completed');
    // Twice: 409, nothing changes.
    expect((await reception.post(`/api/tasks/${t1.id}/complete`, { variables: { nguoiNop: 'X' } })).status).toBe(409);
    expect((await reception.get('/api/tasks?state=done')).body.items.map((t: any) => t.id)).toContain(t1.id);

    // Step 2: appraisal by the land division, carrying the reception's data.
    const t2 = await nextTask(specialist, key, 'ThamDinh');
    expect(t2.variables.nguoiNop).toBe('Nguyễn Thị Hoa');
    expect((await reception.get(`/api/tasks?scope=all&caseCode=${key}`)).body.items.find((t: any) => t.id === t2.id)).toBeUndefined();
    await specialist.post(`/api/tasks/${t2.id}/claim`);
    expect(
      (await specialist.post(`/api/tasks/${t2.id}/complete`, { variables: { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đủ điều kiện' } })).status,
    ).toBe(200);

    // Step 3: the leader sends it back once (the loop), then approves.
    const t3 = await nextTask(leader, key, 'PheDuyet');
    await leader.post(`/api/tasks/${t3.id}/claim`);
    // Another officer cannot complete a task the leader holds.
    expect((await specialist.post(`/api/tasks/${t3.id}/complete`, { variables: {} })).status).toBe(403);
    expect((await leader.post(`/api/tasks/${t3.id}/complete`, { variables: { pheDuyet: 'tham-dinh-lai' } })).status).toBe(200);
    const t2b = await nextTask(specialist, key, 'ThamDinh');
    expect(t2b.id).not.toBe(t2.id);
    await specialist.post(`/api/tasks/${t2b.id}/claim`);
    await specialist.post(`/api/tasks/${t2b.id}/complete`, { variables: { ketQuaThamDinh: 'du-dieu-kien', yKienThamDinh: 'Đã bổ sung' } });
    const t3b = await nextTask(leader, key, 'PheDuyet');
    await leader.post(`/api/tasks/${t3b.id}/claim`);
    await leader.post(`/api/tasks/${t3b.id}/complete`, { variables: { pheDuyet: 'dong-y' } });

    // Step 4: back to reception to return the result; then the instance ends.
    const t4 = await nextTask(reception, key, 'TraKetQua');
    await reception.post(`/api/tasks/${t4.id}/claim`);
    await reception.post(`/api/tasks/${t4.id}/complete`, { variables: { hinhThucTra: 'truc-tiep', daTraKetQua: true } });

    const rows = await instanceTasks(key);
    expect(rows.map((r) => [r.element_id, r.status])).toEqual([
      ['TiepNhan', 'completed'],
      ['ThamDinh', 'completed'],
      ['PheDuyet', 'completed'],
      ['ThamDinh', 'completed'],
      ['PheDuyet', 'completed'],
      ['TraKetQua', 'completed'],
    ]);
    // The engine's own history says the instance completed.
    await waitFor(
      async () => (await p.db('hist_process_instances').where({ process_instance_key: key, state: 'completed' }).first()) ?? false,
      'instance completed in history',
    );
  });

  it('removes the tasks of a cancelled instance from the inbox', async () => {
    const started = await reception.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: {} });
    const key = started.body.processInstanceKey as string;
    const t1 = await nextTask(reception, key, 'TiepNhan');
    await reception.post(`/api/tasks/${t1.id}/claim`);
    // Officers may not cancel; a leader may.
    expect((await reception.del(`/api/process-instances/${key}`)).status).toBe(403);
    expect((await leader.del(`/api/process-instances/${key}`)).status).toBe(204);
    await waitFor(async () => {
      const r = await reception.get(`/api/tasks?scope=all&caseCode=${key}`);
      return !r.body.items.some((t: any) => t.id === t1.id);
    }, 'the cancelled task to leave the inbox');
    expect((await p.db('inbox_tasks').where({ job_key: t1.id }).first()).status).toBe('cancelled');
    // Completing it now is a conflict and changes nothing.
    expect((await reception.post(`/api/tasks/${t1.id}/complete`, { variables: {} })).status).toBe(409);
    expect((await p.db('inbox_tasks').where({ job_key: t1.id }).first()).status).toBe('cancelled');
    // Cancelling again: the instance is gone.
    expect((await leader.del(`/api/process-instances/${key}`)).status).toBe(404);
  });

  it('refuses malformed and non-executable BPMN with the element named, and deploys nothing', async () => {
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const before = await p.db('process_definitions').count<{ count: string }[]>({ count: '*' });

    const malformed = await designer.post('/api/process-definitions', { resourceName: 'bad.bpmn', xml: '<bpmn:definitions><oops' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/XML/);

    const xml = readFileSync(path.join(PROCESSES_DIR, `${PROCESS_ID}.bpmn`), 'utf8');
    const nonExec = await designer.post('/api/process-definitions', {
      resourceName: 'x.bpmn',
      xml: xml.replace('isExecutable="true"', 'isExecutable="false"'),
    });
    expect(nonExec.status).toBe(400);
    expect(nonExec.body.elements).toContain(PROCESS_ID);

    const noOwner = xml
      .replace('<zeebe:assignmentDefinition candidateGroups="SNNMT/leader" />', '')
      .replace(`id="${PROCESS_ID}"`, 'id="no-owner-proc"')
      .replace(`bpmnElement="${PROCESS_ID}"`, 'bpmnElement="no-owner-proc"');
    const r3 = await designer.post('/api/process-definitions', { resourceName: 'no-owner.bpmn', xml: noOwner });
    expect(r3.status).toBe(400);
    expect(r3.body.elements).toEqual(['PheDuyet']);
    expect(r3.body.message).toContain('PheDuyet');

    const xxe = await designer.post('/api/process-definitions', {
      resourceName: 'xxe.bpmn',
      xml: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${xml.replace(/^<\?xml[^>]*>/, '')}`,
    });
    expect(xxe.status).toBe(400);

    // Officers cannot deploy at all.
    expect((await reception.post('/api/process-definitions', { resourceName: 'y.bpmn', xml })).status).toBe(403);
    const after = await p.db('process_definitions').count<{ count: string }[]>({ count: '*' });
    expect(after[0].count).toBe(before[0].count);
    expect((await p.zeebe.createProcessInstance({ bpmnProcessId: 'no-owner-proc', variables: {} }).catch((e) => e)) instanceof Error).toBe(true);
  });

  it('deploys a valid new version through the API and lists it with its running instances', async () => {
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const id = `quy-trinh-thu-${Date.now()}`;
    const xml = readFileSync(path.join(PROCESSES_DIR, `${PROCESS_ID}.bpmn`), 'utf8').replaceAll(PROCESS_ID, id);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml, forms: loadBundledForms() });
    expect(dep.status).toBe(201);
    expect(dep.body.processes).toEqual([expect.objectContaining({ bpmnProcessId: id, version: 1 })]);
    const started = await reception.post('/api/process-instances', { bpmnProcessId: id });
    expect(started.status).toBe(201);
    await waitFor(async () => {
      const list = await designer.get('/api/process-definitions');
      const d = list.body.items.find((x: any) => x.bpmnProcessId === id);
      return d && d.activeInstances === 1 && d.deployedBy === designer.user.username;
    }, 'the new version listed with one running instance');
    expect((await reception.post('/api/process-instances', { bpmnProcessId: 'khong-ton-tai' })).status).toBe(404);
  });

  it('requires a valid token and reports health of database and broker', async () => {
    expect((await p.app.inject({ method: 'GET', url: '/api/tasks' })).statusCode).toBe(401);
    expect((await p.app.inject({ method: 'GET', url: '/api/tasks', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    const bad = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: reception.user.username, password: 'wrong' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().message).toMatch(/Sai tên đăng nhập/);
    const h = await p.app.inject({ method: 'GET', url: '/health' });
    expect(h.statusCode).toBe(200);
    expect(h.json()).toMatchObject({ status: 'up', database: { status: 'up' }, broker: { status: 'up' } });
    const docs = await p.app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/api/tasks/', '/api/tasks/{id}/complete', '/api/process-definitions/']));
  });
});
