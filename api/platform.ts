import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import app from './app.js';
import { frameworkErrors } from './plugins/errors.js';
import { checkpointFileOf, useConfig, type Config } from '../lib/config.js';
import { createKnex, jdbcFromUrl, readOrCreateSecret, startEmbeddedPostgres, type EmbeddedDatabase } from '../lib/db.js';
import { ensureAppRole, grantAppRights, roleWarnings, urlAs, urlUser } from '../lib/db-roles.js';
import { configureAuditChain } from '../domain/audit/chain.js';
import { withRedaction } from './log-redact.js';
import { migrateLatest } from '../migrations/index.js';
import { startBroker, type BrokerHandle } from '../engine/broker.js';
import { createZeebeClient, type ZeebeClient } from '../engine/client.js';
import { registerContinuations, startEngineRuntime, type EngineRuntime } from '../engine/runtime.js';
import { DOMAIN_MODULES } from '../domain/modules.js';
import { readBundledFiles } from '../engine/bundled.js';
import { importBundledProcedures } from '../domain/procedures/bundled.js';
import { importBundledCatalogue } from '../domain/onestop/catalogue.js';
import { MailTransport } from '../lib/mail.js';
import { idleDemoFill } from './demo-fill-state.js';

export interface PlatformOptions {
  config: Config;
  /** start the engine runtime (the modules' job workers and background tasks, the projector, the outbox relay); default true */
  runtime?: boolean;
  /** deploy processes/*.bpmn at start; default true */
  deployBundled?: boolean;
  /** start the broker with Zeebe's controlled clock (tests) */
  controlledClock?: boolean;
  /** the demo lives through a past year on that clock (api/demo-clock.ts) */
  pastYear?: boolean;
  logger?: boolean | object;
  say?: (msg: string) => void;
}

export interface Platform {
  app: FastifyInstance;
  db: Knex;
  zeebe: ZeebeClient;
  /** what the platform's pool connects with (the application role, unless only DATABASE_URL was given) */
  databaseUrl: string;
  /** the owner of the tables (migrations, grants) */
  ownerDatabaseUrl: string;
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

/** The secret of the audit chain: AUDIT_CHAIN_KEY, else DATA_DIR/audit-chain-key (created 0600, never committed). */
export function auditChainSecret(config: Config): string {
  return config.auditChainKey ?? readOrCreateSecret(path.join(config.dataDir, 'audit-chain-key'), 32);
}

/**
 * The two database identities: the owner (migrations, grants) and the application role (the pool, the
 * exporter). Embedded: the superuser owns the tables, the platform creates `eiso_app` with a password
 * random per data folder (DATA_DIR/pg-app-password). External: MIGRATION_DATABASE_URL is the owner and
 * DATABASE_URL the application role (granted its rights at every start); only DATABASE_URL: both, with a
 * warning; only MIGRATION_DATABASE_URL: the owner, and the platform creates `eiso_app` there as in embedded mode.
 */
async function databaseIdentities(
  config: Config,
  ownerUrl: string,
  embedded: boolean,
  say: (m: string) => void,
): Promise<{ appUrl: string; role: string | null }> {
  if (embedded) {
    const password = readOrCreateSecret(path.join(config.dataDir, 'pg-app-password'), 24);
    return { appUrl: urlAs(ownerUrl, config.appDbRole, password), role: config.appDbRole };
  }
  if (!config.migrationDatabaseUrl || urlUser(config.migrationDatabaseUrl) === urlUser(config.databaseUrl!)) {
    say(
      'WARNING: MIGRATION_DATABASE_URL is not set: the platform runs as the owner of its tables, which can switch off the audit triggers. Give DATABASE_URL a role with only the rights it needs (see .env.example).',
    );
    return { appUrl: config.databaseUrl!, role: null };
  }
  return { appUrl: config.databaseUrl!, role: urlUser(config.databaseUrl!) };
}

/**
 * Brings the platform up in dependency order (database, migrations, broker, client, runtime, app) and
 * returns one close() that stops what it started, in reverse order. Nothing listens here.
 */
export async function startPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config } = opts;
  // Everything below that reads a setting reads this configuration (lib/config.ts currentConfig).
  useConfig(config);
  const say = opts.say ?? (() => {});
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
  };
  try {
    let ownerUrl = config.migrationDatabaseUrl ?? config.databaseUrl;
    // no DATABASE_URL: the platform creates its application role itself (embedded, or MIGRATION_DATABASE_URL alone)
    const embedded = !config.databaseUrl;
    if (!ownerUrl) {
      say('Starting embedded PostgreSQL...');
      const pg: EmbeddedDatabase = await startEmbeddedPostgres(path.join(config.dataDir, 'pg'), 'eiso', say);
      closers.push(() => pg.stop());
      ownerUrl = pg.url;
    }
    const { appUrl: databaseUrl, role } = await databaseIdentities(config, ownerUrl, embedded, say);
    // migrations and grants as the owner, on a connection of their own
    const owner = createKnex(ownerUrl, { min: 0, max: 1 });
    try {
      await migrateLatest(owner);
      // business time is the system time (a demo fill stopped half-way may have left an offset)
      await owner('platform_clock').update({ offset_ms: 0 });
      if (role) {
        if (embedded) await ensureAppRole(owner, role, decodeURIComponent(new URL(databaseUrl).password));
        await grantAppRights(owner, role);
      }
    } finally {
      await owner.destroy();
    }
    const db = createKnex(databaseUrl);
    closers.push(() => db.destroy());
    if (role) for (const w of await roleWarnings(db)) say(`WARNING: the application's database role: ${w}`);

    const secret = auditChainSecret(config);
    configureAuditChain({ key: secret, checkpointFile: checkpointFileOf(config) });

    let broker: BrokerHandle | undefined;
    let gateway = config.zeebeAddress;
    let restAddress = config.zeebeRestAddress;
    if (!gateway) {
      broker = await startBroker({
        cacheDir: path.resolve('.zeebe'),
        dataDir: path.join(config.dataDir, 'zeebe'),
        exporter: jdbcFromUrl(databaseUrl),
        controlledClock: opts.controlledClock,
        // the demo's past year moves the controlled clock back: no long polls (engine/broker.ts)
        noLongPolling: opts.controlledClock && opts.pastYear,
        jvmFlags: config.brokerJvmFlags,
        log: say,
      });
      closers.push(() => broker!.stop());
      gateway = broker.gatewayAddress;
      restAddress = broker.restAddress;
    }
    const zeebe = createZeebeClient(gateway, restAddress);
    closers.push(() => zeebe.close(2000).then(() => undefined));
    // One SMTP transport for the process: the staff notifications (app) and the citizens' notices (runtime).
    const mail = config.smtpUrl && config.smtpFrom ? new MailTransport({ url: config.smtpUrl, from: config.smtpFrom }) : undefined;
    if (mail) closers.push(async () => mail.close());

    // The demo filler's progress (npm start); its own requests are left out of the request log.
    const demoFill = idleDemoFill();
    const fastify = Fastify({
      logController: new LogController({ disableRequestLogging: (req) => req.headers['x-eiso-demo-fill'] === demoFill.quietKey }),
      logger: withRedaction((opts.logger ?? { level: config.logLevel }) as boolean | Record<string, unknown>, config.logLevel),
      // A hop count becomes the function Fastify would build from it (its types take no number).
      trustProxy:
        typeof config.trustProxy === 'number'
          ? (
              (hops: number) => (_address: string, hop: number) =>
                hop < hops
            )(config.trustProxy)
          : config.trustProxy,
      bodyLimit: 1024 * 1024,
      requestTimeout: 30_000,
      frameworkErrors,
      ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
    });
    // What the domain modules declare: continuations are needed by every process that sends engine
    // commands; workers, the projector and background tasks run where the runtime runs.
    registerContinuations(DOMAIN_MODULES);
    let runtime: EngineRuntime | undefined;
    if (opts.runtime !== false) {
      // Without long polling (the demo's past year) every poll is a command the broker writes and answers:
      // the workers poll at most 10 times a second (the inbox's 10 ms would flood a one-thread broker).
      const pollFloorMs = opts.controlledClock && opts.pastYear ? 100 : 0;
      runtime = await startEngineRuntime({ zeebe, db, log: fastify.log, config, mail }, DOMAIN_MODULES, { pollFloorMs });
      closers.push(() => runtime!.stop());
    }
    if (opts.deployBundled !== false) {
      // Each shipped model is a procedure of the modeler: its first version is the file; a newer release
      // of a file whose procedure a designer has published is offered to them, not deployed.
      for (const r of await importBundledProcedures(db, zeebe, readBundledFiles())) {
        if (r.outcome === 'created' || r.outcome === 'published') say(`Deployed ${r.bpmnProcessId} v${r.version}`);
        else if (r.outcome === 'offered') say(`A new release of ${r.bpmnProcessId} is offered to the designers (their published version stays)`);
      }
      const imported = await importBundledCatalogue(db);
      if (imported) say(`One-stop catalogue: ${imported.created.length} new, ${imported.updated.length} updated, ${imported.unchanged.length} unchanged`);
    }
    // On the root instance, so the demo filler (server.ts) and the status route share it.
    fastify.decorate('demoFill', demoFill);
    await fastify.register(app, { config, db, zeebe, engine: { address: gateway, restAddress }, jwtSecret: jwtSecret(config), mail });
    await fastify.ready();
    closers.push(() => fastify.close());
    return { app: fastify, db, zeebe, databaseUrl, ownerDatabaseUrl: ownerUrl, broker, runtime, close };
  } catch (err) {
    await close();
    throw err;
  }
}
