import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { readConfig } from '../api/config.js';
import { startPlatform } from '../api/platform.js';
import { createZeebeClient } from '../engine/client.js';
import { machine, rssByPattern, rssMiB, spread, stats, fmt } from './lib.js';
import { runCeiling } from './zeebe-ceiling.js';
import { runPlatformE2E } from './platform-e2e.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 200);
const OFFICERS = Number(process.env.BENCH_OFFICERS ?? 8);
const say = (m: string) => console.log(`[bench] ${m}`);

/** Time from `npx tsx api/server.ts` to its "Ready" line, with the Zeebe distribution already cached. */
async function timeToReady(): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bench-ready-'));
  chmodSync(dataDir, 0o755);
  const t0 = performance.now();
  const child = spawn('npx', ['tsx', 'api/server.ts'], { env: { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const ms = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not ready within 180 s')), 180_000);
    child.stdout!.on('data', (b: Buffer) => {
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

async function main(): Promise<void> {
  const readyMs: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 2); i++) {
    say(`start-to-ready run ${i + 1}`);
    readyMs.push(await timeToReady());
  }

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bench-'));
  chmodSync(dataDir, 0o755);
  const config = { ...readConfig(), dataDir, port: 0, jwtSecret: randomBytes(32).toString('hex'), logLevel: 'warn', databaseUrl: process.env.BENCH_DATABASE_URL };
  const platform = await startPlatform({ config, logger: { level: 'warn' }, say });
  const base = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  const rawClient = createZeebeClient(platform.broker?.gatewayAddress ?? config.zeebeAddress!);
  await new Promise((r) => setTimeout(r, 5000));
  const memory = () => ({
    broker: platform.broker ? rssMiB(platform.broker.pid) : NaN,
    node: process.memoryUsage().rss / 2 ** 20,
    postgres: rssByPattern(/postgres(?!.*bash)/),
  });
  const idle = memory();

  const ceiling: number[] = [];
  const e2e: number[] = [];
  const p50: number[] = [];
  const p99: number[] = [];
  let loaded = idle;
  for (let i = 0; i < RUNS; i++) {
    const run = `${Date.now().toString(36)}${i}`;
    say(`ceiling run ${i + 1}/${RUNS}`);
    const c = await runCeiling(rawClient, { instances: INSTANCES, concurrency: 16, run });
    ceiling.push(c.jobsPerSecond);
    say(`  ${fmt(c.jobsPerSecond)} jobs/s`);
    say(`platform run ${i + 1}/${RUNS}`);
    const e = await runPlatformE2E(base, platform.db, platform.zeebe, { instances: INSTANCES, officers: OFFICERS, run });
    e2e.push(e.tasksPerSecond);
    p50.push(e.latencyMs.median);
    p99.push(e.latencyMs.p99);
    loaded = memory();
    say(`  ${fmt(e.tasksPerSecond)} tasks/s, next task p50 ${fmt(e.latencyMs.median)} ms p99 ${fmt(e.latencyMs.p99)} ms`);
  }
  await rawClient.close(2000);
  await platform.close();

  const c = stats(ceiling);
  const e = stats(e2e);
  const ratio = stats(e2e.map((v, i) => v / ceiling[i]!));
  const total = (m: typeof idle) => m.broker + m.node + m.postgres;
  const lines = [
    '# Benchmark results',
    '',
    `Date: ${new Date().toISOString()}  `,
    `Machine: ${machine()}  `,
    `Runs: ${RUNS} × ${INSTANCES} instances of a five-step process; ${OFFICERS} officers over HTTP. Figures: median (min–max).`,
    '',
    '| measure | result | target |',
    '|---|---|---|',
    `| raw Zeebe ceiling (SDK worker completes 5 service tasks) | ${spread(c)} jobs/s | — |`,
    `| platform end to end (claim + complete over HTTP, 5 human steps) | ${spread(e)} tasks/s | ≥ 150 |`,
    `| ratio platform / ceiling | ${spread(ratio, 2)} | ≥ 0.8 |`,
    `| completion → next task in inbox, p50 | ${spread(stats(p50), 0, ' ms')} | — |`,
    `| completion → next task in inbox, p99 | ${spread(stats(p99), 0, ' ms')} | ≤ 200 ms |`,
    `| start command → ready (warm cache, fresh data folder) | ${spread(stats(readyMs.map((v) => v / 1000)), 1, ' s')} | ≤ 60 s |`,
    `| memory at idle: broker / Node / PostgreSQL / total | ${fmt(idle.broker, 0)} / ${fmt(idle.node, 0)} / ${fmt(idle.postgres, 0)} / ${fmt(total(idle), 0)} MiB | ≤ 2048 MiB |`,
    `| memory after load: broker / Node / PostgreSQL / total | ${fmt(loaded.broker, 0)} / ${fmt(loaded.node, 0)} / ${fmt(loaded.postgres, 0)} / ${fmt(total(loaded), 0)} MiB | — |`,
    '',
    'Latency is measured from sending a completion to the commit of the next step\'s inbox row (what the inbox query sees).',
    'PostgreSQL memory is the sum of RSS of every postgres process on the machine (shared buffers counted once per process, so it overstates).',
    '',
  ];
  // Benchmarks that run on their own (bench/inbox-scale.ts) leave their section in bench/results/.
  const sections = path.join('bench', 'results');
  if (existsSync(sections)) {
    for (const f of readdirSync(sections).filter((n) => n.endsWith('.md')).sort()) lines.push('', readFileSync(path.join(sections, f), 'utf8'));
  }
  writeFileSync(path.join('bench', 'RESULTS.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
