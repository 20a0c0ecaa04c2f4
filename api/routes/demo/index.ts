import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const DemoStatus = Type.Object({
  running: Type.Boolean({ description: 'the demo data is being made now' }),
  done: Type.Boolean({ description: 'the demo data of this data folder is complete' }),
  total: Type.Integer({ description: 'pieces of work planned (dossiers, cases, ISO records)' }),
  completed: Type.Integer(),
  failed: Type.Integer(),
  demoDate: Type.Optional(Type.String({ description: 'the day of the past year being played (dd/mm/yyyy), while the demo lives through it' })),
});

/**
 * Progress of the demo data `npm start` makes after it listens (api/demo-fill.ts), for the web's banner.
 * Anonymous: it tells only counts, and the sign-in page shows the banner too. Idle without --demo.
 */
const demo: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/status', { schema: { tags: ['system'], summary: 'Progress of the demo data (npm start)', response: { 200: DemoStatus } } }, async () => {
    const s = app.demoFill;
    return { running: s.running, done: s.done, total: s.total, completed: s.completed, failed: s.failed, ...(s.demoDate ? { demoDate: s.demoDate } : {}) };
  });
};
export default demo;
