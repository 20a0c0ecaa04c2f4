import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createKnex, startEmbeddedPostgres } from '../../lib/db.js';
import { checkpointFileOf, readConfig, type Config } from '../../lib/config.js';
import { deriveAuditKeys, verifyAuditChain } from './chain.js';
import { readCheckpoints, writeCheckpoint } from './checkpoints.js';

/**
 * `npm run audit:verify` — verifies the audit log's hash chain against DATABASE_URL (or the embedded
 * database in DATA_DIR): the keyed hashes with the chain key (AUDIT_CHAIN_KEY, else DATA_DIR/audit-chain-key),
 * and every signed checkpoint of AUDIT_CHECKPOINT_FILE (default DATA_DIR/audit-checkpoints.jsonl; more
 * files with `--checkpoints <file>`, e.g. copies kept in the ISO records). Prints every problem; exits 0
 * when the chain is intact, 2 when it is not. `--json` prints the report as JSON.
 *
 * `npm run audit:checkpoint` — appends a signed checkpoint of the current chain head to the checkpoint file.
 */
function chainSecret(config: Config): string | null {
  if (config.auditChainKey) return config.auditChainKey;
  const file = path.join(config.dataDir, 'audit-chain-key');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

async function main(args: string[]): Promise<number> {
  const config = readConfig();
  const cmd = args[0] === 'checkpoint' ? 'checkpoint' : 'verify';
  const secret = chainSecret(config);
  const keys = secret ? deriveAuditKeys(secret) : null;
  const emb = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
  const db = createKnex(config.databaseUrl ?? emb!.url, { min: 0, max: 1 });
  try {
    if (cmd === 'checkpoint') {
      if (!keys) throw new Error('Thiếu khóa chuỗi (AUDIT_CHAIN_KEY) / no chain key (AUDIT_CHAIN_KEY or DATA_DIR/audit-chain-key)');
      const c = await writeCheckpoint(db, checkpointFileOf(config), keys, { force: true });
      console.log(
        c
          ? `Đã ghi điểm chốt / checkpoint written: seq ${c.seq}, hash ${c.hash} -> ${checkpointFileOf(config)}`
          : 'audit_chain_head is missing: run the migrations',
      );
      return c ? 0 : 1;
    }
    const files = [checkpointFileOf(config), ...args.flatMap((a, i) => (args[i - 1] === '--checkpoints' ? [path.resolve(a)] : []))];
    const checkpoints = [];
    const checkpointProblems = [];
    for (const f of files) {
      const read = readCheckpoints(f, keys);
      checkpoints.push(...read.checkpoints);
      checkpointProblems.push(...read.problems);
    }
    const report = await verifyAuditChain(db, { keys, checkpoints, checkpointProblems });
    if (args.includes('--json')) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(
        `Nhật ký kiểm tra / audit log: ${report.checked} entries checked, last seq ${report.lastSeq ?? '-'}, chain head ${report.headSeq}, ${checkpoints.length} signed checkpoint(s)${keys ? '' : ', NO chain key: keyed entries cannot be checked'}`,
      );
      for (const p of report.problems) console.log(`  seq ${p.seq}: ${p.kind} — ${p.detail}`);
      console.log(report.ok ? 'OK: chuỗi băm nguyên vẹn / the hash chain is intact' : `FAILED: ${report.problems.length} problem(s)`);
    }
    return report.ok ? 0 : 2;
  } finally {
    await db.destroy();
    await emb?.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
