import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { startIsoProcess } from './start.js';

/** The BPMN process every complaint or feedback runs (processes/iso-xu-ly-phan-anh.bpmn). */
export const COMPLAINT_PROCESS_ID = 'iso-xu-ly-phan-anh';

export interface NewComplaint {
  title: string;
  content: string;
  submitter: string;
  contact?: string | null;
  channel: string;
  caseKey?: string | null;
  receivedBy: string;
}

/** Records a complaint (PA-YYYY-<id>) and starts its handling process. */
export async function receiveComplaint(db: Knex, zeebe: ZeebeClient, input: NewComplaint): Promise<string> {
  const { rows } = await db.raw(`SELECT nextval(pg_get_serial_sequence('iso_complaints', 'id')) AS id`);
  const id = String(rows[0].id);
  await db('iso_complaints').insert({
    id,
    code: `PA-${new Date().getFullYear()}-${id.padStart(4, '0')}`,
    title: input.title,
    content: input.content,
    submitter: input.submitter,
    contact: input.contact ?? null,
    channel: input.channel,
    case_key: input.caseKey ?? null,
    received_by: input.receivedBy,
  });
  await ensureComplaintStarted(db, zeebe, id);
  return id;
}

export async function ensureComplaintStarted(db: Knex, zeebe: ZeebeClient, id: string): Promise<void> {
  await startIsoProcess(db, zeebe, 'iso_complaints', id, async (trx) => {
    const c = await trx('iso_complaints').where({ id }).forUpdate().first();
    if (!c || c.process_instance_key) return null;
    return {
      bpmnProcessId: COMPLAINT_PROCESS_ID,
      variables: { complaintId: Number(c.id), maPhanAnh: c.code, tieuDe: c.title, noiDung: c.content, nguoiGui: c.submitter, kenh: c.channel, ...(c.case_key ? { maHoSoLienQuan: c.case_key } : {}) },
    };
  });
}
