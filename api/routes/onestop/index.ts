import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import catalogue from './catalogue.js';
import dossiers from './dossiers.js';
import forms from './forms.js';

/**
 * One-stop (một cửa), signed-in side: the procedure catalogue, and the desk (reception, queue of
 * online submissions, dossiers, slips). The citizen side is api/routes/public; the citizen's e-mailed
 * notices are a background task of domain/onestop.
 */
const onestop: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(catalogue, { prefix: '/procedures' });
  await app.register(dossiers, { prefix: '/dossiers' });
  // the forms of TT 03/2025 (per dossier under /dossiers/:id/forms, in person under /reception-forms, the register)
  await app.register(forms);
};

export default onestop;
