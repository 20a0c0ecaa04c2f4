import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errors } from '../../schemas/common.js';
import { MemberList, MemberListQuery, OrgUnitList, UnitParams } from '../../schemas/tasks.js';
import { unitSubtree } from '../../../domain/org/units.js';
import { activeMembers, unitExists } from '../../../domain/org/units.js';
import { fail } from '../../../lib/errors.js';

const security = [{ bearer: [] }];

/**
 * The organisation as the inbox needs it: the units a user may filter on, and for leaders the people
 * of their subtree they may hand work to.
 */
const units: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/',
    {
      schema: {
        tags: ['units'],
        summary: "Units I work in: a leader's whole subtree, anyone else their own unit",
        security,
        response: { 200: OrgUnitList, ...errors },
      },
    },
    async (req) => {
      const me = req.currentUser;
      const tree = await unitSubtree(app.db, me.unit.code);
      const byId = new Map(tree.map((u) => [u.id, u.code]));
      const visible = me.roles.includes('leader') ? tree : tree.slice(0, 1);
      return {
        items: visible.map((u) => ({
          code: u.code,
          name: u.name,
          kind: u.kind,
          parentCode: u.parent_id === null ? null : (byId.get(u.parent_id) ?? null),
          depth: u.depth,
        })),
      };
    },
  );

  app.get(
    '/:code/members',
    {
      schema: {
        tags: ['units'],
        summary: 'Active people of a unit and the units below it (leaders, inside their own subtree)',
        security,
        params: UnitParams,
        querystring: MemberListQuery,
        response: { 200: MemberList, ...errors },
      },
    },
    async (req) => {
      const me = req.currentUser;
      if (!me.roles.includes('leader'))
        throw fail(403, 'LEADER_ONLY_PEOPLE', {}, 'Chỉ lãnh đạo xem được danh sách cán bộ để giao việc / Only leaders can list people to assign work to');
      const mine = await unitSubtree(app.db, me.unit.code);
      if (!mine.some((u) => u.code === req.params.code)) {
        if (!(await unitExists(app.db, req.params.code)))
          throw fail(404, 'UNIT_NOT_FOUND', { unit: req.params.code }, `Không có đơn vị ${req.params.code} / No unit ${req.params.code}`);
        throw fail(
          403,
          'UNIT_OUTSIDE_SCOPE',
          { unit: req.params.code },
          `Đơn vị ${req.params.code} không thuộc phạm vi của bạn / Unit ${req.params.code} is outside your unit`,
        );
      }
      const ids = (await unitSubtree(app.db, req.params.code)).map((u) => u.id);
      return { items: await activeMembers(app.db, ids, req.query.role) };
    },
  );
};
export default units;
