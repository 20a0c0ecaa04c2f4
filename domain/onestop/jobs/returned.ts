import { variable } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob } from './define.js';

/**
 * Service task after the return step (TraKetQua): the result reached the citizen.
 *
 * Variable hinhThucTra "tai-quay" (desk) or "buu-chinh" (post): returned_at, return_method,
 * closed_at; status RETURNED (a not-eligible dossier keeps NOT_ELIGIBLE and is closed). The citizen
 * gets the evaluation link. Idempotent on the element instance.
 */
export const onestopReturnedJob = defineOnestopJob(JOB_TYPES.onestopReturned, {
  check: (job) => {
    const how = variable(job, 'hinhThucTra');
    if (how !== 'tai-quay' && how !== 'buu-chinh') {
      return new InvalidJob(
        `Biến hinhThucTra phải là "tai-quay" hoặc "buu-chinh", nhận "${how ?? ''}" / Variable hinhThucTra must be "tai-quay" or "buu-chinh"`,
      );
    }
    return how;
  },
  run: async ({ dossier: d, at, changeStatus }, how) => {
    await changeStatus({
      status: d.status === 'NOT_ELIGIBLE' ? 'NOT_ELIGIBLE' : 'RETURNED',
      type: 'result.returned',
      note: how === 'tai-quay' ? 'Trả kết quả tại Bộ phận một cửa / Returned at the desk' : 'Trả kết quả qua dịch vụ bưu chính / Sent by post',
      patch: {
        returned_at: at,
        return_method: how === 'tai-quay' ? 'desk' : 'post',
        closed_at: at,
        status_reason: d.status_reason,
        current_unit_code: d.desk_unit_code,
      },
      notice: { link: 'evaluation' },
    });
  },
});
