import type { FastifyInstance } from 'fastify';
import { agentCard } from '../../../core/use-cases/agent-cards.ts';
import type { ApiDeps } from '../../deps.ts';
import { A2A_CARD_MEDIA_TYPE, AgentCardSchema } from '../../schemas/cards.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

export const registerGetAgentCard = (app: FastifyInstance, deps: Pick<ApiDeps, 'cards'>): void => {
  app.get(
    '/api/v1/agents/:id/card',
    {
      config: { access: 'read', writes: true },
      schema: {
        tags: ['agents'],
        summary: 'The agent as a signed A2A AgentCard, with the Plant ledger extension (amendment, leaf, inclusion proof, checkpoint)',
        params: IdParams,
        response: { 200: AgentCardSchema, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request, reply) => reply.type(A2A_CARD_MEDIA_TYPE).send(await agentCard(deps.cards, (request.params as IdParams).id)),
  );
};
