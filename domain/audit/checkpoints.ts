import { createHmac, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { AuditKeys, ChainProblem } from './chain.js';

/**
 * Checkpoints of the audit chain head, kept outside the database: one JSON line per checkpoint in a file
 * (DATA_DIR/audit-checkpoints.jsonl, or AUDIT_CHECKPOINT_FILE, e.g. on a mount the database host cannot
 * write), each signed with HMAC-SHA256 under the checkpoint key (derived from the chain secret, never sent
 * to PostgreSQL). The runtime appends one at start, every AUDIT_CHECKPOINT_EVERY_MIN minutes when the
 * chain has moved, and at stop; `npm run audit:checkpoint` appends one on demand. `npm run audit:verify`
 * checks every line's signature and that the chain still holds each checkpoint's (seq, hash): a chain
 * rewritten in the database after a checkpoint no longer does, whatever hashes were recomputed.
 */
export interface Checkpoint {
  v: 1;
  /** seq of the chain head when the checkpoint was taken ("0": empty chain) */
  seq: string;
  /** hash of that entry */
  hash: string;
  /** time of that entry (ISO) */
  at: string | null;
  /** when the checkpoint was written (ISO) */
  writtenAt: string;
  /** the last entry with a plain (unkeyed) hash; entries after it must be keyed. null: none */
  legacyUntil: string | null;
  mac: string;
}

type Unsigned = Omit<Checkpoint, 'mac'>;

const text = (c: Unsigned) => JSON.stringify([c.v, c.seq, c.hash, c.at, c.writtenAt, c.legacyUntil]);

export function signCheckpoint(c: Unsigned, keys: AuditKeys): Checkpoint {
  return { ...c, mac: createHmac('sha256', keys.checkpoint).update(text(c), 'utf8').digest('hex') };
}

export function checkpointSignatureOk(c: Checkpoint, keys: AuditKeys): boolean {
  const want = Buffer.from(signCheckpoint(c, keys).mac, 'hex');
  const got = Buffer.from(typeof c.mac === 'string' ? c.mac : '', 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

/** Reads a checkpoint file: the checkpoints whose signature verifies, and a problem for each line that does not. */
export function readCheckpoints(file: string, keys: AuditKeys | null): { checkpoints: Checkpoint[]; problems: ChainProblem[] } {
  const checkpoints: Checkpoint[] = [];
  const problems: ChainProblem[] = [];
  if (!existsSync(file)) return { checkpoints, problems };
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let c: Checkpoint;
    try {
      c = JSON.parse(line) as Checkpoint;
    } catch {
      problems.push({ seq: '0', kind: 'checkpoint', detail: `${path.basename(file)} line ${i + 1} is not a checkpoint` });
      return;
    }
    if (!keys) {
      problems.push({ seq: String(c.seq ?? '0'), kind: 'unverifiable', detail: `no chain key to check the signature of ${path.basename(file)} line ${i + 1}` });
      return;
    }
    if (c.v !== 1 || !/^\d+$/.test(String(c.seq)) || typeof c.hash !== 'string' || !checkpointSignatureOk(c, keys)) {
      problems.push({
        seq: String(c.seq ?? '0'),
        kind: 'checkpoint',
        detail: `${path.basename(file)} line ${i + 1}: the signature does not verify (forged or damaged checkpoint)`,
      });
      return;
    }
    checkpoints.push(c);
  });
  return { checkpoints, problems };
}

/** The last checkpoint of a file whose signature verifies. */
export function lastCheckpoint(file: string, keys: AuditKeys): Checkpoint | undefined {
  return readCheckpoints(file, keys).checkpoints.at(-1);
}

/**
 * Appends a signed checkpoint of the current chain head to `file` (created with mode 0600). Skipped when
 * the head has not moved since the file's last checkpoint, unless `force`. Returns what it wrote.
 */
export async function writeCheckpoint(db: Knex, file: string, keys: AuditKeys, opts: { force?: boolean } = {}): Promise<Checkpoint | null> {
  const head = await db('audit_chain_head').where({ id: 1 }).first('last_seq', 'last_hash');
  if (!head) return null;
  const seq = String(head.last_seq);
  const previous = lastCheckpoint(file, keys);
  if (!opts.force && previous && previous.seq === seq && previous.hash === head.last_hash) return null;
  const entry = seq === '0' ? undefined : await db('audit_log').where({ seq, hash: head.last_hash }).first('at', 'hash_alg');
  // the boundary of plain entries is taken from the database once, then carried from checkpoint to checkpoint
  let legacyUntil: string | null;
  if (previous) legacyUntil = previous.legacyUntil;
  else if (!entry || entry.hash_alg !== 2) legacyUntil = seq === '0' ? null : seq;
  else legacyUntil = ((await db('audit_log').where({ hash_alg: 1 }).max('seq as m').first())?.m ?? null) as string | null;
  const c = signCheckpoint(
    {
      v: 1,
      seq,
      hash: head.last_hash,
      at: entry ? new Date(entry.at).toISOString() : null,
      writtenAt: new Date().toISOString(),
      legacyUntil: legacyUntil === null ? null : String(legacyUntil),
    },
    keys,
  );
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(c) + '\n', { mode: 0o600 });
  return c;
}

/** Checkpoints now and every `everyMin` minutes (0: only now); returns a stop function that writes a last one. */
export function startCheckpoints(
  db: Knex,
  file: string,
  keys: AuditKeys,
  everyMin: number,
  log: { info: (o: object, m: string) => void; error: (o: object, m: string) => void },
): () => Promise<void> {
  const run = () =>
    writeCheckpoint(db, file, keys)
      .then((c) => {
        if (c) log.info({ seq: c.seq, file }, 'audit chain checkpoint written');
      })
      .catch((err) => log.error({ err }, 'could not write the audit chain checkpoint'));
  let running = run();
  const timer = everyMin > 0 ? setInterval(() => void (running = running.then(run)), everyMin * 60_000) : undefined;
  timer?.unref();
  return async () => {
    if (timer) clearInterval(timer);
    await running;
    await run();
  };
}
