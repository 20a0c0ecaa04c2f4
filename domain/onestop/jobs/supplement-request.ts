import { CaseClockError, pauseCase } from '../../deadlines/cases.js';
import { variable } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob, RefusedJob } from './define.js';
import { insertEvent } from '../dossiers.js';

export const SUPPLEMENT_ONCE_MESSAGE =
  'Chỉ được yêu cầu bổ sung hồ sơ một lần (Nghị định 118/2025/NĐ-CP, Điều 11); hồ sơ đã được yêu cầu bổ sung / A supplement may be requested only once (Decree 118/2025 Art. 11); this dossier already had one';

/**
 * Service task: a supplement is requested during processing (the clock pauses until the citizen answers).
 *
 * Pauses the case clock, records the request (dossier_supplements, keyed by the element instance),
 * sets SUPPLEMENT_REQUESTED_IN_PROCESSING and sends the citizen the supplement link. The reason is
 * the variable lyDoBoSung (required: without it the job fails into an incident). Idempotent: a
 * redelivered job finds the pause and the request and changes nothing.
 *
 * Once per dossier (NĐ 118/2025 Art. 11: "chỉ được yêu cầu sửa đổi, bổ sung một lần"; issue 17 item 7):
 * a second request during processing (another element instance) is refused, named SUPPLEMENT_ONCE: the
 * clock does not stop, the citizen is not asked, the dossier's history records the refusal
 * (processing.supplement_refused) and the job fails into an incident whose message starts with the code,
 * so the instance waits for an administrator (e.g. to move it back to the appraisal step).
 */
export const onestopSupplementRequestJob = defineOnestopJob(JOB_TYPES.onestopSupplementRequest, {
  check: (job) => variable(job, 'lyDoBoSung') ?? new InvalidJob('Thiếu lý do yêu cầu bổ sung (biến lyDoBoSung) / Variable lyDoBoSung (the reason) is missing'),
  run: async ({ db, job, dossier: d, rootKey, at, once, changeStatus }, reason) => {
    const done = await db('dossier_supplements').where({ element_instance_key: once }).first('id');
    if (!done) {
      const earlier = await db('dossier_supplements').where({ dossier_id: d.id }).whereNot({ element_instance_key: once }).first('requested_at');
      if (earlier) {
        await insertEvent(db, d.id, {
          type: 'processing.supplement_refused',
          status: d.status,
          at,
          actor: 'system',
          elementId: job.elementId,
          note: `${SUPPLEMENT_ONCE_MESSAGE} (${reason})`,
          dedupeKey: once,
        });
        return new RefusedJob(`SUPPLEMENT_ONCE: ${SUPPLEMENT_ONCE_MESSAGE}`);
      }
      const lastStep = await db('inbox_tasks')
        .where({ process_instance_key: job.processInstanceKey, status: 'completed' })
        .orderBy('completed_at', 'desc')
        .first('completed_by');
      try {
        await pauseCase(db, rootKey, `Yêu cầu bổ sung: ${reason}`, { at, by: lastStep?.completed_by ?? null });
      } catch (err) {
        // Already paused: a redelivery after the pause was taken. No tracked deadline: nothing to pause.
        if (!(err instanceof CaseClockError && (err.code === 'ALREADY_PAUSED' || err.code === 'NO_CASE'))) throw err;
      }
      await db('dossier_supplements')
        .insert({
          dossier_id: d.id,
          element_instance_key: once,
          reason,
          requested_by: lastStep?.completed_by ?? null,
          requested_at: at,
        })
        .onConflict('element_instance_key')
        .ignore();
    }
    await changeStatus({
      status: 'SUPPLEMENT_REQUESTED_IN_PROCESSING',
      type: 'processing.supplement_requested',
      note: reason,
      patch: { current_unit_code: d.desk_unit_code },
      notice: {
        link: 'supplement',
        extra: 'Thời hạn giải quyết tạm dừng cho đến khi ông/bà bổ sung hồ sơ / The processing time is paused until you supplement the dossier.',
      },
    });
  },
});
