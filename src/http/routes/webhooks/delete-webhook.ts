import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { removeSubscription } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

export const registerDeleteWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.delete(
    '/api/v1/webhooks/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Remove a subscription and its undelivered events (admin)',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      await removeSubscription(deps.webhooks, (request.params as IdParams).id);
      return reply.code(204).send();
    },
  );
};
