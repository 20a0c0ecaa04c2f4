import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import { Notification, NotificationList, NotificationListQuery, NotificationParams, ReadAllReply } from '../../schemas/notifications.js';
import { listNotifications, markAllRead, markRead } from '../../../domain/notifications/store.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];

/** The bell: a signed-in user's own in-app notifications, newest first, and their read state. */
const notifications: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/',
    {
      schema: {
        tags: ['notifications'],
        summary: 'My notifications, newest first, with the unread count',
        security,
        querystring: NotificationListQuery,
        response: { 200: NotificationList, ...errors },
      },
    },
    async (req) =>
      listNotifications(app.db, req.currentUser.username, {
        unreadOnly: req.query.unreadOnly ?? false,
        limit: req.query.limit ?? 20,
        offset: req.query.offset ?? 0,
      }),
  );

  app.post(
    '/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of my notifications read',
        security,
        params: NotificationParams,
        response: { 200: Notification, ...errors },
      },
    },
    async (req) => {
      const n = await markRead(app.db, req.currentUser.username, req.params.id);
      if (!n) throw fail(404, 'NOTIFICATION_NOT_FOUND', { id: req.params.id }, `Không có thông báo ${req.params.id} / No notification ${req.params.id}`);
      return n;
    },
  );

  app.post(
    '/read-all',
    { schema: { tags: ['notifications'], summary: 'Mark all my notifications read', security, response: { 200: ReadAllReply, ...errors } } },
    async (req) => ({
      updated: await markAllRead(app.db, req.currentUser.username),
    }),
  );
};
export default notifications;
