import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { CompleteBody, Task, TaskList, TaskListQuery, TaskParams } from '../../schemas/tasks.js';
import { errors } from '../../schemas/common.js';
import { canSee, getTask, listTasks, markCompleting, setAssignee, toTask, type InboxRow, type Viewer } from '../../repositories/inbox.js';
import { sendCompletion } from '../../../engine/complete-task.js';
import { ENGINE_UNAVAILABLE } from '../../plugins/errors.js';

const viewerOf = (req: FastifyRequest): Viewer => ({ username: req.currentUser.username, groups: req.userGroups });
const security = [{ bearer: [] }];

const tasks: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('officer', 'leader', 'admin'));

  /** Loads a task the user may see, or answers 404/403. */
  const visibleTask = async (req: FastifyRequest, id: string, db = app.db, forUpdate = false): Promise<InboxRow> => {
    const row = await getTask(db, id, forUpdate);
    if (!row) throw app.httpErrors.notFound(`Không có công việc ${id} / No task ${id}`);
    const v = viewerOf(req);
    if (!canSee(row, v) && row.completed_by !== v.username) throw app.httpErrors.forbidden('Công việc này không thuộc quyền của bạn / This task is not offered to you');
    return row;
  };

  app.get('/', { schema: { tags: ['tasks'], summary: 'My inbox: tasks claimed by me, offered to me, or done by me', security, querystring: TaskListQuery, response: { 200: TaskList, ...errors } } }, async (req) => {
    const { rows, total } = await listTasks(app.db, viewerOf(req), {
      scope: req.query.scope ?? 'all',
      state: req.query.state ?? 'open',
      q: req.query.q?.trim() || undefined,
      bpmnProcessId: req.query.bpmnProcessId,
      limit: req.query.limit ?? 50,
      offset: req.query.offset ?? 0,
    });
    return { items: rows.map(toTask), total };
  });

  app.get('/:id', { schema: { tags: ['tasks'], summary: 'One task', security, params: TaskParams, response: { 200: Task, ...errors } } }, async (req) => toTask(await visibleTask(req, req.params.id)));

  app.post('/:id/claim', { schema: { tags: ['tasks'], summary: 'Claim a task (take it into my hands)', security, params: TaskParams, response: { 200: Task, ...errors } } }, async (req) => {
    const me = req.currentUser.username;
    await app.db.transaction(async (trx) => {
      const row = await visibleTask(req, req.params.id, trx, true);
      if (row.status !== 'open') throw app.httpErrors.conflict('Công việc đã kết thúc / The task is no longer open');
      if (row.assignee && row.assignee !== me) throw app.httpErrors.conflict(`Công việc đang do ${row.assignee} xử lý / The task is already claimed by ${row.assignee}`);
      if (!row.assignee) await setAssignee(trx, row.job_key, me);
    });
    return toTask((await getTask(app.db, req.params.id))!);
  });

  app.post('/:id/unclaim', { schema: { tags: ['tasks'], summary: 'Give a claimed task back to its group', security, params: TaskParams, response: { 200: Task, ...errors } } }, async (req) => {
    const me = req.currentUser.username;
    await app.db.transaction(async (trx) => {
      const row = await visibleTask(req, req.params.id, trx, true);
      if (row.status !== 'open') throw app.httpErrors.conflict('Công việc đã kết thúc / The task is no longer open');
      if (row.assignee !== me) throw app.httpErrors.forbidden('Chỉ người đang giữ công việc mới trả lại được / Only the holder can unclaim');
      await setAssignee(trx, row.job_key, null);
    });
    return toTask((await getTask(app.db, req.params.id))!);
  });

  app.post('/:id/complete', { schema: { tags: ['tasks'], summary: 'Complete a task with variables (CompleteJob in Zeebe)', security, params: TaskParams, body: CompleteBody, response: { 200: Task, ...errors } } }, async (req) => {
    const me = req.currentUser.username;
    const variables = req.body.variables ?? {};
    const row = await visibleTask(req, req.params.id);
    if (row.status !== 'open') throw app.httpErrors.conflict('Công việc đã hoàn thành hoặc đã bị hủy / The task is already completed or cancelled');
    if (row.assignee !== me) throw app.httpErrors.forbidden('Hãy nhận xử lý công việc trước khi hoàn thành / Claim the task before completing it');
    // Commit the result first, then tell Zeebe: an outage or crash in between is retried, never lost.
    if (!(await markCompleting(app.db, row.job_key, me, variables))) {
      throw app.httpErrors.conflict('Công việc đã hoàn thành hoặc đã bị hủy / The task is already completed or cancelled');
    }
    const outcome = await sendCompletion(app.zeebe, app.db, { job_key: row.job_key, result_variables: variables }, true);
    if (outcome === 'gone') throw app.httpErrors.conflict('Công việc không còn trong quy trình (đã bị hủy hoặc bước bị ngắt) / The task no longer exists in the process');
    if (outcome === 'unavailable') throw app.httpErrors.createError(503, `${ENGINE_UNAVAILABLE}. Kết quả đã được lưu và sẽ tự gửi lại / Your result is saved and will be sent automatically`);
    return toTask((await getTask(app.db, req.params.id))!);
  });
};
export default tasks;
