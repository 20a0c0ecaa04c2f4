import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

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
}

/** JSON with object keys sorted at every level: the same value always gives the same text (jsonb does not keep key order). */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 hex over the canonical serialization of every field of the entry, prev_hash included. */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
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
  return createHash('sha256').update(canonicalJson(fields), 'utf8').digest('hex');
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
export async function appendAudit(db: Knex | Knex.Transaction, input: AuditInput): Promise<AuditRow> {
  const before = asStored(input.before);
  const after = asStored(input.after);
  const roles = [...input.actorRoles];
  const targetType = input.targetType ?? null;
  const targetId = input.targetId ?? null;
  const reason = input.reason ?? null;
  const ip = input.ip ?? null;
  // canonicalJson([seq, at, ...middle, prev_hash]) = '["<seq>","<at>",' + middle + ',"<prev_hash>"]'
  const middle = [input.actor, roles, input.actorUnit, input.action, targetType, targetId, before, after, reason, ip].map(canonicalJson).join(',');
  const res = await db.raw(
    `WITH head AS (
       SELECT last_seq + 1 AS seq, last_hash AS prev_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE
     ), stamped AS (
       SELECT seq, prev_hash, date_trunc('milliseconds', clock_timestamp()) AS at FROM head
     ), signed AS (
       SELECT seq, prev_hash, at,
              encode(sha256(convert_to('["' || seq::text || '","' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '",' || ?::text || ',"' || prev_hash || '"]', 'UTF8')), 'hex') AS hash
       FROM stamped
     ), moved AS (
       UPDATE audit_chain_head h SET last_seq = s.seq, last_hash = s.hash, updated_at = s.at FROM signed s WHERE h.id = 1
     )
     INSERT INTO audit_log (seq, at, actor, actor_roles, actor_unit, action, target_type, target_id, before, after, reason, ip, prev_hash, hash)
     SELECT seq, at, ?, ?::text[], ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, prev_hash, hash FROM signed
     RETURNING *`,
    [middle, input.actor, roles, input.actorUnit, input.action, targetType, targetId, before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), reason, ip],
  );
  const row = res.rows[0] as AuditRow | undefined;
  if (!row) throw new Error('audit_chain_head is missing: run the migrations');
  return { ...row, seq: String(row.seq) };
}

export type ProblemKind = 'altered' | 'inserted' | 'deleted' | 'reordered';
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
}

/**
 * Reads the whole chain in seq order (in batches) and reports:
 * - altered: the stored hash is not the hash of the entry's content;
 * - deleted: a gap in seq, a truncated tail (the head remembers more), or a link to an entry that is gone;
 * - inserted: an entry the chain skips over (the next entry links to the one before it), or beyond the head;
 * - reordered: the entry links to an existing entry other than its predecessor, or time goes backwards.
 * A DBA who rewrites the whole tail consistently is only caught against an externally kept head hash
 * (see the README of api/audit).
 */
export async function verifyAuditChain(db: Knex, opts: { batchSize?: number; maxProblems?: number } = {}): Promise<ChainReport> {
  const batchSize = opts.batchSize ?? 5000;
  const maxProblems = opts.maxProblems ?? 1000;
  const head = await db('audit_chain_head').where({ id: 1 }).first('last_seq', 'last_hash');
  const headSeq = BigInt(head?.last_seq ?? 0);
  const problems: ChainProblem[] = [];
  const report = (seq: bigint | string, kind: ProblemKind, detail: string) => {
    if (problems.length < maxProblems) problems.push({ seq: String(seq), kind, detail });
  };
  const seqOfHash = async (hash: string): Promise<string | undefined> => (await db('audit_log').where({ hash }).first('seq'))?.seq;

  let checked = 0;
  let prev: AuditRow | null = null;
  let prevPrev: AuditRow | null = null;
  let expected = 1n;
  let after = 0n;
  for (;;) {
    const rows: AuditRow[] = await db('audit_log').where('seq', '>', String(after)).orderBy('seq').limit(batchSize);
    if (rows.length === 0) break;
    for (const row of rows) {
      checked++;
      const seq = BigInt(row.seq);
      if (entryHash(row) !== row.hash) report(seq, seq > headSeq ? 'inserted' : 'altered', seq > headSeq ? `entry ${seq} lies beyond the chain head ${headSeq} and its hash does not match its content` : 'the stored hash does not match the content of the entry');
      else if (seq > headSeq) report(seq, 'inserted', `entry ${seq} lies beyond the chain head ${headSeq}`);
      const gap = seq > expected;
      if (gap) report(expected, 'deleted', seq - expected === 1n ? `entry ${expected} is missing` : `entries ${expected}..${seq - 1n} are missing`);
      const expectedPrev = prev?.hash ?? GENESIS_HASH;
      if (row.prev_hash !== expectedPrev && !gap) {
        if (prevPrev && row.prev_hash === prevPrev.hash) report(prev!.seq, 'inserted', `entry ${row.seq} links to ${prevPrev.seq}: ${prev!.seq} was put in between`);
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
      after = seq;
    }
    if (rows.length < batchSize) break;
  }
  const lastSeq = prev ? BigInt(prev.seq) : 0n;
  if (headSeq > lastSeq) report(lastSeq + 1n, 'deleted', headSeq - lastSeq === 1n ? `the last entry ${headSeq} is missing` : `the last entries ${lastSeq + 1n}..${headSeq} are missing`);
  else if (prev && headSeq === lastSeq && head && head.last_hash !== prev.hash) report(lastSeq, 'altered', 'the last entry differs from the one the chain head recorded');
  return { ok: problems.length === 0, checked, lastSeq: prev ? prev.seq : null, headSeq: String(headSeq), problems };
}
