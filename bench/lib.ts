import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Knex } from 'knex';
import { createKnex } from '../lib/db.js';

/** Summary of repeated measurements: median and spread (min, max, p10, p90). */
export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
  p10: number;
  p90: number;
  p99: number;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function stats(values: number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    min: s[0] ?? NaN,
    max: s[s.length - 1] ?? NaN,
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
  };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** "median (min–max)" for a set of runs. */
export const spread = (s: Stats, digits = 1, unit = '') => `${fmt(s.median, digits)}${unit} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/**
 * What the person running a bench says about the machine's other work (BENCH_NOTE, e.g. "two helpers ran test
 * suites meanwhile"); without it the report says only what the load average shows.
 */
export const machineNote = () =>
  process.env.BENCH_NOTE ? `**Shared**: ${process.env.BENCH_NOTE}.` : 'Nothing else was noted about the machine; the load average says how busy it was.';

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let java = '';
  try {
    java = execFileSync('bash', ['-c', 'ls /usr/lib/jvm | tr "\\n" " "'], { encoding: 'utf8' });
  } catch {
    /* ignore */
  }
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, JDKs: ${java.trim()}`;
}

/**
 * Live JavaScript heap of this process in MiB after a full garbage collection: what the platform keeps,
 * unlike RSS, which also holds garbage not yet collected and memory V8 has not given back.
 */
export function heapAfterGcMiB(): number {
  v8.setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Resident memory of a process in MiB (from /proc), or NaN. */
export function rssMiB(pid: number): number {
  try {
    const status = execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8' });
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Proportional set size of a process in MiB (shared pages divided among the processes sharing them), or NaN. */
export function pssMiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Sum of RSS of every process whose command line matches. */
export function rssByPattern(pattern: RegExp): number {
  const out = execFileSync('ps', ['-eo', 'pid=,rss=,args='], { encoding: 'utf8' });
  let kb = 0;
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m && pattern.test(m[3])) kb += Number(m[2]);
  }
  return kb / 1024;
}

/** A five-step BPMN: service tasks of `jobType` or user tasks offered to `group`, each with a time limit. */
export function fiveStepModel(id: string, kind: { service: string } | { userGroup: string }): string {
  const steps = [1, 2, 3, 4, 5];
  const task = (i: number) =>
    'service' in kind
      ? `<bpmn:serviceTask id="S${i}" name="Bước ${i}"><bpmn:extensionElements><zeebe:taskDefinition type="${kind.service}" /></bpmn:extensionElements><bpmn:incoming>F${i}</bpmn:incoming><bpmn:outgoing>F${i + 1}</bpmn:outgoing></bpmn:serviceTask>`
      : `<bpmn:userTask id="S${i}" name="Bước ${i}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="${kind.userGroup}" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="1" /></zeebe:taskHeaders></bpmn:extensionElements><bpmn:incoming>F${i}</bpmn:incoming><bpmn:outgoing>F${i + 1}</bpmn:outgoing></bpmn:userTask>`;
  const flows = [1, 2, 3, 4, 5, 6].map(
    (i) => `<bpmn:sequenceFlow id="F${i}" sourceRef="${i === 1 ? 'Start' : `S${i - 1}`}" targetRef="${i === 6 ? 'End' : `S${i}`}" />`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/bench" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.6.0">
  <bpmn:process id="${id}" name="Benchmark ${id}" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="10" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" name="Bắt đầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    ${steps.map(task).join('\n    ')}
    <bpmn:endEvent id="End" name="Kết thúc"><bpmn:incoming>F6</bpmn:incoming></bpmn:endEvent>
    ${flows.join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}

/** Retries a command the broker refused under backpressure (gRPC RESOURCE_EXHAUSTED), as a real client would. */
export async function withBackpressure<T>(call: () => Promise<T>, attempts = 50): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if ((err as { code?: number }).code !== 8 || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 20 + i * 10));
    }
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (fields 14 and 15 of proc(5)), in clock ticks (100 per second on Linux)
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** A process and every descendant (PostgreSQL's postmaster and its backends). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited meanwhile */
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** Busy CPU seconds of the whole machine (every core) so far, from /proc/stat. */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Who used the CPU during a measured stretch: our broker, this Node process, our PostgreSQL, and everything else on the machine. */
export interface CpuSplit {
  seconds: number;
  broker: number;
  node: number;
  postgres: number;
  others: number;
}

/**
 * CPU of our processes over a stretch, from when it is called to when the returned function is.
 * - broker / brokers: the broker JVM(s) (a cluster: every broker, summed);
 * - postmaster: our PostgreSQL, the postmaster and its backends;
 * - node: this process, plus `nodes` and their descendants (API processes started as children).
 */
export function cpuMeter(pids: { broker?: number; brokers?: number[]; postmaster?: number; nodes?: number[] }): () => CpuSplit {
  const pgPids = () => (pids.postmaster ? processTree(pids.postmaster) : []);
  const nodePids = () => (pids.nodes ?? []).flatMap((p) => processTree(p));
  const brokerPids = [...(pids.broker ? [pids.broker] : []), ...(pids.brokers ?? [])];
  // Backends come and go: sum over the processes alive at each end, keyed by pid.
  const now = (list: number[]) => new Map(list.map((p) => [p, cpuSeconds(p)]));
  const since = (end: Map<number, number>, start: Map<number, number>) => {
    let sum = 0;
    for (const [pid, s] of end) sum += s - (start.get(pid) ?? 0);
    return sum;
  };
  const start = {
    t: performance.now(),
    broker: now(brokerPids),
    node: process.cpuUsage(),
    nodes: now(nodePids()),
    pg: now(pgPids()),
    machine: machineBusySeconds(),
  };
  return () => {
    const postgres = since(now(pgPids()), start.pg);
    const nodeUsage = process.cpuUsage(start.node);
    const broker = since(now(brokerPids), start.broker);
    const node = (nodeUsage.user + nodeUsage.system) / 1e6 + since(now(nodePids()), start.nodes);
    const machine = machineBusySeconds() - start.machine;
    return { seconds: (performance.now() - start.t) / 1000, broker, node, postgres, others: Math.max(0, machine - broker - node - postgres) };
  };
}

/** "broker 0.52 / Node 0.61 / PostgreSQL 0.40 / others 0.30 cores" over a measured stretch. */
export const cpuLine = (c: CpuSplit) =>
  `broker ${fmt(c.broker / c.seconds, 2)} / Node ${fmt(c.node / c.seconds, 2)} / PostgreSQL ${fmt(c.postgres / c.seconds, 2)} / other processes ${fmt(c.others / c.seconds, 2)} cores`;

export interface BenchUnit {
  code: string;
  name: string;
  kind: string;
  parent?: string;
}

/** The seeded province of the scale benchmarks: the province, 30 departments with 3 divisions each, 100 communes. */
export function provinceUnits(departments = 30, divisionsPerDept = 3, communes = 100): BenchUnit[] {
  const out: BenchUnit[] = [{ code: 'TINH', name: 'UBND tỉnh', kind: 'province' }];
  for (let d = 1; d <= departments; d++) {
    const code = `SO${String(d).padStart(2, '0')}`;
    out.push({ code, name: `Sở số ${d}`, kind: 'department', parent: 'TINH' });
    for (let p = 1; p <= divisionsPerDept; p++) out.push({ code: `${code}-P${p}`, name: `Phòng ${p} - Sở số ${d}`, kind: 'division', parent: code });
  }
  for (let c = 1; c <= communes; c++) out.push({ code: `XA${String(c).padStart(3, '0')}`, name: `UBND xã số ${c}`, kind: 'commune', parent: 'TINH' });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The scale benchmarks (inbox-scale, audit-scale, onestop-stats): a dedicated database on a server.

/** The PostgreSQL server the scale benchmarks create their databases on. */
export const BENCH_SERVER_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A progress line with the time of day. */
export const log = (...a: unknown[]) => console.log(new Date().toISOString().slice(11, 19), ...a);

/** The URL of database `name` on the benchmark server. */
export function benchDbUrl(name: string): string {
  const u = new URL(BENCH_SERVER_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Runs `fn` with a one-connection handle on the server's maintenance database. */
export async function withBenchServer<T>(fn: (admin: Knex) => Promise<T>): Promise<T> {
  const admin = createKnex(BENCH_SERVER_URL, { min: 0, max: 1 });
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

/** Creates database `name` when it does not exist; true when it was created. */
export async function createBenchDatabase(admin: Knex, name: string): Promise<boolean> {
  if ((await admin.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name])).rows.length > 0) return false;
  log(`creating database ${name}`);
  await admin.raw(`CREATE DATABASE ${name}`);
  return true;
}

/** Appends a benchmark's section to bench/results/<file> (RESULTS.md gathers them) and prints it. */
export function appendResults(file: string, lines: string[]): void {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  appendFileSync(path.join(dir, file), lines.join('\n'));
  console.log(lines.join('\n'));
}

/** Starts `instances` instances of `bpmnProcessId`, `concurrency` at a time (with back-pressure retries); their keys. */
export async function startInstances(
  zeebe: { createProcessInstance(req: { bpmnProcessId: string; variables: Record<string, unknown> }): Promise<{ processInstanceKey: string | number }> },
  bpmnProcessId: string,
  instances: number,
  concurrency: number,
): Promise<string[]> {
  let next = 0;
  const keys: string[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < instances) {
        next++;
        const r = await withBackpressure(() => zeebe.createProcessInstance({ bpmnProcessId, variables: {} }));
        keys.push(String(r.processInstanceKey));
      }
    }),
  );
  return keys;
}

/**
 * Counts the SQL statements a knex instance sends from now on (every query of the platform in this Node
 * process: routes, job workers, projector; not the LISTEN connection). The returned function stops counting
 * and gives the total and the statements by text, most frequent first.
 */
export function countStatements(db: Knex): () => { total: number; top: [string, number][] } {
  const byText = new Map<string, number>();
  const onQuery = (q: { sql?: string }) => {
    const text = (q.sql ?? '').replace(/\s+/g, ' ').trim();
    byText.set(text, (byText.get(text) ?? 0) + 1);
  };
  db.on('query', onQuery);
  return () => {
    db.removeListener('query', onQuery);
    const top = [...byText.entries()].sort((a, b) => b[1] - a[1]);
    return { total: top.reduce((n, [, c]) => n + c, 0), top };
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A profile frame's package (node_modules), Node's own module family, our top folder, or the native frame. */
function areaOf(functionName: string, where: string): string {
  if (!where) return functionName.startsWith('(') ? functionName : '(native)';
  if (where.startsWith('node:')) return where.split('/')[0];
  const inModules = where.lastIndexOf('node_modules/');
  if (inModules < 0) return where.split('/').slice(0, 2).join('/');
  const parts = where.slice(inModules + 'node_modules/'.length).split('/');
  return parts.slice(0, parts[0].startsWith('@') ? 2 : 1).join('/');
}

/**
 * Starts V8's sampling profiler on this process (node:inspector); `stop` writes the profile (open it in Chrome
 * DevTools) and prints the functions with the most self time, and the same summed by package or folder.
 */
export async function startCpuProfile(): Promise<{ stop: (file: string, say: (m: string) => void) => Promise<void> }> {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return {
    async stop(file, say) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
      const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
      const self = new Map<string, number>();
      const byArea = new Map<string, number>();
      let total = 0;
      profile.samples.forEach((id, i) => {
        const us = profile.timeDeltas[i] ?? 0;
        const n = byNode.get(id);
        if (!n || n.callFrame.functionName === '(idle)') return;
        total += us;
        const { functionName, url, lineNumber } = n.callFrame;
        const where = url.replace(/^file:\/\//, '').replace(process.cwd() + '/', '');
        const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
        self.set(key, (self.get(key) ?? 0) + us);
        const area = areaOf(functionName, where);
        byArea.set(area, (byArea.get(area) ?? 0) + us);
      });
      const top = (m: Map<string, number>, n: number) =>
        [...m]
          .sort((a, b) => b[1] - a[1])
          .slice(0, n)
          .map(([k, us]) => `      ${((100 * us) / total).toFixed(1).padStart(5)} %  ${k}`);
      say(`    CPU profile ${file}: ${(total / 1e6).toFixed(1)} s of CPU sampled (idle left out); by package or folder:`);
      for (const l of top(byArea, 25)) say(l);
      say('    heaviest functions by self time:');
      for (const l of top(self, 30)) say(l);
    },
  };
}
