import { Type, type Static } from 'typebox';

/** An in-app notification to a signed-in user (the bell). */
export const Notification = Type.Object({
  id: Type.String({ pattern: '^[0-9]{1,19}$' }),
  /** message | task_assigned | task_urged | ... */
  kind: Type.String(),
  subject: Type.String(),
  body: Type.String(),
  /** The inbox task it is about, for a link. */
  taskId: Type.Union([Type.String(), Type.Null()]),
  processInstanceKey: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type Notification = Static<typeof Notification>;

export const NotificationListQuery = Type.Object({
  unreadOnly: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0 })),
});
export type NotificationListQuery = Static<typeof NotificationListQuery>;

export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  total: Type.Integer(),
  /** unread notifications of the user: the bell's badge */
  unread: Type.Integer(),
});
export type NotificationList = Static<typeof NotificationList>;

export const NotificationParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,19}$' }) });

export const ReadAllReply = Type.Object({ updated: Type.Integer() });
export type ReadAllReply = Static<typeof ReadAllReply>;

/** A short-lived ticket for GET /api/events?ticket=… (EventSource cannot send an Authorization header). */
export const EventTicket = Type.Object({
  ticket: Type.String(),
  /** seconds the ticket can be used to open the stream */
  expiresIn: Type.Integer(),
});
export type EventTicket = Static<typeof EventTicket>;

export const EventsQuery = Type.Object({
  ticket: Type.Optional(Type.String({ maxLength: 500 })),
});
export type EventsQuery = Static<typeof EventsQuery>;

/** What the event stream sends (event "inbox" or "notification"; "ready" once connected, "resync" after a gap). */
export const LiveEvent = Type.Object({
  kind: Type.String(),
  taskId: Type.Optional(Type.String()),
  processInstanceKey: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  assignee: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type LiveEvent = Static<typeof LiveEvent>;
