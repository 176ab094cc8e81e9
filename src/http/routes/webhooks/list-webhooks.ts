import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

export const registerListWebhooks = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.get(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Every webhook subscription with its delivery counts (admin)',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref('Webhook')) }), ...errorResponses(401, 403) },
      },
    },
    async () => ({ items: await deps.webhooks.webhooks.list() }),
  );
};
