import type { Knex } from 'knex';
import type { ZeebeJob as SdkJob, JOB_ACTION_ACKNOWLEDGEMENT } from '@camunda8/sdk/dist/zeebe/lib/interfaces-1.0.js';
import type { ZeebeClient } from '../client.js';
import * as clock from '../../lib/clock.js';

/** What a job handler receives from the SDK (its variables and headers are read through guards). */
export type ZeebeJob = Readonly<SdkJob>;
/** What a handler returns: the job completed, failed, thrown as a BPMN error or forwarded. */
export type JobOutcome = JOB_ACTION_ACKNOWLEDGEMENT;

export interface RuntimeLogger {
  info: (o: object, m?: string) => void;
  warn: (o: object, m?: string) => void;
  error: (o: object, m?: string) => void;
}

export interface JobContext {
  db: Knex;
  zeebe: ZeebeClient;
  log: RuntimeLogger;
}

/**
 * One job worker, declared by the domain module that owns the business (domain/<m>/jobs/*.ts) and
 * started by the engine runtime (engine/runtime.ts). The job type comes from engine/jobs/catalogue.ts.
 * Zeebe delivers a job at least once: every handler is idempotent.
 */
export interface JobWorkerSpec {
  jobType: string;
  /** how long the job is locked to this worker once activated */
  timeoutMs: number;
  /** jobs activated per poll (default 32) */
  maxJobs?: number;
  /** pause between polls when there was nothing to do (default 200 ms) */
  pollIntervalMs?: number;
  handle(job: ZeebeJob, ctx: JobContext): Promise<JobOutcome>;
}

/**
 * The longest a poll may stay open before the worker gives it up. Polls end on the gateway's long-polling
 * timeout (10 s by default: engine/client.ts asks for no timeout of its own); one still open far beyond it
 * is one the gateway no longer answers, and the worker would wait on it for ever. It is cancelled, not merely
 * dropped: a cancelled call tells the gateway, which makes any jobs it could not send activatable again,
 * where a poll the client only stopped reading takes jobs that then wait out their job timeout.
 * (A gateway whose `longPolling.timeout` is set above this cancels its own polls: keep it below.)
 */
export const POLL_GUARD_MS = 60_000;

/** What startJobWorker reads of the SDK's worker: its open poll (a gRPC server stream). */
interface WorkerInternals {
  jobStream?: { cancel?: () => void };
}

const guards = new WeakMap<object, NodeJS.Timeout>();

/**
 * Starts the worker of one spec; `stopJobWorkers` stops it. `pollFloorMs` is the shortest pause between polls
 * (a gateway without long polling answers each poll at once: the demo's past year, engine/broker.ts).
 * `pollGuardMs` is how long a poll may stay open (POLL_GUARD_MS).
 */
export function startJobWorker(spec: JobWorkerSpec, ctx: JobContext, pollFloorMs = 0, pollGuardMs = POLL_GUARD_MS) {
  const worker = ctx.zeebe.createWorker({
    taskType: spec.jobType,
    timeout: spec.timeoutMs,
    maxJobsToActivate: spec.maxJobs ?? 32,
    pollInterval: Math.max(spec.pollIntervalMs ?? 200, pollFloorMs),
    taskHandler: (job) => spec.handle(job as ZeebeJob, ctx),
  });
  guards.set(worker, guardPolls(worker as unknown as WorkerInternals, pollGuardMs));
  return worker;
}

/** Cancels the worker's poll once the same one has been open `limitMs` (checked a few times per limit). */
function guardPolls(worker: WorkerInternals, limitMs: number): NodeJS.Timeout {
  let open: WorkerInternals['jobStream'];
  let since = 0;
  const timer = setInterval(
    () => {
      const stream = worker.jobStream;
      if (stream !== open) {
        open = stream;
        since = Date.now();
      } else if (stream && Date.now() - since >= limitMs) {
        open = undefined;
        stream.cancel?.();
      }
    },
    Math.min(5000, Math.max(100, limitMs / 4)),
  );
  timer.unref();
  return timer;
}

type Worker = ReturnType<typeof startJobWorker>;

/**
 * Stops workers without stranding jobs. The SDK's `close` marks a worker closing and drops every job that
 * still reaches it ("they will have to be timed out by the server": 30-60 s for ours), while its open
 * long poll stays open until the gRPC channel has closed, or until the jobs in hand are done. So every
 * worker is marked closing at once and its open poll is cancelled first: the broker activates nothing
 * more for it; the jobs in hand then finish (at most `timeoutMs`).
 */
export async function stopJobWorkers(workers: Worker[], timeoutMs: number): Promise<void> {
  for (const w of workers) clearInterval(guards.get(w));
  const closing = workers.map((w) => w.close(timeoutMs).catch(() => {}));
  for (const w of workers) (w as unknown as WorkerInternals).jobStream?.cancel?.();
  await Promise.all(closing);
}

/**
 * The engine's clock when it activated a job: Zeebe sets the job deadline to activation time +
 * timeout on its own clock, which is the controlled clock in tests and the wall clock otherwise.
 */
export function engineNow(job: { deadline: string }, timeoutMs: number): Date {
  const deadline = Number(job.deadline);
  return Number.isFinite(deadline) && deadline > 0 ? new Date(deadline - timeoutMs) : clock.now();
}
