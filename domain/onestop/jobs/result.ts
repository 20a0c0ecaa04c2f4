import { variable } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob } from './define.js';

/**
 * Service task: the result is issued (or the dossier is found not eligible); statistics date it here.
 *
 * Variable ketQua = "cap" (granted) → RESULT_AT_DESK, "khong-cap" → NOT_ELIGIBLE with the reason
 * lyDoKhongCap; resolved_at = now. Idempotent on the element instance.
 */
export const onestopResultJob = defineOnestopJob(JOB_TYPES.onestopResult, {
  check: (job) => {
    const outcome = variable(job, 'ketQua');
    if (outcome !== 'cap' && outcome !== 'khong-cap') {
      return new InvalidJob(`Biến ketQua phải là "cap" hoặc "khong-cap", nhận "${outcome ?? ''}" / Variable ketQua must be "cap" or "khong-cap"`);
    }
    return outcome;
  },
  run: async ({ job, dossier: d, at, changeStatus }, outcome) => {
    const granted = outcome === 'cap';
    await changeStatus({
      status: granted ? 'RESULT_AT_DESK' : 'NOT_ELIGIBLE',
      type: granted ? 'result.delivered_to_desk' : 'processing.rejected',
      note: granted ? null : (variable(job, 'lyDoKhongCap') ?? null),
      patch: { resolved_at: at, current_unit_code: d.desk_unit_code, ...(granted ? { status_reason: null } : {}) },
      notice: { extra: granted ? 'Kết quả đã có tại Bộ phận tiếp nhận và trả kết quả / The result is ready at the one-stop desk.' : undefined },
    });
  },
});
