import Fastify, { type FastifyInstance } from 'fastify';
import type { Sql } from '../adapters/db/sql.ts';
import { registerGetHealth } from './routes/health/get-health.ts';
import { registerGetReady } from './routes/health/get-ready.ts';

export interface HttpDeps {
  pool: Sql;
  engine: string;
  logLevel: string;
}

/** Builds the app without listening, so tests drive it with inject(). */
export const buildApp = (deps: HttpDeps): FastifyInstance => {
  const app = Fastify({
    logger: { level: deps.logLevel, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    bodyLimit: 1_048_576,
  });
  registerGetHealth(app);
  registerGetReady(app, deps);
  return app;
};
