import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { replaySubscription } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

const Body = Type.Object(
  { from: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The first leaf index to deliver again (inclusive)' }) },
  { additionalProperties: false },
);

export const registerReplayWebhook = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks' | 'log'>): void => {
  app.post(
    '/api/v1/webhooks/:id/replay',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'Deliver again, in order, every matching change from a leaf index on (admin)',
        params: IdParams,
        body: Body,
        response: { 202: Type.Object({ queued: Type.Integer({ description: 'Events now pending because of the replay' }) }), ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const { from } = request.body as Static<typeof Body>;
      const queued = await replaySubscription(deps.webhooks, (request.params as IdParams).id, from, await deps.log.store.size());
      return reply.code(202).send({ queued });
    },
  );
};
