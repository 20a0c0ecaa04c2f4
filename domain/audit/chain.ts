import { createHash, createHmac } from 'node:crypto';
import type { Knex } from 'knex';
import { readCheckpoints, type Checkpoint } from './checkpoints.js';
import { currentConfig } from '../../lib/config.js';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** audit_log.hash_alg: 1 = sha256 of the canonical entry (entries before the chain key), 2 = HMAC-SHA256 with the chain key. */
export const HASH_PLAIN = 1;
export const HASH_HMAC = 2;

/**
 * The keys of the audit chain, derived from the one secret kept outside the database (AUDIT_CHAIN_KEY or
 * DATA_DIR/audit-chain-key): `chain` keys the HMAC of every entry and is sent to PostgreSQL as HMAC pads
 * (the hash is computed under the chain head's lock, in the append statement); `checkpoint` signs the
 * checkpoint file and never leaves this process. Someone who captures the pads from the database
 * (statement logging with parameters) can forge entry hashes but not checkpoints, nor derive the secret.
 */
export interface AuditKeys {
  chain: Buffer;
  checkpoint: Buffer;
}

export function deriveAuditKeys(secret: string): AuditKeys {
  if (secret.length < 16) throw new Error('AUDIT_CHAIN_KEY must be at least 16 characters');
  const derive = (label: string) => createHmac('sha256', secret).update(label, 'utf8').digest();
  return { chain: derive('eiso-audit-chain-v2'), checkpoint: derive('eiso-audit-checkpoint-v1') };
}

let configured: { keys: AuditKeys | null; checkpointFile: string | null } | undefined;

/**
 * Sets the process's chain key and checkpoint file (the platform does at start). Appends and verifications
 * that are not given keys use these; when never configured, AUDIT_CHAIN_KEY from the environment (or none:
 * plain sha256 entries, as before the key).
 */
export function configureAuditChain(opts: { key: string | null; checkpointFile?: string | null }): void {
  configured = { keys: opts.key ? deriveAuditKeys(opts.key) : null, checkpointFile: opts.checkpointFile ?? null };
}

export function currentAuditKeys(): AuditKeys | null {
  if (configured) return configured.keys;
  const key = currentConfig().auditChainKey;
  return key ? deriveAuditKeys(key) : null;
}

export function currentCheckpointFile(): string | null {
  return configured?.checkpointFile ?? currentConfig().auditCheckpointFile ?? null;
}

/** HMAC-SHA256 pads of a 32-byte key: HMAC(k, m) = sha256(opad || sha256(ipad || m)). */
function hmacPads(key: Buffer): { ipad: Buffer; opad: Buffer } {
  const block = Buffer.alloc(64);
  key.copy(block);
  return { ipad: Buffer.from(block.map((b) => b ^ 0x36)), opad: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

/** What a caller says about an action; the chain fields are added by appendAudit. */
export interface AuditInput {
  actor: string | null;
  actorRoles: string[];
  actorUnit: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
  ip?: string | null;
}

export interface AuditRow {
  seq: string;
  at: Date;
  actor: string | null;
  actor_roles: string[];
  actor_unit: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  ip: string | null;
  prev_hash: string;
  hash: string;
  /** 1 plain sha256, 2 HMAC-SHA256 (absent on rows read before the column existed: 1) */
  hash_alg?: number;
}

/** JSON with object keys sorted at every level: the same value always gives the same text (jsonb does not keep key order). */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The hash of an entry over the canonical serialization of every field, prev_hash included: sha256 for
 * hash_alg 1, HMAC-SHA256 with the chain key for hash_alg 2 (null when no key is at hand).
 */
export function entryHash(row: Omit<AuditRow, 'hash'>, keys: AuditKeys | null = currentAuditKeys()): string | null {
  const fields = [
    String(row.seq),
    row.at.toISOString(),
    row.actor,
    row.actor_roles,
    row.actor_unit,
    row.action,
    row.target_type,
    row.target_id,
    row.before ?? null,
    row.after ?? null,
    row.reason,
    row.ip,
    row.prev_hash,
  ];
  const text = canonicalJson(fields);
  if ((row.hash_alg ?? HASH_PLAIN) === HASH_PLAIN) return createHash('sha256').update(text, 'utf8').digest('hex');
  if (row.hash_alg !== HASH_HMAC || !keys) return null;
  return createHmac('sha256', keys.chain).update(text, 'utf8').digest('hex');
}

/** A value as it comes back from jsonb (Dates become strings, undefined disappears), so the hash verifies later. */
const asStored = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)));

/**
 * Appends one entry in a single statement: the chain head row is locked FOR UPDATE, so concurrent
 * appends form one linear chain; seq comes from the head (no gaps when a transaction rolls back).
 * Pass a transaction to make the entry part of the caller's change (the head stays locked until it
 * commits: keep it short).
 *
 * One round trip: the head is held only while PostgreSQL runs the statement, not across the four
 * client round trips of read head / insert / move head / commit, which serialised every audited
 * write of the platform behind the network and the scheduler. The hash is the same sha256 over
 * {@link canonicalJson} of the fields as {@link entryHash} (which verifies it): the caller's part of
 * the canonical text is built here, seq, time and prev_hash are spliced in by PostgreSQL under the
 * lock. The time is the database clock read under the lock (milliseconds), so it never goes
 * backwards along the chain.
 */
export async function appendAudit(db: Knex | Knex.Transaction, input: AuditInput, keys: AuditKeys | null = currentAuditKeys()): Promise<AuditRow> {
  const before = asStored(input.before);
  const after = asStored(input.after);
  const roles = [...input.actorRoles];
  const targetType = input.targetType ?? null;
  const targetId = input.targetId ?? null;
  const reason = input.reason ?? null;
  const ip = input.ip ?? null;
  // canonicalJson([seq, at, ...middle, prev_hash]) = '["<seq>","<at>",' + middle + ',"<prev_hash>"]'
  const middle = [input.actor, roles, input.actorUnit, input.action, targetType, targetId, before, after, reason, ip].map(canonicalJson).join(',');
  // keyed: HMAC-SHA256 = sha256(opad || sha256(ipad || text)), PostgreSQL's sha256 twice (no pgcrypto needed)
  const pads = keys ? hmacPads(keys.chain) : null;
  const canonical = `convert_to('["' || seq::text || '","' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || ?::text || ',"' || prev_hash || '"]', 'UTF8')`;
  const digest = pads ? `sha256(?::bytea || sha256(?::bytea || ${canonical}))` : `sha256(${canonical})`;
  const res = await db.raw(
    `WITH head AS (
       SELECT last_seq + 1 AS seq, last_hash AS prev_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE
     ), stamped AS (
       SELECT seq, prev_hash, date_trunc('milliseconds', clock_timestamp()) AS at FROM head
     ), signed AS (
       SELECT seq, prev_hash, at, encode(${digest}, 'hex') AS hash
       FROM stamped
     ), moved AS (
       UPDATE audit_chain_head h SET last_seq = s.seq, last_hash = s.hash, updated_at = s.at FROM signed s WHERE h.id = 1
     )
     INSERT INTO audit_log (seq, at, actor, actor_roles, actor_unit, action, target_type, target_id, before, after, reason, ip, prev_hash, hash, hash_alg)
     SELECT seq, at, ?, ?::text[], ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, prev_hash, hash, ${pads ? HASH_HMAC : HASH_PLAIN} FROM signed
     RETURNING *`,
    [
      ...(pads ? [pads.opad, pads.ipad] : []),
      middle,
      input.actor,
      roles,
      input.actorUnit,
      input.action,
      targetType,
      targetId,
      before === null ? null : JSON.stringify(before),
      after === null ? null : JSON.stringify(after),
      reason,
      ip,
    ],
  );
  const row = res.rows[0] as AuditRow | undefined;
  if (!row) throw new Error('audit_chain_head is missing: run the migrations');
  return { ...row, seq: String(row.seq) };
}

/**
 * - altered: the stored hash is not the (keyed) hash of the entry's content, or a plain hash where keyed ones had begun;
 * - inserted: an entry the chain skips over, or one beyond the head;
 * - deleted: a gap in seq, a truncated tail, or a link to an entry that is gone;
 * - reordered: a link to an existing entry other than the predecessor, or time going backwards;
 * - duplicated: two entries with one seq (possible only with the triggers off: audit_log_seq is unique);
 * - rewritten: the chain no longer holds the (seq, hash) of a signed checkpoint kept outside the database;
 * - checkpoint: a checkpoint line whose signature does not verify (forged or damaged);
 * - unverifiable: keyed entries, but no chain key to check them with.
 */
export type ProblemKind = 'altered' | 'inserted' | 'deleted' | 'reordered' | 'duplicated' | 'rewritten' | 'checkpoint' | 'unverifiable';
export interface ChainProblem {
  seq: string;
  kind: ProblemKind;
  detail: string;
}
export interface ChainReport {
  ok: boolean;
  checked: number;
  lastSeq: string | null;
  headSeq: string;
  problems: ChainProblem[];
  /** signed checkpoints compared with the chain */
  checkpoints?: number;
}

export interface VerifyOptions {
  batchSize?: number;
  maxProblems?: number;
  /** the chain key; default: the process's ({@link configureAuditChain}, AUDIT_CHAIN_KEY) */
  keys?: AuditKeys | null;
  /** checkpoints to hold the chain against; default: the process's checkpoint file, when there is one */
  checkpoints?: Checkpoint[];
  /** problems found while reading the checkpoints (bad signatures) */
  checkpointProblems?: ChainProblem[];
}

/**
 * Reads the whole chain in seq order and reports every problem by seq (kinds above). Entries are read in
 * ranges of seq (not "the next N after the last seq"), so two entries sharing a seq are both seen, and a
 * range without entries jumps to the next existing seq. A DBA who rewrites the tail consistently
 * (recomputing the hashes) is caught by the chain key (keyed entries) and by the checkpoints.
 */
export async function verifyAuditChain(db: Knex, opts: VerifyOptions = {}): Promise<ChainReport> {
  // One snapshot for the head and every batch: an entry appended while the check runs is not in it, so
  // it cannot be mistaken for one inserted beyond the head.
  return db.transaction((trx) => verifyInSnapshot(trx, opts), { isolationLevel: 'repeatable read', readOnly: true });
}

async function verifyInSnapshot(db: Knex.Transaction, opts: VerifyOptions): Promise<ChainReport> {
  const batchSize = BigInt(opts.batchSize ?? 5000);
  const maxProblems = opts.maxProblems ?? 1000;
  const keys = opts.keys === undefined ? currentAuditKeys() : opts.keys;
  let checkpoints = opts.checkpoints;
  const problems: ChainProblem[] = [];
  const report = (seq: bigint | string, kind: ProblemKind, detail: string) => {
    if (problems.length < maxProblems) problems.push({ seq: String(seq), kind, detail });
  };
  for (const p of opts.checkpointProblems ?? []) report(p.seq, p.kind, p.detail);
  if (!checkpoints) {
    const file = currentCheckpointFile();
    if (file) {
      const read = readCheckpoints(file, keys);
      checkpoints = read.checkpoints;
      for (const p of read.problems) report(p.seq, p.kind, p.detail);
    } else checkpoints = [];
  }
  // keyed hashes began after every entry a checkpoint recorded as plain
  const keyedAfter = checkpoints.reduce<bigint | null>(
    (min, c) => (c.legacyUntil === null ? min : min === null || BigInt(c.legacyUntil) < min ? BigInt(c.legacyUntil) : min),
    null,
  );

  const head = await db('audit_chain_head').where({ id: 1 }).first('last_seq', 'last_hash');
  const headSeq = BigInt(head?.last_seq ?? 0);
  const seqOfHash = async (hash: string): Promise<string | undefined> => (await db('audit_log').where({ hash }).first('seq'))?.seq;
  const maxSeq = BigInt((await db('audit_log').max('seq as m').first())?.m ?? 0);

  let checked = 0;
  let prev: AuditRow | null = null;
  let prevPrev: AuditRow | null = null;
  let expected = 1n;
  let sawKeyed = false;
  let unverifiable = 0;
  let lo = 0n; // entries with seq > lo are still to read
  while (lo < maxSeq) {
    const rows: AuditRow[] = await db('audit_log')
      .where('seq', '>', String(lo))
      .andWhere('seq', '<=', String(lo + batchSize))
      .orderBy([{ column: 'seq' }, { column: 'at' }, { column: 'hash' }]);
    if (rows.length === 0) {
      const next = (await db('audit_log').where('seq', '>', String(lo)).min('seq as m').first())?.m;
      if (next === null || next === undefined) break;
      lo = BigInt(next) - 1n;
      continue;
    }
    for (let i = 0; i < rows.length; i++) {
      let row = rows[i];
      const seq = BigInt(row.seq);
      // two or more entries with this seq: name it, follow the copy the next entry links to
      let j = i;
      while (j + 1 < rows.length && BigInt(rows[j + 1].seq) === seq) j++;
      if (j > i) {
        const copies = rows.slice(i, j + 1);
        checked += copies.length - 1;
        report(seq, 'duplicated', `${copies.length} entries have seq ${seq} (seq must be unique)`);
        const nextRow = j + 1 < rows.length ? rows[j + 1] : await db('audit_log').where('seq', '>', String(seq)).orderBy('seq').first('prev_hash');
        row =
          copies.find((c) => c.prev_hash === (prev?.hash ?? GENESIS_HASH) && (!nextRow || nextRow.prev_hash === c.hash)) ??
          copies.find((c) => nextRow && nextRow.prev_hash === c.hash) ??
          copies[0];
        i = j;
      }
      checked++;
      const alg = row.hash_alg ?? HASH_PLAIN;
      const computed = entryHash(row, keys);
      if (computed === null) {
        unverifiable++;
        if (unverifiable === 1)
          report(
            seq,
            'unverifiable',
            alg === HASH_HMAC ? 'keyed entries (HMAC-SHA256) but no chain key (AUDIT_CHAIN_KEY) to verify them' : `unknown hash_alg ${alg}`,
          );
      } else if (computed !== row.hash) {
        report(
          seq,
          seq > headSeq ? 'inserted' : 'altered',
          seq > headSeq
            ? `entry ${seq} lies beyond the chain head ${headSeq} and its hash does not match its content`
            : alg === HASH_HMAC
              ? 'the stored hash is not the keyed hash (HMAC) of the content of the entry'
              : 'the stored hash does not match the content of the entry',
        );
      } else if (seq > headSeq) report(seq, 'inserted', `entry ${seq} lies beyond the chain head ${headSeq}`);
      if (alg === HASH_HMAC) sawKeyed = true;
      else if (sawKeyed) report(seq, 'altered', `entry ${seq} carries a plain sha256 after keyed entries (a rewrite without the key)`);
      else if (keyedAfter !== null && seq > keyedAfter)
        report(seq, 'altered', `entry ${seq} carries a plain sha256, but a signed checkpoint says entries after ${keyedAfter} are keyed`);
      const gap = seq > expected;
      if (gap) report(expected, 'deleted', seq - expected === 1n ? `entry ${expected} is missing` : `entries ${expected}..${seq - 1n} are missing`);
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      if (row.prev_hash !== expectedPrev && !gap) {
        if (prevPrev && row.prev_hash === prevPrev.hash)
          report(prev!.seq, 'inserted', `entry ${row.seq} links to ${prevPrev.seq}: ${prev!.seq} was put in between`);
        else if (!prev && row.prev_hash !== GENESIS_HASH) report(seq, 'deleted', 'the first entry links to an entry that is no longer there');
        else {
          const linked = await seqOfHash(row.prev_hash);
          if (linked !== undefined) report(seq, 'reordered', `entry ${row.seq} links to entry ${linked}, not to its predecessor ${prev?.seq ?? '(none)'}`);
          else report(seq, 'deleted', `entry ${row.seq} links to an entry that is no longer there (its predecessor ${prev?.seq ?? '(none)'} does not match)`);
        }
      }
      if (prev && row.at.getTime() < prev.at.getTime()) report(seq, 'reordered', `entry ${row.seq} is dated before entry ${prev.seq}`);
      prevPrev = prev;
      prev = row;
      expected = seq + 1n;
    }
    lo += batchSize;
  }
  const lastSeq = prev ? BigInt(prev.seq) : 0n;
  if (headSeq > lastSeq)
    report(
      lastSeq + 1n,
      'deleted',
      headSeq - lastSeq === 1n ? `the last entry ${headSeq} is missing` : `the last entries ${lastSeq + 1n}..${headSeq} are missing`,
    );
  else if (prev && headSeq === lastSeq && head && head.last_hash !== prev.hash)
    report(lastSeq, 'altered', 'the last entry differs from the one the chain head recorded');

  // the chain must still hold every (seq, hash) a checkpoint recorded outside the database
  for (const c of checkpoints) {
    if (c.seq === '0') continue;
    const found: { hash: string }[] = await db('audit_log').where({ seq: c.seq }).select('hash');
    if (!found.some((f) => f.hash === c.hash)) {
      report(
        c.seq,
        'rewritten',
        found.length === 0
          ? `the checkpoint of ${c.writtenAt} recorded entry ${c.seq}; the log no longer has it`
          : `the checkpoint of ${c.writtenAt} recorded entry ${c.seq} with hash ${c.hash.slice(0, 12)}…; the log has ${found.map((f) => f.hash.slice(0, 12) + '…').join(', ')} (rewritten)`,
      );
    }
  }
  return { ok: problems.length === 0, checked, lastSeq: prev ? prev.seq : null, headSeq: String(headSeq), problems, checkpoints: checkpoints.length };
}
