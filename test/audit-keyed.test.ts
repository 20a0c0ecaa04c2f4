import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';
import { appendAudit, deriveAuditKeys, entryHash, verifyAuditChain, HASH_HMAC, HASH_PLAIN, type AuditKeys, type AuditRow } from '../domain/audit/chain.js';
import { readCheckpoints, writeCheckpoint } from '../domain/audit/checkpoints.js';
import { startTestPlatform } from './helpers/platform.js';

/**
 * "Every input is hostile", Medium 7 (b, c) and the Low item: the chain is keyed (HMAC-SHA256 with a key
 * kept outside the database), its head is anchored in signed checkpoints outside the database, and seq is
 * unique. The attacker here is the owner of the tables (a DBA, a superuser): triggers off, rows rewritten
 * with every hash recomputed consistently.
 */
describe('keyed audit chain, checkpoints, unique seq', () => {
  let app: Knex; // the application role, as the platform
  let owner: Knex; // the DBA
  let keys: AuditKeys;
  let dir: string;
  beforeAll(() => {
    app = createKnex(inject('databaseUrl'), { min: 0, max: 2 });
    owner = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 1 });
    keys = deriveAuditKeys(inject('auditChainKey'));
    dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-checkpoints-'));
  });
  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const add = (n: number) =>
    appendAudit(app, { actor: 'keyed', actorRoles: ['officer'], actorUnit: 'SNNMT', action: 'test.keyed', after: { soTien: n } }, keys);
  const verify = (opts: Parameters<typeof verifyAuditChain>[1] = {}) => verifyAuditChain(app, { keys, checkpoints: [], ...opts });

  /**
   * The DBA's rewrite: triggers off, the entry `from` gets a new "after", and it and every later entry get
   * their prev_hash and hash recomputed with `hash` (and hash_alg `alg`), the head too. Returns an undo.
   */
  async function rewrite(from: string, alg: number, hash: (row: Omit<AuditRow, 'hash'>) => string): Promise<() => Promise<void>> {
    const original: AuditRow[] = await owner('audit_log').where('seq', '>=', from).orderBy('seq');
    const head = await owner('audit_chain_head').where({ id: 1 }).first();
    await owner.raw('ALTER TABLE audit_log DISABLE TRIGGER USER');
    await owner.raw('ALTER TABLE audit_chain_head DISABLE TRIGGER USER');
    let prev = original[0].prev_hash;
    for (const r of original) {
      const changed = { ...r, after: r.seq === from ? { soTien: 999_999 } : r.after, prev_hash: prev, hash_alg: alg };
      const h = hash(changed);
      await owner('audit_log')
        .where({ seq: r.seq, at: r.at })
        .update({ after: changed.after === null ? null : JSON.stringify(changed.after), prev_hash: prev, hash: h, hash_alg: alg });
      prev = h;
    }
    await owner('audit_chain_head').where({ id: 1 }).update({ last_hash: prev });
    return async () => {
      for (const r of original)
        await owner('audit_log')
          .where({ seq: r.seq, at: r.at })
          .update({ after: r.after === null ? null : JSON.stringify(r.after), prev_hash: r.prev_hash, hash: r.hash, hash_alg: r.hash_alg });
      await owner('audit_chain_head').where({ id: 1 }).update({ last_hash: head.last_hash });
      await owner.raw('ALTER TABLE audit_chain_head ENABLE TRIGGER USER');
      await owner.raw('ALTER TABLE audit_log ENABLE TRIGGER USER');
    };
  }

  it('hashes new entries with HMAC-SHA256 under the chain key, not a plain sha256 anyone can recompute', async () => {
    const row = await add(1);
    expect(row.hash_alg).toBe(HASH_HMAC);
    expect(entryHash(row, keys)).toBe(row.hash); // PostgreSQL's HMAC (sha256 twice over the pads) = node's
    expect(entryHash({ ...row, hash_alg: HASH_PLAIN }, null)).not.toBe(row.hash);
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
    // without the key the keyed entries cannot be vouched for; with another key they do not verify
    expect((await verify({ keys: null })).problems).toEqual([expect.objectContaining({ kind: 'unverifiable' })]);
    const wrong = await verify({ keys: deriveAuditKeys('another-key-of-someone-else'), maxProblems: 5 });
    expect(wrong.ok).toBe(false);
    expect(wrong.problems[0]).toMatchObject({ kind: 'altered' });
  });

  it('detects a rewrite by the owner: plain hashes recomputed, a wrong key, even the chain key itself (checkpoint)', async () => {
    // given three entries and a signed checkpoint of the head, in a file outside the database
    const a = await add(100);
    await add(200);
    const c = await add(300);
    const file = path.join(dir, 'checkpoints.jsonl');
    const cp = await writeCheckpoint(app, file, keys);
    expect(cp).toMatchObject({ seq: c.seq, hash: c.hash });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const { checkpoints } = readCheckpoints(file, keys);
    expect(checkpoints).toHaveLength(1);
    expect(await verify({ checkpoints })).toMatchObject({ ok: true, problems: [] });

    // 1. recomputed as plain sha256 (what a DBA can do without the key), consistently along the chain and the head
    let undo = await rewrite(a.seq, HASH_PLAIN, (r) => entryHash(r, null)!);
    try {
      const r = await verify({ checkpoints });
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ seq: a.seq, kind: 'altered' }), expect.objectContaining({ seq: c.seq, kind: 'rewritten' })]),
      );
      // and the command line says so too, from the checkpoint file: exit code 2
      const cli = await new Promise<{ code: number; out: string }>((resolve) =>
        execFile(
          path.resolve('node_modules/.bin/tsx'),
          ['domain/audit/cli.ts'],
          {
            env: { ...process.env, DATABASE_URL: inject('databaseUrl'), AUDIT_CHAIN_KEY: inject('auditChainKey'), AUDIT_CHECKPOINT_FILE: file, DATA_DIR: dir },
            timeout: 60_000,
          },
          (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        ),
      );
      expect(cli.code, cli.out).toBe(2);
      expect(cli.out).toMatch(new RegExp(`seq ${c.seq}: rewritten`));
      expect(cli.out).toMatch(new RegExp(`seq ${a.seq}: altered`));
    } finally {
      await undo();
    }

    // 2. recomputed as HMAC with a key that is not the chain key
    const guessed = deriveAuditKeys('a-key-the-dba-made-up');
    undo = await rewrite(a.seq, HASH_HMAC, (r) => entryHash(r, guessed)!);
    try {
      const r = await verify({ checkpoints });
      expect(r.problems).toEqual(
        expect.arrayContaining([expect.objectContaining({ seq: a.seq, kind: 'altered' }), expect.objectContaining({ seq: c.seq, kind: 'rewritten' })]),
      );
    } finally {
      await undo();
    }

    // 3. recomputed with the chain key itself (its HMAC pads captured from the database): only the checkpoint,
    //    signed with a key that never reaches PostgreSQL, still tells
    undo = await rewrite(a.seq, HASH_HMAC, (r) => entryHash(r, keys)!);
    try {
      expect((await verify()).problems).toEqual([]);
      expect((await verify({ checkpoints })).problems).toEqual([expect.objectContaining({ seq: c.seq, kind: 'rewritten' })]);
    } finally {
      await undo();
    }
    expect(await verify({ checkpoints })).toMatchObject({ ok: true, problems: [] });
  });

  it('refuses a checkpoint forged without the checkpoint key', async () => {
    const c = await add(400);
    const file = path.join(dir, 'forged.jsonl');
    const real = await writeCheckpoint(app, file, keys);
    // the DBA rewrites entry c and edits the checkpoint to match, re-signing with the chain key it captured
    appendFileSync(file, JSON.stringify({ ...real, hash: 'f'.repeat(64) }) + '\n');
    const forgedMac = (await import('node:crypto'))
      .createHmac('sha256', keys.chain)
      .update(JSON.stringify([1, c.seq, 'e'.repeat(64), real!.at, real!.writtenAt, real!.legacyUntil]))
      .digest('hex');
    appendFileSync(file, JSON.stringify({ ...real, hash: 'e'.repeat(64), mac: forgedMac }) + '\n');
    appendFileSync(file, 'not json\n');
    const read = readCheckpoints(file, keys);
    expect(read.checkpoints).toEqual([real]);
    expect(read.problems.map((p) => p.kind)).toEqual(['checkpoint', 'checkpoint', 'checkpoint']);
    const r = await verify({ checkpoints: read.checkpoints, checkpointProblems: read.problems });
    expect(r.ok).toBe(false);
  });

  it('refuses a second entry with an existing seq, to the application and to the owner (audit_log_seq)', async () => {
    const b = await add(500);
    const row = await owner('audit_log').where({ seq: b.seq }).first();
    const copy = { ...row, at: new Date(row.at.getTime() + 40 * 86_400_000), after: JSON.stringify(row.after), before: null };
    await expect(app('audit_log').insert(copy)).rejects.toThrow(/audit_log_seq_pk|duplicate key/);
    await expect(owner('audit_log').insert(copy)).rejects.toThrow(/audit_log_seq_pk|duplicate key/);
    expect(await owner('audit_log').where({ seq: b.seq }).count<{ count: string }[]>({ count: '*' })).toEqual([{ count: '1' }]);
    // and the register of seqs is append-only as well
    await expect(owner('audit_log_seq').where({ seq: b.seq }).del()).rejects.toThrow(/append-only/);
  });

  it('reports a duplicated seq the owner inserted with the triggers off, in any batch size', async () => {
    const b = await add(600);
    await add(700);
    const row = await owner('audit_log').where({ seq: b.seq }).first();
    const dupAt = new Date(row.at.getTime() + 40 * 86_400_000); // another month: another partition, the (seq, at) key allows it
    await owner.raw('ALTER TABLE audit_log DISABLE TRIGGER USER');
    try {
      await owner('audit_log').insert({ ...row, at: dupAt, after: JSON.stringify({ soTien: 6 }), before: null });
      for (const batchSize of [1, 2, 3, 5000]) {
        const r = await verify({ batchSize });
        expect(r.problems, `batch ${batchSize}`).toEqual(expect.arrayContaining([expect.objectContaining({ seq: b.seq, kind: 'duplicated' })]));
      }
      expect((await verify()).problems.map((p) => p.kind)).toEqual(['duplicated']);
    } finally {
      await owner('audit_log').where({ seq: b.seq, at: dupAt }).del();
      await owner.raw('ALTER TABLE audit_log ENABLE TRIGGER USER');
    }
    expect(await verify()).toMatchObject({ ok: true, problems: [] });
  });

  it('the runtime writes a checkpoint at start and at stop, when the chain moved', async () => {
    const file = path.join(dir, 'runtime.jsonl');
    const p = await startTestPlatform({ config: { auditCheckpointFile: file, auditCheckpointEveryMin: 0 } });
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(existsSync(file)).toBe(true);
      const first = readCheckpoints(file, keys).checkpoints;
      expect(first).toHaveLength(1);
      await appendAudit(p.db, { actor: 'keyed', actorRoles: [], actorUnit: null, action: 'test.keyed.runtime' });
    } finally {
      await p.close();
    }
    const all = readCheckpoints(file, keys);
    expect(all.problems).toEqual([]);
    expect(all.checkpoints).toHaveLength(2);
    const head = await owner('audit_chain_head').where({ id: 1 }).first();
    expect(all.checkpoints[1]).toMatchObject({ seq: String(head.last_seq), hash: head.last_hash });
    expect(await verify({ checkpoints: all.checkpoints })).toMatchObject({ ok: true, problems: [] });
  }, 240_000); // a whole platform starts and stops in this test
});
