import { failUnbound } from '../../../engine/process-binding.js';
import { changeStatus } from '../dossiers.js';
import { jobDossier, stepName, variable, type OnestopJob } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task: the result is issued (or the dossier is found not eligible); statistics date it here. */
const TIMEOUT_MS = 30_000;

/**
 * Variable ketQua = "cap" (granted) → RESULT_AT_DESK, "khong-cap" → NOT_ELIGIBLE with the reason
 * lyDoKhongCap; resolved_at = now. Idempotent on the element instance.
 */
export const onestopResultJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopResult,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const outcome = variable(job, 'ketQua');
    if (outcome !== 'cap' && outcome !== 'khong-cap') {
      return raw.fail({
        errorMessage: `Biến ketQua phải là "cap" hoặc "khong-cap", nhận "${outcome ?? ''}" / Variable ketQua must be "cap" or "khong-cap"`,
        retries: 0,
      });
    }
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const at = engineNow(raw, TIMEOUT_MS);
    const granted = outcome === 'cap';
    await changeStatus(db, d.id, {
      status: granted ? 'RESULT_AT_DESK' : 'NOT_ELIGIBLE',
      type: granted ? 'result.delivered_to_desk' : 'processing.rejected',
      actor: 'system',
      at,
      elementId: job.elementId,
      note: granted ? null : (variable(job, 'lyDoKhongCap') ?? null),
      dedupeKey: String(job.elementInstanceKey),
      patch: { resolved_at: at, current_step: await stepName(db, job), current_unit_code: d.desk_unit_code, ...(granted ? { status_reason: null } : {}) },
      notice: { extra: granted ? 'Kết quả đã có tại Bộ phận tiếp nhận và trả kết quả / The result is ready at the one-stop desk.' : undefined },
    });
    return raw.complete();
  },
};
