import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { createSubscription } from '../../../core/use-cases/webhooks.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { NewWebhook, Webhook, WebhookWithSecret } from '../../schemas/webhooks.ts';

export const registerPostWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.addSchema(Webhook);
  app.post(
    '/api/v1/webhooks',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Subscribe a URL to changes (admin); the signing secret is returned once',
        body: NewWebhook,
        response: { 201: WebhookWithSecret, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { subscription, secret } = await createSubscription(deps.webhooks, actorOf(request), request.body as Static<typeof NewWebhook>);
      return reply.code(201).header('cache-control', 'no-store').header('location', `/api/v1/webhooks/${subscription.id}`).send({ ...subscription, secret });
    },
  );
};
