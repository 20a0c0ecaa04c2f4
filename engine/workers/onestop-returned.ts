import type { Knex } from 'knex';
import type { ZeebeClient } from '../client.js';
import { failUnbound } from '../process-binding.js';
import { engineNow } from '../deadlines/compute.js';
import { changeStatus } from '../../api/onestop/dossiers.js';
import { jobDossier, stepName, variable, type OnestopJob } from '../../api/onestop/jobs.js';

/** Service task after the return step (TraKetQua): the result reached the citizen. */
export const ONESTOP_RETURNED_JOB_TYPE = 'onestop-returned';
const TIMEOUT_MS = 30_000;

/**
 * Variable hinhThucTra "tai-quay" (desk) or "buu-chinh" (post): returned_at, return_method,
 * closed_at; status RETURNED (a not-eligible dossier keeps NOT_ELIGIBLE and is closed). The citizen
 * gets the evaluation link. Idempotent on the element instance.
 */
export function startOnestopReturnedWorker(zeebe: ZeebeClient, db: Knex) {
  return zeebe.createWorker({
    taskType: ONESTOP_RETURNED_JOB_TYPE,
    timeout: TIMEOUT_MS,
    maxJobsToActivate: 16,
    pollInterval: 200,
    taskHandler: async (raw) => {
      const job = raw as unknown as OnestopJob;
      const how = variable(job, 'hinhThucTra');
      if (how !== 'tai-quay' && how !== 'buu-chinh') {
        return raw.fail({ errorMessage: `Biến hinhThucTra phải là "tai-quay" hoặc "buu-chinh", nhận "${how ?? ''}" / Variable hinhThucTra must be "tai-quay" or "buu-chinh"`, retries: 0 });
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
        patch: { returned_at: at, return_method: how === 'tai-quay' ? 'desk' : 'post', closed_at: at, status_reason: d.status_reason, current_step: await stepName(db, job), current_unit_code: d.desk_unit_code },
        notice: { link: 'evaluation' },
      });
      return raw.complete();
    },
  });
}
