import type { CurrentUser, LoginBody, LoginReply } from '../../../api/schemas/auth.js';
import type { CompleteBody, FormReply, Task, TaskList, TaskListQuery } from '../../../api/schemas/tasks.js';

/** A description of one HTTP call; `Reply` is the type of its JSON answer (never present at run time). */
export interface Endpoint<Reply> {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** true for calls made before signing in: no token is sent and a 401 is an ordinary error. */
  anonymous?: boolean;
  readonly reply?: Reply;
}

const taskPath = (id: string) => `/api/tasks/${encodeURIComponent(id)}`;

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const qs = search.toString();
  return qs ? `?${qs}` : '';
}

/** Endpoint factories: the only place that knows the API's paths. */
export const endpoints = {
  login: (body: LoginBody): Endpoint<LoginReply> => ({ method: 'POST', path: '/api/auth/login', body, anonymous: true }),
  me: (): Endpoint<CurrentUser> => ({ method: 'GET', path: '/api/me' }),
  tasks: (filters: TaskListQuery): Endpoint<TaskList> => ({ method: 'GET', path: `/api/tasks${query(filters)}` }),
  task: (id: string): Endpoint<Task> => ({ method: 'GET', path: taskPath(id) }),
  claimTask: (id: string): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/claim` }),
  unclaimTask: (id: string): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/unclaim` }),
  completeTask: (id: string, body: CompleteBody): Endpoint<Task> => ({ method: 'POST', path: `${taskPath(id)}/complete`, body }),
  form: (formKey: string): Endpoint<FormReply> => ({ method: 'GET', path: `/api/forms/${encodeURIComponent(formKey)}` }),
};
