import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, deployAndStart, login, waitFor, type Client } from './helpers/fixtures.js';

const PROCESS_ID = 'dang-ky-bien-dong-dat-dai';

interface Received {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

/** A minimal server-sent-events reader over fetch: what a browser's EventSource would receive. */
async function openStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const received: Received[] = [];
  if (res.ok && res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) received.push({ event, data: JSON.parse(data), at: Date.now() });
          }
        }
      } catch {
        /* aborted */
      }
    })();
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    received,
    next: (match: (r: Received) => boolean, what: string, timeoutMs = 30_000) => waitFor(async () => received.find(match), what, timeoutMs, 20),
    close: () => abort.abort(),
  };
}
type Stream = Awaited<ReturnType<typeof openStream>>;

/** How soon a change must reach an open stream (see the first use). */
const PUSHED_WITHIN_MS = 10_000;

describe('live inbox: server-sent events', () => {
  let p: TestPlatform;
  let officer: Client; // SNNMT-VP officer: the first step is offered to them
  let colleague: Client; // another SNNMT-VP officer
  let leader: Client; // SNNMT leader: the subtree includes SNNMT-VP
  let outsider: Client; // commune officer: sees none of it
  let designer: Client;
  const streams: Stream[] = [];

  const stream = async (who: Client) => {
    const ticket = await who.post('/api/events/ticket');
    expect(ticket.status).toBe(200);
    const s = await openStream(`${p.url}/api/events?ticket=${encodeURIComponent(ticket.body.ticket)}`);
    streams.push(s);
    await s.next((r) => r.event === 'ready', 'the ready event');
    return s;
  };

  beforeAll(async () => {
    p = await startTestPlatform();
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    colleague = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    outsider = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'], unitCode: 'SNNMT' }));
  });

  /** One step offered to SNNMT-VP and to these people, then the end. */
  const oneStep = (id: string, users: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/bpmn">
  <bpmn:process id="${id}" name="Một bước thử" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start"><bpmn:outgoing>F0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Buoc" name="Xem xét">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="SNNMT-VP" candidateUsers="${users.join(',')}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F0</bpmn:incoming><bpmn:outgoing>F1</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Buoc" />
    <bpmn:sequenceFlow id="F1" sourceRef="Buoc" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
  afterAll(async () => {
    for (const s of streams) s.close();
    await p?.close();
  });

  it('opens only with a valid ticket or bearer token', async () => {
    expect((await openStream(`${p.url}/api/events`)).status).toBe(401);
    expect((await openStream(`${p.url}/api/events?ticket=1.9999999999.forged`)).status).toBe(401);
    // A ticket is no bearer token.
    const ticket = (await officer.post('/api/events/ticket')).body.ticket as string;
    expect((await p.app.inject({ method: 'GET', url: '/api/tasks', headers: { authorization: `Bearer ${ticket}` } })).statusCode).toBe(401);
    const byHeader = await openStream(`${p.url}/api/events`, { authorization: `Bearer ${officer.token}` });
    streams.push(byHeader);
    expect(byHeader.status).toBe(200);
    expect(byHeader.contentType).toMatch(/^text\/event-stream/);
    await byHeader.next((r) => r.event === 'ready' && r.data.username === officer.user.username, 'ready');
    byHeader.close();
  });

  it('a new task reaches every inbox that may see it as it is written, and its cancellation too', async () => {
    const [mine, colleagues, leaders, outsiders] = await Promise.all([stream(officer), stream(colleague), stream(leader), stream(outsider)]);

    // When a case is started, Zeebe activates the first step's job and the inbox worker writes it.
    const started = await officer.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `LIVE-${Date.now()}` } });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey as string;
    const isCreated = (r: Received) => r.event === 'inbox' && r.data.kind === 'created' && r.data.processInstanceKey === key;
    const created = await mine.next(isCreated, 'the created event');
    const taskId = created.data.taskId as string;
    // Then: pushed when the row is written (the job's activation). The stream has no polling of its own, so any
    // arrival is the push; the bound only catches a push held back (about 0.2 s alone, 2-3 s on a loaded machine
    // of half the speed; the speed itself is bench/run.ts's "pushed" figure, not a test's).
    const row = await p.db('inbox_tasks').where({ job_key: taskId }).first();
    expect(created.at - row.created_at.getTime()).toBeLessThan(PUSHED_WITHIN_MS);
    expect(created.data).toMatchObject({ status: 'open', assignee: null });
    await colleagues.next(isCreated, 'the colleague told');
    await leaders.next(isCreated, 'the leader (subtree) told');

    // A claim shows in the colleague's inbox too.
    expect((await officer.post(`/api/tasks/${taskId}/claim`)).status).toBe(200);
    await colleagues.next(
      (r) => r.event === 'inbox' && r.data.kind === 'claimed' && r.data.taskId === taskId && r.data.assignee === officer.user.username,
      'the claim',
    );

    // An urge reaches the holder's bell.
    expect((await leader.post(`/api/tasks/${taskId}/urge`, { message: 'Xử lý ngay' })).status).toBe(200);
    await mine.next((r) => r.event === 'notification', 'the notification');
    await mine.next((r) => r.event === 'inbox' && r.data.kind === 'urged' && r.data.taskId === taskId, 'the urge');

    // When the case is cancelled, the task leaves the open inboxes.
    const cancelledAt = Date.now();
    expect((await leader.del(`/api/process-instances/${key}`)).status).toBe(204);
    const cancelled = await mine.next((r) => r.event === 'inbox' && r.data.kind === 'cancelled' && r.data.taskId === taskId, 'the cancellation');
    expect(cancelled.at - cancelledAt).toBeLessThan(PUSHED_WITHIN_MS);
    expect(cancelled.data.status).toBe('cancelled');
    await colleagues.next((r) => r.event === 'inbox' && r.data.kind === 'cancelled' && r.data.taskId === taskId, 'the colleague told of the cancellation');

    // The commune officer heard nothing of it, and nobody else's bell rang.
    expect(outsiders.received.filter((r) => r.event !== 'ready')).toEqual([]);
    expect(colleagues.received.some((r) => r.event === 'notification')).toBe(false);
  });

  it('a claim and a completion reach the open inboxes, each announced by the statement that makes it', async () => {
    const [mine, colleagues] = await Promise.all([stream(officer), stream(colleague)]);
    const id = `live-done-${Date.now()}`;
    const { processInstanceKey: key } = await deployAndStart(p.app, designer, officer, {
      resourceName: `${id}.bpmn`,
      xml: oneStep(id, [colleague.user.username]),
    });
    const isFor = (kind: string) => (r: Received) => r.event === 'inbox' && r.data.kind === kind && r.data.processInstanceKey === key;
    const taskId = (await mine.next(isFor('created'), 'the created event')).data.taskId as string;
    await colleagues.next(isFor('created'), 'the colleague told of the new task');
    expect((await officer.post(`/api/tasks/${taskId}/claim`)).status).toBe(200);
    expect((await colleagues.next(isFor('claimed'), 'the claim')).data).toMatchObject({ taskId, status: 'open', assignee: officer.user.username });
    const done = await officer.post(`/api/tasks/${taskId}/complete`, { variables: {} });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: taskId, status: 'completed' });
    // the holder's other pages and the colleague who may see the task learn that it left the open inboxes
    expect((await mine.next(isFor('completed'), 'the completion')).data).toMatchObject({ taskId, status: 'completed' });
    await colleagues.next(isFor('completed'), 'the colleague told of the completion');
  });

  it('two officers who claim the same task at once: one holds it, the other is told who does, and one claim is announced', async () => {
    const mine = await stream(officer);
    const id = `live-race-${Date.now()}`;
    const dep = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml: oneStep(id, []) });
    expect(dep.status).toBe(201);
    for (let i = 0; i < 5; i++) {
      const started = await officer.post('/api/process-instances', { bpmnProcessId: id, variables: {} });
      expect(started.status).toBe(201);
      const key = started.body.processInstanceKey as string;
      const row = await waitFor(() => p.db('inbox_tasks').where({ process_instance_key: key }).first(), 'the inbox row', 15_000);
      const [a, b] = await Promise.all([officer.post(`/api/tasks/${row.job_key}/claim`), colleague.post(`/api/tasks/${row.job_key}/claim`)]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 409]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(lost.body).toMatchObject({ code: 'TASK_CLAIMED_BY', params: { by: won.body.assignee } });
      expect((await p.db('inbox_tasks').where({ job_key: row.job_key }).first('assignee')).assignee).toBe(won.body.assignee);
      await mine.next((r) => r.event === 'inbox' && r.data.kind === 'claimed' && r.data.taskId === String(row.job_key), 'the claim');
      await new Promise((r) => setTimeout(r, 300));
      expect(mine.received.filter((r) => r.data.kind === 'claimed' && r.data.taskId === String(row.job_key))).toHaveLength(1);
    }
  });

  it('a task offered to more people than one announcement can carry still reaches its inbox, and open pages refetch', async () => {
    const mine = await stream(officer);
    // 600 names of 20 characters: the announcement of this task would pass NOTIFY's 8000 bytes
    const many = Array.from({ length: 600 }, (_, i) => `nguoi-duoc-giao-${String(i).padStart(4, '0')}`);
    const id = `live-many-${Date.now()}`;
    const { processInstanceKey: key } = await deployAndStart(p.app, designer, officer, { resourceName: `${id}.bpmn`, xml: oneStep(id, many) });
    // the step is written as usual (the job did not fail on the announcement's length)
    const row = await waitFor(() => p.db('inbox_tasks').where({ process_instance_key: key }).first(), 'the inbox row of the step', 15_000);
    expect(row).toMatchObject({ status: 'open' });
    expect(row.candidate_users).toHaveLength(600);
    // the open page is told to refetch instead, and its inbox lists the task
    await mine.next((r) => r.event === 'resync', 'the resync event');
    expect(mine.received.some((r) => r.event === 'inbox' && r.data.processInstanceKey === key)).toBe(false);
    const list = await officer.get('/api/tasks?scope=available&limit=200');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain(String(row.job_key));
    // a claim of it answers as usual
    expect((await officer.post(`/api/tasks/${row.job_key}/claim`)).status).toBe(200);
  });

  it('ends open streams when the server closes', async () => {
    const other = await startTestPlatform();
    const who = await login(other.app, await createUser(other.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const ticket = (await who.post('/api/events/ticket')).body.ticket as string;
    const s = await openStream(`${other.url}/api/events?ticket=${encodeURIComponent(ticket)}`);
    await s.next((r) => r.event === 'ready', 'ready');
    const t0 = Date.now();
    await other.close();
    expect(Date.now() - t0).toBeLessThan(10_000);
    s.close();
  });
});
