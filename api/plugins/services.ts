import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import type { Config } from '../config.js';

export interface EngineStatus {
  /** gateway address the API talks to */
  address: string;
  /** REST gateway base URL, used for the topology in /health */
  restAddress?: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Knex;
    zeebe: ZeebeClient;
    engine: EngineStatus;
    config: Config;
  }
}

/** Our own services, created by the process that owns them (server or test) and handed to the app. */
export default fp(
  async (app, opts: { db: Knex; zeebe: ZeebeClient; engine: EngineStatus; config: Config }) => {
    app.decorate('db', opts.db);
    app.decorate('zeebe', opts.zeebe);
    app.decorate('engine', opts.engine);
    app.decorate('config', opts.config);
  },
  { name: 'db' },
);
