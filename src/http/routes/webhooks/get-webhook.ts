import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { getSubscription } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

export const registerGetWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.get(
    '/api/v1/webhooks/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook subscription: filters, state, backoff and delivery counts (admin)',
        params: IdParams,
        response: { 200: Type.Ref('Webhook'), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => getSubscription(deps.webhooks, (request.params as IdParams).id),
  );
};
