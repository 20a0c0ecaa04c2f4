import type { Knex } from 'knex';
import type { Comment } from '../../api/schemas/task-extras.js';

export interface CommentRow {
  id: string;
  process_instance_key: string;
  job_key: string;
  element_id: string;
  step_name: string;
  author: string;
  author_name: string;
  body: string;
  created_at: Date;
}

export type NewComment = Omit<CommentRow, 'id' | 'created_at'>;

export async function insertComment(db: Knex | Knex.Transaction, c: NewComment): Promise<CommentRow> {
  const [row] = await db('task_comments').insert(c).returning('*');
  return row as CommentRow;
}

/** The comments of a case, oldest first. */
export async function listComments(db: Knex, processInstanceKey: string): Promise<CommentRow[]> {
  return db('task_comments')
    .where({ process_instance_key: processInstanceKey })
    .orderBy([{ column: 'created_at' }, { column: 'id' }]);
}

export function toComment(row: CommentRow): Comment {
  return {
    id: String(row.id),
    taskId: String(row.job_key),
    elementId: row.element_id,
    stepName: row.step_name,
    author: row.author,
    authorName: row.author_name,
    body: row.body,
    createdAt: row.created_at.toISOString(),
  };
}
