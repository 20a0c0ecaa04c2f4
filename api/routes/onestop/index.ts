import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import catalogue from './catalogue.js';

/**
 * One-stop (một cửa), signed-in side: the procedure catalogue, and the desk (reception, queue of
 * online submissions, dossiers, slips). The citizen side is api/routes/public.
 */
const onestop: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(catalogue, { prefix: '/procedures' });
};

export default onestop;
