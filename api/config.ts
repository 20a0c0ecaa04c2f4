import path from 'node:path';

/** All configuration the platform reads from the environment, checked once (see .env.example). */
export interface Config {
  host: string;
  port: number;
  databaseUrl: string | undefined;
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
  /** Consecutive wrong passwords that lock an account */
  loginMaxFailures: number;
  /** How long such a lock lasts, minutes */
  loginLockMinutes: number;
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
    zeebeAddress: env.ZEEBE_ADDRESS || undefined,
    zeebeRestAddress: env.ZEEBE_REST_ADDRESS || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    jwtExpiresIn: intFrom('JWT_EXPIRES_IN', env.JWT_EXPIRES_IN, 8 * 3600),
    dataDir: path.resolve(root, env.DATA_DIR || '.data'),
    logLevel: env.LOG_LEVEL || 'info',
    webDir: path.resolve(root, 'dist/web'),
    smtpUrl: env.SMTP_URL || undefined,
    smtpFrom: env.SMTP_FROM || undefined,
    loginMaxFailures: Math.max(1, intFrom('LOGIN_MAX_FAILURES', env.LOGIN_MAX_FAILURES, 5)),
    loginLockMinutes: Math.max(1, intFrom('LOGIN_LOCK_MINUTES', env.LOGIN_LOCK_MINUTES, 15)),
    trustProxy: trustProxyFrom(env.TRUST_PROXY),
  };
}
