import { failUnbound } from '../../../engine/process-binding.js';
import { changeStatus } from '../dossiers.js';
import { jobDossier, stepName, variable, type OnestopJob } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { engineNow, type JobWorkerSpec } from '../../../engine/jobs/worker.js';

/** Service task after the return step (TraKetQua): the result reached the citizen. */
const TIMEOUT_MS = 30_000;

/**
 * Variable hinhThucTra "tai-quay" (desk) or "buu-chinh" (post): returned_at, return_method,
 * closed_at; status RETURNED (a not-eligible dossier keeps NOT_ELIGIBLE and is closed). The citizen
 * gets the evaluation link. Idempotent on the element instance.
 */
export const onestopReturnedJob: JobWorkerSpec = {
  jobType: JOB_TYPES.onestopReturned,
  timeoutMs: TIMEOUT_MS,
  maxJobs: 16,
  pollIntervalMs: 200,
  handle: async (raw, { db }) => {
    const job = raw as unknown as OnestopJob;
    const how = variable(job, 'hinhThucTra');
    if (how !== 'tai-quay' && how !== 'buu-chinh') {
      return raw.fail({
        errorMessage: `Biến hinhThucTra phải là "tai-quay" hoặc "buu-chinh", nhận "${how ?? ''}" / Variable hinhThucTra must be "tai-quay" or "buu-chinh"`,
        retries: 0,
      });
    }
    const bound = await jobDossier(db, job);
    if (bound.kind !== 'bound') return failUnbound(raw, bound);
    const d = bound.row;
    const at = engineNow(raw, TIMEOUT_MS);
    await changeStatus(db, d.id, {
      status: d.status === 'NOT_ELIGIBLE' ? 'NOT_ELIGIBLE' : 'RETURNED',
      type: 'result.returned',
      actor: 'system',
      at,
      elementId: job.elementId,
      note: how === 'tai-quay' ? 'Trả kết quả tại Bộ phận một cửa / Returned at the desk' : 'Trả kết quả qua dịch vụ bưu chính / Sent by post',
      dedupeKey: String(job.elementInstanceKey),
      patch: {
        returned_at: at,
        return_method: how === 'tai-quay' ? 'desk' : 'post',
        closed_at: at,
        status_reason: d.status_reason,
        current_step: await stepName(db, job),
        current_unit_code: d.desk_unit_code,
      },
      notice: { link: 'evaluation' },
    });
    return raw.complete();
  },
};
