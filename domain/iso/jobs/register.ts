import { afterStage, applyStage, REGISTER_TABLE, REGISTERS, RegisterRejection, type Register } from '../registers.js';
import { boundRecord, failUnbound } from '../../../engine/process-binding.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/**
 * Service task of the ISO system processes (processes/iso-*.bpmn): writes a stage of the record into
 * its register (domain/iso/registers.ts). Headers: `iso.register` (nc | document | complaint | audit | review | risk | proposal) and `iso.stage`.
 * Idempotent on the job key. A business rejection (unknown responsible unit) is a BPMN error the
 * model catches; anything else fails the job with retries.
 */
export const ISO_HEADER = { register: 'iso.register', stage: 'iso.stage' } as const;
const TIMEOUT_MS = 30_000;

export const isoRegisterJob: JobWorkerSpec = {
  jobType: JOB_TYPES.isoRegister,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 100,
  handle: async (job, { db, zeebe }) => {
    const headers = job.customHeaders as Record<string, string>;
    const register = headers[ISO_HEADER.register];
    const stage = headers[ISO_HEADER.stage];
    if (!REGISTERS.includes(register as Register) || !stage) {
      return job.fail({ errorMessage: `Thiếu header iso.register / iso.stage / Missing iso.register or iso.stage header`, retries: 0 });
    }
    // The register row bound to this instance by the server (never ncId / versionId / ... from the variables).
    const bound = await boundRecord<{ id: string | number }>(
      db,
      REGISTER_TABLE[register as Register],
      { processInstanceKey: job.processInstanceKey, variables: job.variables },
      { vi: 'bản ghi ISO', en: 'ISO register record' },
    );
    if (bound.kind !== 'bound') return failUnbound(job, bound);
    try {
      const input = {
        processInstanceKey: job.processInstanceKey,
        recordId: Number(bound.row.id),
        register: register as Register,
        stage,
        variables: job.variables as Record<string, unknown>,
      };
      await applyStage(db, { ...input, jobKey: job.key, at: engineNow(job, TIMEOUT_MS) });
      const out = await afterStage(db, zeebe, input);
      return job.complete((out ?? {}) as Record<string, string>);
    } catch (err) {
      if (err instanceof RegisterRejection)
        return job.error({ errorCode: err.errorCode, errorMessage: err.message, variables: { loiChuyenDonVi: err.message } });
      return job.fail({ errorMessage: String((err as Error).message ?? err), retries: Math.max(0, job.retries - 1), retryBackOff: 2000 });
    }
  },
};
