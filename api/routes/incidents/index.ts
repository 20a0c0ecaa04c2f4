import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import { FixIncidentBody, Incident, IncidentList, IncidentParams } from '../../schemas/incidents.js';
import { fixIncident, listOpenIncidents } from '../../../domain/audit/incidents.js';

const security = [{ bearer: [] }];
const tags = ['incidents'];

/**
 * Engine incidents (issue 16, item 5): the open ones for the leaders of the cases' units (their
 * subtree) and administrators; an administrator fixes one (variables, retry, resolve), in the audit trail.
 */
const incidents: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      onRequest: app.requireRole('leader', 'admin'),
      schema: {
        tags,
        summary: 'Open incidents of the cases in my scope, with the reason and the element',
        security,
        response: { 200: IncidentList, ...errors },
      },
    },
    async (req) => ({ items: await listOpenIncidents(app.db, await app.auditScope(req)) }),
  );

  app.post(
    '/:key/resolve',
    {
      onRequest: app.requireRole('admin'),
      schema: {
        tags,
        summary: 'Fix an incident: set variables on its instance, retry its job, resolve it (administrators)',
        security,
        params: IncidentParams,
        body: FixIncidentBody,
        response: { 200: Incident, ...errors },
      },
    },
    async (req) => {
      const variables = req.body.variables ?? {};
      const incident = await fixIncident(app.db, app.zeebe, req.params.key, variables, await app.auditScope(req));
      await req.audit('incident.resolve', {
        target: { type: 'case', id: incident.rootCase.processInstanceKey },
        after: {
          incidentKey: incident.incidentKey,
          processInstanceKey: incident.processInstanceKey,
          elementId: incident.elementId,
          errorType: incident.errorType,
          jobRetried: incident.jobKey !== null,
          variables,
        },
        reason: req.body.note ?? null,
      });
      return incident;
    },
  );
};

export default incidents;
