import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import { EventsQuery, EventTicket } from '../../schemas/notifications.js';
import { candidateGroupsOf, findSessionUser, tokenVersionOf } from '../../../domain/org/users.js';
import { orgScope } from '../../../domain/org/units.js';
import type { Viewer } from '../../../domain/inbox/visibility.js';
import { LiveHub, type LiveClient } from '../../../domain/inbox/live.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
/** How long a ticket may be used to open a stream. */
const TICKET_SECONDS = 60;
const HEARTBEAT_MS = 25_000;

/**
 * Tickets are `<userId>.<tokenVersion>.<expiry>.<hmac>`: signed with the server secret under their own
 * label, so a ticket is no bearer token (it opens this stream and nothing else) and any API process can
 * check it. The token version ties it to the session: after a sign-out or a change of rights it opens nothing.
 */
function signTicket(secret: string, userId: number, tokenVersion: number, expiresAt: number): string {
  const payload = `${userId}.${tokenVersion}.${expiresAt}`;
  return `${payload}.${createHmac('sha256', secret).update(`eiso-events-ticket:${payload}`).digest('base64url')}`;
}

function readTicket(secret: string, ticket: string, now = Date.now()): { id: number; tv: number } | undefined {
  const [id, tv, exp, sig] = ticket.split('.');
  if (!id || !tv || !exp || !sig || !/^\d{1,15}$/.test(id) || !/^\d{1,9}$/.test(tv) || !/^\d{1,15}$/.test(exp)) return undefined;
  const expected = Buffer.from(signTicket(secret, Number(id), Number(tv), Number(exp)).split('.')[3]);
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (Number(exp) * 1000 < now) return undefined;
  return { id: Number(id), tv: Number(tv) };
}

/**
 * Live inbox: server-sent events. A page opens `GET /api/events?ticket=<ticket>` with a ticket from
 * `POST /api/events/ticket` (EventSource cannot send an Authorization header; a bearer header works
 * too, for other clients). Events: `ready` once, `inbox` ({kind, taskId, processInstanceKey, status,
 * assignee}) for every change of a task the user may see, `notification` when the bell has news,
 * `resync` after the server lost changes. Pages refetch on each.
 */
const events: FastifyPluginAsyncTypebox<{ ticketSecret: string }> = async (app, opts) => {
  const hub = new LiveHub(app.db, app.log);
  await hub.start();
  const streams = new Set<() => void>();
  // Open streams would hold the server open: end them when the app closes.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.addHook('onClose', async () => hub.stop());

  app.post(
    '/ticket',
    {
      onRequest: app.authenticate,
      schema: { tags: ['events'], summary: 'A short-lived ticket to open the event stream', security, response: { 200: EventTicket, ...errors } },
    },
    async (req) => ({
      ticket: signTicket(
        opts.ticketSecret,
        req.currentUser.id,
        await tokenVersionOf(app.db, req.currentUser.id),
        Math.floor(Date.now() / 1000) + TICKET_SECONDS,
      ),
      expiresIn: TICKET_SECONDS,
    }),
  );

  const authenticateStream = async (req: FastifyRequest<{ Querystring: EventsQuery }>, reply: Parameters<typeof app.authenticate>[1]) => {
    if (!req.query.ticket) return app.authenticate(req, reply);
    const t = readTicket(opts.ticketSecret, req.query.ticket);
    const user = t === undefined ? undefined : await findSessionUser(app.db, t.id, t.tv);
    if (!user || typeof user === 'string')
      throw fail(401, 'STREAM_TICKET_INVALID', {}, 'Vé kết nối không hợp lệ hoặc đã hết hạn / The stream ticket is invalid or expired');
    req.currentUser = user;
    req.userGroups = candidateGroupsOf(user);
  };

  app.get(
    '/',
    {
      onRequest: authenticateStream,
      schema: {
        tags: ['events'],
        summary: 'Server-sent events: inbox changes and notifications for me (text/event-stream)',
        security,
        querystring: EventsQuery,
        response: { 200: Type.String({ description: 'text/event-stream' }), ...errors },
      },
    },
    async (req, reply) => {
      const user = req.currentUser;
      const viewer: Viewer = {
        username: user.username,
        groups: req.userGroups,
        ...(user.roles.includes('leader') ? { scope: await orgScope(app.db, user.unit.code) } : {}),
      };
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      const write = (chunk: string) => {
        if (!res.writableEnded) res.write(chunk);
      };
      let end = () => {};
      const client: LiveClient = {
        viewer,
        send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        // The user signed out, changed the password, or their rights changed: tell the page, then close.
        endSession: () => {
          write(`event: session-ended\ndata: ${JSON.stringify({ kind: 'session-ended' })}\n\n`);
          end();
        },
      };
      const remove = hub.add(client);
      const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
      end = () => {
        clearInterval(heartbeat);
        remove();
        streams.delete(end);
        if (!res.writableEnded) res.end();
      };
      streams.add(end);
      req.raw.socket.on('close', end);
      res.on('close', end);
      write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ kind: 'ready', username: user.username })}\n\n`);
    },
  );
};
export default events;
