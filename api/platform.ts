import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import app from './app.js';
import { withRedaction } from './log-redact.js';
import type { Config } from './config.js';
import { createKnex, jdbcFromUrl, startEmbeddedPostgres, type EmbeddedDatabase } from './db.js';
import { migrateLatest } from '../migrations/index.js';
import { startBroker, type BrokerHandle } from '../engine/broker.js';
import { createZeebeClient, type ZeebeClient } from '../engine/client.js';
import { startEngineRuntime, type EngineRuntime } from '../engine/runtime.js';
import { deployBundled } from '../engine/bundled.js';
import { importBundledCatalogue } from './onestop/catalogue.js';

export interface PlatformOptions {
  config: Config;
  /** start the background engine runtime (inbox worker, projector); default true */
  runtime?: boolean;
  /** deploy processes/*.bpmn at start; default true */
  deployBundled?: boolean;
  /** start the broker with Zeebe's controlled clock (tests) */
  controlledClock?: boolean;
  logger?: boolean | object;
  say?: (msg: string) => void;
}

export interface Platform {
  app: FastifyInstance;
  db: Knex;
  zeebe: ZeebeClient;
  databaseUrl: string;
  broker?: BrokerHandle;
  runtime?: EngineRuntime;
  close(): Promise<void>;
}

function jwtSecret(config: Config): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Brings the platform up in dependency order (database, migrations, broker, client, runtime, app) and
 * returns one close() that stops what it started, in reverse order. Nothing listens here.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config } = opts;
  const say = opts.say ?? (() => {});
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      say('Starting embedded PostgreSQL...');
      const pg: EmbeddedDatabase = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), 'eiso', say);
      closers.push(() => pg.stop());
      databaseUrl = pg.url;
    }
    const db = createKnex(databaseUrl);
    closers.push(() => db.destroy());
    await migrateLatest(db);

    let broker: BrokerHandle | undefined;
    let gateway = config.zeebeAddress;
    let restAddress = config.zeebeRestAddress;
    if (!gateway) {
      broker = await startBroker({
        cacheDir: path.resolve('.zeebe'),
        dataDir: path.join(config.dataDir, 'zeebe'),
        exporter: jdbcFromUrl(databaseUrl),
        controlledClock: opts.controlledClock,
        log: say,
      });
      closers.push(() => broker!.stop());
      gateway = broker.gatewayAddress;
      restAddress = broker.restAddress;
    }
    const zeebe = createZeebeClient(gateway, restAddress);
    closers.push(() => zeebe.close(2000).then(() => undefined));

    const fastify = Fastify({
      logger: withRedaction((opts.logger ?? { level: config.logLevel }) as boolean | Record<string, unknown>, config.logLevel),
      // A hop count becomes the function Fastify would build from it (its types take no number).
      trustProxy: typeof config.trustProxy === 'number' ? ((hops: number) => (_address: string, hop: number) => hop < hops)(config.trustProxy) : config.trustProxy,
      bodyLimit: 1024 * 1024,
      requestTimeout: 30_000,
      // The router's own refusals (a malformed or over-long path parameter), in Vietnamese first and
      // without echoing the URL back (Fastify's default message repeats it).
      frameworkErrors: (err, _req, reply) => {
        const message = err.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'Tham số trong đường dẫn quá dài / A URL parameter is too long' : 'Đường dẫn không hợp lệ / Invalid URL';
        const statusCode = err.statusCode ?? 400;
        void (reply as unknown as FastifyReply).status(statusCode).send({ statusCode, code: err.code, error: statusCode === 414 ? 'URI Too Long' : 'Bad Request', message });
      },
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    });
    let runtime: EngineRuntime | undefined;
    if (opts.runtime !== false) {
      runtime = await startEngineRuntime(zeebe, db, fastify.log);
      closers.push(() => runtime!.stop());
    }
    if (opts.deployBundled !== false) {
      const deployed = await deployBundled(zeebe, db);
      for (const d of deployed) for (const p of d.processes) say(`Deployed ${p.bpmnProcessId} v${p.version}`);
      const imported = await importBundledCatalogue(db);
      if (imported) say(`One-stop catalogue: ${imported.created.length} new, ${imported.updated.length} updated, ${imported.unchanged.length} unchanged`);
    }
    await fastify.register(app, { config, db, zeebe, engine: { address: gateway, restAddress }, jwtSecret: jwtSecret(config) });
    await fastify.ready();
    closers.push(() => fastify.close());
    return { app: fastify, db, zeebe, databaseUrl, broker, runtime, close };
  } catch (err) {
    await close();
    throw err;
  }
}
