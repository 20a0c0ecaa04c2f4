import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import { EventsQuery, EventTicket } from '../../schemas/notifications.js';
import { candidateGroupsOf, findCurrentUser } from '../../repositories/users.js';
import { orgScope, type Viewer } from '../../repositories/inbox.js';
import { LiveHub, type LiveClient } from '../../live.js';

const security = [{ bearer: [] }];
/** How long a ticket may be used to open a stream. */
const TICKET_SECONDS = 60;
const HEARTBEAT_MS = 25_000;

/**
 * Tickets are `<userId>.<expiry>.<hmac>`: signed with the server secret under their own label, so a
 * ticket is no bearer token (it opens this stream and nothing else) and any API process can check it.
 */
function signTicket(secret: string, userId: number, expiresAt: number): string {
  const payload = `${userId}.${expiresAt}`;
  return `${payload}.${createHmac('sha256', secret).update(`eiso-events-ticket:${payload}`).digest('base64url')}`;
}

function readTicket(secret: string, ticket: string, now = Date.now()): number | undefined {
  const [id, exp, sig] = ticket.split('.');
  if (!id || !exp || !sig || !/^\d+$/.test(id) || !/^\d+$/.test(exp)) return undefined;
  const expected = Buffer.from(signTicket(secret, Number(id), Number(exp)).split('.')[2]!);
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (Number(exp) * 1000 < now) return undefined;
  return Number(id);
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

  app.post('/ticket', { onRequest: app.authenticate, schema: { tags: ['events'], summary: 'A short-lived ticket to open the event stream', security, response: { 200: EventTicket, ...errors } } }, async (req) => ({
    ticket: signTicket(opts.ticketSecret, req.currentUser.id, Math.floor(Date.now() / 1000) + TICKET_SECONDS),
    expiresIn: TICKET_SECONDS,
  }));

  const authenticateStream = async (req: FastifyRequest<{ Querystring: EventsQuery }>, reply: Parameters<typeof app.authenticate>[1]) => {
    if (!req.query.ticket) return app.authenticate(req, reply);
    const id = readTicket(opts.ticketSecret, req.query.ticket);
    const user = id === undefined ? undefined : await findCurrentUser(app.db, id);
    if (!user) throw app.httpErrors.unauthorized('Vé kết nối không hợp lệ hoặc đã hết hạn / The stream ticket is invalid or expired');
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
      const client: LiveClient = { viewer, send: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`) };
      const remove = hub.add(client);
      const heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
      const end = () => {
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
