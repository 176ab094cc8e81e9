import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { updateSubscription } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { PatchedWebhook, WebhookPatch } from '../../schemas/webhooks.ts';

export const registerPatchWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.patch(
    '/api/v1/webhooks/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Change a subscription (admin): URL, filters, description; enable or pause it; rotate its secret',
        params: IdParams,
        body: WebhookPatch,
        response: {
          200: PatchedWebhook,
          ...errorResponses(401, 403, 404, 409, 422),
        },
      },
    },
    async (request, reply) => {
      const { subscription, secret } = await updateSubscription(deps.webhooks, (request.params as IdParams).id, request.body as Static<typeof WebhookPatch>);
      if (secret === null) return subscription;
      return reply.header('cache-control', 'no-store').send({ ...subscription, secret });
    },
  );
};
