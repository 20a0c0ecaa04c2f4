/**
 * Do stopping workers strand jobs (issue 15's step waits)? One worker of a job type runs throughout; a second
 * one, on a client of its own, is started and stopped over and over, as the test files' platforms (and an API
 * process restarted in production) do; a process instance with one job of that type is started every 25 ms.
 * Each job's time from its instance's creation to its handler is recorded: a job sent to a poll that its
 * client no longer reads comes back only after its job timeout (30 s here).
 *
 *   npx tsx bench/worker-stop.ts        (about 3 minutes; BENCH_RUN_MS for the churn, default 90 s)
 *
 * The workers are the platform's (engine/jobs/worker.ts startJobWorker / stopJobWorkers) on a broker of this
 * run's own (the quick JIT, as the test brokers); results go to bench/results/worker-stop.md (this run's section
 * replaces the one of the same label; BENCH_LABEL, default the commit).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker } from '../engine/broker.js';
import { createZeebeClient } from '../engine/client.js';
import { startJobWorker, stopJobWorkers, type JobWorkerSpec } from '../engine/jobs/worker.js';

const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 90_000);
const JOB_TIMEOUT_MS = 30_000;
const BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://eiso.bench">
  <bpmn:process id="worker_stop" isExecutable="true">
    <bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
    <bpmn:serviceTask id="T"><bpmn:extensionElements><zeebe:taskDefinition type="worker-stop" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" /><bpmn:endEvent id="E" />
  </bpmn:process>
</bpmn:definitions>`;

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'bench-worker-stop-'));
const broker = await startBroker({ cacheDir: path.resolve('.zeebe'), dataDir, jvmFlags: ['-XX:TieredStopAtLevel=1'] });
const zeebe = createZeebeClient(broker.gatewayAddress);
await zeebe.deployResource({ process: Buffer.from(BPMN, 'utf8'), name: 'worker-stop.bpmn' });

const created = new Map<string, number>();
const handled = new Map<string, number>();
const spec: JobWorkerSpec = {
  jobType: 'worker-stop',
  timeoutMs: JOB_TIMEOUT_MS,
  handle: async (job) => {
    if (!handled.has(job.processInstanceKey)) handled.set(job.processInstanceKey, performance.now());
    return job.complete();
  },
};
const log = { info: () => {}, warn: () => {}, error: () => {} };
const steady = startJobWorker(spec, { db: undefined as never, zeebe, log });
const t0 = performance.now();
let stops = 0;
const churn = (async () => {
  while (performance.now() - t0 < RUN_MS) {
    const own = createZeebeClient(broker.gatewayAddress);
    const w = startJobWorker(spec, { db: undefined as never, zeebe: own, log });
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
    await stopJobWorkers([w], 5000);
    await own.close();
    stops++;
  }
})();
while (performance.now() - t0 < RUN_MS) {
  const sent = performance.now();
  const r = await zeebe.createProcessInstance({ bpmnProcessId: 'worker_stop', variables: {} });
  created.set(String(r.processInstanceKey), sent);
  await new Promise((r) => setTimeout(r, 25));
}
await churn;
// every job is handled at the latest one job timeout after its creation
const until = performance.now() + JOB_TIMEOUT_MS + 15_000;
while (handled.size < created.size && performance.now() < until) await new Promise((r) => setTimeout(r, 200));
const lat = [...created].map(([k, c]) => (handled.has(k) ? handled.get(k)! - c : Infinity)).sort((a, b) => a - b);
const late = lat.filter((x) => x > 5000);
const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))];
await stopJobWorkers([steady], 1000);
await zeebe.close();
await broker.stop();
rmSync(dataDir, { recursive: true, force: true });

const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim();
const label = process.env.BENCH_LABEL ?? commit;
const section = `### ${label} (${new Date().toISOString().slice(0, 10)})

| measure | result |
|---|---|
| stops of the second worker | ${stops} |
| jobs created / handled | ${lat.length} / ${lat.filter(Number.isFinite).length} |
| creation → handler, p50 / p99 | ${q(0.5).toFixed(0)} / ${q(0.99).toFixed(0)} ms |
| jobs later than 5 s (stranded until their job timeout) | ${late.length}${late.length ? `: ${late.map((x) => (Number.isFinite(x) ? (x / 1000).toFixed(1) + ' s' : 'never')).join(', ')}` : ''} |
`;
console.log(section);
const out = path.resolve('bench/results/worker-stop.md');
const head = `# Stopping workers without stranding jobs (issue 15)

\`npx tsx bench/worker-stop.ts\` (see its header): one worker runs throughout, a second one is started and stopped
over and over, a job is created every 25 ms; a job later than 5 s waited out its job timeout (30 s) in a poll
nobody read. Each section is one run, labelled by its commit (or BENCH_LABEL).

`;
const previous = existsSync(out) ? readFileSync(out, 'utf8') : head;
const sections = previous.split(/^(?=### )/m);
const kept = sections.slice(1).filter((s) => !s.startsWith(`### ${label} `));
writeFileSync(out, [sections[0] ?? head, ...kept, section].join(''));
process.exit(0);
