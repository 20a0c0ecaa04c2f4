import { inject } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { readConfig, type Config } from '../../lib/config.js';
import { startPlatform, type Platform } from '../../api/platform.js';
import type { ZeebeClient } from '../../engine/client.js';

export interface TestPlatform {
  /** base URL of the listening server (API and built web app) */
  url: string;
  app: FastifyInstance;
  db: Knex;
  zeebe: ZeebeClient;
  platform: Platform;
  /** the configuration it runs with (dataDir: its files) */
  config: Config;
  close(): Promise<void>;
}

/**
 * The real platform (runtime, web) on the run's broker and database, on a free port. The bundled processes
 * and catalogue were deployed once for the run by test/global-setup.ts; `deployBundled: true` deploys them
 * again as a production start does.
 */
export async function startTestPlatform(
  opts: { runtime?: boolean; zeebeAddress?: string; config?: Partial<Config>; logger?: object; deployBundled?: boolean } = {},
): Promise<TestPlatform> {
  const config = {
    // The environment of the test run (vitest.config.ts env, and keys a file sets before it starts a platform).
    ...readConfig(process.env),
    // as production: the pool as the application role, migrations and grants as the owner
    databaseUrl: inject('databaseUrl'),
    migrationDatabaseUrl: inject('ownerDatabaseUrl'),
    auditChainKey: inject('auditChainKey'),
    zeebeAddress: opts.zeebeAddress ?? inject('zeebeAddress'),
    zeebeRestAddress: inject('zeebeRestAddress'),
    jwtSecret: randomBytes(32).toString('hex'),
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'eiso-data-')),
    port: 0,
    logLevel: 'warn',
    ...opts.config,
  };
  const platform = await startPlatform({
    config,
    runtime: opts.runtime,
    deployBundled: opts.deployBundled ?? false,
    logger: opts.logger ?? { level: process.env.TEST_LOG_LEVEL ?? 'warn' },
  });
  const url = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  return { url, app: platform.app, db: platform.db, zeebe: platform.zeebe, platform, config, close: () => platform.close() };
}
