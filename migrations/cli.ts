import { createKnex, startEmbeddedPostgres } from '../lib/db.js';
import { readConfig } from '../lib/config.js';
import { migrationSource } from './index.js';
import path from 'node:path';

/**
 * `tsx migrations/cli.ts latest|rollback|rollback-all` as the owner of the tables: MIGRATION_DATABASE_URL,
 * else DATABASE_URL, else the embedded database's superuser. (The platform applies the application role's
 * grants at its next start.)
 */
async function main(cmd: string): Promise<void> {
  const config = readConfig();
  const url = config.migrationDatabaseUrl ?? config.databaseUrl;
  const emb = url ? undefined : await startEmbeddedPostgres(path.join(config.dataDir, 'pg'));
  const db = createKnex(url ?? emb!.url);
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
