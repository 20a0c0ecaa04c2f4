import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { FormParams, FormReply } from '../../schemas/tasks.js';
import { errors } from '../../schemas/common.js';
import { findForm } from '../../../engine/definitions.js';
import { Type } from 'typebox';
import { fail } from '../../../lib/errors.js';

const FormQuery = Type.Object({
  bpmnProcessId: Type.Optional(Type.String({ maxLength: 200 })),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
});

const forms: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:formKey',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['forms'],
        summary: 'A form-js schema by its form key (e.g. app:tiep-nhan), as deployed with a process version when bpmnProcessId and version are given',
        security: [{ bearer: [] }],
        params: FormParams,
        querystring: FormQuery,
        response: { 200: FormReply, ...errors },
      },
    },
    async (req) => {
      const { bpmnProcessId, version } = req.query;
      const form = await findForm(app.db, req.params.formKey, bpmnProcessId && version ? { bpmnProcessId, version } : undefined);
      if (!form) throw fail(404, 'FORM_NOT_FOUND', { key: req.params.formKey }, `Không có biểu mẫu ${req.params.formKey} / No form ${req.params.formKey}`);
      return { formKey: form.form_key, schema: form.schema };
    },
  );
};
export default forms;
