import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

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
    next: (match: (r: Received) => boolean, what: string, timeoutMs = 5000) => waitFor(async () => received.find(match), what, timeoutMs, 20),
    close: () => abort.abort(),
  };
}
type Stream = Awaited<ReturnType<typeof openStream>>;

describe('live inbox: server-sent events', () => {
  let p: TestPlatform;
  let officer: Client; // SNNMT-VP officer: the first step is offered to them
  let colleague: Client; // another SNNMT-VP officer
  let leader: Client; // SNNMT leader: the subtree includes SNNMT-VP
  let outsider: Client; // commune officer: sees none of it
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
  });
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

  it('a new task reaches every inbox that may see it within a second, and its cancellation too', async () => {
    const [mine, colleagues, leaders, outsiders] = await Promise.all([stream(officer), stream(colleague), stream(leader), stream(outsider)]);

    // When a case is started, Zeebe activates the first step's job and the inbox worker writes it.
    const started = await officer.post('/api/process-instances', { bpmnProcessId: PROCESS_ID, variables: { maHoSo: `LIVE-${Date.now()}` } });
    expect(started.status).toBe(201);
    const key = started.body.processInstanceKey as string;
    const isCreated = (r: Received) => r.event === 'inbox' && r.data.kind === 'created' && r.data.processInstanceKey === key;
    const created = await mine.next(isCreated, 'the created event');
    const taskId = created.data.taskId as string;
    // Then: within a second of the row being written (the job's activation).
    const row = await p.db('inbox_tasks').where({ job_key: taskId }).first();
    expect(created.at - row.created_at.getTime()).toBeLessThan(1000);
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
    expect(cancelled.at - cancelledAt).toBeLessThan(2000);
    expect(cancelled.data.status).toBe('cancelled');
    await colleagues.next((r) => r.event === 'inbox' && r.data.kind === 'cancelled' && r.data.taskId === taskId, 'the colleague told of the cancellation');

    // The commune officer heard nothing of it, and nobody else's bell rang.
    expect(outsiders.received.filter((r) => r.event !== 'ready')).toEqual([]);
    expect(colleagues.received.some((r) => r.event === 'notification')).toBe(false);
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
