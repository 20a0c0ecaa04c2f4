import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import catalogue from './catalogue.js';
import dossiers from './dossiers.js';
import { Mailer } from '../../mail.js';
import { startNoticeMailer } from '../../onestop/notices.js';

/**
 * One-stop (một cửa), signed-in side: the procedure catalogue, and the desk (reception, queue of
 * online submissions, dossiers, slips). The citizen side is api/routes/public.
 */
const onestop: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(catalogue, { prefix: '/procedures' });
  await app.register(dossiers, { prefix: '/dossiers' });

  // Citizens hear of every change of their dossier: by e-mail when SMTP is configured and they gave
  // an address (the notices are on the lookup page in every case).
  const { smtpUrl, smtpFrom } = app.config;
  if (smtpUrl && smtpFrom) {
    const mailer = new Mailer(app.db, { url: smtpUrl, from: smtpFrom }, app.log);
    let stop: (() => Promise<void>) | undefined;
    app.addHook('onReady', async () => {
      stop = startNoticeMailer(app.db, mailer, app.log, Number(process.env.ONESTOP_NOTICE_MAIL_EVERY_MS) || 3000, app.config.citizenMailPerDay);
    });
    app.addHook('onClose', async () => {
      await stop?.();
      await mailer.close();
    });
  }
};

export default onestop;
