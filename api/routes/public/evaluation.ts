import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errors } from '../../schemas/common.js';
import {
  DossierCodeParams,
  EvaluationBody,
  EvaluationForm,
  EvaluationReceipt,
  EvaluationResults,
  EvaluationResultsQuery,
  TokenQuery,
} from '../../schemas/onestop-stats.js';
import { isLocalDate } from '../../../domain/deadlines/calendar/index.js';
import { NOT_FOUND, dossierByToken, evaluationForm, evaluationResults, submitEvaluation } from '../../../domain/onestop/evaluation.js';
import { evaluationLimit } from '../../plugins/external/rate-limit.js';
import { apologyOfDossier, findDossierByCode, renderApologyPdf } from '../../../domain/onestop/apology.js';
import { fail } from '../../../lib/errors.js';
import { sendFile } from '../download.js';

const tags = ['public'];
const Binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/**
 * Public (no sign-in, rate limited) pages of the citizen: the satisfaction evaluation with the dossier's
 * lookup token, the apology letter with the same token, and the public results of the evaluations
 * (aggregates per agency and procedure, no personal data).
 */
const publicEvaluation: FastifyPluginAsyncTypebox = async (app) => {
  // An EvaluationError is a DomainError: the one error handler answers it with its code and params.
  const translate = (err: unknown): never => {
    throw err;
  };

  app.get(
    '/evaluations/:code',
    {
      config: evaluationLimit,
      schema: {
        tags,
        summary: 'The evaluation form of a dossier (code + lookup token): can it be evaluated, the officers who worked it',
        params: DossierCodeParams,
        querystring: TokenQuery,
        response: { 200: EvaluationForm, ...errors, 429: errors[409] },
      },
    },
    async (req) => evaluationForm(app.db, req.params.code, req.query.t).catch(translate),
  );

  app.post(
    '/evaluations/:code',
    {
      config: evaluationLimit,
      schema: {
        tags,
        summary: 'Submit the satisfaction evaluation: overall, per stage, per officer; once per dossier',
        params: DossierCodeParams,
        body: EvaluationBody,
        response: { 201: EvaluationReceipt, ...errors, 429: errors[409] },
      },
    },
    async (req, reply) => {
      const out = await submitEvaluation(app.db, req.params.code, req.body).catch(translate);
      return reply.status(201).send(out);
    },
  );

  app.get(
    '/evaluation-results',
    {
      config: evaluationLimit,
      schema: {
        tags,
        summary: 'Public satisfaction results per agency and procedure (no personal data)',
        querystring: EvaluationResultsQuery,
        response: { 200: EvaluationResults, ...errors, 429: errors[409] },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      if ((from && !isLocalDate(from)) || (to && !isLocalDate(to))) throw fail(400, 'INVALID_DATE', {}, 'Ngày không hợp lệ / Invalid date');
      if (from && to && from > to)
        throw fail(400, 'PERIOD_FROM_AFTER_TO', {}, 'Ngày bắt đầu phải trước hoặc bằng ngày kết thúc / "from" must not be after "to"');
      const { byOfficer: _hidden, ...pub } = await evaluationResults(app.db, { from, to, agencyCodes: null, withOfficers: false });
      return pub;
    },
  );

  app.get(
    '/apologies/:code/pdf',
    {
      config: evaluationLimit,
      schema: {
        tags,
        summary: 'The approved apology letter of a dossier, for the holder of its lookup token',
        params: DossierCodeParams,
        querystring: TokenQuery,
        response: { 200: Binary, ...errors, 429: errors[409] },
      },
    },
    async (req, reply) => {
      const owner = await dossierByToken(app.db, req.params.code, req.query.t);
      if (!owner) throw fail(404, 'LOOKUP_NOT_FOUND', {}, NOT_FOUND);
      const d = (await findDossierByCode(app.db, req.params.code))!;
      const a = await apologyOfDossier(app.db, d.id);
      if (!a || a.status !== 'approved')
        throw fail(404, 'APOLOGY_NOT_APPROVED', {}, 'Hồ sơ không có văn bản xin lỗi đã phê duyệt / The dossier has no approved apology letter');
      return sendFile(reply, { name: `xin-loi-${d.code}.pdf`, type: 'pdf', body: await renderApologyPdf(d, a), inline: true });
    },
  );
};
export default publicEvaluation;
