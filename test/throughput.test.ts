import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { appendAudit, entryHash, verifyAuditChain, type AuditRow } from '../domain/audit/chain.js';

/**
 * The audit chain is appended in one SQL statement (domain/audit/chain.ts): PostgreSQL splices seq, time
 * and prev_hash into the canonical text and hashes it under the head's lock. These tests hold it to
 * the verifier's hash (entryHash in TypeScript) on awkward text, and to one linear, time-ordered chain
 * under many concurrent appends.
 */
describe('audit chain appended in one statement', () => {
  let p: TestPlatform;

  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
  });
  afterAll(async () => p?.close());

  const stored = (seq: string): Promise<AuditRow> => p.db('audit_log').where({ seq }).first();

  it('stores the hash the verifier computes, whatever the text', async () => {
    // given entries with Vietnamese text, quotes, backslashes, line separators, emoji, nested objects with unsorted keys
    const inputs = [
      {
        actor: 'nguyễn.văn.an',
        actorRoles: ['officer', 'leader'],
        actorUnit: 'SNNMT-VP',
        action: 'task.complete',
        targetType: 'task',
        targetId: '2251799813685249',
        after: { variables: { ghiChu: 'Hồ sơ đã đủ "giấy tờ" \\ kèm theo', soThua: '7/3', dienTich: 120.5, duyet: true } },
        reason: 'Đồng ý / Agree',
        ip: '127.0.0.1',
      },
      {
        actor: null,
        actorRoles: [],
        actorUnit: null,
        action: 'auth.login_failed',
        targetType: 'user',
        targetId: 'không-có',
        reason: 'line\u2028separator\u2029 and \u0001 control, emoji 🏛️',
      },
      {
        actor: 'x',
        actorRoles: ['admin'],
        actorUnit: 'TINH',
        action: 'calendar.update',
        before: { z: 1, a: [3, { y: null, b: 'ư' }] },
        after: { a: [], z: { nested: { deeper: 'Tết' } } },
      },
    ];
    // when each is appended
    const rows = [];
    for (const input of inputs) rows.push(await appendAudit(p.db, input));
    // then the row read back hashes to its stored hash, links to its predecessor, and the chain verifies
    for (const row of rows) {
      const back = await stored(row.seq);
      expect(entryHash(back)).toBe(back.hash);
      expect(back.hash).toBe(row.hash);
    }
    expect(rows[1].prev_hash).toBe(rows[0].hash);
    expect(rows[2].prev_hash).toBe(rows[1].hash);
    expect((await stored(rows[0].seq)).reason).toBe('Đồng ý / Agree');
    expect(await verifyAuditChain(p.db)).toMatchObject({ ok: true, problems: [] });
  });

  it('keeps one chain, in time order, under 40 concurrent appends', async () => {
    // when 40 appends race for the head
    const rows = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        appendAudit(p.db, { actor: `racer${i}`, actorRoles: ['officer'], actorUnit: 'SNNMT', action: 'test.race', after: { i } }),
      ),
    );
    // then their seqs are consecutive, each links to the one before, and time never goes backwards
    const chain = await p
      .db('audit_log')
      .whereIn(
        'seq',
        rows.map((r) => r.seq),
      )
      .orderBy('seq');
    expect(chain).toHaveLength(40);
    for (let i = 1; i < chain.length; i++) {
      expect(BigInt(chain[i].seq) - BigInt(chain[i - 1].seq)).toBe(1n);
      expect(chain[i].prev_hash).toBe(chain[i - 1].hash);
      expect(chain[i].at.getTime()).toBeGreaterThanOrEqual(chain[i - 1].at.getTime());
    }
    const head = await p.db('audit_chain_head').where({ id: 1 }).first();
    expect(String(head.last_seq)).toBe(String(chain[39].seq));
    expect(head.last_hash).toBe(chain[39].hash);
    expect(await verifyAuditChain(p.db)).toMatchObject({ ok: true, problems: [] });
  });

  it("appends inside the caller's transaction and leaves nothing when it rolls back", async () => {
    const headBefore = await p.db('audit_chain_head').where({ id: 1 }).first();
    await expect(
      p.db.transaction(async (trx) => {
        await appendAudit(trx, { actor: 'x', actorRoles: [], actorUnit: null, action: 'test.rollback' });
        throw new Error("the caller's change failed");
      }),
    ).rejects.toThrow(/caller/);
    const headAfter = await p.db('audit_chain_head').where({ id: 1 }).first();
    expect(String(headAfter.last_seq)).toBe(String(headBefore.last_seq));
    expect(await p.db('audit_log').where({ action: 'test.rollback' })).toHaveLength(0);
    // and the next append continues the chain without a gap
    const next = await appendAudit(p.db, { actor: 'x', actorRoles: [], actorUnit: null, action: 'test.after_rollback' });
    expect(BigInt(next.seq)).toBe(BigInt(headBefore.last_seq) + 1n);
    expect(await verifyAuditChain(p.db)).toMatchObject({ ok: true, problems: [] });
  });
});
