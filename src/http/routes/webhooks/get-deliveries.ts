import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { getSubscription } from '../../../core/use-cases/webhooks.ts';
import type { ApiDeps } from '../../deps.ts';
import { LeafCursor } from '../../schemas/changes.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { Delivery } from '../../schemas/webhooks.ts';

const Query = Type.Object(
  {
    state: Type.Optional(Type.Unsafe<'pending' | 'delivered' | 'dead'>({ type: 'string', enum: ['pending', 'delivered', 'dead'] })),
    after: Type.Optional(LeafCursor),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

export const registerGetDeliveries = (app: FastifyInstance, deps: Pick<ApiDeps, 'webhooks'>): void => {
  app.addSchema(Delivery);
  app.get(
    '/api/v1/webhooks/:id/deliveries',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['webhooks'],
        summary: 'The subscription\'s events in leaf order: state, attempts, last status and error (admin)',
        params: IdParams,
        querystring: Query,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Ref('WebhookDelivery')),
            next: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `after` for the next page (null: no more)' }),
          }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const q = request.query as Static<typeof Query>;
      await getSubscription(deps.webhooks, id);
      const items = await deps.webhooks.webhooks.deliveries(id, q);
      return { items, next: items.length === q.limit ? (items.at(-1)?.leaf_index ?? null) : null };
    },
  );
};
