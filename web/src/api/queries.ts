import { keepPreviousData, mutationOptions, queryOptions, type QueryClient } from '@tanstack/react-query';
import type { Task, TaskListQuery } from '../../../api/schemas/tasks.js';
import type { ReassignBody, TaskCountsQuery } from '../../../api/schemas/tasks.js';
import type { NotificationListQuery } from '../../../api/schemas/notifications.js';
import type { CreateProcedureBody, Procedure, PublishBody } from '../../../api/schemas/procedures.js';
import { endpoints } from './endpoints.js';
import { request } from './request.js';

/** Query keys, built from prefixes so a mutation can invalidate everything under one. */
export const queryKeys = {
  me: () => ['me'] as const,
  tasks: () => ['tasks'] as const,
  taskLists: () => [...queryKeys.tasks(), 'list'] as const,
  taskList: (filters: TaskListQuery) => [...queryKeys.taskLists(), filters] as const,
  task: (id: string) => [...queryKeys.tasks(), 'detail', id] as const,
  taskExtras: (id: string) => [...queryKeys.tasks(), 'extras', id] as const,
  taskStep: (id: string) => [...queryKeys.taskExtras(id), 'step'] as const,
  taskDiagram: (id: string) => [...queryKeys.taskExtras(id), 'diagram'] as const,
  taskAttachments: (id: string) => [...queryKeys.taskExtras(id), 'attachments'] as const,
  taskComments: (id: string) => [...queryKeys.taskExtras(id), 'comments'] as const,
  form: (formKey: string) => ['forms', formKey] as const,
  procedures: () => ['procedures'] as const,
  procedureList: () => [...queryKeys.procedures(), 'list'] as const,
  procedure: (id: string) => [...queryKeys.procedures(), 'detail', id] as const,
  versionXml: (id: string, version: number) => [...queryKeys.procedures(), 'xml', id, version] as const,
  workerTypes: () => ['worker-types'] as const,
  taskCounts: (filters: TaskCountsQuery) => [...queryKeys.tasks(), 'counts', filters] as const,
  units: () => ['units'] as const,
  unitMembers: (code: string) => [...queryKeys.units(), 'members', code] as const,
  processDefinitions: () => ['process-definitions'] as const,
  notifications: () => ['notifications'] as const,
  notificationList: (filters: NotificationListQuery) => [...queryKeys.notifications(), filters] as const,
};

/** The inbox polls; live updates replace this later. */
export const INBOX_POLL_MS = 3000;

export const meQuery = () =>
  queryOptions({
    queryKey: queryKeys.me(),
    queryFn: ({ signal }) => request(endpoints.me(), signal),
    staleTime: 5 * 60_000,
  });

export const taskListQuery = (filters: TaskListQuery) =>
  queryOptions({
    queryKey: queryKeys.taskList(filters),
    queryFn: ({ signal }) => request(endpoints.tasks(filters), signal),
    refetchInterval: INBOX_POLL_MS,
    placeholderData: keepPreviousData,
  });

export const taskQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.task(id),
    queryFn: ({ signal }) => request(endpoints.task(id), signal),
  });

/** Form schemas belong to a deployed process version and never change. */
export const formQuery = (formKey: string, version?: { bpmnProcessId: string; version: number }) =>
  queryOptions({
    queryKey: [...queryKeys.form(formKey), version?.bpmnProcessId ?? '', version?.version ?? 0] as const,
    queryFn: ({ signal }) => request(endpoints.form(formKey, version), signal),
    staleTime: Infinity,
  });

/** After a change to a task: store the fresh task and refetch every task list. */
async function onTaskChanged(client: QueryClient, task: Task): Promise<void> {
  client.setQueryData(queryKeys.task(task.id), task);
  await client.invalidateQueries({ queryKey: queryKeys.taskLists() });
}

/** After a refused change (409: someone else was faster): refetch everything about tasks. */
async function onTaskRefused(client: QueryClient): Promise<void> {
  await client.invalidateQueries({ queryKey: queryKeys.tasks() });
}

/** Mutation options; pages add their own per-call callbacks (messages, navigation) via mutate(). */
export const taskMutations = {
  claim: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => request(endpoints.claimTask(id)),
      onSuccess: (task) => onTaskChanged(client, task),
      onError: () => onTaskRefused(client),
    }),
  unclaim: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => request(endpoints.unclaimTask(id)),
      onSuccess: (task) => onTaskChanged(client, task),
      onError: () => onTaskRefused(client),
    }),
  complete: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, variables }: { id: string; variables: Record<string, unknown> }) => request(endpoints.completeTask(id, { variables })),
      onSuccess: (task) => onTaskChanged(client, task),
      onError: () => onTaskRefused(client),
    }),
};

/** The task view: the step from the model, the diagram, and the case's files and comments. */
export const taskStepQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.taskStep(id), queryFn: ({ signal }) => request(endpoints.taskStep(id), signal) });

export const taskDiagramQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.taskDiagram(id), queryFn: ({ signal }) => request(endpoints.taskDiagram(id), signal), refetchOnWindowFocus: false });

export const taskAttachmentsQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.taskAttachments(id), queryFn: ({ signal }) => request(endpoints.taskAttachments(id), signal) });

export const taskCommentsQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.taskComments(id), queryFn: ({ signal }) => request(endpoints.taskComments(id), signal), refetchInterval: 15_000 });

export const taskExtrasMutations = {
  comment: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, body }: { id: string; body: string }) => request(endpoints.addTaskComment(id, { body })),
      onSuccess: (_comment, { id }) => client.invalidateQueries({ queryKey: queryKeys.taskComments(id) }),
    }),
  sendBack: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, reason }: { id: string; reason: string }) => request(endpoints.sendBackTask(id, { reason })),
      onSuccess: async (task) => {
        await onTaskChanged(client, task);
        await client.invalidateQueries({ queryKey: queryKeys.taskExtras(task.id) });
      },
      onError: () => onTaskRefused(client),
    }),
};

export const procedureListQuery = () =>
  queryOptions({
    queryKey: queryKeys.procedureList(),
    queryFn: ({ signal }) => request(endpoints.procedures(), signal),
  });

/** The editor loads a procedure once and then owns its draft: no background refetch over unsaved work. */
export const procedureQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.procedure(id),
    queryFn: ({ signal }) => request(endpoints.procedure(id), signal),
    refetchOnWindowFocus: false,
  });

/** A deployed version's XML never changes. */
export const versionXmlQuery = (id: string, version: number) =>
  queryOptions({
    queryKey: queryKeys.versionXml(id, version),
    queryFn: ({ signal }) => request(endpoints.versionXml(id, version), signal),
    staleTime: Infinity,
  });

export const workerTypesQuery = () =>
  queryOptions({
    queryKey: queryKeys.workerTypes(),
    queryFn: ({ signal }) => request(endpoints.workerTypes(), signal),
    staleTime: 10 * 60_000,
  });

/** Procedure changes refetch the list; the editor's own detail is updated by the page. */
export const procedureMutations = {
  create: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: CreateProcedureBody) => request(endpoints.createProcedure(body)),
      onSuccess: async (procedure: Procedure) => {
        client.setQueryData(queryKeys.procedure(procedure.bpmnProcessId), procedure);
        await client.invalidateQueries({ queryKey: queryKeys.procedureList() });
      },
    }),
  publish: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, body }: { id: string; body: PublishBody }) => request(endpoints.publishProcedure(id, body)),
      onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.procedures() }),
    }),
  retire: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, version }: { id: string; version: number }) => request(endpoints.retireVersion(id, version)),
      onSuccess: () => client.invalidateQueries({ queryKey: queryKeys.procedures() }),
    }),
  answerBundledOffer: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, offer, answer, revision }: { id: string; offer: number; answer: 'accept' | 'dismiss'; revision: number }) =>
        request(endpoints.answerBundledOffer(id, offer, answer, { revision })),
      onSuccess: async (procedure: Procedure) => {
        client.setQueryData(queryKeys.procedure(procedure.bpmnProcessId), procedure);
        await client.invalidateQueries({ queryKey: queryKeys.procedureList() });
      },
    }),
};

/** With live updates the inbox polls only as a fallback; without them (connection lost) it polls often. */
export const INBOX_FALLBACK_POLL_MS = 30_000;

export const taskCountsQuery = (filters: TaskCountsQuery) =>
  queryOptions({
    queryKey: queryKeys.taskCounts(filters),
    queryFn: ({ signal }) => request(endpoints.taskCounts(filters), signal),
    placeholderData: keepPreviousData,
  });

/** The organisation changes rarely. */
export const orgUnitsQuery = () =>
  queryOptions({
    queryKey: queryKeys.units(),
    queryFn: ({ signal }) => request(endpoints.units(), signal),
    staleTime: 10 * 60_000,
  });

/** The units that can own a procedure step (a flat list, names "Tiếng Việt / English"). */
export const ownerUnitsQuery = () =>
  queryOptions({
    queryKey: [...queryKeys.procedures(), 'owner-units'] as const,
    queryFn: ({ signal }) => request(endpoints.ownerUnits(), signal),
    staleTime: 5 * 60_000,
  });

export const unitMembersQuery = (code: string) =>
  queryOptions({
    queryKey: queryKeys.unitMembers(code),
    queryFn: ({ signal }) => request(endpoints.unitMembers(code), signal),
    staleTime: 5 * 60_000,
  });

export const processDefinitionsQuery = () =>
  queryOptions({
    queryKey: queryKeys.processDefinitions(),
    queryFn: ({ signal }) => request(endpoints.processDefinitions(), signal),
    staleTime: 5 * 60_000,
  });

export const notificationsQuery = (filters: Omit<NotificationListQuery, 'unreadOnly'> = {}) =>
  queryOptions({
    queryKey: queryKeys.notificationList(filters),
    queryFn: ({ signal }) => request(endpoints.notifications(filters), signal),
    refetchInterval: INBOX_FALLBACK_POLL_MS,
  });

/** Leaders' inbox actions: every one refetches the task lists and counts. */
export const leaderMutations = {
  reassign: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (body: ReassignBody) => request(endpoints.reassignTasks(body)),
      onSettled: () => client.invalidateQueries({ queryKey: queryKeys.tasks() }),
    }),
  urge: (client: QueryClient) =>
    mutationOptions({
      mutationFn: ({ id, message }: { id: string; message: string }) => request(endpoints.urgeTask(id, { message })),
      onSettled: () => client.invalidateQueries({ queryKey: queryKeys.tasks() }),
    }),
};

export const notificationMutations = {
  read: (client: QueryClient) =>
    mutationOptions({
      mutationFn: (id: string) => request(endpoints.readNotification(id)),
      onSettled: () => client.invalidateQueries({ queryKey: queryKeys.notifications() }),
    }),
  readAll: (client: QueryClient) =>
    mutationOptions({
      mutationFn: () => request(endpoints.readAllNotifications()),
      onSettled: () => client.invalidateQueries({ queryKey: queryKeys.notifications() }),
    }),
};
