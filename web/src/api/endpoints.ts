import type { CurrentUser, LoginBody, LoginReply, PasswordChangeBody } from '../../../api/schemas/auth.js';
import type { CompleteBody, FormReply, Task, TaskList, TaskListQuery } from '../../../api/schemas/tasks.js';
import type { AssignBody, MemberList, OrgUnitList, ReassignBody, ReassignReply, TaskCounts, TaskCountsQuery, UrgeBody } from '../../../api/schemas/tasks.js';
import type { EventTicket, Notification, NotificationList, NotificationListQuery, ReadAllReply } from '../../../api/schemas/notifications.js';
import type { ProcessDefinitionList } from '../../../api/schemas/processes.js';
import type { Static } from 'typebox';
import type { AttachmentList, Comment, CommentBody, CommentList, Diagram, SendBackBody, StepInfo } from '../../../api/schemas/task-extras.js';
import type {
  CreateProcedureBody,
  Procedure,
  ProcedureDraft,
  ProcedureList,
  ProcedureVersion,
  PublishBody,
  PublishReply,
  SaveDraftBody,
  ValidateBody,
  ValidationReport,
  SimulateBody,
  Simulation,
  OwnerUnit,
  VersionXml,
  WorkerType,
} from '../../../api/schemas/procedures.js';
import { queryString, withQuery } from './query-string.js';

/** A description of one HTTP call; `Reply` is the type of its JSON answer (never present at run time). */
export interface Endpoint<Reply> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** true for calls made before signing in: no token is sent and a 401 is an ordinary error. */
  anonymous?: boolean;
  /** extra request headers (e.g. the dossier lookup key of the public pages) */
  headers?: Record<string, string>;
  /** a multipart/form-data body (file uploads of the public pages); wins over `body` */
  form?: FormData;
  /** a non-JSON text body with its content type (CSV imports) */
  raw?: { contentType: string; text: string };
  readonly reply?: Reply;
}

const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;
const procedurePath = (id: string) => `/api/procedures/${encodeURIComponent(id)}`;
const versionPath = (id: string, version: number) => `${procedurePath(id)}/versions/${version}`;

/** Endpoint factories: the only place that knows the API's paths. */
export const endpoints = {
  login: (body: LoginBody): Endpoint<LoginReply> => ({ method: 'POST', path: '/api/auth/login', body, anonymous: true }),
  me: (): Endpoint<CurrentUser> => ({ method: 'GET', path: '/api/me' }),
  /** Progress of the demo data npm start makes in the background (idle otherwise). */
  demoStatus: (): Endpoint<{ running: boolean; done: boolean; total: number; completed: number; failed: number; demoDate?: string }> => ({
    method: 'GET',
    path: '/api/demo/status',
    anonymous: true,
  }),
  /** Ends every session of the account (its tokens and live streams). */
  logout: (): Endpoint<null> => ({ method: 'POST', path: '/api/auth/logout' }),
  changePassword: (body: PasswordChangeBody): Endpoint<LoginReply> => ({ method: 'POST', path: '/api/auth/password', body }),
  tasks: (filters: TaskListQuery): Endpoint<TaskList> => ({ method: 'GET', path: `/api/tasks${queryString(filters)}` }),
  task: (id: string): Endpoint<Task> => ({ method: 'GET', path: taskPath(id) }),
  claimTask: (id: string): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/claim` }),
  unclaimTask: (id: string): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/unclaim` }),
  completeTask: (id: string, body: CompleteBody): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/complete`, body }),
  /** A form as deployed with the given process version (running instances keep their form). */
  form: (formKey: string, version?: { bpmnProcessId: string; version: number }): Endpoint<FormReply> => ({
    method: 'GET',
    path: withQuery(`/api/forms/${encodeURIComponent(formKey)}`, { bpmnProcessId: version?.bpmnProcessId, version: version?.version }),
  }),
  taskStep: (id: string): Endpoint<StepInfo> => ({ method: 'GET', path: `${taskPath(id)}/step` }),
  taskDiagram: (id: string): Endpoint<Diagram> => ({ method: 'GET', path: `${taskPath(id)}/diagram` }),
  taskAttachments: (id: string): Endpoint<AttachmentList> => ({ method: 'GET', path: `${taskPath(id)}/attachments` }),
  /** The raw file, not JSON: sent by the upload helper (XMLHttpRequest, for progress). */
  uploadAttachment: (id: string, fileName: string): Endpoint<AttachmentList['items'][number]> => ({
    method: 'POST',
    path: `${taskPath(id)}/attachments${queryString({ name: fileName })}`,
  }),
  /** A file, not JSON: fetched as a Blob. */
  attachmentFile: (id: string, attachmentId: string): Endpoint<Blob> => ({
    method: 'GET',
    path: `${taskPath(id)}/attachments/${encodeURIComponent(attachmentId)}`,
  }),
  taskComments: (id: string): Endpoint<CommentList> => ({ method: 'GET', path: `${taskPath(id)}/comments` }),
  addTaskComment: (id: string, body: CommentBody): Endpoint<Comment> => ({ method: 'POST', path: `${taskPath(id)}/comments`, body }),
  sendBackTask: (id: string, body: SendBackBody): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/send-back`, body }),
  procedures: (): Endpoint<ProcedureList> => ({ method: 'GET', path: '/api/procedures' }),
  workerTypes: (): Endpoint<{ items: WorkerType[] }> => ({ method: 'GET', path: '/api/procedures/worker-types' }),
  procedure: (id: string): Endpoint<Procedure> => ({ method: 'GET', path: procedurePath(id) }),
  createProcedure: (body: CreateProcedureBody): Endpoint<Procedure> => ({ method: 'POST', path: '/api/procedures', body }),
  saveDraft: (id: string, body: SaveDraftBody): Endpoint<ProcedureDraft> => ({ method: 'PUT', path: `${procedurePath(id)}/draft`, body }),
  validateProcedure: (id: string, body: ValidateBody): Endpoint<ValidationReport> => ({ method: 'POST', path: `${procedurePath(id)}/validate`, body }),
  /** What if: the draft received at a chosen time, on the working calendar. */
  simulateProcedure: (id: string, body: SimulateBody): Endpoint<Simulation> => ({ method: 'POST', path: `${procedurePath(id)}/simulate`, body }),
  publishProcedure: (id: string, body: PublishBody): Endpoint<PublishReply> => ({ method: 'POST', path: `${procedurePath(id)}/publish`, body }),
  retireVersion: (id: string, version: number): Endpoint<ProcedureVersion> => ({ method: 'POST', path: `${versionPath(id, version)}/retire` }),
  /** Load a newer release of a shipped process into the draft ('accept') or dismiss it. */
  answerBundledOffer: (id: string, offer: number, answer: 'accept' | 'dismiss', body: PublishBody): Endpoint<Procedure> => ({
    method: 'POST',
    path: `${procedurePath(id)}/bundled-offers/${offer}/${answer}`,
    body,
  }),
  versionXml: (id: string, version: number): Endpoint<VersionXml> => ({ method: 'GET', path: `${versionPath(id, version)}/xml` }),
  /** A PDF, not JSON: fetched with `requestBlob`. */
  procedureSheetPdf: (id: string, version: number): Endpoint<Blob> => ({ method: 'GET', path: `${versionPath(id, version)}/sheet.pdf` }),
  taskCounts: (filters: TaskCountsQuery): Endpoint<TaskCounts> => ({ method: 'GET', path: `/api/tasks/counts${queryString(filters)}` }),
  assignTask: (id: string, body: AssignBody): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/assign`, body }),
  reassignTasks: (body: ReassignBody): Endpoint<ReassignReply> => ({ method: 'POST', path: '/api/tasks/reassign', body }),
  urgeTask: (id: string, body: UrgeBody): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/urge`, body }),
  units: (): Endpoint<OrgUnitList> => ({ method: 'GET', path: '/api/units' }),
  /** Every unit that can own a procedure step (the modeler's owner picker, the calendar's unit choice). */
  ownerUnits: (): Endpoint<{ items: OwnerUnit[] }> => ({ method: 'GET', path: '/api/procedures/owner-units' }),
  unitMembers: (code: string): Endpoint<MemberList> => ({ method: 'GET', path: `/api/units/${encodeURIComponent(code)}/members` }),
  processDefinitions: (): Endpoint<Static<typeof ProcessDefinitionList>> => ({ method: 'GET', path: '/api/process-definitions' }),
  notifications: (filters: Omit<NotificationListQuery, 'unreadOnly'>): Endpoint<NotificationList> => ({
    method: 'GET',
    path: `/api/notifications${queryString(filters)}`,
  }),
  readNotification: (id: string): Endpoint<Notification> => ({ method: 'POST', path: `/api/notifications/${encodeURIComponent(id)}/read` }),
  readAllNotifications: (): Endpoint<ReadAllReply> => ({ method: 'POST', path: '/api/notifications/read-all' }),
  eventTicket: (): Endpoint<EventTicket> => ({ method: 'POST', path: '/api/events/ticket' }),
};
