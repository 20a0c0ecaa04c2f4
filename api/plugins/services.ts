import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import type { Config } from '../../lib/config.js';
import type { MailTransport } from '../../lib/mail.js';
import { Mailer } from '../../domain/notifications/email.js';
import type { DemoFillState } from '../demo-fill-state.js';
import { emailChannel, inAppChannel, type NotificationChannel } from '../../domain/notifications/store.js';

export interface EngineStatus {
  /** gateway address the API talks to */
  address: string;
  /** REST gateway base URL, used for the topology in /health */
  restAddress?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex;
    zeebe: ZeebeClient;
    engine: EngineStatus;
    config: Config;
    /** Where notifications go: in-app, plus e-mail when SMTP_URL and SMTP_FROM are set */
    notificationChannels: NotificationChannel[];
    /** the demo filler's progress (npm start), idle otherwise; decorated on the root instance (api/platform.ts) so the filler reaches it */
    demoFill: DemoFillState;
  }
}

/** Our own services, created by the process that owns them (server or test) and handed to the app. */
export default fp(
  async (app, opts: { db: Knex; zeebe: ZeebeClient; engine: EngineStatus; config: Config; mail?: MailTransport }) => {
    app.decorate('db', opts.db);
    app.decorate('zeebe', opts.zeebe);
    app.decorate('engine', opts.engine);
    app.decorate('config', opts.config);
    const channels: NotificationChannel[] = [inAppChannel];
    const { smtpUrl, smtpFrom } = opts.config;
    if (smtpUrl && smtpFrom) {
      // The process's transport when the platform shares one, else the mailer's own.
      const mailer = new Mailer(opts.db, opts.mail ? { transport: opts.mail } : { url: smtpUrl, from: smtpFrom }, app.log);
      channels.push(emailChannel(mailer));
      mailer.startSweep();
      app.addHook('onClose', () => mailer.close());
    } else if (smtpUrl) {
      app.log.warn('SMTP_URL is set without SMTP_FROM: e-mail notifications are off');
    }
    app.decorate('notificationChannels', channels);
  },
  { name: 'db' },
);
