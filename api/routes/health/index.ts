import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Component = Type.Object({ status: Type.Union([Type.Literal('up'), Type.Literal('down')]), detail: Type.Optional(Type.String()) });
const Health = Type.Object({ status: Type.Union([Type.Literal('up'), Type.Literal('degraded')]), database: Component, broker: Component });

/** Liveness and dependencies: 200 when database and broker answer, 503 otherwise (body says which). */
const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    { schema: { tags: ['system'], summary: 'Health of the database and the Zeebe broker', response: { 200: Health, 503: Health } } },
    async (_req, reply) => {
      const database = await app.db
        .raw('SELECT 1')
        .then(() => ({ status: 'up' as const }))
        .catch((err: Error) => ({ status: 'down' as const, detail: err.message }));
      const broker = await app.zeebe
        .topology()
        .then((t) => {
          const leaders = t.brokers.flatMap((b) => b.partitions).filter((p) => String(p.role) === 'LEADER' || String(p.role) === '0').length;
          return leaders > 0
            ? {
                status: 'up' as const,
                detail: `${app.engine.address}, ${t.brokers.length} broker(s), ${leaders}/${t.partitionsCount} leader(s), ${t.gatewayVersion}`,
              }
            : { status: 'down' as const, detail: 'no partition leader' };
        })
        .catch((err: Error) => ({ status: 'down' as const, detail: err.message.split('\n')[0] }));
      const ok = database.status === 'up' && broker.status === 'up';
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'up' : 'degraded', database, broker });
    },
  );
};
export default health;
