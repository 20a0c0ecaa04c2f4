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

/** What the harness reads and sets of the SDK's worker (@camunda8/sdk ZBWorkerBase, pinned in package.json). */
interface WorkerInternals {
  /** the open poll: a gRPC server stream of ActivateJobs answers */
  jobStream?: PollStream;
  /** no new poll once set (the SDK's poll loop checks it) */
  closing?: boolean;
  pollLoop?: NodeJS.Timeout;
  /** jobs handed to the handler and not yet answered */
  activeJobs?: number;
  /** the worker's own gRPC client (its channel stays open until its last poll has ended) */
  grpcClient?: { failJobSync?: (req: { jobKey: string; retries: number; errorMessage: string; retryBackOff: number; variables: string }) => Promise<unknown> };
}
interface PollStream {
  cancel?: () => void;
  on(event: 'data', listener: (answer: { jobs?: { key: string; retries: number }[] }) => void): unknown;
  once(event: 'end' | 'error' | 'close', listener: () => void): unknown;
}

/** Each started worker's poll guard and the client that created it (whose close() would close the worker). */
const started = new WeakMap<object, { guard: NodeJS.Timeout; guardMs: number; client: ZeebeClient }>();

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
  started.set(worker, { guard: guardPolls(worker as unknown as WorkerInternals, pollGuardMs), guardMs: pollGuardMs, client: ctx.zeebe });
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

/** Polls of stopped workers still open: their late jobs are handed back until they end (jobPollsDrained). */
const drains = new Set<Promise<void>>();

/**
 * Stops workers without stranding jobs, and returns once the jobs in hand are done (at most `timeoutMs`).
 * A poll is never cancelled while the gateway may be answering it: jobs it sends just before it sees the
 * cancellation reach a client that no longer reads them, and wait out their job timeout (30-60 s; measured:
 * 12 jobs stranded in 133 stops of a worker, bench/results/worker-stop.md). So a stopping worker opens no new
 * poll; its open poll is left to end by itself (the gateway answers within its long-polling timeout, 10 s by
 * default) and every job it still brings is handed back at once (failed with its retries unchanged and no
 * backoff), on the worker's own channel, which is closed after that poll has ended.
 */
export async function stopJobWorkers(workers: Worker[], timeoutMs: number): Promise<void> {
  await Promise.all(workers.map((w) => stopJobWorker(w, timeoutMs)));
}

async function stopJobWorker(worker: Worker, timeoutMs: number): Promise<void> {
  const w = worker as unknown as WorkerInternals;
  const own = started.get(worker);
  clearInterval(own?.guard);
  // The client's own close() closes its workers' channels at once (and a closed channel hands nothing back):
  // from here on this worker closes itself.
  const list = (own?.client as unknown as { workers?: unknown[] } | undefined)?.workers;
  if (list?.includes(worker)) list.splice(list.indexOf(worker), 1);
  w.closing = true;
  clearInterval(w.pollLoop);
  const poll = w.jobStream;
  if (poll) {
    // taken from the worker, so that its close() does not cancel it
    w.jobStream = undefined;
    const drain = drainPoll(poll, w, own?.guardMs ?? POLL_GUARD_MS, () => worker.close(timeoutMs)).finally(() => drains.delete(drain));
    drains.add(drain);
  }
  const until = Date.now() + timeoutMs;
  while ((w.activeJobs ?? 0) > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  if (!poll) await worker.close(timeoutMs).catch(() => {});
}

/** Hands back what the poll brings until it ends (or the worker's guard has passed: then cancelled), then closes. */
async function drainPoll(poll: PollStream, w: WorkerInternals, guardMs: number, close: () => Promise<unknown>): Promise<void> {
  const handBacks: Promise<unknown>[] = [];
  poll.on('data', (answer) => {
    for (const job of answer.jobs ?? [])
      handBacks.push(
        Promise.resolve(
          w.grpcClient?.failJobSync?.({
            jobKey: job.key,
            retries: job.retries,
            errorMessage: 'Bộ xử lý đang dừng, việc được trả lại / worker stopping, job handed back',
            retryBackOff: 0,
            variables: '{}',
          }),
        ).catch(() => {}),
      );
  });
  await new Promise<void>((resolve) => {
    const guard = setTimeout(() => {
      poll.cancel?.();
      resolve();
    }, guardMs);
    guard.unref();
    const ended = () => {
      clearTimeout(guard);
      resolve();
    };
    poll.once('end', ended);
    poll.once('error', ended);
    poll.once('close', ended);
  });
  await Promise.all(handBacks);
  await close().catch(() => {});
}

/**
 * Resolves when the polls of every stopped worker have ended and their late jobs are handed back: what a
 * process awaits before it exits (api/server.ts); a platform that is only closed (tests) leaves them to end.
 */
export async function jobPollsDrained(): Promise<void> {
  while (drains.size > 0) await Promise.all([...drains]);
}

/**
 * The engine's clock when it activated a job: Zeebe sets the job deadline to activation time +
 * timeout on its own clock, which is the controlled clock in tests and the wall clock otherwise.
 */
export function engineNow(job: { deadline: string }, timeoutMs: number): Date {
  const deadline = Number(job.deadline);
  return Number.isFinite(deadline) && deadline > 0 ? new Date(deadline - timeoutMs) : clock.now();
}
