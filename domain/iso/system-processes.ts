import type { Knex } from 'knex';
import { NC_PROCESS_ID } from './nonconformities.js';
import { DOCUMENT_PROCESS_ID, PROPOSAL_PROCESS_ID } from './documents.js';
import { COMPLAINT_PROCESS_ID } from './complaints.js';
import { AUDIT_PROCESS_ID } from './audits.js';
import { REVIEW_PROCESS_ID } from './reviews.js';
import { RISK_PROCESS_ID } from './risks.js';

/**
 * Processes that belong to a business record and start only through their own flow, never through
 * POST /api/process-instances: the one-stop procedures (reception binds the dossier to the instance)
 * and the ISO system processes (the register binds its row). Recognised by
 * - the ISO process ids, and any id starting with `iso-` (reserved for the quality system);
 * - every bpmn_process_id of the one-stop catalogue (active or not), and any id starting with `mc-`
 *   (the bundled procedures' prefix, reserved).
 * Their workers would refuse an instance started any other way (engine/process-binding.ts); the route
 * refuses it first so that no orphan instance is created at all.
 */
export const ISO_PROCESS_IDS: ReadonlySet<string> = new Set([
  NC_PROCESS_ID,
  DOCUMENT_PROCESS_ID,
  PROPOSAL_PROCESS_ID,
  COMPLAINT_PROCESS_ID,
  AUDIT_PROCESS_ID,
  REVIEW_PROCESS_ID,
  RISK_PROCESS_ID,
]);

export type SystemProcessKind = 'onestop' | 'iso';

export async function systemProcessKind(db: Knex | Knex.Transaction, bpmnProcessId: string): Promise<SystemProcessKind | null> {
  if (ISO_PROCESS_IDS.has(bpmnProcessId) || bpmnProcessId.startsWith('iso-')) return 'iso';
  if (bpmnProcessId.startsWith('mc-')) return 'onestop';
  const inCatalogue = await db('onestop_procedures').where({ bpmn_process_id: bpmnProcessId }).first('code');
  return inCatalogue ? 'onestop' : null;
}

/** The refusal's message: Vietnamese, then English. */
export function systemProcessMessage(kind: SystemProcessKind, bpmnProcessId: string): string {
  return kind === 'onestop'
    ? `Quy trình ${bpmnProcessId} là thủ tục một cửa: chỉ được khởi tạo khi Bộ phận một cửa tiếp nhận hồ sơ (tiếp nhận trực tiếp hoặc tiếp nhận hồ sơ nộp trực tuyến), không khởi tạo trực tiếp / ${bpmnProcessId} is a one-stop procedure: it starts only when the one-stop desk receives a dossier, not directly`
    : `Quy trình ${bpmnProcessId} là quy trình của hệ thống quản lý chất lượng ISO: chỉ được khởi tạo từ sổ theo dõi tương ứng (trang ISO), không khởi tạo trực tiếp / ${bpmnProcessId} is an ISO system process: it starts only from its register, not directly`;
}
