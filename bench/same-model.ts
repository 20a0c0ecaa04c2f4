import type { Knex } from 'knex';
import type { ZeebeClient } from '../engine/client.js';
import { deployProcess } from '../engine/deploy.js';
import { JOB_TYPES } from '../engine/jobs/catalogue.js';
import { toLocalIso } from '../domain/deadlines/calendar/index.js';
import { fiveStepModel, startInstances, type CpuSplit } from './lib.js';
import { exportedRecords } from './platform-e2e.js';

export interface SameModelResult {
  /** user tasks completed per second (the platform's unit of work) */
  tasksPerSecond: number;
  seconds: number;
  tasks: number;
  /** every job completed: user tasks and the listener jobs of the deadline pattern */
  jobs: number;
  cpu?: CpuSplit;
  recordsPerTask: number;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The same-model ceiling: the very procedure the platform benchmark runs (bench/lib.ts fiveStepModel,
 * five human steps with a time limit, on a process with a statutory limit), deployed through the
 * platform's own deploy (engine/deploy.ts: validation and the deadline pattern of
 * engine/deadline-pattern.ts: case listeners, the step start listener, the task schedule and the
 * reminder and escalation timers) under a process id of its own, and driven by bare @camunda8/sdk
 * workers that complete each job at once:
 *
 * - `eiso-case-deadline` (process start listener) with eisoReceivedAt and eisoAppointment,
 * - `eiso-step-deadline` (step start listener) with eisoStepDue and eisoStepRemind,
 * - `eiso-case-finish` (process end listener) with nothing,
 * - `io.camunda.zeebe:userTask` (the human step, a job-based user task) completed directly with `{}`,
 *   as the platform's completion sends an officer's empty form.
 *
 * The variables have the listener workers' shape (ISO instants with +07:00, domain/deadlines/jobs) and lie
 * days ahead, as a one-working-day step's do, so no reminder or escalation timer fires during the run:
 * the broker creates and cancels both timers of every step, as it does for the platform.
 *
 * The platform's own workers of these job types must not run meanwhile (bench/run.ts stops its
 * engine runtime), or they would take a share of the jobs.
 */
export async function runSameModel(
  zeebe: ZeebeClient,
  db: Knex,
  opts: { instances: number; concurrency: number; run: string; meter?: () => () => CpuSplit },
): Promise<SameModelResult> {
  const id = `bench-same-${opts.run}`;
  await deployProcess(zeebe, db, { resourceName: `${id}.bpmn`, xml: fiveStepModel(id, { userGroup: 'BENCH/officer' }) });
  const tasks = opts.instances * 5;
  let tasksDone = 0;
  let jobsDone = 0;
  let finished = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  // Only the jobs of this run's process: anything else of these types (there should be none) is left alone.
  const ours = (job: { bpmnProcessId: string }) => job.bpmnProcessId === id;
  const worker = (taskType: string, variables: () => Record<string, string>, onDone?: () => void) =>
    zeebe.createWorker({
      taskType,
      maxJobsToActivate: 128,
      pollInterval: 10,
      timeout: 60_000,
      taskHandler: async (job) => {
        if (!ours(job)) return job.forward();
        const ack = await job.complete(variables());
        jobsDone++;
        onDone?.();
        return ack;
      },
    });
  const workers = [
    worker(JOB_TYPES.caseDeadline, () => {
      const now = Date.now();
      return { eisoReceivedAt: toLocalIso(new Date(now)), eisoAppointment: toLocalIso(new Date(now + 14 * DAY_MS)) };
    }),
    worker(JOB_TYPES.stepDeadline, () => {
      const now = Date.now();
      return { eisoStepDue: toLocalIso(new Date(now + DAY_MS)), eisoStepRemind: toLocalIso(new Date(now + DAY_MS / 2)) };
    }),
    worker(
      JOB_TYPES.userTask,
      () => ({}),
      () => tasksDone++,
    ),
    worker(
      JOB_TYPES.caseFinish,
      () => ({}),
      () => {
        if (++finished === opts.instances) resolveAll();
      },
    ),
  ];
  const stopMeter = opts.meter?.();
  const t0 = performance.now();
  const keys = await startInstances(zeebe, id, opts.instances, opts.concurrency);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`same-model run: ${finished}/${opts.instances} instances finished after 10 minutes`)), 600_000).unref(),
  );
  await Promise.race([all, timeout]);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = stopMeter?.();
  await Promise.all(workers.map((w) => w.close(2000)));
  if (tasksDone !== tasks) throw new Error(`same-model run: ${tasksDone} user tasks completed, ${tasks} expected`);
  await new Promise((r) => setTimeout(r, 1500)); // the exporter's last batch
  const records = await exportedRecords(db, keys);
  return { tasksPerSecond: tasks / seconds, seconds, tasks, jobs: jobsDone, cpu, recordsPerTask: records / tasks };
}
