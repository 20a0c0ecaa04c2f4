import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { findJavaHome, modernJvmFlags } from './java.js';
import { ensureZeebeDistribution } from './distribution.js';
import { buildExporter, exporterEnv } from './exporter/index.js';
import { childEnvironment } from '../lib/config.js';

export interface BrokerOptions {
  /** Where the distribution is cached and the exporter jar is built (e.g. `.zeebe`). */
  cacheDir: string;
  /** The broker's data directory (its log and RocksDB state). */
  dataDir: string;
  /** PostgreSQL the history exporter writes to. */
  exporter?: { jdbcUrl: string; user: string; password: string };
  /** Zeebe's controlled clock (tests move time through the actuator instead of sleeping). */
  controlledClock?: boolean;
  /**
   * No long polling of job activations (the demo's past year): Zeebe's long polls end on its own timers,
   * which stop while the controlled clock is behind the moment the broker started; every poll would then stay
   * open until the worker's guard cancels it (engine/jobs/worker.ts POLL_GUARD_MS), and a job sent just as it
   * does waits out its job timeout. Workers poll at their interval instead.
   */
  noLongPolling?: boolean;
  heap?: string;
  /**
   * More JVM flags, after ours. A short-lived broker (tests, the demo) spends much of its CPU compiling its hot code
   * with the optimising compiler: `-XX:TieredStopAtLevel=1` halved the broker's CPU per job in a 2-minute benchmark
   * (bench/RESULTS.md, "the broker's JIT"); a long-running production broker keeps the default.
   */
  jvmFlags?: string[];
  log?: (msg: string) => void;
  readyTimeoutMs?: number;
  /** Fixed ports (a restart after kill -9 keeps the addresses clients know); free ports when absent. */
  ports?: BrokerPorts;
  /** Member of a cluster (reliability/cluster.ts); a single-node cluster when absent. */
  cluster?: { nodeId: number; size: number; partitions: number; replicationFactor: number; contactPoints: string[] };
}

export interface BrokerPorts {
  gateway: number;
  command: number;
  internal: number;
  rest: number;
  management: number;
}

/** Five free ports for a broker that must come back on the same addresses after a restart. */
export async function freeBrokerPorts(): Promise<BrokerPorts> {
  const [gateway, command, internal, rest, management] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  return { gateway, command, internal, rest, management };
}

export interface BrokerHandle {
  /** gRPC gateway, host:port */
  gatewayAddress: string;
  /** REST gateway base URL */
  restAddress: string;
  /** actuator base URL (health, clock) */
  managementAddress: string;
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

function killStale(pidFile: string, log: (m: string) => void): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      log(`Stopping a broker left over from an earlier run (pid ${pid})`);
      process.kill(pid, 'SIGKILL');
    } catch {
      /* not running */
    }
  }
  rmSync(pidFile, { force: true });
}

async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n') : '';
      throw new Error(`The Zeebe broker exited (code ${child.exitCode}) before ${what}. Last log lines:\n${tail}`);
    }
    if (await probe().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; see ${logFile}`);
}

/** True when the gateway's topology shows a leader for every partition. */
export async function hasLeader(restAddress: string): Promise<boolean> {
  const res = await fetch(`${restAddress}/v2/topology`, { signal: AbortSignal.timeout(2000) });
  if (!res.ok) return false;
  const topo = (await res.json()) as { partitionsCount: number; brokers: { partitions: { partitionId: number; role: string; health: string }[] }[] };
  const leaders = new Set<number>();
  for (const b of topo.brokers) for (const p of b.partitions) if (p.role === 'leader' && p.health === 'healthy') leaders.add(p.partitionId);
  return topo.partitionsCount > 0 && leaders.size === topo.partitionsCount;
}

/**
 * Starts one Zeebe broker with its embedded gateway on 127.0.0.1 (free ports; gateway, command API,
 * internal API, REST and management are all bound to loopback), a bounded heap,
 * dev-sized RocksDB memory and disk watermarks, and our PostgreSQL history exporter; resolves
 * once every partition has a leader.
 */
export async function startBroker(opts: BrokerOptions): Promise<BrokerHandle> {
  const log = opts.log ?? (() => {});
  const zeebeHome = await ensureZeebeDistribution(opts.cacheDir, undefined, log);
  const java = findJavaHome(21);
  mkdirSync(opts.dataDir, { recursive: true });
  const pidFile = path.join(opts.dataDir, 'broker.pid');
  killStale(pidFile, log);

  const { gateway, command, internal, rest, management } = opts.ports ?? (await freeBrokerPorts());
  // The broker inherits this process's environment (PATH, locale) with its own settings on top.
  const env: Record<string, string> = childEnvironment({
    JAVA_HOME: java.home,
    JAVA_OPTS: [`-Xms128m`, `-Xmx${opts.heap ?? '512m'}`, '-XX:+UseSerialGC', ...modernJvmFlags(java.major), ...(opts.jvmFlags ?? [])].join(' '),
    ZEEBE_BROKER_GATEWAY_ENABLE: 'true',
    ZEEBE_BROKER_NETWORK_HOST: '127.0.0.1',
    ZEEBE_BROKER_GATEWAY_NETWORK_HOST: '127.0.0.1',
    ZEEBE_BROKER_GATEWAY_NETWORK_PORT: String(gateway),
    ZEEBE_BROKER_NETWORK_COMMANDAPI_PORT: String(command),
    ZEEBE_BROKER_NETWORK_INTERNALAPI_PORT: String(internal),
    SERVER_ADDRESS: '127.0.0.1',
    SERVER_PORT: String(rest),
    MANAGEMENT_SERVER_ADDRESS: '127.0.0.1',
    MANAGEMENT_SERVER_PORT: String(management),
    ZEEBE_BROKER_DATA_DIRECTORY: path.join(opts.dataDir, 'data'),
    ZEEBE_BROKER_CLUSTER_CLUSTERSIZE: String(opts.cluster?.size ?? 1),
    ZEEBE_BROKER_CLUSTER_PARTITIONSCOUNT: String(opts.cluster?.partitions ?? 1),
    ZEEBE_BROKER_CLUSTER_REPLICATIONFACTOR: String(opts.cluster?.replicationFactor ?? 1),
    ...(opts.cluster
      ? {
          ZEEBE_BROKER_CLUSTER_NODEID: String(opts.cluster.nodeId),
          ZEEBE_BROKER_CLUSTER_INITIALCONTACTPOINTS: opts.cluster.contactPoints.join(','),
          ZEEBE_BROKER_CLUSTER_CLUSTERNAME: 'eiso-cluster',
        }
      : {}),
    ZEEBE_BROKER_THREADS_CPUTHREADCOUNT: '1',
    ZEEBE_BROKER_THREADS_IOTHREADCOUNT: '1',
    ZEEBE_BROKER_EXPERIMENTAL_ROCKSDB_MEMORYLIMIT: '128MB',
    // Developer-machine watermarks (defaults 2GB/1GB of free space); production keeps the defaults.
    ZEEBE_BROKER_DATA_DISK_FREESPACE_PROCESSING: '1GB',
    ZEEBE_BROKER_DATA_DISK_FREESPACE_REPLICATION: '512MB',
    ZEEBE_BROKER_DATA_SNAPSHOTPERIOD: '5m',
    ZEEBE_CLOCK_CONTROLLED: opts.controlledClock ? 'true' : 'false',
    ...(opts.noLongPolling ? { ZEEBE_BROKER_GATEWAY_LONGPOLLING_ENABLED: 'false' } : {}),
    // Actuator: only what the platform uses: health (operators' probes) and, with the controlled clock
    // (tests), clock. Every other endpoint (partitions, exporters, backups, loggers, rebalance, banning,
    // flowControl, env, ...) answers 404.
    MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE: opts.controlledClock ? 'health,clock' : 'health',
  });
  if (opts.exporter) {
    const jar = await buildExporter({ zeebeHome, javaHome: java.home, outDir: path.join(opts.cacheDir, 'exporter') });
    Object.assign(env, exporterEnv({ jarPath: jar, ...opts.exporter }));
  }

  const logFile = path.join(opts.dataDir, 'broker.log');
  const out = createWriteStream(logFile, { flags: 'a' });
  log(`Starting Zeebe broker (Java ${java.major}, gateway 127.0.0.1:${gateway})...`);
  const child = spawn(path.join(zeebeHome, 'bin', 'broker'), [], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: false });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  writeFileSync(pidFile, String(child.pid));
  // Ctrl-C in a terminal signals the broker directly too: track its exit from the start.
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      rmSync(pidFile, { force: true });
      resolve();
    }),
  );
  const restAddress = `http://127.0.0.1:${rest}`;
  const managementAddress = `http://127.0.0.1:${management}`;

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    out.end();
  };

  try {
    await waitUntil('the partition leader', opts.readyTimeoutMs ?? 180_000, () => hasLeader(restAddress), child, logFile);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`Zeebe broker ready (pid ${child.pid})`);
  return { gatewayAddress: `127.0.0.1:${gateway}`, restAddress, managementAddress, pid: child.pid!, logFile, stop };
}
