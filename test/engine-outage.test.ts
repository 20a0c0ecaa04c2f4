import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

describe('with the broker unreachable', () => {
  let proxy: TcpProxy;
  let p: TestPlatform;
  let officer: Client;

  beforeAll(async () => {
    const [host, port] = inject('zeebeAddress').split(':');
    proxy = new TcpProxy({ host: host, port: Number(port) });
    await proxy.up();
    p = await startTestPlatform({ zeebeAddress: proxy.address });
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
  });
  afterAll(async () => {
    await p?.close();
    await proxy?.down();
  });

  it('answers 503 with a clear message, keeps a pending completion, and recovers by itself', async () => {
    const started = await officer.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai' });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey;
    const task = await waitFor(
      async () => (await officer.get('/api/tasks?scope=available')).body.items.find((t: any) => t.processInstanceKey === key),
      'first task',
    );
    await officer.post(`/api/tasks/${task.id}/claim`);

    await proxy.down();
    const refused = await officer.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai' });
    expect(refused.status).toBe(503);
    expect(refused.body.message).toMatch(/Zeebe/);
    const health = await p.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ database: { status: 'up' }, broker: { status: 'down' } });

    // A completion during the outage is saved, answered 503, and not lost.
    const pending = await officer.post(`/api/tasks/${task.id}/complete`, { variables: { nguoiNop: 'Trần Văn An', soThua: '7/3' } });
    expect(pending.status).toBe(503);
    expect(pending.body.message).toMatch(/đã được lưu|saved/);
    expect((await p.db('inbox_tasks').where({ job_key: task.id }).first()).status).toBe('completing');
    // ...and cannot be completed a second time meanwhile.
    expect((await officer.post(`/api/tasks/${task.id}/complete`, { variables: {} })).status).toBe(409);

    await proxy.up();
    // The sweep re-sends the completion; the next step reaches the inbox with the saved data.
    await waitFor(
      async () => (await p.db('inbox_tasks').where({ job_key: task.id }).first()).status === 'completed',
      'the pending completion to be sent',
      40_000,
      500,
    );
    const next = await waitFor(
      async () => (await p.db('inbox_tasks').where({ process_instance_key: key, element_id: 'ThamDinh' }).first()) ?? false,
      'the next step after recovery',
      40_000,
      500,
    );
    expect(next.variables.nguoiNop).toBe('Trần Văn An');
    const again = await waitFor(
      async () => {
        const r = await officer.post('/api/process-instances', { bpmnProcessId: 'dang-ky-bien-dong-dat-dai' });
        return r.status === 201 ? r : false;
      },
      'commands to succeed again',
      30_000,
      500,
    );
    expect(again.status).toBe(201);
    expect((await p.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
