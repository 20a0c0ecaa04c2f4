import { createKnex, startEmbeddedPostgres } from '../api/db.js';
import { readConfig } from '../api/config.js';
import { migrationSource } from './index.js';
import path from 'node:path';

/** `tsx migrations/cli.ts latest|rollback|rollback-all` against DATABASE_URL or the embedded database. */
async function main(cmd: string): Promise<void> {
  const config = readConfig();
  const emb = config.databaseUrl ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
  const db = createKnex(config.databaseUrl ?? emb!.url);
  try {
    if (cmd === 'latest') console.log(await db.migrate.latest({ migrationSource }));
    else if (cmd === 'rollback') console.log(await db.migrate.rollback({ migrationSource }));
    else if (cmd === 'rollback-all') console.log(await db.migrate.rollback({ migrationSource }, true));
    else throw new Error(`unknown command ${cmd}; use latest | rollback | rollback-all`);
  } finally {
    await db.destroy();
    await emb?.stop();
  }
}

main(process.argv[2] ?? 'latest').catch((err) => {
  console.error(err);
  process.exit(1);
});
