import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, procedureEntry, receiveAtDesk } from './helpers/onestop.js';
import { TcpProxy } from './helpers/tcp-proxy.js';
import { enqueueCommand, startIdOf } from '../engine/outbox.js';
import { CASE_START_DONE } from '../domain/audit/case-start.js';

/**
 * The engine outbox against the real broker and database: every case asked for exists exactly once,
 * whatever the engine answered, whether the process crashed, and however often the client retried.
 * The only fault injected is at the client boundary (the gRPC call of engine/client.ts): the real
 * command reaches the engine, and its answer is replaced by DEADLINE_EXCEEDED, as a gateway does when
 * the broker commits late.
 */
const PROCESS = 'dang-ky-bien-dong-dat-dai';
process.env.OUTBOX_GRACE_MS = '3000'; // the relay may decide "not started" 3 s after an uncertain send

describe('engine outbox: exactly one case per start', () => {
  let proxy: TcpProxy;
  let p: TestPlatform;
  let officer: Client;
  let other: Client;

  beforeAll(async () => {
    const [host, port] = inject('zeebeAddress').split(':');
    proxy = new TcpProxy({ host: host, port: Number(port) });
    await proxy.up();
    p = await startTestPlatform({ zeebeAddress: proxy.address });
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    other = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
  });
  afterAll(async () => {
    await p?.close();
    await proxy?.down();
  });

  const start = async (
    c: Client,
    key: string | undefined,
    body: Record<string, unknown> = { bpmnProcessId: PROCESS, variables: { maHoSo: key ?? 'none' } },
  ) => {
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/process-instances',
      headers: { authorization: `Bearer ${c.token}`, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });
    return { status: r.statusCode, body: r.json() };
  };
  /** Instances the engine created for an outbox command, from the exported history. */
  const instancesOf = async (outboxId: string) =>
    (
      await p
        .db('hist_variables')
        .where({ name: 'eisoStartId' })
        .whereRaw(`value = to_jsonb(?::text)`, [startIdOf(outboxId)])
        .pluck('process_instance_key')
    ).map(String);
  const outboxIdOf = async (userId: string, key: string) =>
    String(
      (
        await p
          .db('engine_outbox')
          .where({ dedupe_key: `api:${userId}:${key}` })
          .first('id')
      ).id,
    );

  it('an Idempotency-Key retry returns the same case; another key or another user gets its own', async () => {
    const first = await start(officer, 'dk-001');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await start(officer, 'dk-001');
    expect(again.status).toBe(200);
    expect(again.body.processInstanceKey).toBe(first.body.processInstanceKey);
    const otherKey = await start(officer, 'dk-002');
    expect(otherKey.status).toBe(201);
    expect(otherKey.body.processInstanceKey).not.toBe(first.body.processInstanceKey);
    const otherUser = await start(other, 'dk-001');
    expect(otherUser.status).toBe(201);
    expect(otherUser.body.processInstanceKey).not.toBe(first.body.processInstanceKey);
    // The same key for another request is refused, and changes nothing.
    const misuse = await start(officer, 'dk-001', { bpmnProcessId: 'iso-xu-ly-rui-ro' });
    expect(misuse.status).toBe(422);
    expect(misuse.body.message).toContain('Idempotency-Key');
    // One case in the engine, one case.start in the audit log.
    const id = await outboxIdOf(String(officer.user.id), 'dk-001');
    await waitFor(async () => (await instancesOf(id)).length === 1, 'the case in the history');
    expect(await instancesOf(id)).toEqual([first.body.processInstanceKey]);
    expect(await p.db('audit_log').where({ action: 'case.start', target_id: first.body.processInstanceKey }).count<{ n: string }[]>({ n: '*' })).toEqual([
      { n: '1' },
    ]);
  });

  it('a start whose answer is lost (DEADLINE_EXCEEDED after the broker created it) is completed once by the relay', async () => {
    const real = p.zeebe.createProcessInstance.bind(p.zeebe);
    let calls = 0;
    p.zeebe.createProcessInstance = (async (req: any) => {
      calls++;
      if (calls > 1) return real(req);
      await real(req); // the broker creates the instance...
      throw Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 }); // ...and the answer is lost
    }) as typeof p.zeebe.createProcessInstance;
    try {
      const r = await start(officer, 'lost-answer-1');
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body.message).toContain('đã được lưu');
      // The client retries with the same key: never a second case; once the relay has settled it, the case.
      const settled = await waitFor(
        async () => {
          const again = await start(officer, 'lost-answer-1');
          expect([200, 202]).toContain(again.status);
          return again.status === 200 ? again : undefined;
        },
        'the relay to settle the start',
        60_000,
        500,
      );
      const id = await outboxIdOf(String(officer.user.id), 'lost-answer-1');
      const row = await p.db('engine_outbox').where({ id }).first();
      expect(row).toMatchObject({ status: 'done', adopted: true });
      await waitFor(async () => (await instancesOf(id)).length >= 1, 'the case in the history');
      expect(await instancesOf(id)).toEqual([settled.body.processInstanceKey]);
      expect(calls).toBe(1); // adopted from the history, never sent again
      expect(await p.db('audit_log').where({ action: 'case.start', target_id: settled.body.processInstanceKey }).count<{ n: string }[]>({ n: '*' })).toEqual([
        { n: '1' },
      ]);
    } finally {
      p.zeebe.createProcessInstance = real;
    }
  });

  it('a start that never reached the engine (rejected at the client boundary, outcome unknown) is sent again once after the exporter has caught up', async () => {
    const real = p.zeebe.createProcessInstance.bind(p.zeebe);
    let calls = 0;
    p.zeebe.createProcessInstance = (async (req: any) => {
      calls++;
      if (calls > 1) return real(req);
      throw Object.assign(new Error('13 INTERNAL: stream reset'), { code: 13 }); // unknown outcome; in fact nothing was sent
    }) as typeof p.zeebe.createProcessInstance;
    try {
      const r = await start(officer, 'lost-request-1');
      expect(r.status).toBe(202);
      const settled = await waitFor(
        async () => {
          const again = await start(officer, 'lost-request-1');
          return again.status === 200 ? again : undefined;
        },
        'the relay to send it again',
        60_000,
        500,
      );
      const id = await outboxIdOf(String(officer.user.id), 'lost-request-1');
      // Sent again (not adopted: there was nothing to adopt); by this relay or, when test files share
      // the database, by another platform's relay.
      expect(await p.db('engine_outbox').where({ id }).first()).toMatchObject({ status: 'done', adopted: false });
      expect(calls).toBeGreaterThanOrEqual(1);
      await waitFor(async () => (await instancesOf(id)).length >= 1, 'the case in the history');
      expect(await instancesOf(id)).toEqual([settled.body.processInstanceKey]);
    } finally {
      p.zeebe.createProcessInstance = real;
    }
  });

  it('crash between commit and send: a start left pending, and one sent by a process that died before recording it, each give one case', async () => {
    // Committed, never sent (the API process was killed right after the commit): the relay sends it.
    const { id: never } = await enqueueCommand(p.db, {
      kind: 'start',
      request: { bpmnProcessId: PROCESS, variables: { maHoSo: 'CRASH-1' } },
      onDone: CASE_START_DONE,
      args: { actor: officer.user.username, actorRoles: ['officer'], actorUnit: 'SNNMT-VP', ip: null, variables: {} },
    });
    // Committed, marked in flight and sent, then the process died before recording the answer: the
    // relay must find the instance in the history and adopt it, not start a second one.
    const { id: died } = await enqueueCommand(p.db, {
      kind: 'start',
      request: { bpmnProcessId: PROCESS, variables: { maHoSo: 'CRASH-2' } },
      onDone: CASE_START_DONE,
      args: { actor: officer.user.username, actorRoles: ['officer'], actorUnit: 'SNNMT-VP', ip: null, variables: {} },
    });
    await p
      .db('engine_outbox')
      .where({ id: died })
      .update({ in_flight_since: p.db.fn.now(), attempts: 1, lease_until: p.db.raw(`now() + interval '2 seconds'`) });
    const sent = await p.zeebe.createProcessInstance({ bpmnProcessId: PROCESS, variables: { maHoSo: 'CRASH-2', eisoStartId: startIdOf(died) } });

    const done = await waitFor(
      async () => {
        const rows = await p.db('engine_outbox').whereIn('id', [never, died]).where({ status: 'done' });
        return rows.length === 2 ? rows : undefined;
      },
      'the relay to settle both',
      60_000,
      500,
    );
    const byId = new Map(done.map((r: any) => [String(r.id), r]));
    expect(byId.get(died).adopted).toBe(true);
    expect(byId.get(died).result.processInstanceKey).toBe(String(sent.processInstanceKey));
    for (const id of [never, died]) {
      await waitFor(async () => (await instancesOf(id)).length >= 1, 'the case in the history');
      expect(await instancesOf(id)).toHaveLength(1);
    }
    // Seconds later, still exactly one each (no late second start).
    await new Promise((r) => setTimeout(r, 2000));
    for (const id of [never, died]) expect(await instancesOf(id)).toHaveLength(1);
  });

  it('a message whose answer is lost is sent again and published once (Zeebe refuses the same messageId while it is buffered)', async () => {
    const real = p.zeebe.publishMessage.bind(p.zeebe);
    const messageId = `outbox-test-${Date.now()}`;
    let calls = 0;
    p.zeebe.publishMessage = (async (req: any) => {
      if (req.messageId !== messageId) return real(req);
      calls++;
      const res = await real(req); // Zeebe publishes it (and refuses a second one while it is buffered)...
      if (calls === 1) throw Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 }); // ...the answer is lost
      return res;
    }) as typeof p.zeebe.publishMessage;
    try {
      const { id } = await enqueueCommand(p.db, {
        kind: 'message',
        dedupeKey: `message:${messageId}`,
        request: { name: 'outbox-test-message', correlationKey: messageId, messageId, timeToLive: 60_000, variables: {} },
      });
      const row = await waitFor(
        async () => {
          const r = await p.db('engine_outbox').where({ id }).first();
          return r.status === 'done' ? r : undefined;
        },
        'the message to be settled',
        30_000,
        200,
      );
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      const published = async () =>
        p
          .db('zeebe_record')
          .where({ value_type: 'MESSAGE', intent: 'PUBLISHED' })
          .whereRaw(`body->'value'->>'messageId' = ?`, [messageId])
          .count<{ n: string }[]>({ n: '*' });
      await waitFor(async () => (await published())[0].n !== '0', 'the exported message');
      await new Promise((r) => setTimeout(r, 1000));
      expect(await published()).toEqual([{ n: '1' }]);
    } finally {
      p.zeebe.publishMessage = real;
    }
  });

  it('one-stop reception with the engine unreachable: the dossier is received with its appointment, and exactly one instance starts when the engine is back', async () => {
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    const procedure = procedureEntry();
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    expect(
      (await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId as string) }))
        .status,
    ).toBe(201);

    await proxy.down();
    let isUp = false;
    try {
      const r = await receiveAtDesk(p.app, desk, {
        procedureCode: procedure.code,
        applicant: { name: 'Trần Thị Bình' },
        documents: [
          { code: 'DON', copies: 1 },
          { code: 'CCCD', copies: 1 },
        ],
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'RECEIVED', processInstanceKey: null });
      expect(r.body.appointmentAt).toBeTruthy();
      const dossierId = String(r.body.id);
      expect(
        (
          await p
            .db('engine_outbox')
            .where({ dedupe_key: `dossier-accept:${dossierId}` })
            .first()
        ).status,
      ).toBe('pending');

      await proxy.up();
      isUp = true;
      const d = await waitFor(
        async () => {
          const row = await p.db('dossiers').where({ id: dossierId }).first();
          return row.process_instance_key ? row : undefined;
        },
        'the relay to start the dossier process',
        60_000,
        500,
      );
      const clock = await p.db('case_deadlines').where({ process_instance_key: d.process_instance_key }).first();
      expect(clock.appointment_at.toISOString()).toBe(r.body.appointmentAt);
      const seen = await desk.get(`/api/onestop/dossiers/${dossierId}`);
      expect(seen.body.processInstanceKey).toBe(String(d.process_instance_key));
      // Exactly one instance carries this dossier.
      const instances = async () =>
        p.db('hist_variables').where({ name: 'dossierId' }).whereRaw(`value = to_jsonb(?::text)`, [dossierId]).pluck('process_instance_key');
      await waitFor(async () => (await instances()).length >= 1, 'the instance in the history');
      await new Promise((res) => setTimeout(res, 2000));
      expect((await instances()).map(String)).toEqual([String(d.process_instance_key)]);
    } finally {
      if (!isUp) await proxy.up();
    }
  });

  it('without a key, an engine that clearly cannot be reached answers 503 and keeps nothing queued', async () => {
    await proxy.down();
    let isUp = false;
    try {
      const mine = () => p.db('engine_outbox').where({ created_by: officer.user.username, status: 'pending' }).count<{ n: string }[]>({ n: '*' });
      expect(await mine()).toEqual([{ n: '0' }]);
      const r = await start(officer, undefined);
      expect(r.status).toBe(503);
      expect(r.body.message).toMatch(/Zeebe/);
      expect(await mine()).toEqual([{ n: '0' }]);
      // With a key the same request is accepted into the outbox (202, Vietnamese message) and starts later.
      const q = await start(officer, 'while-down-1');
      expect(q.status).toBe(202);
      expect(q.body).toMatchObject({ status: 'queued' });
      expect(q.body.message).toMatch(/tự động thực hiện/);
      await proxy.up();
      isUp = true;
      const ok = await waitFor(
        async () => {
          const again = await start(officer, 'while-down-1');
          return again.status === 200 ? again : undefined;
        },
        'the queued start',
        60_000,
        500,
      );
      const id = await outboxIdOf(String(officer.user.id), 'while-down-1');
      await waitFor(async () => (await instancesOf(id)).length >= 1, 'the case in the history');
      expect(await instancesOf(id)).toEqual([ok.body.processInstanceKey]);
    } finally {
      if (!isUp) await proxy.up();
    }
  });
});
