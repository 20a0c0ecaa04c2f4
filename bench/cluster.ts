/**
 * Scale out, measured (issue 19 item 3): the platform workload of bench/platform-e2e.ts on a three-broker
 * Zeebe cluster (three partitions, replication factor three, each broker with its embedded gateway and
 * our history exporter, as reliability/cluster.ts starts it) and two API/worker processes
 * (`api/server.ts`, on the gateways of brokers 0 and 1), officers spread over both APIs. On one machine
 * the processes share the same cores, so the figures show the cost of distribution (replication,
 * partitions, two runtimes), not a gain.
 *
 * Run by bench/run.ts when BENCH_CLUSTER=1, after the single-broker measurements (whose platform is
 * closed by then); `npx tsx bench/cluster.ts` runs it alone and prints its section.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createKnex, jdbcFromUrl, startEmbeddedPostgres } from '../lib/db.js';
import { migrateLatest } from '../migrations/index.js';
import { ensureAppRole, grantAppRights, urlAs } from '../lib/db-roles.js';
import { freeBrokerPorts, freePort, startBroker, type BrokerHandle, type BrokerPorts } from '../engine/broker.js';
import { createZeebeClient } from '../engine/client.js';
import { cpuMeter, fmt, type CpuSplit } from './lib.js';
import { runPlatformE2E, type ClientMode } from './platform-e2e.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `api/server.ts` as a child process of its own (the production start command without the npx wrapper). */
class ApiChild {
  private child?: ChildProcess;
  readonly base: string;
  constructor(
    port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    this.env = { ...env, PORT: String(port) };
  }

  /** called when the process ends (a crash during a run is reported, not silent) */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;

  get pid(): number {
    return this.child!.pid!;
  }

  async start(timeoutMs = 240_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/server.ts'], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => appendFileSync(this.logFile, d));
    child.stderr!.on('data', (d: Buffer) => appendFileSync(this.logFile, d));
    child.once('exit', (code, signal) => this.onExit?.(code, signal));
    this.child = child;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}; see ${this.logFile}`);
      const ok = await fetch(`${this.base}/health`)
        .then((r) => r.status === 200)
        .catch(() => false);
      if (ok) return;
      await sleep(250);
    }
    throw new Error(`the API did not become healthy in ${timeoutMs / 1000} s; see ${this.logFile}`);
  }

  /** SIGINT (a clean stop: workers close, the runtime stops), SIGKILL after 15 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await gone;
    clearTimeout(timer);
  }
}

export interface ClusterRun {
  tasksPerSecond: number;
  tasks: number;
  p50: number;
  p99: number;
  /** CPU seconds over the run: broker = the three brokers, node = both API processes and this client */
  cpu: CpuSplit;
  recordsPerTask: number;
}

export interface ClusterResult {
  runs: ClusterRun[];
  /** exported records per partition over the whole measurement */
  partitions: { partition: number; records: number }[];
}

export async function runCluster(opts: {
  runs: number;
  instances: number;
  officers: number;
  client: ClientMode;
  say: (m: string) => void;
}): Promise<ClusterResult> {
  const say = opts.say;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'eiso-bench-cluster-'));
  chmodSync(tmp, 0o755);
  const closers: (() => Promise<unknown>)[] = [];
  let ok = false;
  try {
    const pg = await startEmbeddedPostgres(path.join(tmp, 'pg'), 'eiso', say);
    closers.push(() => pg.stop());
    const db = createKnex(pg.url);
    closers.push(() => db.destroy());
    await migrateLatest(db);
    // as in production (and reliability/cluster.ts): the API processes and the exporters connect as the application role
    const appPassword = randomBytes(18).toString('base64url');
    await ensureAppRole(db, 'eiso_app', appPassword);
    await grantAppRights(db, 'eiso_app');
    const appUrl = urlAs(pg.url, 'eiso_app', appPassword);
    const postmaster = Number(readFileSync(path.join(tmp, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);

    const ports: BrokerPorts[] = [await freeBrokerPorts(), await freeBrokerPorts(), await freeBrokerPorts()];
    const contactPoints = ports.map((p) => `127.0.0.1:${p.internal}`);
    // All three at once: a partition gets its leader only when a quorum of its replicas is up. Each broker
    // has the single broker's heap (engine/broker.ts default), so the comparison is like for like.
    const brokers: BrokerHandle[] = await Promise.all(
      [0, 1, 2].map((nodeId) =>
        startBroker({
          cacheDir: path.resolve('.zeebe'),
          dataDir: path.join(tmp, `zeebe-${nodeId}`),
          exporter: jdbcFromUrl(appUrl),
          ports: ports[nodeId],
          cluster: { nodeId, size: 3, partitions: 3, replicationFactor: 3, contactPoints },
          readyTimeoutMs: 600_000,
          log: (m) => say(`broker ${nodeId}: ${m}`),
        }),
      ),
    );
    for (const b of brokers) closers.push(() => b.stop());
    say(`cluster up: gateways ${brokers.map((b) => b.gatewayAddress).join(', ')}`);

    const jwtSecret = randomBytes(32).toString('hex');
    const auditChainKey = randomBytes(32).toString('hex');
    const apis: ApiChild[] = [];
    for (const i of [0, 1]) {
      const api = new ApiChild(
        await freePort(),
        {
          DATABASE_URL: appUrl,
          MIGRATION_DATABASE_URL: pg.url,
          AUDIT_CHAIN_KEY: auditChainKey,
          ZEEBE_ADDRESS: brokers[i].gatewayAddress,
          ZEEBE_REST_ADDRESS: brokers[i].restAddress,
          JWT_SECRET: jwtSecret,
          DATA_DIR: path.join(tmp, `data-${i}`),
        },
        path.join(tmp, `api-${i}.log`),
      );
      closers.push(() => api.stop());
      api.onExit = (code, signal) => {
        if (!ok) say(`API ${i} exited (code ${code}, signal ${signal}); its log: ${path.join(tmp, `api-${i}.log`)}`);
      };
      // one after the other: the first deploys the bundled models, the second finds them deployed
      await api.start();
      apis.push(api);
    }
    say(`APIs up: ${apis.map((a) => a.base).join(', ')}`);
    const zeebe = createZeebeClient(brokers[0].gatewayAddress, brokers[0].restAddress);
    closers.push(() => zeebe.close(2000));
    await sleep(5000);

    const meter = () => cpuMeter({ brokers: brokers.map((b) => b.pid), postmaster, nodes: apis.map((a) => a.pid) });
    const runs: ClusterRun[] = [];
    for (let i = 0; i < opts.runs; i++) {
      say(`cluster platform run ${i + 1}/${opts.runs}`);
      const e = await runPlatformE2E(
        apis.map((a) => a.base),
        db,
        zeebe,
        { instances: opts.instances, officers: opts.officers, run: `${Date.now().toString(36)}c${i}`, client: opts.client, meter },
      );
      runs.push({
        tasksPerSecond: e.tasksPerSecond,
        tasks: e.tasks,
        p50: e.latencyMs.median,
        p99: e.latencyMs.p99,
        cpu: e.cpu!,
        recordsPerTask: e.recordsPerTask,
      });
      const per = (k: 'broker' | 'node' | 'postgres') => fmt((1000 * e.cpu![k]) / e.tasks, 1);
      say(
        `  ${fmt(e.tasksPerSecond)} tasks/s, next task p50 ${fmt(e.latencyMs.median)} ms p99 ${fmt(e.latencyMs.p99)} ms; CPU per task: brokers ${per('broker')} / Node ${per('node')} / PostgreSQL ${per('postgres')} ms`,
      );
    }
    const partitions = (
      (await db.raw(`SELECT partition_id, count(*)::int AS n FROM zeebe_record GROUP BY 1 ORDER BY 1`)).rows as { partition_id: number; n: number }[]
    ).map((r) => ({ partition: r.partition_id, records: r.n }));
    ok = true;
    return { runs, partitions };
  } finally {
    for (const c of closers.reverse()) await c().catch(() => {});
    if (ok) rmSync(tmp, { recursive: true, force: true });
    else say(`kept ${tmp} (API and broker logs) for inspection`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const say = (m: string) => console.log(`[bench cluster] ${m}`);
  runCluster({
    runs: Number(process.env.BENCH_RUNS ?? 3),
    instances: Number(process.env.BENCH_INSTANCES ?? 200),
    officers: Number(process.env.BENCH_OFFICERS ?? 8),
    client: (process.env.BENCH_CLIENT ?? 'live') as ClientMode,
    say,
  }).then(
    (r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
