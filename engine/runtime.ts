import type { Config } from '../lib/config.js';
import type { MailTransport } from '../lib/mail.js';
import { HistoryProjector, type ProjectedEvent } from './history/projector.js';
import { outboxOptions, registerContinuation, startOutboxRelay, type Continuation } from './outbox.js';
import { LISTENER_JOB_TYPES, WORKER_JOB_TYPES } from './jobs/catalogue.js';
import { startJobWorker, stopJobWorkers, type JobContext, type JobWorkerSpec } from './jobs/worker.js';

export type { RuntimeLogger } from './jobs/worker.js';

export interface RuntimeContext extends JobContext {
  config: Config;
  /** the process's SMTP transport (SMTP_URL and SMTP_FROM set), shared with the API's mailer */
  mail?: MailTransport;
}

/** Work on a timer (a sweep, a mailer, a maintenance pass): started by the runtime, stopped by what it returns. */
export interface BackgroundTask {
  name: string;
  start(ctx: RuntimeContext): () => void | Promise<void>;
}

/**
 * What a domain module adds to the engine (domain/<m>/index.ts declares it, domain/modules.ts lists
 * the modules, api/platform.ts hands them here): job workers, continuations of outbox commands,
 * background tasks and a hook called after each batch of exported records is projected.
 */
export interface EngineContribution {
  name: string;
  workers?: readonly JobWorkerSpec[];
  continuations?: Readonly<Record<string, Continuation>>;
  background?: readonly BackgroundTask[];
  onProjected?: (e: ProjectedEvent, ctx: RuntimeContext) => Promise<void>;
}

export interface EngineRuntime {
  projector: HistoryProjector;
  stop(): Promise<void>;
}

/**
 * Registers every module's outbox continuations. Called by the composition root whether or not the
 * runtime starts here: an API process finishes the commands it sends itself (engine/outbox.ts).
 */
export function registerContinuations(modules: readonly EngineContribution[]): void {
  for (const m of modules) for (const [name, fn] of Object.entries(m.continuations ?? {})) registerContinuation(name, fn);
}

/**
 * Every job type of engine/jobs/catalogue.ts has exactly one worker among the modules, and no worker
 * serves a type the catalogue does not name. Thrown at start: a missing worker leaves steps waiting forever.
 */
export function checkWorkers(modules: readonly EngineContribution[]): void {
  const seen = new Map<string, string[]>();
  for (const m of modules) for (const w of m.workers ?? []) seen.set(w.jobType, [...(seen.get(w.jobType) ?? []), m.name]);
  const expected = [...WORKER_JOB_TYPES, ...LISTENER_JOB_TYPES];
  const problems = [
    ...expected.filter((t) => !seen.has(t)).map((t) => `no worker for job type "${t}"`),
    ...[...seen].filter(([, by]) => by.length > 1).map(([t, by]) => `job type "${t}" has ${by.length} workers (${by.join(', ')})`),
    ...[...seen.keys()].filter((t) => !expected.includes(t)).map((t) => `job type "${t}" is not in engine/jobs/catalogue.ts`),
  ];
  if (problems.length) throw new Error(`engine runtime: ${problems.join('; ')}`);
}

/**
 * Everything that works for the engine in the background, in one place: the workers the modules
 * declare, the history projector (and the modules' hooks on it), the outbox relay and the modules'
 * background tasks. `stop()` stops them in reverse order.
 */
export async function startEngineRuntime(
  ctx: RuntimeContext,
  modules: readonly EngineContribution[],
  /** the shortest pause between a worker's polls (engine/jobs/worker.ts); 0 by default */
  opts: { pollFloorMs?: number } = {},
): Promise<EngineRuntime> {
  checkWorkers(modules);
  registerContinuations(modules);
  const { db, zeebe, log } = ctx;
  const workers = modules.flatMap((m) => m.workers ?? []).map((spec) => startJobWorker(spec, ctx, opts.pollFloorMs ?? 0));
  // Engine commands committed with a business write and not answered yet (outage, crash): sent here.
  const relay = startOutboxRelay(db, zeebe, { ...outboxOptions({ log }), pollMs: 1000 });
  const projector = new HistoryProjector(db, { logger: log });
  const hooks = modules.filter((m) => m.onProjected);
  projector.on('projected', (e: ProjectedEvent) => {
    for (const m of hooks) m.onProjected!(e, ctx).catch((err: unknown) => log.warn({ err: String(err), module: m.name }, 'projection hook failed'));
  });
  await projector.start();
  const stops = modules.flatMap((m) => (m.background ?? []).map((t) => ({ name: `${m.name}/${t.name}`, stop: t.start(ctx) })));
  return {
    projector,
    async stop() {
      for (const s of stops.reverse())
        await Promise.resolve(s.stop()).catch((err: unknown) => log.warn({ err: String(err), task: s.name }, 'background task did not stop cleanly'));
      await relay.stop();
      await stopJobWorkers(workers, 5000);
      await projector.stop();
    },
  };
}

/** A background task that runs `pass` every `everyMs`, one pass at a time, logging what it did. */
export function everyMs(name: string, ms: number, pass: (ctx: RuntimeContext) => Promise<number | void>): BackgroundTask {
  return {
    name,
    start(ctx) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        pass(ctx)
          .then((n) => typeof n === 'number' && n > 0 && ctx.log.info({ task: name, n }, `${name}: ${n}`))
          .catch((err: unknown) => ctx.log.warn({ err: String(err) }, `${name} failed`))
          .finally(() => (running = false));
      }, ms);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
