import path from 'node:path';

/** All configuration the platform reads from the environment, checked once (see .env.example). */
/** Sign-in throttling (domain/org/login-throttle.ts applies it). */
export interface ThrottlePolicy {
  pairFree: number;
  ipFree: number;
  userFree: number;
  maxDelaySeconds: number;
  forgetMinutes: number;
  trustDays: number;
}

export const DEFAULT_THROTTLE: ThrottlePolicy = { pairFree: 5, ipFree: 30, userFree: 100, maxDelaySeconds: 900, forgetMinutes: 60, trustDays: 30 };

export interface Config {
  host: string;
  port: number;
  /** PostgreSQL the platform works with: as the application role (least privilege) */
  databaseUrl: string | undefined;
  /** PostgreSQL as the owner of the tables, for migrations and the grants; unset: DATABASE_URL (with a warning) */
  migrationDatabaseUrl: string | undefined;
  /** Name of the application role the embedded database creates (default eiso_app) */
  appDbRole: string;
  /** Key of the audit chain's HMAC (AUDIT_CHAIN_KEY); unset: DATA_DIR/audit-chain-key, created 0600 */
  auditChainKey: string | undefined;
  /** Signed checkpoints of the audit chain head (AUDIT_CHECKPOINT_FILE); unset: DATA_DIR/audit-checkpoints.jsonl ({@link checkpointFileOf}) */
  auditCheckpointFile: string | undefined;
  /** Minutes between checkpoints (AUDIT_CHECKPOINT_EVERY_MIN, default 15; 0 = only at start, stop and on demand) */
  auditCheckpointEveryMin: number;
  zeebeAddress: string | undefined;
  zeebeRestAddress: string | undefined;
  /** More JVM flags for the broker the platform starts itself when ZEEBE_ADDRESS is unset (BROKER_JVM_FLAGS, space-separated) */
  brokerJvmFlags: string[];
  jwtSecret: string | undefined;
  jwtExpiresIn: number;
  dataDir: string;
  logLevel: string;
  webDir: string;
  /** SMTP server for e-mail notifications (smtp://user:pass@host:587); unset: in-app only */
  smtpUrl: string | undefined;
  /** From address of those e-mails; required with smtpUrl */
  smtpFrom: string | undefined;
  /** Sign-in throttling (domain/org/login-throttle.ts): failures allowed before slowing down */
  loginThrottle: ThrottlePolicy;
  /** E-mails to one citizen address per day (24 h); further notices stay on the lookup page only */
  citizenMailPerDay: number;
  /** How often the citizen notices are e-mailed (ONESTOP_NOTICE_MAIL_EVERY_MS, ms) */
  noticeMailEveryMs: number;
  /**
   * Fastify's trustProxy (TRUST_PROXY): false (default) = the socket's address is the client's;
   * true = trust every X-Forwarded-For hop; a number = that many hops; else a comma-separated list of
   * proxy addresses / CIDR ranges. Rate limits, the submission quota and the audit log use the result.
   */
  trustProxy: boolean | number | string;
  /** Base URL of the public pages in citizens' links and QR codes, no trailing slash (PUBLIC_URL, else http://localhost:<PORT>) */
  publicUrl: string;
  /** Dossier code pattern (ONESTOP_CODE_PATTERN; processes/ONESTOP.md) */
  onestopCodePattern: string;
  /** Anonymous online submissions per client address and Vietnam day (ONESTOP_SUBMISSIONS_PER_DAY; 0 = no quota) */
  onestopSubmissionsPerDay: number;
  /** Days the files of a refused or withdrawn online submission are kept after it closed (ONESTOP_REFUSED_FILES_DAYS) */
  onestopRefusedFilesDays: number;
  /** Public lookups (dossier, complaint) per client address and minute (ONESTOP_PUBLIC_LOOKUPS_PER_MIN) */
  publicLookupsPerMin: number;
  /** `npm start`'s demo: start without its activity (DEMO_EMPTY=1, or --empty), and how many one-stop dossiers it makes (DEMO_DOSSIERS) */
  demoEmpty: boolean;
  demoDossiers: number;
  /** Largest attachment or uploaded document in bytes (ATTACHMENT_MAX_BYTES) */
  attachmentMaxBytes: number;
  /** Most rows of one audit export (AUDIT_EXPORT_MAX_ROWS) */
  auditExportMaxRows: number;
  /** Engine outbox: how long after an uncertain send the relay may decide "not started", and how long a claimed row is the relay's (OUTBOX_GRACE_MS, OUTBOX_LEASE_MS) */
  outboxGraceMs: number;
  outboxLeaseMs: number;
  /** How long a job waits before it is offered again when PostgreSQL or the broker could not be reached (JOB_OUTAGE_BACKOFF_MS, ms) */
  jobOutageBackoffMs: number;
  /** A job whose instance is not bound to a record (engine/process-binding.ts): how long the worker waits for the binding, and the backoff of a try that found none (JOB_UNBOUND_WAIT_MS, JOB_UNBOUND_BACKOFF_MS, ms) */
  jobUnboundWaitMs: number;
  jobUnboundBackoffMs: number;
  /** An unpacked Zeebe distribution to use instead of downloading one (ZEEBE_HOME) */
  zeebeHome: string | undefined;
  /** The PostgreSQL JDBC driver for the history exporter (PGJDBC_JAR, else Debian's /usr/share/java/postgresql.jar) */
  pgjdbcJar: string | undefined;
  /** The JDK to run the broker with (JAVA_HOME, else the newest >= 21 under /usr/lib/jvm) */
  javaHome: string | undefined;
  /** Log levels of the Zeebe client library (ZEEBE_CLIENT_LOG_LEVEL, CAMUNDA_LOG_LEVEL) */
  zeebeClientLogLevel: string;
  camundaLogLevel: string;
  /** PostgreSQL user when a database URL names none (PGUSER, as libpq) */
  pgUser: string;
}

/** TRUST_PROXY as Fastify takes it. */
export function trustProxyFrom(value: string | undefined): boolean | number | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^[0-9]{1,3}$/.test(v)) return Number(v);
  return v;
}

function numberFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

function intFrom(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const root = process.cwd();
  return {
    host: env.HOST || '127.0.0.1',
    port: intFrom('PORT', env.PORT, 3000),
    databaseUrl: env.DATABASE_URL || undefined,
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL || undefined,
    appDbRole: env.APP_DB_ROLE || 'eiso_app',
    auditChainKey: env.AUDIT_CHAIN_KEY || undefined,
    auditCheckpointFile: env.AUDIT_CHECKPOINT_FILE ? path.resolve(root, env.AUDIT_CHECKPOINT_FILE) : undefined,
    auditCheckpointEveryMin: intFrom('AUDIT_CHECKPOINT_EVERY_MIN', env.AUDIT_CHECKPOINT_EVERY_MIN, 15),
    zeebeAddress: env.ZEEBE_ADDRESS || undefined,
    zeebeRestAddress: env.ZEEBE_REST_ADDRESS || undefined,
    brokerJvmFlags: (env.BROKER_JVM_FLAGS ?? '').split(' ').filter(Boolean),
    jwtSecret: env.JWT_SECRET || undefined,
    jwtExpiresIn: intFrom('JWT_EXPIRES_IN', env.JWT_EXPIRES_IN, 8 * 3600),
    dataDir: path.resolve(root, env.DATA_DIR || '.data'),
    logLevel: env.LOG_LEVEL || 'info',
    webDir: path.resolve(root, 'dist/web'),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || undefined,
    loginThrottle: {
      ...DEFAULT_THROTTLE,
      pairFree: Math.max(1, intFrom('LOGIN_FREE_FAILURES', env.LOGIN_FREE_FAILURES, DEFAULT_THROTTLE.pairFree)),
      ipFree: Math.max(1, intFrom('LOGIN_ADDRESS_FREE_FAILURES', env.LOGIN_ADDRESS_FREE_FAILURES, DEFAULT_THROTTLE.ipFree)),
      userFree: Math.max(1, intFrom('LOGIN_ACCOUNT_FREE_FAILURES', env.LOGIN_ACCOUNT_FREE_FAILURES, DEFAULT_THROTTLE.userFree)),
      maxDelaySeconds: Math.max(1, intFrom('LOGIN_MAX_DELAY_SECONDS', env.LOGIN_MAX_DELAY_SECONDS, DEFAULT_THROTTLE.maxDelaySeconds)),
    },
    citizenMailPerDay: intFrom('CITIZEN_MAIL_PER_DAY', env.CITIZEN_MAIL_PER_DAY, 10),
    noticeMailEveryMs: Math.max(100, intFrom('ONESTOP_NOTICE_MAIL_EVERY_MS', env.ONESTOP_NOTICE_MAIL_EVERY_MS, 3000)),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
    publicUrl: withoutTrailingSlashes(env.PUBLIC_URL || `http://localhost:${env.PORT || 3000}`),
    onestopCodePattern: env.ONESTOP_CODE_PATTERN || DEFAULT_CODE_PATTERN,
    onestopSubmissionsPerDay: intFrom('ONESTOP_SUBMISSIONS_PER_DAY', env.ONESTOP_SUBMISSIONS_PER_DAY, 20),
    onestopRefusedFilesDays: numberFrom('ONESTOP_REFUSED_FILES_DAYS', env.ONESTOP_REFUSED_FILES_DAYS, 30),
    publicLookupsPerMin: Math.max(1, intFrom('ONESTOP_PUBLIC_LOOKUPS_PER_MIN', env.ONESTOP_PUBLIC_LOOKUPS_PER_MIN, 30)),
    demoEmpty: env.DEMO_EMPTY === '1',
    demoDossiers: intFrom('DEMO_DOSSIERS', env.DEMO_DOSSIERS, 250),
    attachmentMaxBytes: Math.max(1, intFrom('ATTACHMENT_MAX_BYTES', env.ATTACHMENT_MAX_BYTES, 10 * 1024 * 1024)),
    auditExportMaxRows: Math.max(1, intFrom('AUDIT_EXPORT_MAX_ROWS', env.AUDIT_EXPORT_MAX_ROWS, 100_000)),
    outboxGraceMs: intFrom('OUTBOX_GRACE_MS', env.OUTBOX_GRACE_MS, 30_000),
    outboxLeaseMs: intFrom('OUTBOX_LEASE_MS', env.OUTBOX_LEASE_MS, 30_000),
    jobOutageBackoffMs: Math.max(100, intFrom('JOB_OUTAGE_BACKOFF_MS', env.JOB_OUTAGE_BACKOFF_MS, 5000)),
    jobUnboundWaitMs: Math.max(100, intFrom('JOB_UNBOUND_WAIT_MS', env.JOB_UNBOUND_WAIT_MS, 1500)),
    jobUnboundBackoffMs: Math.max(100, intFrom('JOB_UNBOUND_BACKOFF_MS', env.JOB_UNBOUND_BACKOFF_MS, 2000)),
    zeebeHome: env.ZEEBE_HOME || undefined,
    pgjdbcJar: env.PGJDBC_JAR || undefined,
    javaHome: env.JAVA_HOME || undefined,
    zeebeClientLogLevel: env.ZEEBE_CLIENT_LOG_LEVEL || 'NONE',
    camundaLogLevel: env.CAMUNDA_LOG_LEVEL || 'none',
    pgUser: env.PGUSER || 'postgres',
  };
}

/** The default dossier code pattern (processes/ONESTOP.md). */
export const DEFAULT_CODE_PATTERN = '{eid}-{yymmdd}-{seq4}';

function withoutTrailingSlashes(url: string): string {
  let base = url;
  // A loop, not /\/+$/ (quadratic on a long run of slashes).
  while (base.endsWith('/')) base = base.slice(0, -1);
  return base;
}

let current: Config | undefined;

/**
 * The process's configuration: the one the platform started with (useConfig, called by api/platform.ts),
 * else read from the environment once. This module is the only reader of process.env.
 */
export function currentConfig(): Config {
  return (current ??= readConfig());
}

export function useConfig(config: Config): void {
  current = config;
}

/** Environment a child process inherits (the broker): ours, plus what it is given. */
export function childEnvironment(extra: Record<string, string>): Record<string, string> {
  return { ...(process.env as Record<string, string>), ...extra };
}

/** Where the audit chain's signed checkpoints go: AUDIT_CHECKPOINT_FILE, else DATA_DIR/audit-checkpoints.jsonl. */
export function checkpointFileOf(config: Pick<Config, 'auditCheckpointFile' | 'dataDir'>): string {
  return config.auditCheckpointFile ?? path.join(config.dataDir, 'audit-checkpoints.jsonl');
}
