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
}

/** TRUST_PROXY as Fastify takes it. */
export function trustProxyFrom(value: string | undefined): boolean | number | string {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^[0-9]{1,3}$/.test(v)) return Number(v);
  return v;
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
  };
}

/** Where the audit chain's signed checkpoints go: AUDIT_CHECKPOINT_FILE, else DATA_DIR/audit-checkpoints.jsonl. */
export function checkpointFileOf(config: Pick<Config, 'auditCheckpointFile' | 'dataDir'>): string {
  return config.auditCheckpointFile ?? path.join(config.dataDir, 'audit-checkpoints.jsonl');
}
