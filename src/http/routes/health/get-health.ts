import type { FastifyInstance } from 'fastify';

/** Liveness: answers without touching the database, so an orchestrator never kills a busy process for a slow query. */
export const registerGetHealth = (app: FastifyInstance): void => {
  app.get(
    '/health',
    {
      schema: {
        response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
      },
    },
    () => ({ status: 'ok' }),
  );
};
