import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { listAgentCards, MAX_CARDS_PAGE } from '../../../core/use-cases/agent-cards.ts';
import type { ApiDeps } from '../../deps.ts';
import { AgentCardSchema } from '../../schemas/cards.ts';
import { errorResponses, Uuid } from '../../schemas/common.ts';

const Query = Type.Object(
  {
    all: Type.Boolean({ default: false, description: 'Every live agent, not only the certified ones (active, with a certified skill and job role)' }),
    after: Type.Optional(Uuid),
    limit: Type.Integer({ minimum: 1, maximum: MAX_CARDS_PAGE, default: 20 }),
  },
  { additionalProperties: false },
);

export const registerListAgentCards = (app: FastifyInstance, deps: Pick<ApiDeps, 'cards'>): void => {
  app.get(
    '/api/v1/agents/cards',
    {
      config: { access: 'read', writes: true },
      schema: {
        tags: ['agents'],
        summary: 'Signed A2A agent cards, certified agents by default, in id order',
        querystring: Query,
        response: {
          200: Type.Object({ items: Type.Array(AgentCardSchema), next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` for the next page' }) }),
          ...errorResponses(401, 403, 422),
        },
      },
    },
    async (request) => listAgentCards(deps.cards, request.query as Static<typeof Query>),
  );
};
