import type { FastifyInstance } from 'fastify';

/** Liveness: answers without touching the database, so an orchestrator never kills a busy process for a slow query. */
export const registerGetHealth = (app: FastifyInstance): void => {
  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] } },
      },
    },
    () => ({ status: 'ok' }),
  );
};
