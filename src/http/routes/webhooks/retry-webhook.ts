import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { retryDeadLetters } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

export const registerRetryWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.post(
    '/api/v1/webhooks/:id/retry',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Put the subscription\'s dead letters back in line, with fresh attempts (admin)',
        params: IdParams,
        response: { 202: Type.Object({ queued: Type.Integer() }), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.code(202).send({ queued: await retryDeadLetters(deps.webhooks, (request.params as IdParams).id) }),
  );
};
