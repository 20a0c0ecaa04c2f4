import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FormParams, FormReply } from '../../schemas/tasks.js';
import { errors } from '../../schemas/common.js';
import { findForm } from '../../repositories/processes.js';

const forms: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/:formKey', { onRequest: app.authenticate, schema: { tags: ['forms'], summary: 'A form-js schema by its form key (e.g. app:tiep-nhan)', security: [{ bearer: [] }], params: FormParams, response: { 200: FormReply, ...errors } } }, async (req) => {
    const form = await findForm(app.db, req.params.formKey);
    if (!form) throw app.httpErrors.notFound(`Không có biểu mẫu ${req.params.formKey} / No form ${req.params.formKey}`);
    return { formKey: form.form_key, schema: form.schema };
  });
};
export default forms;
