import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import { TimelineParams, TimelineReply } from '../../schemas/audit.js';
import { loadTimeline } from '../../repositories/audit.js';
import { caseInScope, caseUnits } from '../../audit/scope.js';

/**
 * GET /api/cases/:processInstanceKey/timeline — one case's complete history for auditors,
 * administrators and the leaders of the units it belongs to. Registered under /api/cases next to
 * other case routes; this plugin only owns the /timeline path.
 */
const timeline: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:processInstanceKey/timeline',
    {
      onRequest: app.requireRole('auditor', 'admin', 'leader'),
      schema: {
        tags: ['audit'],
        summary: 'Case timeline: every element with start, end, duration and who completed it; variables, timers, messages, incidents, audit entries, the diagram',
        security: [{ bearer: [] }],
        params: TimelineParams,
        response: { 200: TimelineReply, ...errors },
      },
    },
    async (req) => {
      const key = req.params.processInstanceKey;
      const exists = await app.db('hist_process_instances').where({ process_instance_key: key }).first('process_instance_key');
      if (!exists) throw app.httpErrors.notFound(`Không có hồ sơ ${key} / No case ${key}`);
      if (!(await caseInScope(app.db, key, await app.auditScope(req)))) {
        throw app.httpErrors.forbidden(`Hồ sơ ${key} không thuộc đơn vị bạn được xem / Case ${key} is outside the units you may examine`);
      }
      const out = (await loadTimeline(app.db, key))!;
      await req.audit('audit.case.timeline', { target: { type: 'case', id: key } });
      return { ...out, units: await caseUnits(app.db, key) };
    },
  );
};
export default timeline;
