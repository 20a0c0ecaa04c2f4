import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { currentConfig } from '../../lib/config.js';

const run = promisify(execFile);

/** Fully qualified name of the exporter class the broker instantiates. */
export const EXPORTER_CLASS = 'vn.eiso.exporter.PgHistoryExporter';
/** Exporter id in the broker configuration (`zeebe.broker.exporters.pghistory`). */
export const EXPORTER_ID = 'pghistory';

const SOURCE_ROOT = fileURLToPath(new URL('./src/main/java', import.meta.url));

function javaSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? javaSources(path.join(dir, e.name)) : e.name.endsWith('.java') ? [path.join(dir, e.name)] : []))
    .sort();
}

/**
 * The PostgreSQL JDBC driver: Zeebe 8.6 ships one in lib/ (used as it is); otherwise PGJDBC_JAR or
 * Debian's libpostgresql-jdbc-java, bundled into our jar.
 */
function driverToBundle(zeebeHome: string): string | undefined {
  const lib = path.join(zeebeHome, 'lib');
  if (existsSync(lib) && readdirSync(lib).some((f) => /^postgresql-.*\.jar$/.test(f))) return undefined;
  const candidates = [currentConfig().pgjdbcJar, '/usr/share/java/postgresql.jar'].filter((f): f is string => !!f);
  const found = candidates.find((f) => existsSync(f));
  if (found) return found;
  throw new Error(`No PostgreSQL JDBC driver: ${lib} has no postgresql-*.jar; set PGJDBC_JAR or install libpostgresql-jdbc-java (${candidates.join(', ')})`);
}

async function tool(bin: string, args: string[], cwd?: string): Promise<void> {
  try {
    await run(bin, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    const output = `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    throw new Error(`${path.basename(bin)} failed while building the history exporter:\n${output || e.message}`);
  }
}

/**
 * Compiles `src/main/java` against the distribution's `lib/` (exporter API, protocol, JDBC driver)
 * and packs `pg-history-exporter-<hash>.jar` into `outDir`. The hash covers the Java sources and the
 * distribution's folder name, so an existing jar is reused as it is. Returns the jar's path.
 */
export async function buildExporter(opts: { zeebeHome: string; javaHome: string; outDir: string }): Promise<string> {
  const sources = javaSources(SOURCE_ROOT);
  if (sources.length === 0) throw new Error(`No Java sources under ${SOURCE_ROOT}`);
  const hash = createHash('sha256');
  hash.update(path.basename(path.resolve(opts.zeebeHome)));
  for (const file of sources) hash.update(path.relative(SOURCE_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  const outDir = path.resolve(opts.outDir);
  const jarPath = path.join(outDir, `pg-history-exporter-${hash.digest('hex').slice(0, 16)}.jar`);
  if (existsSync(jarPath)) return jarPath;

  // Build in a private folder and rename at the end: concurrent builds never see a half-written jar.
  const work = path.join(outDir, `.build-${process.pid}-${Date.now()}`);
  const classes = path.join(work, 'classes');
  mkdirSync(classes, { recursive: true });
  try {
    const javac = path.join(opts.javaHome, 'bin', 'javac');
    const jar = path.join(opts.javaHome, 'bin', 'jar');
    const driver = driverToBundle(opts.zeebeHome);
    const classpath = [`${path.join(opts.zeebeHome, 'lib')}/*`, ...(driver ? [driver] : [])].join(path.delimiter);
    await tool(javac, ['--release', '21', '-encoding', 'UTF-8', '-Xlint:all,-processing,-classfile,-path', '-cp', classpath, '-d', classes, ...sources]);
    if (driver) {
      await tool(jar, ['--extract', '--file', driver], classes);
      // Our jar gets its own manifest; a signature of the driver's jar would no longer match.
      const metaInf = path.join(classes, 'META-INF');
      for (const f of existsSync(metaInf) ? readdirSync(metaInf) : []) {
        if (f === 'MANIFEST.MF' || /\.(SF|RSA|DSA|EC)$/i.test(f)) rmSync(path.join(metaInf, f), { force: true });
      }
    }
    const tmpJar = path.join(work, 'exporter.jar');
    await tool(jar, ['--create', '--file', tmpJar, '-C', classes, '.']);
    renameSync(tmpJar, jarPath);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return jarPath;
}

/**
 * Broker environment that loads the exporter (`zeebe.broker.exporters.pghistory`). Arguments arrive
 * lower-cased from environment variables, hence the exporter's lower-case field names.
 * `jdbcUrl` is `jdbc:postgresql://host:port/db`; connect/socket timeouts are added by the exporter.
 */
export function exporterEnv(opts: {
  jarPath: string;
  jdbcUrl: string;
  user: string;
  password: string;
  batchSize?: number;
  flushMs?: number;
}): Record<string, string> {
  const prefix = `ZEEBE_BROKER_EXPORTERS_${EXPORTER_ID.toUpperCase()}_`;
  const env: Record<string, string> = {
    [`${prefix}CLASSNAME`]: EXPORTER_CLASS,
    [`${prefix}JARPATH`]: path.resolve(opts.jarPath),
    [`${prefix}ARGS_URL`]: opts.jdbcUrl,
    [`${prefix}ARGS_USER`]: opts.user,
    [`${prefix}ARGS_PASSWORD`]: opts.password,
  };
  if (opts.batchSize !== undefined) env[`${prefix}ARGS_BATCHSIZE`] = String(opts.batchSize);
  if (opts.flushMs !== undefined) env[`${prefix}ARGS_FLUSHMS`] = String(opts.flushMs);
  return env;
}
