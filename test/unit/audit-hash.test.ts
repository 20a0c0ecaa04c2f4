import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import { GENESIS_HASH, HASH_HMAC, HASH_PLAIN, canonicalJson, deriveAuditKeys, entryHash, type AuditRow } from '../../domain/audit/chain.js';

/**
 * The hashing of the audit chain (domain/audit/chain.ts), without a database: the canonical JSON an
 * entry is hashed over, the entry hash (plain sha256 and HMAC-SHA256 with the chain key) and the key
 * derivation. Expected hashes are node:crypto digests of canonical texts written out by hand here.
 * appendAudit computes the same hash inside PostgreSQL and is tested in the integration lane.
 */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest('hex');

describe('canonicalJson', () => {
  it('sorts object keys at every level, whatever order they were written in', () => {
    const a = { b: 1, a: { d: [1, { z: null, y: 'x' }], c: true } };
    const b = { a: { c: true, d: [1, { y: 'x', z: null }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":true,"d":[1,{"y":"x","z":null}]},"b":1}');
    expect(canonicalJson(b)).toBe(canonicalJson(a));
  });

  it('keeps the order of arrays', () => {
    expect(canonicalJson([3, 1, 2])).toBe('[3,1,2]');
    expect(canonicalJson([{ b: 2, a: 1 }, 'x'])).toBe('[{"a":1,"b":2},"x"]');
  });

  it('writes scalars as JSON and leaves undefined object members out (as jsonb does)', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson('Nguyễn "Văn" A\n')).toBe('"Nguyễn \\"Văn\\" A\\n"');
    expect(canonicalJson(-3.5)).toBe('-3.5');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
    expect(canonicalJson([undefined])).toBe('[null]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
  });

  it('gives the same text for a value and its jsonb round trip', () => {
    const value = { ly_do: 'Bổ sung', so: 2, ds: ['a', { y: 1, x: [true, null] }] };
    const roundTrip = JSON.parse(JSON.stringify({ ds: ['a', { x: [true, null], y: 1 }], so: 2, ly_do: 'Bổ sung' }));
    expect(canonicalJson(roundTrip)).toBe(canonicalJson(value));
  });
});

describe('entryHash', () => {
  const row: Omit<AuditRow, 'hash'> = {
    seq: '1',
    at: new Date('2026-03-09T01:00:00.000Z'),
    actor: 'canbo1',
    actor_roles: ['officer'],
    actor_unit: 'SNNMT-VP',
    action: 'task.complete',
    target_type: 'task',
    target_id: '42',
    before: null,
    after: { b: 2, a: 1 },
    reason: null,
    ip: '127.0.0.1',
    prev_hash: GENESIS_HASH,
    hash_alg: HASH_PLAIN,
  };
  // The 13 chained fields in order: seq, at, actor, roles, unit, action, target type and id, before, after, reason, ip, prev_hash.
  const TEXT = `["1","2026-03-09T01:00:00.000Z","canbo1",["officer"],"SNNMT-VP","task.complete","task","42",null,{"a":1,"b":2},null,"127.0.0.1","${'0'.repeat(64)}"]`;
  const keys = deriveAuditKeys('a-chain-secret-of-32-characters!');
  const otherKeys = deriveAuditKeys('another-secret-of-32-characters!');

  it('is the sha256 of the canonical JSON of the chained fields (hash_alg 1)', () => {
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    expect(entryHash(row, null)).toBe(sha256(TEXT));
    // hash_alg absent (rows from before the column) means plain sha256; a key does not change a plain hash.
    const { hash_alg: _alg, ...legacy } = row;
    expect(entryHash(legacy, null)).toBe(sha256(TEXT));
    expect(entryHash(row, keys)).toBe(sha256(TEXT));
  });

  it('is the HMAC-SHA256 of the same text under the chain key (hash_alg 2)', () => {
    const keyed = { ...row, hash_alg: HASH_HMAC };
    expect(entryHash(keyed, keys)).toBe(hmac(keys.chain, TEXT));
    expect(entryHash(keyed, keys)).not.toBe(sha256(TEXT));
    // A different key gives a different hash; the checkpoint key is not the chain key.
    expect(entryHash(keyed, otherKeys)).toBe(hmac(otherKeys.chain, TEXT));
    expect(entryHash(keyed, otherKeys)).not.toBe(entryHash(keyed, keys));
    expect(entryHash(keyed, keys)).not.toBe(hmac(keys.checkpoint, TEXT));
  });

  it('is null when it cannot be computed: keyed without a key, or an unknown algorithm', () => {
    expect(entryHash({ ...row, hash_alg: HASH_HMAC }, null)).toBeNull();
    expect(entryHash({ ...row, hash_alg: 3 }, keys)).toBeNull();
  });

  it('does not depend on the key order of before/after', () => {
    expect(entryHash({ ...row, after: { a: 1, b: 2 } }, null)).toBe(sha256(TEXT));
  });

  it('changes when any chained field changes', () => {
    const changes: Partial<Omit<AuditRow, 'hash'>>[] = [
      { seq: '2' },
      { at: new Date('2026-03-09T01:00:00.001Z') },
      { actor: 'canbo2' },
      { actor: null },
      { actor_roles: ['officer', 'leader'] },
      { actor_roles: [] },
      { actor_unit: 'SNNMT-QLDD' },
      { action: 'task.claim' },
      { target_type: 'case' },
      { target_id: '43' },
      { before: { a: 1 } },
      { after: { a: 1, b: 3 } },
      { after: null },
      { reason: 'Sai sót' },
      { ip: '10.0.0.1' },
      { prev_hash: 'f'.repeat(64) },
    ];
    const hashes = new Set<string | null>([entryHash(row, null)]);
    for (const c of changes) {
      const plain = entryHash({ ...row, ...c }, null);
      expect(plain, JSON.stringify(c)).not.toBe(sha256(TEXT));
      hashes.add(plain);
      const keyed = entryHash({ ...row, ...c, hash_alg: HASH_HMAC }, keys);
      expect(keyed, JSON.stringify(c)).not.toBe(hmac(keys.chain, TEXT));
      hashes.add(keyed);
    }
    // Every variant, plain and keyed, has its own hash.
    expect(hashes.size).toBe(1 + 2 * changes.length);
  });

  it('a field moved to a neighbour is a different entry (fields are positional, not concatenated)', () => {
    // actor "canbo1" + unit null vs actor null + unit "canbo1": the same strings, different entries.
    const a = entryHash({ ...row, actor: 'canbo1', actor_unit: null }, null);
    const b = entryHash({ ...row, actor: null, actor_unit: 'canbo1' }, null);
    expect(a).not.toBe(b);
    // A missing before/after is hashed as null, like a stored SQL NULL.
    expect(entryHash({ ...row, before: undefined }, null)).toBe(sha256(TEXT));
  });
});

describe('deriveAuditKeys', () => {
  it('refuses a secret shorter than 16 characters', () => {
    expect(() => deriveAuditKeys('')).toThrow('AUDIT_CHAIN_KEY must be at least 16 characters');
    expect(() => deriveAuditKeys('x'.repeat(15))).toThrow('AUDIT_CHAIN_KEY must be at least 16 characters');
    expect(() => deriveAuditKeys('x'.repeat(16))).not.toThrow();
  });

  it('derives two different 32-byte keys, the same for the same secret and others for another', () => {
    const k = deriveAuditKeys('x'.repeat(16));
    expect(k.chain).toHaveLength(32);
    expect(k.checkpoint).toHaveLength(32);
    expect(k.chain.equals(k.checkpoint)).toBe(false);
    const again = deriveAuditKeys('x'.repeat(16));
    expect(again.chain.equals(k.chain) && again.checkpoint.equals(k.checkpoint)).toBe(true);
    const other = deriveAuditKeys('y'.repeat(16));
    expect(other.chain.equals(k.chain)).toBe(false);
    expect(other.checkpoint.equals(k.checkpoint)).toBe(false);
  });

  it('keeps the derivation labels: existing chains and checkpoints must still verify', () => {
    // HMAC-SHA256(secret, label) with the labels of the code's comment; a change here breaks every stored chain.
    const secret = 'a-chain-secret-of-32-characters!';
    const k = deriveAuditKeys(secret);
    expect(k.chain.toString('hex')).toBe(hmac(Buffer.from(secret, 'utf8'), 'eiso-audit-chain-v2'));
    expect(k.checkpoint.toString('hex')).toBe(hmac(Buffer.from(secret, 'utf8'), 'eiso-audit-checkpoint-v1'));
    // The secret itself is not either key.
    expect(k.chain.equals(Buffer.from(secret, 'utf8'))).toBe(false);
  });
});
