import path from 'node:path';
import type { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { ErrorBody, errors } from '../../schemas/common.js';
import { Task, TaskParams } from '../../schemas/tasks.js';
import {
  AttachmentList,
  Attachment,
  AttachmentParams,
  Comment,
  CommentBody,
  CommentList,
  Diagram,
  SendBackBody,
  StepInfo,
  UploadQuery,
} from '../../schemas/task-extras.js';
import { getTask, type InboxRow } from '../../../domain/inbox/store.js';
import { canSee, inScope, type Viewer } from '../../../domain/inbox/visibility.js';
import { toTask } from '../../../domain/inbox/dto.js';
import { orgScope } from '../../../domain/org/units.js';
import { getAttachment, insertAttachment, listAttachments, toAttachment } from '../../../domain/inbox/attachments.js';
import { insertComment, listComments, toComment } from '../../../domain/inbox/comments.js';
import { deployedModel, type DeployedModel } from '../../../engine/model-meta.js';
import { markSendingBack, sendBack } from '../../../domain/inbox/send-back.js';
import { casePath } from '../../../domain/inbox/case-path.js';
import { ENGINE_UNAVAILABLE } from '../../plugins/errors.js';
import { plainText } from '../../../lib/plain-text.js';
import {
  ALLOWED_EXTENSIONS,
  FILE_KINDS,
  UploadTooLarge,
  cleanFileName,
  contentMatches,
  discardUpload,
  extensionOf,
  keepUpload,
  openStored,
  receiveUpload,
} from '../../../lib/file-store.js';
import { fail } from '../../../lib/errors.js';
import { drawnModel } from '../../../domain/deadlines/drawn-model.js';
import { sendFile } from '../download.js';

/** The inbox row with the columns the task_extras migration adds. */
type Row = InboxRow & { outcome: 'sending_back' | 'sent_back' | null; send_back_reason: string | null };

export interface TaskExtrasOptions {
  /** Largest attachment in bytes; default ATTACHMENT_MAX_BYTES or 10 MB. */
  maxBytes?: number;
}

const security = [{ bearer: [] }];
const viewerOf = (req: FastifyRequest): Viewer => ({ username: req.currentUser.username, groups: req.userGroups });
const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
/** Plain text as typed, without control characters other than line breaks and tabs. */

/**
 * The task view's extras, beside the task routes (same /api/tasks prefix, separate plugin):
 * attachments and comments of the case, the step's settings from the model, the diagram with the
 * path so far, and sending a step back along the path the model provides.
 */
const taskExtras: FastifyPluginAsyncTypebox<TaskExtrasOptions> = async (app, opts) => {
  const maxBytes = opts.maxBytes ?? app.config.attachmentMaxBytes;
  const filesRoot = path.join(app.config.dataDir, 'files');

  app.addHook('onRequest', app.requireRole('officer', 'leader', 'admin'));
  // Uploads arrive as the raw file (application/octet-stream), streamed to disk by the handler.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));

  /**
   * Loads a task the user may see, or answers 404/403: offered to them, completed by them, or (for a
   * leader) in their unit's subtree, the same rule as reading the task itself.
   */
  const visibleTask = async (req: FastifyRequest, id: string): Promise<Row> => {
    const row = (await getTask(app.db, id)) as Row | undefined;
    if (!row) throw fail(404, 'TASK_NOT_FOUND', { id }, `Không có công việc ${id} / No task ${id}`);
    const v = viewerOf(req);
    if (canSee(row, v) || row.completed_by === v.username) return row;
    if (req.currentUser.roles.includes('leader') && inScope(row, await orgScope(app.db, req.currentUser.unit.code))) return row;
    throw fail(403, 'TASK_NOT_OFFERED', {}, 'Công việc này không thuộc quyền của bạn / This task is not offered to you');
  };

  const modelOf = async (row: Row): Promise<DeployedModel> => {
    const model = await deployedModel(app.db, {
      processDefinitionKey: String(row.process_definition_key),
      bpmnProcessId: row.bpmn_process_id,
      version: row.process_version,
    });
    if (!model) throw fail(404, 'TASK_MODEL_UNKNOWN', {}, `Không tìm thấy mô hình quy trình của công việc / The deployed model of this task is unknown`);
    return model;
  };

  const isOpen = (row: Row) => row.status === 'open' && row.outcome === null;

  // ---------------------------------------------------------------- attachments
  app.get(
    '/:id/attachments',
    {
      schema: {
        tags: ['task view'],
        summary: 'Files of the case (attached on any of its tasks)',
        security,
        params: TaskParams,
        response: { 200: AttachmentList, ...errors },
      },
    },
    async (req) => {
      const row = await visibleTask(req, req.params.id);
      return { items: (await listAttachments(app.db, String(row.process_instance_key))).map(toAttachment), maxBytes, allowedExtensions: ALLOWED_EXTENSIONS };
    },
  );

  app.post(
    '/:id/attachments',
    {
      schema: {
        tags: ['task view'],
        summary: 'Attach a file to the case (raw body, application/octet-stream; ?name= the file name). Same content twice: one file.',
        description: `Allowed: ${ALLOWED_EXTENSIONS.join(', ')}; the content must match the extension. Only the holder of an open task may upload.`,
        security,
        consumes: ['application/octet-stream'],
        params: TaskParams,
        querystring: UploadQuery,
        response: { 200: Attachment, 201: Attachment, ...errors, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (req, reply) => {
      const me = req.currentUser.username;
      const row = await visibleTask(req, req.params.id);
      if (!isOpen(row)) throw fail(409, 'TASK_CLOSED_NO_FILES', {}, 'Công việc đã kết thúc, không thể đính kèm thêm / The task is closed: no more files');
      if (row.assignee !== me)
        throw fail(403, 'TASK_CLAIM_BEFORE_ATTACH', {}, 'Hãy nhận xử lý công việc trước khi đính kèm tệp / Claim the task before attaching files');
      if (!(req.body && typeof (req.body as Readable).pipe === 'function')) {
        throw fail(415, 'FILE_CONTENT_TYPE', {}, 'Gửi nội dung tệp với Content-Type application/octet-stream / Send the file as application/octet-stream');
      }
      const fileName = cleanFileName(req.query.name);
      const ext = extensionOf(fileName);
      const allowed = `${ALLOWED_EXTENSIONS.join(', ')}`;
      if (!fileName || !FILE_KINDS[ext]) {
        throw fail(415, 'FILE_TYPE_NOT_ALLOWED', { allowed }, `Loại tệp không được phép, chỉ nhận: ${allowed} / File type not allowed; accepted: ${allowed}`);
      }
      const tooLarge = () =>
        fail(413, 'UPLOAD_TOO_LARGE', { max: mb(maxBytes) }, `Tệp vượt quá dung lượng cho phép ${mb(maxBytes)} / The file exceeds the ${mb(maxBytes)} limit`);
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        (req.body as Readable).resume();
        reply.header('connection', 'close');
        throw tooLarge();
      }
      let upload;
      try {
        upload = await receiveUpload(req.body as Readable, filesRoot, maxBytes);
      } catch (err) {
        if (err instanceof UploadTooLarge) {
          reply.header('connection', 'close');
          throw tooLarge();
        }
        throw err;
      }
      if (upload.size === 0) {
        await discardUpload(upload);
        throw fail(400, 'UPLOAD_EMPTY', {}, 'Tệp rỗng / The file is empty');
      }
      if (!(await contentMatches(ext, upload))) {
        await discardUpload(upload);
        throw fail(
          415,
          'FILE_CONTENT_MISMATCH',
          { ext },
          `Nội dung tệp không đúng định dạng .${ext} (tệp bị đổi tên hoặc hỏng) / The content is not a .${ext} file`,
        );
      }
      const storagePath = await keepUpload(filesRoot, upload);
      const { row: saved, created } = await insertAttachment(app.db, {
        process_instance_key: String(row.process_instance_key),
        job_key: String(row.job_key),
        element_id: row.element_id,
        file_name: fileName,
        mime_type: FILE_KINDS[ext].mime,
        size_bytes: upload.size,
        sha256: upload.sha256,
        storage_path: storagePath,
        uploaded_by: me,
      });
      reply.status(created ? 201 : 200);
      return toAttachment({ ...saved, step_name: String(saved.job_key) === String(row.job_key) ? row.name : null });
    },
  );

  app.get(
    '/:id/attachments/:attachmentId',
    { schema: { tags: ['task view'], summary: 'Download a file of the case', security, params: AttachmentParams, response: { ...errors } } },
    async (req, reply) => {
      const row = await visibleTask(req, req.params.id);
      const file = await getAttachment(app.db, req.params.attachmentId);
      if (!file || String(file.process_instance_key) !== String(row.process_instance_key)) {
        throw fail(404, 'CASE_FILE_NOT_FOUND', {}, 'Không có tệp này trong hồ sơ / No such file in this case');
      }
      const handle = await openStored(filesRoot, file.storage_path);
      if (!handle) throw fail(404, 'FILE_MISSING', {}, 'Tệp không còn trên máy chủ / The file is missing on the server');
      return sendFile(reply, { name: file.file_name, type: file.mime_type, body: handle.createReadStream(), upload: { size: file.size_bytes }, noStore: true });
    },
  );

  // ---------------------------------------------------------------- comments
  app.get(
    '/:id/comments',
    { schema: { tags: ['task view'], summary: 'Comments on the case, oldest first', security, params: TaskParams, response: { 200: CommentList, ...errors } } },
    async (req) => {
      const row = await visibleTask(req, req.params.id);
      return { items: (await listComments(app.db, String(row.process_instance_key))).map(toComment) };
    },
  );

  app.post(
    '/:id/comments',
    {
      schema: {
        tags: ['task view'],
        summary: 'Comment on the case (plain text)',
        security,
        params: TaskParams,
        body: CommentBody,
        response: { 201: Comment, ...errors },
      },
    },
    async (req, reply) => {
      const row = await visibleTask(req, req.params.id);
      const body = plainText(req.body.body);
      if (!body) throw fail(400, 'COMMENT_EMPTY', {}, 'Nội dung ý kiến không được để trống / The comment is empty');
      const saved = await insertComment(app.db, {
        process_instance_key: String(row.process_instance_key),
        job_key: String(row.job_key),
        element_id: row.element_id,
        step_name: row.name,
        author: req.currentUser.username,
        author_name: req.currentUser.fullName,
        body,
      });
      reply.status(201);
      return toComment(saved);
    },
  );

  // ---------------------------------------------------------------- the step, from the model
  app.get(
    '/:id/step',
    {
      schema: {
        tags: ['task view'],
        summary: "The step's instructions, expected records, limits and send-back path",
        security,
        params: TaskParams,
        response: { 200: StepInfo, ...errors },
      },
    },
    async (req) => {
      const row = await visibleTask(req, req.params.id);
      const model = await modelOf(row);
      const el = model.elements.get(row.element_id);
      const vars = row.variables ?? {};
      // The case came back here when the step it was sent back from leads back to this one.
      const from = typeof vars.sentBackFrom === 'string' ? model.elements.get(vars.sentBackFrom) : undefined;
      const returned = from?.sendBack?.targetElementId === row.element_id && typeof vars.sendBackReason === 'string';
      return {
        elementId: row.element_id,
        name: el?.name ?? row.name,
        instructions: el?.meta.instructions ?? null,
        records: el?.meta.records ?? [],
        isoClauses: el?.meta.isoClauses ?? [],
        timeLimitDays: el?.meta.timeLimitDays ?? null,
        sendBack: {
          modelled: Boolean(el?.sendBack),
          targetElementId: el?.sendBack?.targetElementId ?? null,
          targetName: el?.sendBack?.targetName ?? null,
          allowed: Boolean(el?.sendBack) && isOpen(row) && row.assignee === req.currentUser.username,
        },
        outcome: row.outcome ?? null,
        sendBackReason: row.send_back_reason ?? null,
        returnedReason: returned ? (vars.sendBackReason as string) : null,
        returnedBy: returned && typeof vars.sentBackBy === 'string' ? vars.sentBackBy : null,
      };
    },
  );

  // ---------------------------------------------------------------- the diagram
  app.get(
    '/:id/diagram',
    {
      schema: {
        tags: ['task view'],
        summary:
          'The diagram of the task version as the designer drew it (the deploy-added reminder and escalation branches left out, the steps’ time limits listed), with the current step and the path so far',
        security,
        params: TaskParams,
        response: { 200: Diagram, ...errors },
      },
    },
    async (req) => {
      const row = await visibleTask(req, req.params.id);
      const model = await modelOf(row);
      const soFar = await casePath(app.db, String(row.process_instance_key), isOpen(row) ? row.element_id : null);
      const drawn = await drawnModel(model.processDefinitionKey, model.xml);
      return {
        processDefinitionKey: model.processDefinitionKey,
        bpmnProcessId: model.bpmnProcessId,
        version: model.version,
        xml: drawn.xml,
        stepTimeLimits: drawn.stepTimeLimits,
        ...soFar,
      };
    },
  );

  // ---------------------------------------------------------------- send back
  app.post(
    '/:id/send-back',
    {
      schema: {
        tags: ['task view'],
        summary: 'Send the step back to the previous one with a reason (ThrowError SEND_BACK, caught by the boundary event the model provides)',
        security,
        params: TaskParams,
        body: SendBackBody,
        response: { 200: Task, ...errors },
      },
    },
    async (req) => {
      const me = req.currentUser.username;
      const row = await visibleTask(req, req.params.id);
      if (!isOpen(row))
        throw fail(409, 'TASK_CLOSED_OR_SENDING_BACK', {}, 'Công việc đã kết thúc hoặc đang được trả lại / The task is already closed or being sent back');
      if (row.assignee !== me)
        throw fail(403, 'TASK_HOLDER_ONLY_SEND_BACK', {}, 'Chỉ người đang giữ công việc mới trả lại được / Only the holder can send the task back');
      const model = await modelOf(row);
      if (!model.elements.get(row.element_id)?.sendBack) {
        throw fail(
          409,
          'TASK_NO_SEND_BACK',
          { step: row.name },
          `Quy trình không cho phép trả lại bước "${row.name}" (không có sự kiện lỗi SEND_BACK) / The model has no send-back path for this step`,
        );
      }
      const reason = plainText(req.body.reason);
      if (!reason) throw fail(400, 'REASON_REQUIRED', {}, 'Hãy nêu lý do trả lại / A reason is required');
      // Commit the intent first, then tell Zeebe: an outage or crash in between is retried, never lost.
      if (!(await markSendingBack(app.db, String(row.job_key), me, reason))) {
        throw fail(409, 'TASK_CLOSED_OR_SENDING_BACK', {}, 'Công việc đã kết thúc hoặc đang được trả lại / The task is already closed or being sent back');
      }
      const outcome = await sendBack(
        app.zeebe,
        app.db,
        { job_key: String(row.job_key), element_id: row.element_id, name: row.name, completed_by: me, send_back_reason: reason },
        true,
      );
      if (outcome === 'gone')
        throw fail(409, 'TASK_GONE', {}, 'Công việc không còn trong quy trình (đã bị hủy hoặc bước bị ngắt) / The task no longer exists in the process');
      if (outcome === 'unavailable')
        throw fail(
          503,
          'ENGINE_UNAVAILABLE_SEND_BACK_SAVED',
          {},
          `${ENGINE_UNAVAILABLE}. Yêu cầu trả lại đã được lưu và sẽ tự gửi lại / Your send-back is saved and will be sent automatically`,
        );
      return toTask((await getTask(app.db, req.params.id))!);
    },
  );
};

export default taskExtras;
