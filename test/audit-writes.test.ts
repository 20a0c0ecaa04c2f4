import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { verifyAuditChain } from '../domain/audit/chain.js';
import { describeRoute, redact } from '../api/plugins/audit.js';

describe('every write of a person is in the audit log', () => {
  let p: TestPlatform;
  let officer: Client;
  beforeAll(async () => {
    p = await startTestPlatform();
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
  });
  afterAll(async () => p?.close());

  it('names the action and target from the route and keeps no secrets or whole documents', () => {
    expect(describeRoute('POST', '/api/tasks/:id/claim', { id: '42' })).toEqual({ action: 'task.claim', target: { type: 'task', id: '42' } });
    expect(describeRoute('POST', '/api/process-instances', {})).toEqual({ action: 'process-instance.post', target: undefined });
    expect(describeRoute('DELETE', '/api/calendar/days/:id', { id: '7' })).toEqual({ action: 'calendar.days', target: { type: 'calendar', id: '7' } });
    const r = redact({ password: 'x', xml: 'a'.repeat(5000), variables: { a: 1 } });
    expect(r.password).toBe('[redacted]');
    expect(r.xml).toMatchObject({ size: 5000 });
    expect(r.variables).toEqual({ a: 1 });
  });

  it('logs claim and complete of a task with the data sent, and the chain verifies', async () => {
    const started = await officer.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai' });
    const task = await waitFor(
      async () => (await officer.get('/api/tasks?scope=available')).body.items.find((t: any) => t.processInstanceKey === started.body.processInstanceKey),
      'task',
    );
    expect((await officer.post(`/api/tasks/${task.id}/claim`)).status).toBe(200);
    expect((await officer.post(`/api/tasks/${task.id}/complete`, { variables: { nguoiNop: 'Đỗ Văn Ba', soThua: '1/2' } })).status).toBe(200);
    const rows = await p.db('audit_log').where({ target_id: task.id }).orderBy('seq').select('action', 'actor', 'after');
    expect(rows.map((r) => r.action)).toEqual(expect.arrayContaining(['task.claim', 'task.complete']));
    expect(rows.every((r) => r.actor === officer.user.username)).toBe(true);
    expect(JSON.stringify(rows.find((r) => r.action === 'task.complete')!.after)).toContain('Đỗ Văn Ba');
    // A refused write leaves no entry of a change.
    const before = await p.db('audit_log').where({ target_id: task.id }).count<{ count: string }[]>({ count: '*' });
    expect((await officer.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status).toBe(409);
    const after = await p.db('audit_log').where({ target_id: task.id }).count<{ count: string }[]>({ count: '*' });
    expect(after[0].count).toBe(before[0].count);
    expect((await verifyAuditChain(p.db)).ok).toBe(true);
  });
});
