import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import sensible from '@fastify/sensible';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../engine/client.js';
import type { Config } from '../lib/config.js';
import type { MailTransport } from '../lib/mail.js';
import helmet from './plugins/external/helmet.js';
import rateLimit from './plugins/external/rate-limit.js';
import swagger from './plugins/external/swagger.js';
import services, { type EngineStatus } from './plugins/services.js';
import errorsPlugin from './plugins/errors.js';
import auth from './plugins/auth.js';
import health from './routes/health/index.js';
import authRoutes, { me } from './routes/auth/index.js';
import tasks from './routes/tasks/index.js';
import forms from './routes/forms/index.js';
import { processDefinitions, processInstances } from './routes/processes/index.js';
import procedures from './routes/procedures/index.js';
import calendar from './routes/calendar/index.js';
import cases from './routes/cases/index.js';
import auditPlugin from './plugins/audit.js';
import auditRoutes from './routes/audit/index.js';
import caseTimeline from './routes/cases/timeline.js';
import events from './routes/events/index.js';
import notifications from './routes/notifications/index.js';
import incidents from './routes/incidents/index.js';
import units from './routes/units/index.js';
import taskExtras from './routes/tasks/extras.js';
import onestop from './routes/onestop/index.js';
import publicRoutes from './routes/public/onestop.js';
import onestopStats from './routes/onestop-stats/index.js';
import forecastRoutes from './routes/forecast/index.js';
import legalRoutes from './routes/legal/index.js';
import publicEvaluation from './routes/public/evaluation.js';
import isoRoutes from './routes/iso/index.js';
import publicFeedback from './routes/public/feedback.js';
import demoRoutes from './routes/demo/index.js';
import { fail } from '../lib/errors.js';

export interface AppOptions {
  config: Config;
  db: Knex;
  zeebe: ZeebeClient;
  engine: EngineStatus;
  jwtSecret: string;
  /** the process's SMTP transport, shared by the notifications and the citizens' notices */
  mail?: MailTransport;
}

/** The whole HTTP application as a Fastify plugin. It never listens: server.ts and tests own that. */
export default async function app(fastify: FastifyInstance, opts: AppOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // External plugins
  await app.register(sensible);
  await app.register(helmet);
  await app.register(rateLimit);
  await app.register(swagger);

  // Ours
  await app.register(services, { db: opts.db, zeebe: opts.zeebe, engine: opts.engine, config: opts.config, mail: opts.mail });
  await app.register(errorsPlugin);
  await app.register(auth, { secret: opts.jwtSecret, expiresIn: opts.config.jwtExpiresIn });
  await app.register(auditPlugin);

  // The citizen's routes act with the dossier's lookup key as the citizen. A request that also carries a
  // staff member's valid bearer token is a staff member acting as a citizen (withdrawing, supplementing,
  // rating the service): refused before any route runs, whatever key it holds.
  app.addHook('onRequest', async (req) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || !req.url.startsWith('/api/public/')) return;
    const auth = req.headers.authorization;
    if (!auth || !/^bearer\s/i.test(auth)) return;
    const staff = await req.jwtVerify().then(
      () => true,
      () => false,
    );
    if (staff) {
      throw fail(
        403,
        'STAFF_NOT_CITIZEN',
        {},
        'Cán bộ đang đăng nhập không được thao tác thay công dân trên trang công khai (rút, bổ sung, đánh giá hồ sơ) / Signed-in staff may not act as a citizen on the public routes (withdraw, supplement, evaluate)',
      );
    }
  });

  // Routes
  await app.register(health, { prefix: '/health' });
  await app.register(demoRoutes, { prefix: '/api/demo' });
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(me, { prefix: '/api/me' });
  await app.register(tasks, { prefix: '/api/tasks' });
  await app.register(forms, { prefix: '/api/forms' });
  await app.register(processDefinitions, { prefix: '/api/process-definitions' });
  await app.register(processInstances, { prefix: '/api/process-instances' });
  await app.register(procedures, { prefix: '/api/procedures' });
  await app.register(calendar, { prefix: '/api/calendar' });
  await app.register(cases, { prefix: '/api/cases' });
  await app.register(auditRoutes, { prefix: '/api/audit' });
  await app.register(caseTimeline, { prefix: '/api/cases' });
  await app.register(events, { prefix: '/api/events', ticketSecret: opts.jwtSecret });
  await app.register(notifications, { prefix: '/api/notifications' });
  await app.register(incidents, { prefix: '/api/incidents' });
  await app.register(units, { prefix: '/api/units' });
  await app.register(taskExtras, { prefix: '/api/tasks' });
  await app.register(onestop, { prefix: '/api/onestop' });
  await app.register(publicRoutes, { prefix: '/api/public' });
  await app.register(onestopStats, { prefix: '/api/onestop-stats' });
  await app.register(forecastRoutes, { prefix: '/api/forecast' });
  await app.register(legalRoutes, { prefix: '/api/legal' });
  await app.register(publicEvaluation, { prefix: '/api/public' });
  await app.register(isoRoutes, { prefix: '/api/iso' });
  await app.register(publicFeedback, { prefix: '/api/public' });

  // The built web app on the same port, with a fallback to index.html for client-side routes.
  const webDir = opts.config.webDir;
  const hasWeb = existsSync(path.join(webDir, 'index.html'));
  if (hasWeb) await app.register(fastifyStatic, { root: webDir, prefix: '/', wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((req, reply) => {
    // Citizen pages carry a dossier code, whose agency e-ID has dots (/tra-cuu/000.00.14.H56-210531-0001).
    const citizenPage = /^\/(tra-cuu|bo-sung|danh-gia|gop-y)\//.test(req.url);
    const isPage =
      req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/docs') && (citizenPage || !path.extname(req.url.split('?')[0] ?? ''));
    if (hasWeb && isPage) return reply.type('text/html').sendFile('index.html');
    const route = req.url.split('?')[0] ?? '';
    return reply.status(404).send({
      statusCode: 404,
      code: 'ROUTE_NOT_FOUND',
      params: { method: req.method, path: route.length > 200 ? `${route.slice(0, 200)}…` : route },
      error: 'Not Found',
      message: `Không có đường dẫn / No route: ${req.method} ${req.url}`,
    });
  });
}
