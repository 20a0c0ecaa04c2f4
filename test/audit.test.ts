import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { LAND_PROCESS, startLandCase } from './helpers/audit-flow.js';
import { appendAudit, verifyAuditChain } from '../domain/audit/chain.js';

/**
 * The audit log: hash chain, append-only table, verification that names tampered entries,
 * the login/deploy/start/cancel hooks, the read-only and scoped auditor.
 */
describe('audit log', () => {
  let p: TestPlatform;
  let owner: Knex; // the owner of the tables: a DBA with full rights (the platform itself runs as the application role)
  let auditor: Client; // audits the whole province (TINH)
  let admin: Client;
  let reception: Client;
  let leader: Client;

  beforeAll(async () => {
    p = await startTestPlatform();
    owner = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 1 });
    auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'], unitCode: 'SNNMT' }));
    reception = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
  });
  afterAll(async () => {
    await owner?.destroy();
    await p?.close();
  });

  const entries = (where: Record<string, unknown>) => p.db('audit_log').where(where).orderBy('seq');

  it('logs sign-ins, failed sign-ins, case start and cancel with actor, role and unit', async () => {
    // given an officer who signs in, and someone who guesses a password
    const officer = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' });
    await login(p.app, officer);
    const bad = await p.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: officer.username, password: 'sai-mat-khau' } });
    expect(bad.statusCode).toBe(401);

    // then both are in the log
    const logins = await entries({ action: 'auth.login', actor: officer.username });
    expect(logins).toHaveLength(1);
    expect(logins[0]).toMatchObject({ actor_roles: ['officer'], actor_unit: 'SNNMT-VP', target_type: 'user', target_id: officer.username });
    const failed = await entries({ action: 'auth.login_failed', target_id: officer.username });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor: null, reason: 'wrong password' });

    // when a case is started and cancelled
    const key = await startLandCase(reception, { maHoSo: 'AUD-START-1' });
    expect((await leader.del(`/api/process-instances/${key}`)).status).toBe(204);
    const trail = await entries({ target_type: 'case', target_id: key });
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['case.start', reception.user.username],
      ['case.cancel', leader.user.username],
    ]);
    expect(trail[0].after).toMatchObject({ bpmnProcessId: LAND_PROCESS, variables: { maHoSo: 'AUD-START-1' } });
  });

  it('keeps one linear chain under concurrent appends', async () => {
    const before = await verifyAuditChain(p.db);
    expect(before.problems).toEqual([]);
    const rows = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        appendAudit(p.db, { actor: 'concurrency', actorRoles: [], actorUnit: null, action: 'test.concurrent', after: { i } }),
      ),
    );
    const seqs = rows.map((r) => BigInt(r.seq)).sort((a, b) => (a < b ? -1 : 1));
    for (let i = 1; i < seqs.length; i++) expect(seqs[i] - seqs[i - 1]).toBe(1n);
    const after = await verifyAuditChain(p.db);
    expect(after).toMatchObject({ ok: true, problems: [] });
    expect(after.checked).toBe(before.checked + 30 + 0);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the log, even to its owner', async () => {
    const row = await appendAudit(p.db, { actor: 'x', actorRoles: [], actorUnit: null, action: 'test.immutable' });
    await expect(owner('audit_log').where({ seq: row.seq }).update({ reason: 'sửa' })).rejects.toThrow(/append-only/);
    await expect(owner('audit_log').where({ seq: row.seq }).del()).rejects.toThrow(/append-only/);
    await expect(owner.raw('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    await expect(owner('audit_chain_head').update({ last_seq: 1 })).rejects.toThrow(/only moves forward/);
    expect((await p.db('audit_log').where({ seq: row.seq }).first()).reason).toBeNull();
  });

  // The application role's refusals (privileges, triggers it cannot switch off): test/db-least-privilege.test.ts

  it('names an altered and a deleted entry by seq (a DBA with full rights disabled the trigger)', async () => {
    // given three entries
    const a = await appendAudit(p.db, { actor: 'x', actorRoles: ['officer'], actorUnit: 'SNNMT', action: 'test.tamper', after: { soTien: 100 } });
    const b = await appendAudit(p.db, { actor: 'x', actorRoles: ['officer'], actorUnit: 'SNNMT', action: 'test.tamper', after: { soTien: 200 } });
    await appendAudit(p.db, { actor: 'x', actorRoles: ['officer'], actorUnit: 'SNNMT', action: 'test.tamper', after: { soTien: 300 } });
    const deleted = await p.db('audit_log').where({ seq: b.seq }).first();

    // when the owner disables the triggers, changes one entry's "after" and deletes another
    await owner.raw('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      await owner('audit_log')
        .where({ seq: a.seq })
        .update({ after: JSON.stringify({ soTien: 999 }) });
      await owner('audit_log').where({ seq: b.seq }).del();

      // then the verification (function, endpoint) names both
      const report = await verifyAuditChain(p.db);
      expect(report.ok).toBe(false);
      expect(report.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ seq: a.seq, kind: 'altered' }), expect.objectContaining({ seq: b.seq, kind: 'deleted' })]),
      );
      expect(report.problems).toHaveLength(2);
      const viaApi = await auditor.get('/api/audit/verify');
      expect(viaApi.status).toBe(200);
      expect(viaApi.body.ok).toBe(false);
      expect(viaApi.body.problems.map((x: any) => [x.seq, x.kind])).toEqual([
        [a.seq, 'altered'],
        [b.seq, 'deleted'],
      ]);
    } finally {
      // restore what the DBA did, so the chain is whole again for everyone else
      await owner('audit_log')
        .where({ seq: a.seq })
        .update({ after: JSON.stringify(a.after) });
      await owner('audit_log').insert({
        ...deleted,
        after: JSON.stringify(deleted.after),
        before: deleted.before === null ? null : JSON.stringify(deleted.before),
      });
      await owner.raw('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
    expect(await verifyAuditChain(p.db)).toMatchObject({ ok: true, problems: [] });
  });

  it('detects an entry inserted with a forged seq beyond the chain head, and a truncated tail', async () => {
    const last = await appendAudit(p.db, { actor: 'x', actorRoles: [], actorUnit: null, action: 'test.tail' });
    const forgedSeq = String(BigInt(last.seq) + 1n);
    // the DBA switches off every trigger of the log (append-only, and the claim of the seq in audit_log_seq)
    await owner.raw('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      await owner('audit_log').insert({
        ...(await p.db('audit_log').where({ seq: last.seq }).first()),
        seq: forgedSeq,
        after: null,
        before: null,
        prev_hash: last.hash,
        action: 'forged',
      });
      const report = await verifyAuditChain(p.db);
      expect(report.problems).toEqual([expect.objectContaining({ seq: forgedSeq, kind: 'inserted' })]);
      await owner('audit_log').where({ seq: forgedSeq }).del();
      const tail = { ...(await p.db('audit_log').where({ seq: last.seq }).first()) };
      await owner('audit_log').where({ seq: last.seq }).del();
      expect((await verifyAuditChain(p.db)).problems).toEqual([expect.objectContaining({ seq: last.seq, kind: 'deleted' })]);
      await owner('audit_log').insert({ ...tail, after: null, before: null });
    } finally {
      await owner.raw('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
    expect((await verifyAuditChain(p.db)).ok).toBe(true);
  });

  it('refuses an auditor any write with 403 and logs the attempt; its own saved searches are allowed', async () => {
    // when the auditor tries to start a case, claim a task and grant itself a scope
    const start = await auditor.post('/api/process-instances', { bpmnProcessId: LAND_PROCESS, variables: {} });
    expect(start.status).toBe(403);
    expect((await auditor.post('/api/tasks/123/claim')).status).toBe(403);
    expect((await auditor.post('/api/audit/scopes', { username: auditor.user.username, unitCode: 'XA-TANPHU' })).status).toBe(403);

    // then each refusal is in the log, by that auditor, before the answer left
    const denied = await entries({ actor: auditor.user.username, action: 'access.denied' });
    expect(denied.map((e) => e.after)).toEqual(
      expect.arrayContaining([
        { method: 'POST', url: '/api/process-instances' },
        { method: 'POST', url: '/api/tasks/123/claim' },
        { method: 'POST', url: '/api/audit/scopes' },
      ]),
    );
    expect(denied[0]).toMatchObject({ actor_roles: ['auditor'], actor_unit: 'TINH' });
    expect(denied[0].reason).toMatch(/Requires role|read-only/);

    // and a saved search is fine, and audited
    const saved = await auditor.post('/api/audit/saved-queries', { name: 'Trễ hạn đất đai', query: { bpmnProcessId: LAND_PROCESS, timing: 'late' } });
    expect(saved.status).toBe(201);
    expect((await auditor.get('/api/audit/saved-queries')).body.items.map((q: any) => q.name)).toEqual(['Trễ hạn đất đai']);
    expect(await entries({ actor: auditor.user.username, action: 'audit.saved_query.save' })).toHaveLength(1);
    expect((await auditor.del(`/api/audit/saved-queries/${saved.body.id}`)).status).toBe(204);
    // officers have no access to the audit views at all
    expect((await reception.get('/api/audit/cases')).status).toBe(403);
  });

  it('scopes an auditor to its unit subtree plus the units an admin grants; out of scope is 403 and logged', async () => {
    // given a case of the department (SNNMT-VP started it; its steps belong to SNNMT units)
    const key = await startLandCase(reception, { maHoSo: 'AUD-SCOPE-1' });
    await waitFor(
      async () => (await p.db('hist_variables').where({ scope_key: key, name: 'maHoSo' }).first()) ?? false,
      'the case and its variables in history',
    );
    const communeAuditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'XA-TANPHU' }));
    const communeLeader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'XA-TANPHU' }));

    // then the province auditor, the admin and the department's leader see it; the commune's do not
    expect((await auditor.get(`/api/cases/${key}/timeline`)).status).toBe(200);
    expect((await admin.get(`/api/cases/${key}/timeline`)).status).toBe(200);
    expect((await leader.get(`/api/cases/${key}/timeline`)).status).toBe(200);
    expect((await communeLeader.get(`/api/cases/${key}/timeline`)).status).toBe(403);
    const out = await communeAuditor.get(`/api/cases/${key}/timeline`);
    expect(out.status).toBe(403);
    expect(await entries({ actor: communeAuditor.user.username, action: 'access.denied' })).toEqual([
      expect.objectContaining({ after: { method: 'GET', url: `/api/cases/${key}/timeline` } }),
    ]);
    // the audit log itself is scoped too: only actors of the commune's subtree
    const log = await communeAuditor.get('/api/audit/log?action=auth.login&limit=500');
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: any) => e.actor)).toContain(communeAuditor.user.username);
    // (the commune's subtree: XA-TANPHU and its one-stop divisions, never SNNMT)
    expect(log.body.items.length).toBeGreaterThan(0);
    for (const e of log.body.items) expect(e.actorUnit).toMatch(/^XA-TANPHU(-|$)/);
    expect((await auditor.get('/api/audit/log?action=auth.login&limit=500')).body.items.map((e: any) => e.actor)).toContain(reception.user.username);
    const search = await communeAuditor.get(`/api/audit/cases?q=AUD-SCOPE-1`);
    expect(search.body).toMatchObject({ total: 0, items: [] });

    // when an admin lets the commune auditor audit the department
    const grant = await admin.post('/api/audit/scopes', { username: communeAuditor.user.username, unitCode: 'SNNMT', reason: 'Đợt kiểm tra quý IV' });
    expect(grant.status).toBe(201);
    expect(grant.body).toMatchObject({ unitCode: 'SNNMT', grantedBy: admin.user.username });
    expect((await communeAuditor.get(`/api/cases/${key}/timeline`)).status).toBe(200);
    expect((await communeAuditor.get(`/api/audit/cases?q=AUD-SCOPE-1`)).body.total).toBe(1);
    expect((await communeAuditor.get('/api/audit/scopes')).body.items.map((s: any) => s.unitCode)).toEqual(['SNNMT']);

    // and withdraws it again
    expect((await admin.del(`/api/audit/scopes/${communeAuditor.user.username}/SNNMT`)).status).toBe(204);
    expect((await communeAuditor.get(`/api/cases/${key}/timeline`)).status).toBe(403);
    expect((await entries({ target_type: 'user', target_id: communeAuditor.user.username })).map((e) => e.action)).toEqual([
      'auth.login',
      'audit.scope.grant',
      'audit.scope.revoke',
    ]);
    // every timeline read is itself audited
    expect((await entries({ action: 'audit.case.timeline', target_id: key })).map((e) => e.actor)).toEqual([
      auditor.user.username,
      admin.user.username,
      leader.user.username,
      communeAuditor.user.username,
    ]);
    await leader.del(`/api/process-instances/${key}`);
  });
});
