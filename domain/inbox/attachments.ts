import type { Knex } from 'knex';
import type { Attachment } from '../../api/schemas/task-extras.js';

export interface AttachmentRow {
  id: string;
  process_instance_key: string;
  job_key: string;
  element_id: string;
  file_name: string;
  mime_type: string;
  size_bytes: string | number;
  sha256: string;
  storage_path: string;
  uploaded_by: string;
  uploaded_at: Date;
  /** name of the step it was uploaded on (joined from inbox_tasks) */
  step_name?: string | null;
}

export type NewAttachment = Omit<AttachmentRow, 'id' | 'uploaded_at' | 'step_name'>;

/**
 * Attaches a file to a case; idempotent by content per case: the same content twice keeps the first
 * row. Returns the row and whether this call created it.
 */
export async function insertAttachment(db: Knex | Knex.Transaction, a: NewAttachment): Promise<{ row: AttachmentRow; created: boolean }> {
  const inserted = await db('task_attachments').insert(a).onConflict(['process_instance_key', 'sha256']).ignore().returning('*');
  if (inserted.length) return { row: inserted[0] as AttachmentRow, created: true };
  const row = (await db('task_attachments').where({ process_instance_key: a.process_instance_key, sha256: a.sha256 }).first()) as AttachmentRow;
  return { row, created: false };
}

/** The files of a case, oldest first. */
export async function listAttachments(db: Knex, processInstanceKey: string): Promise<AttachmentRow[]> {
  return db('task_attachments as a')
    .leftJoin('inbox_tasks as t', 't.job_key', 'a.job_key')
    .where('a.process_instance_key', processInstanceKey)
    .select('a.*', 't.name as step_name')
    .orderBy([{ column: 'a.uploaded_at' }, { column: 'a.id' }]);
}

export async function getAttachment(db: Knex, id: string): Promise<AttachmentRow | undefined> {
  return db('task_attachments').where({ id }).first();
}

export function toAttachment(row: AttachmentRow): Attachment {
  return {
    id: String(row.id),
    fileName: row.file_name,
    mimeType: row.mime_type,
    sizeBytes: Number(row.size_bytes),
    sha256: row.sha256,
    taskId: String(row.job_key),
    elementId: row.element_id,
    stepName: row.step_name ?? row.element_id,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
  };
}
