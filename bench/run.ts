import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readConfig } from '../lib/config.js';
import { startPlatform } from '../api/platform.js';
import { createZeebeClient } from '../engine/client.js';
import { startEngineRuntime, type EngineRuntime, type RuntimeContext } from '../engine/runtime.js';
import { HistoryProjector, type ProjectedEvent } from '../engine/history/projector.js';
import { DOMAIN_MODULES } from '../domain/modules.js';
import {
  startCpuProfile,
  countStatements,
  cpuLine,
  cpuMeter,
  heapAfterGcMiB,
  machine,
  processTree,
  pssMiB,
  rssByPattern,
  rssMiB,
  spread,
  stats,
  fmt,
  type CpuSplit,
} from './lib.js';
import { runCeiling } from './zeebe-ceiling.js';
import { runLatencyProbe, runPlatformE2E, type BackendSample, type ClientMode, type StageTimes } from './platform-e2e.js';
import { runSameModel } from './same-model.js';
import { runCluster, type ClusterResult } from './cluster.js';
import { provinceSection } from './capacity.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 200);
const OFFICERS = Number(process.env.BENCH_OFFICERS ?? 8);
/** live (default): officers follow the event stream like the web inbox; poll: they refetch every 5 ms when idle. */
const CLIENT = (process.env.BENCH_CLIENT ?? 'live') as ClientMode;
/** 1: skip the start-to-ready timing (profiling runs). */
const SKIP_READY = process.env.BENCH_SKIP_READY === '1';
/** BENCH_SQL_TOP=N: the N statements Node sent most often during each platform run, per task */
const SQL_TOP = Number(process.env.BENCH_SQL_TOP ?? 0);
/** Cases worked one at a time by one officer for the next-task latency without queueing (0: skip). */
const PROBE_CASES = Number(process.env.BENCH_PROBE_CASES ?? 20);
/** 1: also measure the platform on a three-broker cluster with two API processes (bench/cluster.ts). */
const CLUSTER = process.env.BENCH_CLUSTER === '1';
/**
 * BENCH_CPU_PROFILE=dir: a CPU profile of this Node process (platform and benchmark client) during each platform
 * run, written as dir/platform-run-N.cpuprofile (Chrome DevTools), with the heaviest functions by self time printed.
 */
const CPU_PROFILE = process.env.BENCH_CPU_PROFILE;
/** Where the report goes (default bench/RESULTS.md). */
const OUT = process.env.BENCH_OUT ?? path.join('bench', 'RESULTS.md');
const say = (m: string) => console.log(`[bench] ${m}`);

/** Time from `npx tsx api/server.ts` to its "Ready" line, with the Zeebe distribution already cached. */
async function timeToReady(): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bench-ready-'));
  chmodSync(dataDir, 0o755);
  const t0 = performance.now();
  const child = spawn('npx', ['tsx', 'api/server.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready within 180 s')), 180_000);
    child.stdout.on('data', (b: Buffer) => {
      if (b.toString().includes('Ready.')) {
        clearTimeout(timer);
        resolve(performance.now() - t0);
      }
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  process.kill(-child.pid!, 'SIGINT');
  await new Promise((r) => setTimeout(r, 8000));
  return ms;
}

/** CPU per unit of work, in milliseconds (seconds keeps the wall time of the run). */
const perUnit = (c: CpuSplit, n: number): CpuSplit => ({
  seconds: c.seconds,
  broker: (1000 * c.broker) / n,
  node: (1000 * c.node) / n,
  postgres: (1000 * c.postgres) / n,
  others: (1000 * c.others) / n,
});
const msLine = (c: CpuSplit) =>
  `broker ${fmt(c.broker, 1)} / Node ${fmt(c.node, 1)} / PostgreSQL ${fmt(c.postgres, 1)} ms (ours ${fmt(c.broker + c.node + c.postgres, 1)} ms)`;

async function main(): Promise<void> {
  const readyMs: number[] = [];
  for (let i = 0; i < (SKIP_READY ? 0 : Math.min(RUNS, 2)); i++) {
    say(`start-to-ready run ${i + 1}`);
    readyMs.push(await timeToReady());
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bench-'));
  chmodSync(dataDir, 0o755);
  const config = {
    ...readConfig(),
    dataDir,
    port: 0,
    jwtSecret: randomBytes(32).toString('hex'),
    logLevel: 'warn',
    databaseUrl: process.env.BENCH_DATABASE_URL,
  };
  // The engine runtime (the modules' job workers, the projector, the sweeps) is started here rather than by
  // the platform: the same-model ceiling needs the broker's listener and user-task jobs for bare workers.
  const platform = await startPlatform({ config, runtime: false, logger: { level: 'warn' }, say });
  const runtimeCtx: RuntimeContext = { zeebe: platform.zeebe, db: platform.db, log: platform.app.log, config };
  let runtime: EngineRuntime | undefined = await startEngineRuntime(runtimeCtx, DOMAIN_MODULES);
  /**
   * Stops the job workers for the same-model ceiling; the history projector and the modules' hooks on it
   * go on (as during the bare ceiling), so the two ceilings run in the same surroundings.
   */
  const pauseWorkers = async (): Promise<() => Promise<void>> => {
    await runtime?.stop();
    runtime = undefined;
    const projector = new HistoryProjector(platform.db, { logger: platform.app.log });
    projector.on('projected', (e: ProjectedEvent) => {
      for (const m of DOMAIN_MODULES) m.onProjected?.(e, runtimeCtx).catch(() => {});
    });
    await projector.start();
    return async () => {
      // caught up before the runtime's own projector takes over: the platform run pays for nothing of the ceiling's
      while ((await projector.runOnce()) > 0);
      await projector.stop();
      runtime = await startEngineRuntime(runtimeCtx, DOMAIN_MODULES);
    };
  };
  const base = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const rawClient = createZeebeClient(platform.broker?.gatewayAddress ?? config.zeebeAddress!);
  await new Promise((r) => setTimeout(r, 5000));
  const postmasterFile = path.join(dataDir, 'pg', 'postmaster.pid');
  const postmaster = existsSync(postmasterFile) ? Number(readFileSync(postmasterFile, 'utf8').split('\n')[0]) : undefined;
  // Our PostgreSQL only (postmaster and its backends), by proportional set size: its shared buffers are
  // mapped by every backend and would be counted once per process by RSS. Without an embedded
  // server (BENCH_DATABASE_URL), every postgres process of the machine by RSS.
  const memory = () => ({
    broker: platform.broker ? rssMiB(platform.broker.pid) : NaN,
    node: process.memoryUsage().rss / 2 ** 20,
    postgres: postmaster ? processTree(postmaster).reduce((sum, pid) => sum + (pssMiB(pid) || 0), 0) : rssByPattern(/postgres(?!.*bash)/),
  });
  const idleHeap = heapAfterGcMiB();
  let loadedHeap = idleHeap;
  const idle = memory();
  const meter = () => cpuMeter({ broker: platform.broker?.pid, postmaster });
  const ceilingCpu: CpuSplit[] = [];
  const e2eCpu: CpuSplit[] = [];
  const stageRuns: StageTimes[][] = [];
  const pushed50: number[] = [];
  const pushed99: number[] = [];
  const http50: number[] = [];
  const claim50: number[] = [];
  const backendRuns: BackendSample[] = [];
  const recordsPerJob: number[] = [];
  const recordsPerTask: number[] = [];
  const sqlPerTask: number[] = [];
  /** CPU milliseconds per completed job (ceiling) or human task (platform): what a quiet machine's ceiling follows from */
  const ceilingPerJob: CpuSplit[] = [];
  const e2ePerTask: CpuSplit[] = [];
  /** the same-model ceiling: the platform's deployed procedure driven by bare SDK workers (per human task) */
  const same: number[] = [];
  const sameCpu: CpuSplit[] = [];
  const samePerTask: CpuSplit[] = [];
  const recordsPerSameTask: number[] = [];

  const ceiling: number[] = [];
  const e2e: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  let loaded = idle;
  for (let i = 0; i < RUNS; i++) {
    const run = `${Date.now().toString(36)}${i}`;
    say(`ceiling run ${i + 1}/${RUNS}`);
    const c = await runCeiling(rawClient, { instances: INSTANCES, concurrency: 16, run, meter, db: platform.db });
    recordsPerJob.push(c.recordsPerJob ?? NaN);
    ceilingCpu.push(c.cpu!);
    ceilingPerJob.push(perUnit(c.cpu!, c.jobs));
    ceiling.push(c.jobsPerSecond);
    say(`  ${fmt(c.jobsPerSecond)} jobs/s; CPU ${cpuLine(ceilingCpu.at(-1)!)}; per job ${msLine(ceilingPerJob.at(-1)!)}`);
    say(`same-model ceiling run ${i + 1}/${RUNS}`);
    const resume = await pauseWorkers();
    try {
      const s = await runSameModel(rawClient, platform.db, { instances: INSTANCES, concurrency: 16, run, meter });
      same.push(s.tasksPerSecond);
      sameCpu.push(s.cpu!);
      samePerTask.push(perUnit(s.cpu!, s.tasks));
      recordsPerSameTask.push(s.recordsPerTask);
      say(
        `  ${fmt(s.tasksPerSecond)} human tasks/s (${s.jobs} jobs); CPU ${cpuLine(s.cpu!)}; per task ${msLine(samePerTask.at(-1)!)}; ${fmt(s.recordsPerTask, 1)} records per task`,
      );
    } finally {
      await resume();
    }
    say(`platform run ${i + 1}/${RUNS}`);
    const statements = countStatements(platform.db);
    const profile = CPU_PROFILE ? await startCpuProfile() : undefined;
    const e = await runPlatformE2E(base, platform.db, platform.zeebe, { instances: INSTANCES, officers: OFFICERS, run, client: CLIENT, meter });
    if (profile) await profile.stop(path.join(CPU_PROFILE!, `platform-run-${i + 1}.cpuprofile`), say);
    const sql = statements();
    sqlPerTask.push(sql.total / e.tasks);
    const cpu = e.cpu!;
    e2eCpu.push(cpu);
    e2ePerTask.push(perUnit(cpu, e.tasks));
    e2e.push(e.tasksPerSecond);
    p50.push(e.latencyMs.median);
    p99.push(e.latencyMs.p99);
    pushed50.push(e.pushedMs.median);
    pushed99.push(e.pushedMs.p99);
    http50.push(e.completeHttpMs.median);
    claim50.push(e.claimHttpMs.median);
    stageRuns.push(e.stages);
    backendRuns.push(e.backends);
    recordsPerTask.push(e.recordsPerTask);
    loaded = memory();
    loadedHeap = heapAfterGcMiB();
    say(`  ${fmt(e.tasksPerSecond)} tasks/s, next task p50 ${fmt(e.latencyMs.median)} ms p99 ${fmt(e.latencyMs.p99)} ms; CPU ${cpuLine(cpu)}`);
    say(`    CPU per task: ${msLine(e2ePerTask.at(-1)!)}`);
    say(
      `    PostgreSQL busy backends (avg): ${fmt(e.backends.active, 2)} working, ${fmt(e.backends.lockWait, 2)} waiting on a lock (audit chain head ${fmt(e.backends.auditLockWait, 2)}); on the audit head ${fmt(e.backends.auditHead, 2)}`,
    );
    say(`    SQL statements sent by Node per task: ${fmt(sql.total / e.tasks, 1)}`);
    if (SQL_TOP) for (const [text, n] of sql.top.slice(0, SQL_TOP)) say(`      ${fmt(n / e.tasks, 2).padStart(6)}  ${text.slice(0, 160)}`);
    for (const st of e.stages) say(`    ${st.stage.padEnd(20)} p50 ${fmt(st.p50, 0).padStart(5)} ms  p99 ${fmt(st.p99, 0).padStart(5)} ms  (n ${st.n})`);
  }
  let probe: Awaited<ReturnType<typeof runLatencyProbe>> | undefined;
  if (PROBE_CASES > 0) {
    say(`latency probe: ${PROBE_CASES} cases, one at a time`);
    probe = await runLatencyProbe(base, platform.db, platform.zeebe, { cases: PROBE_CASES, run: `${Date.now().toString(36)}p` });
    say(
      `  next task committed p50 ${fmt(probe.committedMs.median, 0)} ms p99 ${fmt(probe.committedMs.p99, 0)} ms; pushed p50 ${fmt(probe.pushedMs.median, 0)} ms p99 ${fmt(probe.pushedMs.p99, 0)} ms`,
    );
  }
  await rawClient.close(2000);
  await runtime?.stop();
  await platform.close();

  let cluster: ClusterResult | undefined;
  if (CLUSTER) {
    say(`cluster: three brokers, three partitions, two API processes`);
    cluster = await runCluster({ runs: RUNS, instances: INSTANCES, officers: OFFICERS, client: CLIENT, say });
  }

  const c = stats(ceiling);
  const e = stats(e2e);
  const ratio = stats(e2e.map((v, i) => v / ceiling[i]));
  const sm = stats(same);
  const ratioSame = stats(e2e.map((v, i) => v / same[i]));
  const ratioSameBare = stats(same.map((v, i) => v / ceiling[i]));
  const ours = (r: CpuSplit) => r.broker + r.node + r.postgres;
  const oursMs = (runs: CpuSplit[]) => stats(runs.map(ours)).median;
  const clusterPerTask = cluster?.runs.map((r) => perUnit(r.cpu, r.tasks)) ?? [];
  const clusterTps = stats(cluster?.runs.map((r) => r.tasksPerSecond) ?? []);
  const total = (m: typeof idle) => m.broker + m.node + m.postgres;
  const cores = (runs: CpuSplit[], k: keyof Omit<CpuSplit, 'seconds'>) => fmt(stats(runs.map((r) => r[k] / r.seconds)).median, 2);
  const cpuRow = (runs: CpuSplit[]) => `${cores(runs, 'broker')} / ${cores(runs, 'node')} / ${cores(runs, 'postgres')} / ${cores(runs, 'others')}`;
  const ms = (runs: CpuSplit[], k: 'broker' | 'node' | 'postgres' | 'ours') =>
    fmt(stats(runs.map((r) => (k === 'ours' ? r.broker + r.node + r.postgres : r[k]))).median, 1);
  const msRow = (runs: CpuSplit[]) => `${ms(runs, 'broker')} / ${ms(runs, 'node')} / ${ms(runs, 'postgres')} / ${ms(runs, 'ours')}`;
  const clusterRows = cluster
    ? [
        `| cluster (3 brokers, 3 partitions, replication 3; 2 API processes): platform end to end | ${spread(clusterTps)} tasks/s | — |`,
        `| ratio cluster / single-broker platform | ${spread(stats(cluster.runs.map((r, i) => r.tasksPerSecond / e2e[Math.min(i, e2e.length - 1)])), 2)} | — |`,
        `| cluster: completion → next task in inbox, p50 / p99 | ${fmt(stats(cluster.runs.map((r) => r.p50)).median, 0)} / ${fmt(stats(cluster.runs.map((r) => r.p99)).median, 0)} ms | — |`,
        `| CPU during the cluster run: 3 brokers / Node (2 APIs + client) / PostgreSQL / other processes | ${cpuRow(cluster.runs.map((r) => r.cpu))} cores | — |`,
        `| CPU per human task (cluster): 3 brokers / Node / PostgreSQL / ours | ${msRow(clusterPerTask)} ms (single broker ${fmt(oursMs(e2ePerTask), 1)} ms: × ${fmt(oursMs(clusterPerTask) / oursMs(e2ePerTask), 2)}) | — |`,
        `| broker records exported per human task (cluster), per partition over the run | ${fmt(stats(cluster.runs.map((r) => r.recordsPerTask)).median, 1)}; ${cluster.partitions.map((p) => `${p.partition}: ${p.records}`).join(', ')} | — |`,
      ]
    : [];
  const lines = [
    '# Benchmark results',
    '',
    `Date: ${new Date().toISOString()}  `,
    `Machine: ${machine()}  `,
    `Runs: ${RUNS} × ${INSTANCES} instances of a five-step process; ${OFFICERS} officers over HTTP (${CLIENT === 'live' ? 'following the live event stream like the web inbox' : 'polling the list every 5 ms when idle'}). Figures: median (min–max).`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| raw Zeebe ceiling (SDK worker completes 5 service tasks) | ${spread(c)} jobs/s | — |`,
    `| platform end to end (claim + complete over HTTP, 5 human steps) | ${spread(e)} tasks/s | ≥ 150 |`,
    `| same-model ceiling (SDK workers complete the platform's deployed procedure at once: its listener and user-task jobs, 5 human steps) | ${spread(sm)} human tasks/s | — |`,
    `| ratio platform / raw ceiling (tasks/s per jobs/s) | ${spread(ratio, 2)} | — |`,
    `| ratio platform / same-model | ${spread(ratioSame, 2)} | ≥ 0.8 |`,
    `| ratio same-model / raw ceiling (tasks/s per jobs/s: the cost of the deadline pattern in the broker) | ${spread(ratioSameBare, 2)} | — |`,
    `| completion → next task in inbox, p50 | ${spread(stats(p50), 0, ' ms')} | — |`,
    `| completion → next task in inbox, p99 | ${spread(stats(p99), 0, ' ms')} | ≤ 200 ms |`,
    ...(CLIENT === 'live'
      ? [
          `| completion → next task pushed to the officer's open inbox, p50 / p99 | ${fmt(stats(pushed50).median, 0)} / ${fmt(stats(pushed99).median, 0)} ms | — |`,
        ]
      : []),
    ...(probe
      ? [
          `| one case at a time (no queueing, ${probe.committedMs.n} steps): completion → next task in inbox, p50 / p99 | ${fmt(probe.committedMs.median, 0)} / ${fmt(probe.committedMs.p99, 0)} ms | p99 ≤ 200 ms |`,
          `| one case at a time: completion → next task pushed to the open inbox, p50 / p99 | ${fmt(probe.pushedMs.median, 0)} / ${fmt(probe.pushedMs.p99, 0)} ms | — |`,
        ]
      : []),
    `| HTTP claim / complete answered, p50 | ${fmt(stats(claim50).median, 0)} / ${fmt(stats(http50).median, 0)} ms | — |`,
    ...(readyMs.length ? [`| start command → ready (warm cache, fresh data folder) | ${spread(stats(readyMs.map((v) => v / 1000)), 1, ' s')} | ≤ 60 s |`] : []),
    `| memory at idle: broker / Node / PostgreSQL / total | ${fmt(idle.broker, 0)} / ${fmt(idle.node, 0)} / ${fmt(idle.postgres, 0)} / ${fmt(total(idle), 0)} MiB | ≤ 2048 MiB |`,
    `| memory after load: broker / Node / PostgreSQL / total | ${fmt(loaded.broker, 0)} / ${fmt(loaded.node, 0)} / ${fmt(loaded.postgres, 0)} / ${fmt(total(loaded), 0)} MiB | — |`,
    `| Node heap after a full garbage collection: idle / after load | ${fmt(idleHeap, 0)} / ${fmt(loadedHeap, 0)} MiB | — |`,
    `| CPU during the ceiling: broker / Node / PostgreSQL / other processes | ${cpuRow(ceilingCpu)} cores | — |`,
    `| CPU during the same-model ceiling: broker / Node / PostgreSQL / other processes | ${cpuRow(sameCpu)} cores | — |`,
    `| CPU during the platform run: broker / Node / PostgreSQL / other processes | ${cpuRow(e2eCpu)} cores | — |`,
    `| CPU per raw job (ceiling): broker / Node / PostgreSQL / ours | ${msRow(ceilingPerJob)} ms | — |`,
    `| CPU per human task (same-model ceiling): broker / Node / PostgreSQL / ours | ${msRow(samePerTask)} ms | — |`,
    `| CPU per human task (platform): broker / Node / PostgreSQL / ours | ${msRow(e2ePerTask)} ms | ≤ 30 ms (ours) |`,
    `| broker records exported per raw job / per same-model task / per human task | ${fmt(stats(recordsPerJob).median, 1)} / ${fmt(stats(recordsPerSameTask).median, 1)} / ${fmt(stats(recordsPerTask).median, 1)} | — |`,
    ...clusterRows,
    `| PostgreSQL during the platform run: busy backends working / waiting on a lock (of which the audit chain head) | ${fmt(stats(backendRuns.map((b) => b.active)).median, 2)} / ${fmt(stats(backendRuns.map((b) => b.lockWait)).median, 2)} (${fmt(stats(backendRuns.map((b) => b.auditLockWait)).median, 2)}) | — |`,
    '',
    "Latency is measured from sending a completion to the commit of the next step's inbox row (what the inbox query sees).",
    "Memory: RSS of the broker and of this Node process; PostgreSQL is the proportional set size (PSS) of our embedded server's postmaster and backends (shared buffers shared among them, not counted once per backend; earlier reports summed the RSS of every postgres process of the machine, other projects' included).",
    'CPU is in cores (CPU seconds per second, 2 = the whole machine): our broker, this Node process (platform and benchmark client), our PostgreSQL (postmaster and backends), and everything else on the machine.',
    'CPU per job / per task is what our three processes spent per completed unit of work; on an otherwise idle machine the throughput cannot exceed 2000 ms / (ours) per second, whatever the latency.',
    "Same-model ceiling: the procedure the platform runs, deployed through the platform's deploy (engine/deploy.ts: the deadline pattern adds the case listeners, the step listener, the task schedule and the reminder and escalation timers) under a process id of its own, its jobs completed at once by bare SDK workers (listener jobs with the variables our listener workers set, user-task jobs with none). The platform's job workers are stopped meanwhile; its history projector runs, as during the raw ceiling. The platform / same-model ratio is the cost of the platform around the broker; same-model / raw is the cost of the deadline pattern inside it.",
    ...(cluster
      ? [
          'Cluster: three brokers (each with its gateway and our exporter, the single broker’s heap), three partitions, replication factor three, two API/worker processes on the gateways of brokers 0 and 1, officers alternating between them; the same workload as the platform run. Node is both API processes and the benchmark client. Everything shares the same 2 cores: the figures show the overhead of distribution, not a gain.',
        ]
      : []),
    '',
    '### Where the time goes: completion of step k-1 → step k in the inbox (cumulative ms from sending the completion; median over runs)',
    '',
    '| point | p50 | p99 | what |',
    '|---|---:|---:|---|',
    ...(stageRuns[0] ?? []).map(
      (st, i) =>
        `| ${st.stage} | ${fmt(stats(stageRuns.map((r) => r[i].p50)).median, 0)} | ${fmt(stats(stageRuns.map((r) => r[i].p99)).median, 0)} | ${st.note} |`,
    ),
    '',
    "Broker points come from the broker's own records (JOB and JOB_BATCH in zeebe_record); the inbox row from its created_at; the last two from the benchmark client.",
    '',
    ...provinceSection([
      { label: 'platform, one broker', cpuMsPerTask: oursMs(e2ePerTask), recordsPerTask: stats(recordsPerTask).median },
      ...(cluster
        ? [
            {
              label: 'platform, 3 brokers + 2 API processes',
              cpuMsPerTask: oursMs(clusterPerTask),
              recordsPerTask: stats(cluster.runs.map((r) => r.recordsPerTask)).median,
            },
          ]
        : []),
      {
        label: 'same-model ceiling (the broker with bare workers: the floor)',
        cpuMsPerTask: oursMs(samePerTask),
        recordsPerTask: stats(recordsPerSameTask).median,
      },
    ]),
  ];
  // Benchmarks that run on their own (bench/inbox-scale.ts) leave their section in bench/results/.
  const sections = path.join('bench', 'results');
  if (existsSync(sections)) {
    for (const f of readdirSync(sections)
      .filter((n) => n.endsWith('.md'))
      .sort())
      lines.push('', readFileSync(path.join(sections, f), 'utf8'));
  }
  writeFileSync(OUT, lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
