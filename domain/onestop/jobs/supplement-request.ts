import { CaseClockError, pauseCase } from '../../deadlines/cases.js';
import { variable } from '../jobs.js';
import { JOB_TYPES } from '../../../engine/jobs/catalogue.js';
import { defineOnestopJob, InvalidJob, RefusedJob } from './define.js';
import { insertEvent } from '../dossiers.js';
import { plainText } from '../../../lib/plain-text.js';
import type { ProcedureRow } from '../catalogue.js';

/** Caps of the items asked (variable giayToBoSung): checked before anything is parsed or written. */
export const SUPPLEMENT_ITEMS_MAX = 20;
export const SUPPLEMENT_ITEM_CHARS = 500;

/**
 * The items asked, from the optional variable giayToBoSung: a list of texts, or one text with an item per
 * line (or separated by ";"). A text equal to a document code of the procedure's checklist is that
 * document; any other text is the item as written. More than SUPPLEMENT_ITEMS_MAX items, an item over
 * SUPPLEMENT_ITEM_CHARS characters or another type is refused (the job fails into an incident, nothing written).
 */
export function supplementItems(v: unknown): string[] | InvalidJob {
  const refuse = new InvalidJob(
    `Biến giayToBoSung phải là danh sách tối đa ${SUPPLEMENT_ITEMS_MAX} nội dung, mỗi nội dung tối đa ${SUPPLEMENT_ITEM_CHARS} ký tự / Variable giayToBoSung must be a list of at most ${SUPPLEMENT_ITEMS_MAX} items of at most ${SUPPLEMENT_ITEM_CHARS} characters`,
  );
  if (v === undefined || v === null) return [];
  let raw: unknown[];
  if (typeof v === 'string') {
    if (v.length > SUPPLEMENT_ITEMS_MAX * (SUPPLEMENT_ITEM_CHARS + 2)) return refuse;
    raw = v.split(/\r?\n|;/);
  } else if (Array.isArray(v)) {
    if (v.length > SUPPLEMENT_ITEMS_MAX * 2) return refuse;
    raw = v;
  } else return refuse;
  if (raw.some((x) => typeof x !== 'string' || x.length > SUPPLEMENT_ITEM_CHARS * 2)) return refuse;
  const items = (raw as string[]).map((x) => plainText(x).replace(/\s+/g, ' ')).filter(Boolean);
  if (items.length > SUPPLEMENT_ITEMS_MAX || items.some((x) => x.length > SUPPLEMENT_ITEM_CHARS)) return refuse;
  return items;
}

export const SUPPLEMENT_ONCE_MESSAGE =
  'Chỉ được yêu cầu bổ sung hồ sơ một lần (Nghị định 118/2025/NĐ-CP, Điều 11); hồ sơ đã được yêu cầu bổ sung / A supplement may be requested only once (Decree 118/2025 Art. 11); this dossier already had one';

/**
 * Service task: a supplement is requested during processing (the clock pauses until the citizen answers).
 *
 * Pauses the case clock, records the request (dossier_supplements, keyed by the element instance),
 * sets SUPPLEMENT_REQUESTED_IN_PROCESSING and sends the citizen the supplement link. The reason is
 * the variable lyDoBoSung (required: without it the job fails into an incident), the items asked the
 * optional giayToBoSung (supplementItems). The request is the record of its Mẫu 02 "Phiếu yêu cầu bổ
 * sung, hoàn thiện hồ sơ" (forms.ts supplementFormData): reason, items, the officer who completed the
 * step before and that step's unit, the time. Idempotent: a redelivered job finds the pause and the
 * request and changes nothing, so one request has one form.
 *
 * Once per dossier (NĐ 118/2025 Art. 11: "chỉ được yêu cầu sửa đổi, bổ sung một lần"; issue 17 item 7):
 * a second request during processing (another element instance) is refused, named SUPPLEMENT_ONCE: the
 * clock does not stop, the citizen is not asked, the dossier's history records the refusal
 * (processing.supplement_refused) and the job fails into an incident whose message starts with the code,
 * so the instance waits for an administrator (e.g. to move it back to the appraisal step).
 */
export const onestopSupplementRequestJob = defineOnestopJob(JOB_TYPES.onestopSupplementRequest, {
  check: (job) => {
    const reason = variable(job, 'lyDoBoSung');
    if (!reason) return new InvalidJob('Thiếu lý do yêu cầu bổ sung (biến lyDoBoSung) / Variable lyDoBoSung (the reason) is missing');
    const items = supplementItems(job.variables.giayToBoSung);
    return items instanceof InvalidJob ? items : { reason, items };
  },
  run: async ({ db, job, dossier: d, rootKey, at, once, changeStatus }, { reason, items }) => {
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
      // The step that asked: the officer's completion is recorded ('completing', with who) before the engine
      // is told, and marked 'completed' after its answer, which may come after this job has started.
      const lastStep = await db('inbox_tasks')
        .where({ process_instance_key: job.processInstanceKey })
        .whereIn('status', ['completing', 'completed'])
        .orderBy('updated_at', 'desc')
        .first('completed_by', 'candidate_groups');
      try {
        await pauseCase(db, rootKey, `Yêu cầu bổ sung: ${reason}`, { at, by: lastStep?.completed_by ?? null });
      } catch (err) {
        // Already paused: a redelivery after the pause was taken. No tracked deadline: nothing to pause.
        if (!(err instanceof CaseClockError && (err.code === 'ALREADY_PAUSED' || err.code === 'NO_CASE'))) throw err;
      }
      const officer = lastStep?.completed_by
        ? await db('users as u').join('org_units as o', 'o.id', 'u.unit_id').where('u.username', lastStep.completed_by).first('u.full_name', 'o.code')
        : undefined;
      const checklist =
        ((await db('onestop_procedures').where({ code: d.procedure_code }).first('required_documents')) as Pick<ProcedureRow, 'required_documents'> | undefined)
          ?.required_documents ?? [];
      const documents = items.map((x) => {
        const known = checklist.find((c) => c.code === x);
        return known ? { code: known.code, name: known.name } : { name: x };
      });
      await db('dossier_supplements')
        .insert({
          dossier_id: d.id,
          element_instance_key: once,
          reason,
          requested_by: lastStep?.completed_by ?? null,
          requested_at: at,
          documents: JSON.stringify(documents),
          requested_by_name: officer?.full_name ?? lastStep?.completed_by ?? null,
          requested_unit_code: ((lastStep?.candidate_groups as string[] | undefined)?.[0] ?? '').split('/')[0] || officer?.code || null,
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
