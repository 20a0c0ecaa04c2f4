import type { Knex } from 'knex';
import { failUnbound } from '../../../engine/process-binding.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';
import { changeStatus, type DossierRow, type StatusChange } from '../dossiers.js';
import { jobDossier, stepName, type OnestopJob } from '../jobs.js';

/** How long a one-stop job is locked to its worker once activated. */
const TIMEOUT_MS = 30_000;

/** What a one-stop job's input check returns when the job cannot run: it fails without retries (an incident). */
export class InvalidJob {
  constructor(readonly errorMessage: string) {}
}

/** What a one-stop job's run returns when it refuses after reading the dossier: it fails without retries (an incident). */
export class RefusedJob {
  constructor(readonly errorMessage: string) {}
}

/** A status change written by the job: by the system, at the job's time, on its element, once per element instance. */
export type JobStatusChange = Omit<StatusChange, 'actor' | 'at' | 'elementId' | 'dedupeKey' | 'patch'> & {
  /** current_step is the job's step name (header onestop.step, else the element's name) */
  patch?: Omit<NonNullable<StatusChange['patch']>, 'current_step'>;
};

/** What a one-stop job's handler works with once its dossier is found. */
export interface OnestopJobRun {
  db: Knex;
  job: OnestopJob;
  /** the dossier bound to the job's (root) process instance */
  dossier: DossierRow;
  /** the root process instance: the case clock's key */
  rootKey: string;
  /** the engine's clock when it activated the job */
  at: Date;
  /** the element instance: a redelivered job writes nothing twice under this key */
  once: string;
  /** changeStatus of the dossier (in `trx` when given), deduplicated on the element instance */
  changeStatus: (change: JobStatusChange, trx?: Knex.Transaction) => Promise<unknown>;
}

/**
 * One worker of the onestop-* service tasks (processes/ONESTOP.md): `check` reads the job's own
 * headers and variables before anything else (an InvalidJob fails it into an incident); the dossier
 * bound to the instance is then found (failUnbound when there is none) and `run` does the job's
 * work. The job completes when `run` returns; Zeebe may deliver it again, so `run` is idempotent.
 */
export function defineOnestopJob<I = undefined>(
  jobType: string,
  def: { check?: (job: OnestopJob) => I | InvalidJob; run: (r: OnestopJobRun, input: I) => Promise<void | RefusedJob> },
): JobWorkerSpec {
  return {
    jobType,
    timeoutMs: TIMEOUT_MS,
    maxJobs: 16,
    pollIntervalMs: 200,
    handle: async (raw, { db }) => {
      const job = raw as unknown as OnestopJob;
      const input = def.check ? def.check(job) : (undefined as I);
      if (input instanceof InvalidJob) return raw.fail({ errorMessage: input.errorMessage, retries: 0 });
      const bound = await jobDossier(db, job);
      if (bound.kind !== 'bound') return failUnbound(raw, bound);
      const at = engineNow(raw, TIMEOUT_MS);
      const once = String(job.elementInstanceKey);
      const refused = await def.run(
        {
          db,
          job,
          dossier: bound.row,
          rootKey: bound.rootKey,
          at,
          once,
          changeStatus: async (change, trx) =>
            changeStatus(trx ?? db, bound.row.id, {
              ...change,
              actor: 'system',
              at,
              elementId: job.elementId,
              dedupeKey: once,
              patch: { ...change.patch, current_step: await stepName(db, job) },
            }),
        },
        input,
      );
      if (refused instanceof RefusedJob) return raw.fail({ errorMessage: refused.errorMessage, retries: 0 });
      return raw.complete();
    },
  };
}
