import path from 'node:path';
import { createKnex, startEmbeddedPostgres } from '../db.js';
import { readConfig } from '../config.js';
import { verifyAuditChain } from './chain.js';

/**
 * `npm run audit:verify` — verifies the audit log's hash chain against DATABASE_URL (or the embedded
 * database in DATA_DIR). Prints every problem; exits 0 when the chain is intact, 2 when it is not.
 * `--json` prints the report as JSON.
 */
async function main(args: string[]): Promise<number> {
  const config = readConfig();
  const emb = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
  const db = createKnex(config.databaseUrl ?? emb!.url);
  try {
    const report = await verifyAuditChain(db);
    if (args.includes('--json')) console.log(JSON.stringify(report, null, 2));
    else {
      console.log(`Nhật ký kiểm tra / audit log: ${report.checked} entries checked, last seq ${report.lastSeq ?? '-'}, chain head ${report.headSeq}`);
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
    console.error(err);
    process.exit(1);
  },
);
