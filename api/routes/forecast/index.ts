import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import { ForecastList, ForecastQuery } from '../../schemas/forecast.js';
import { subtreeCodes } from '../../../domain/audit/case-search.js';
import { toLocalIso } from '../../../domain/deadlines/calendar/index.js';
import { forecastOpenDossiers } from '../../../domain/forecast/forecast.js';
import { officerAgencyCodes } from '../../../domain/onestop/stats.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];
const tags = ['forecast'];

/**
 * The lateness forecast of open dossiers ("nguy cơ trễ hẹn"), riskiest first. Leaders see their unit's
 * subtree (dossiers of its agencies, and dossiers whose open step is in it), officers the agencies they work
 * for (as the overdue list: they draft the apologies), administrators everything.
 */
const forecastRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/dossiers',
    {
      onRequest: app.requireRole('officer', 'leader', 'admin'),
      schema: {
        tags,
        summary: 'Open dossiers with the probability of missing their appointment and the expected finishing day, riskiest first',
        security,
        querystring: ForecastQuery,
        response: { 200: ForecastList, ...errors },
      },
    },
    async (req) => {
      const u = req.currentUser;
      const admin = u.roles.includes('admin');
      const leader = u.roles.includes('leader');
      let codes: string[] | null = admin ? null : leader ? await subtreeCodes(app.db, u.unit.code) : await officerAgencyCodes(app.db, u.unit.code);
      if (req.query.agency) {
        if (codes && !codes.includes(req.query.agency))
          throw fail(
            403,
            'UNIT_OUTSIDE_SCOPE',
            { unit: req.query.agency },
            `Đơn vị ${req.query.agency} không thuộc phạm vi của bạn / Unit ${req.query.agency} is outside your scope`,
          );
        codes = [req.query.agency];
      }
      const out = await forecastOpenDossiers(app.db, { agencyCodes: codes, limit: req.query.limit ?? 50, offset: req.query.offset ?? 0 });
      return {
        asOf: toLocalIso(out.asOf),
        total: out.total,
        items: out.items.map((i) => ({ ...i, receivedAt: toLocalIso(i.receivedAt), appointmentAt: toLocalIso(i.appointmentAt) })),
      };
    },
  );
};

export default forecastRoutes;
