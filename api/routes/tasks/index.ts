import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  AssignBody,
  CompleteBody,
  ReassignBody,
  ReassignReply,
  Task,
  TaskCounts,
  TaskCountsQuery,
  TaskList,
  TaskListQuery,
  TaskParams,
  UrgeBody,
  type TaskBucket,
} from '../../schemas/tasks.js';
import { errors } from '../../schemas/common.js';
import { countTasks, getTask, getTaskAnnounced, lastUrges, listTasks, markCompleting, type InboxRow, type TaskFilter } from '../../../domain/inbox/store.js';
import { canSee, inScope, type Viewer } from '../../../domain/inbox/visibility.js';
import { toTask } from '../../../domain/inbox/dto.js';
import { groupsOfUnits, orgScope, unitSubtree, type OrgScope } from '../../../domain/org/units.js';
import {
  assignTasks as assignTasksTo,
  claimTask,
  unclaimTask,
  urgeTask,
  type ClaimRefusal,
  type DeliverNotice,
  type Leader,
} from '../../../domain/inbox/actions.js';
import { sendCompletionAndRead } from '../../../domain/inbox/completion.js';
import { checkCompletion } from '../../../domain/inbox/task-input.js';
import { ENGINE_UNAVAILABLE } from '../../plugins/errors.js';
import { sendNotification } from '../../../domain/notifications/store.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const isLeader = (req: FastifyRequest) => req.currentUser.roles.includes('leader');

/** A day (YYYY-MM-DD) is read in Vietnam's time zone: from its first to its last millisecond. */
function parseDay(value: string | undefined, end: boolean): Date | undefined {
  if (!value) return undefined;
  if (value.length === 10) {
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const day = new Date(Date.UTC(y, m - 1, d));
    // 2026-02-30 is no day (Date would roll it over to March).
    if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return new Date(NaN);
    return new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}+07:00`);
  }
  return new Date(value);
}

const tasks: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.requireRole('officer', 'leader', 'admin'));

  /** A leader's subtree, loaded once per request. */
  const scopes = new WeakMap<FastifyRequest, Promise<OrgScope>>();
  const leaderScope = (req: FastifyRequest): Promise<OrgScope> => {
    let s = scopes.get(req);
    if (!s) {
      s = orgScope(app.db, req.currentUser.unit.code);
      scopes.set(req, s);
    }
    return s;
  };
  const viewerOf = async (req: FastifyRequest, withScope = false): Promise<Viewer> => ({
    username: req.currentUser.username,
    groups: req.userGroups,
    ...(withScope && isLeader(req) ? { scope: await leaderScope(req) } : {}),
  });
  const requireLeader = (req: FastifyRequest) => {
    if (!isLeader(req)) throw fail(403, 'LEADER_ONLY_ASSIGN', {}, 'Chỉ lãnh đạo đơn vị được giao việc hoặc đôn đốc / Only leaders can assign or urge');
  };

  /** Loads a task the user may see (offered to them or done by them), or answers 404/403. */
  const visibleTask = async (req: FastifyRequest, id: string): Promise<InboxRow> => {
    const row = await getTask(app.db, id);
    if (!row) throw fail(404, 'TASK_NOT_FOUND', { id }, `Không có công việc ${id} / No task ${id}`);
    const v = await viewerOf(req);
    if (!canSee(row, v) && row.completed_by !== v.username)
      throw fail(403, 'TASK_NOT_OFFERED', {}, 'Công việc này không thuộc quyền của bạn / This task is not offered to you');
    return row;
  };
  /** The answer to a refused claim or unclaim. */
  const claimRefused = (id: string, r: ClaimRefusal) => {
    switch (r.refused) {
      case 'not_found':
        return fail(404, 'TASK_NOT_FOUND', { id }, `Không có công việc ${id} / No task ${id}`);
      case 'not_offered':
        return fail(403, 'TASK_NOT_OFFERED', {}, 'Công việc này không thuộc quyền của bạn / This task is not offered to you');
      case 'closed':
        return fail(409, 'TASK_CLOSED', {}, 'Công việc đã kết thúc / The task is no longer open');
      case 'held':
        return fail(409, 'TASK_CLAIMED_BY', { by: r.by }, `Công việc đang do ${r.by} xử lý / The task is already claimed by ${r.by}`);
      case 'not_holder':
        return fail(403, 'TASK_HOLDER_ONLY_UNCLAIM', {}, 'Chỉ người đang giữ công việc mới trả lại được / Only the holder can unclaim');
    }
  };
  const leaderOf = async (req: FastifyRequest): Promise<Leader> => ({
    username: req.currentUser.username,
    fullName: req.currentUser.fullName,
    scope: await leaderScope(req),
  });
  /** Notices of assignments and urges, through the configured channels, in the transaction of the change. */
  const deliver: DeliverNotice = (trx, n) => sendNotification(trx, n, app.notificationChannels);
  const readableTask = async (req: FastifyRequest, id: string): Promise<InboxRow> => {
    const row = await getTask(app.db, id);
    if (!row) throw fail(404, 'TASK_NOT_FOUND', { id }, `Không có công việc ${id} / No task ${id}`);
    const v = await viewerOf(req);
    if (canSee(row, v) || row.completed_by === v.username) return row;
    if (isLeader(req) && inScope(row, await leaderScope(req))) return row;
    throw fail(403, 'TASK_NOT_OFFERED', {}, 'Công việc này không thuộc quyền của bạn / This task is not offered to you');
  };
  const withUrge = async (row: InboxRow) => toTask(row, (await lastUrges(app.db, [row])).get(String(row.job_key)) ?? null);

  /** Filters of the query string, checked: the unit view is for leaders, a unit filter must exist, dates must be dates. */
  const filterOf = async (req: FastifyRequest, q: TaskCountsQuery): Promise<{ viewer: Viewer; filter: TaskFilter }> => {
    const view = q.view ?? 'personal';
    if (view === 'unit' && !isLeader(req))
      throw fail(403, 'LEADER_ONLY_UNIT_VIEW', {}, 'Chỉ lãnh đạo xem được công việc của cả đơn vị / Only leaders see the whole unit');
    let unitGroups: string[] | undefined;
    if (q.unit) {
      const sub = await unitSubtree(app.db, q.unit);
      if (sub.length === 0) throw fail(400, 'UNIT_NOT_FOUND', { unit: q.unit }, `Không có đơn vị ${q.unit} / No unit ${q.unit}`);
      unitGroups = groupsOfUnits(sub.map((u) => u.code));
    }
    const createdFrom = parseDay(q.createdFrom, false);
    const createdTo = parseDay(q.createdTo, true);
    if ((createdFrom && Number.isNaN(createdFrom.getTime())) || (createdTo && Number.isNaN(createdTo.getTime()))) {
      throw fail(400, 'INVALID_DATE', {}, 'Ngày không hợp lệ / Invalid date');
    }
    return {
      viewer: await viewerOf(req, view === 'unit'),
      filter: {
        view,
        q: q.q?.trim() || undefined,
        bpmnProcessId: q.bpmnProcessId,
        unitGroups,
        createdFrom,
        createdTo,
        caseCode: q.caseCode?.trim() || undefined,
        finishedWithin: q.finishedWithin,
      },
    };
  };

  app.get(
    '/',
    {
      schema: {
        tags: ['tasks'],
        summary: "My inbox (or, for leaders, my unit's): one bucket, filtered, sorted and paged",
        security,
        querystring: TaskListQuery,
        response: { 200: TaskList, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const { viewer, filter } = await filterOf(req, q);
      // The first inbox spoke of scope and state; they map onto buckets.
      const bucket: TaskBucket | undefined =
        q.bucket ?? (q.state === 'done' ? 'finished' : q.scope === 'mine' ? 'in_progress' : q.scope === 'available' ? 'not_started' : undefined);
      const { rows, total, totalCapped, finishedSince } = await listTasks(app.db, viewer, {
        ...filter,
        bucket,
        timing: q.timing,
        sort: q.sort,
        order: q.order,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      });
      const urges = await lastUrges(app.db, rows);
      return {
        items: rows.map((r) => toTask(r, urges.get(String(r.job_key)) ?? null)),
        total,
        ...(totalCapped ? { totalCapped } : {}),
        ...(finishedSince !== undefined ? { finishedSince: finishedSince ? finishedSince.toISOString() : null } : {}),
      };
    },
  );

  app.get(
    '/counts',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Badge numbers per bucket (on time / overdue) under the same filters as the list',
        security,
        querystring: TaskCountsQuery,
        response: { 200: TaskCounts, ...errors },
      },
    },
    async (req) => {
      const { viewer, filter } = await filterOf(req, req.query);
      return countTasks(app.db, viewer, filter);
    },
  );

  app.get('/:id', { schema: { tags: ['tasks'], summary: 'One task', security, params: TaskParams, response: { 200: Task, ...errors } } }, async (req) =>
    withUrge(await readableTask(req, req.params.id)),
  );

  app.post(
    '/:id/claim',
    { schema: { tags: ['tasks'], summary: 'Claim a task (take it into my hands)', security, params: TaskParams, response: { 200: Task, ...errors } } },
    async (req) => {
      const r = await claimTask(app.db, req.params.id, await viewerOf(req));
      if ('refused' in r) throw claimRefused(req.params.id, r);
      return withUrge(r.task);
    },
  );

  app.post(
    '/:id/unclaim',
    { schema: { tags: ['tasks'], summary: 'Give a claimed task back to its group', security, params: TaskParams, response: { 200: Task, ...errors } } },
    async (req) => {
      const r = await unclaimTask(app.db, req.params.id, await viewerOf(req));
      if ('refused' in r) throw claimRefused(req.params.id, r);
      return withUrge(r.task);
    },
  );

  app.post(
    '/:id/complete',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Complete a task with variables (CompleteJob in Zeebe)',
        security,
        params: TaskParams,
        body: CompleteBody,
        response: { 200: Task, ...errors },
      },
    },
    async (req) => {
      const me = req.currentUser.username;
      const row = await visibleTask(req, req.params.id);
      if (row.status !== 'open') throw fail(409, 'TASK_DONE', {}, 'Công việc đã hoàn thành hoặc đã bị hủy / The task is already completed or cancelled');
      if (row.assignee !== me)
        throw fail(403, 'TASK_CLAIM_BEFORE_COMPLETE', {}, 'Hãy nhận xử lý công việc trước khi hoàn thành / Claim the task before completing it');
      // A send-back pending: the same conflict markCompleting would answer, before the data is judged.
      if ((row as InboxRow & { outcome?: string | null }).outcome)
        throw fail(409, 'TASK_DONE', {}, 'Công việc đã hoàn thành hoặc đã bị hủy / The task is already completed or cancelled');
      // Checked against the form of the task's process version (or its model when it has none): 400 naming each field.
      const variables = await checkCompletion(app.db, row, req.body.variables ?? {});
      // Commit the result first, then tell Zeebe: an outage or crash in between is retried, never lost.
      if (!(await markCompleting(app.db, row.job_key, me, variables))) {
        throw fail(409, 'TASK_DONE', {}, 'Công việc đã hoàn thành hoặc đã bị hủy / The task is already completed or cancelled');
      }
      const { outcome, task } = await sendCompletionAndRead(app.zeebe, app.db, { job_key: row.job_key, result_variables: variables });
      if (outcome === 'gone')
        throw fail(409, 'TASK_GONE', {}, 'Công việc không còn trong quy trình (đã bị hủy hoặc bước bị ngắt) / The task no longer exists in the process');
      if (outcome === 'unavailable')
        throw fail(
          503,
          'ENGINE_UNAVAILABLE_RESULT_SAVED',
          {},
          `${ENGINE_UNAVAILABLE}. Kết quả đã được lưu và sẽ tự gửi lại / Your result is saved and will be sent automatically`,
        );
      // The settled row is the answer, and open inboxes were told of it by the statement that settled it
      // (read and told here when another settled it first).
      return withUrge(task ?? (await getTaskAnnounced(app.db, req.params.id, 'completed'))!);
    },
  );

  /** Hands tasks to one person, all or nothing (domain/inbox/actions.ts), or answers why not. */
  const assignTasks = async (req: FastifyRequest, ids: string[], username: string): Promise<Task[]> => {
    requireLeader(req);
    const r = await assignTasksTo(app.db, await leaderOf(req), ids, username, deliver);
    if ('refused' in r) {
      switch (r.refused) {
        case 'no_active_user':
          throw fail(400, 'USER_NOT_ACTIVE', { username }, `Không có cán bộ ${username} đang hoạt động / No active user ${username}`);
        case 'user_outside':
          throw fail(403, 'USER_OUTSIDE_UNIT', { username }, `${username} không thuộc đơn vị của bạn / ${username} is outside your unit`);
        case 'not_handler':
          throw fail(400, 'USER_NOT_HANDLER', { username }, `${username} không có vai trò xử lý công việc / ${username} does not handle tasks`);
        case 'not_found':
          throw fail(404, 'TASK_NOT_FOUND', { id: r.id }, `Không có công việc ${r.id} / No task ${r.id}`);
        case 'task_outside':
          throw fail(403, 'TASK_ID_OUTSIDE_UNIT', { id: r.id }, `Công việc ${r.id} không thuộc đơn vị của bạn / Task ${r.id} is outside your unit`);
        case 'closed':
          throw fail(409, 'TASK_ID_CLOSED', { id: r.id }, `Công việc ${r.id} đã kết thúc / Task ${r.id} is no longer open`);
        case 'not_offered':
          throw fail(
            400,
            'USER_NOT_IN_TASK_GROUP',
            { username, step: r.name, groups: r.candidateGroups.join(', ') },
            `${username} không thuộc nhóm xử lý bước “${r.name}” (${r.candidateGroups.join(', ')}) / ${username} is not in the group of task ${r.id}`,
          );
      }
    }
    return r.tasks.map((row) => toTask(row));
  };

  app.post(
    '/:id/assign',
    {
      schema: {
        tags: ['tasks'],
        summary: "Assign a task to a person of my unit's subtree (leaders)",
        security,
        params: TaskParams,
        body: AssignBody,
        response: { 200: Task, ...errors },
      },
    },
    async (req) => {
      const [task] = await assignTasks(req, [req.params.id], req.body.assignee);
      return task;
    },
  );

  app.post(
    '/reassign',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Reassign several tasks to one person, all or nothing (leaders)',
        security,
        body: ReassignBody,
        response: { 200: ReassignReply, ...errors },
      },
    },
    async (req) => ({
      items: await assignTasks(req, req.body.taskIds, req.body.assignee),
    }),
  );

  app.post(
    '/:id/urge',
    {
      schema: {
        tags: ['tasks'],
        summary: "Urge (đôn đốc) the holder of a task of my unit's subtree (leaders)",
        security,
        params: TaskParams,
        body: UrgeBody,
        response: { 200: Task, ...errors },
      },
    },
    async (req) => {
      requireLeader(req);
      const leader = await leaderOf(req);
      const message = req.body.message.trim();
      if (!message) throw fail(400, 'URGE_MESSAGE_REQUIRED', {}, 'Hãy viết nội dung đôn đốc / Write a message');
      const r = await urgeTask(app.db, leader, req.params.id, message, deliver);
      if ('refused' in r) {
        switch (r.refused) {
          case 'not_found':
            throw fail(404, 'TASK_NOT_FOUND', { id: req.params.id }, `Không có công việc ${req.params.id} / No task ${req.params.id}`);
          case 'task_outside':
            throw fail(403, 'TASK_OUTSIDE_UNIT', {}, 'Công việc này không thuộc đơn vị của bạn / This task is outside your unit');
          case 'closed':
            throw fail(409, 'TASK_CLOSED', {}, 'Công việc đã kết thúc / The task is no longer open');
          case 'unassigned':
            throw fail(409, 'TASK_UNASSIGNED', {}, 'Công việc chưa có người xử lý: hãy giao việc trước / Nobody holds this task: assign it first');
        }
      }
      return toTask(r.task, r.urge);
    },
  );
};
export default tasks;
