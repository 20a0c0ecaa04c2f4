import type { ZeebeClient } from '../engine/client.js';
import type { Knex } from 'knex';
import { fiveStepModel, startInstances, type CpuSplit } from './lib.js';
import { exportedRecords } from './platform-e2e.js';

/**
 * The ceiling: a minimal @camunda8/sdk client starts instances of a five-step process and completes
 * its jobs directly on the broker. Returns completed jobs per second over the whole run.
 */
export async function runCeiling(
  zeebe: ZeebeClient,
  opts: { instances: number; concurrency: number; run: string; meter?: () => () => CpuSplit; db?: Knex },
): Promise<{ jobsPerSecond: number; seconds: number; jobs: number; cpu?: CpuSplit; recordsPerJob?: number }> {
  const id = `bench-ceiling-${opts.run}`;
  const jobType = `bench-step-${opts.run}`;
  await zeebe.deployResource({ process: Buffer.from(fiveStepModel(id, { service: jobType })), name: `${id}.bpmn` });
  const total = opts.instances * 5;
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = zeebe.createWorker({
    taskType: jobType,
    maxJobsToActivate: 128,
    pollInterval: 10,
    timeout: 60_000,
    taskHandler: async (job) => {
      const ack = await job.complete({});
      if (++done === total) resolveAll();
      return ack;
    },
  });
  const stopMeter = opts.meter?.();
  const t0 = performance.now();
  const keys = await startInstances(zeebe, id, opts.instances, opts.concurrency);
  await all;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = stopMeter?.();
  await worker.close(2000);
  let recordsPerJob: number | undefined;
  if (opts.db) {
    await new Promise((r) => setTimeout(r, 1500)); // the exporter's last batch
    recordsPerJob = (await exportedRecords(opts.db, keys)) / total;
  }
  return { jobsPerSecond: total / seconds, seconds, jobs: total, cpu, recordsPerJob };
}
