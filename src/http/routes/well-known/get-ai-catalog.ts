import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { CATALOG_TYPE } from '../../../core/ai-catalog.ts';
import { aiCatalog } from '../../../core/use-cases/agent-cards.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

export const registerGetAiCatalog = (app: FastifyInstance, deps: Pick<ApiDeps, 'cards'>): void => {
  app.get(
    '/.well-known/ai-catalog.json',
    {
      config: { access: 'read', writes: true },
      schema: {
        tags: ['agents'],
        summary: 'The AI Catalog: certified agents as A2A card entries, teams as nested catalogs, with a detached JWS `signature`',
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'application/ai-catalog+json (specVersion 1.0)' }), ...errorResponses(401, 403) },
      },
    },
    async (_request, reply) => reply.type(CATALOG_TYPE).send(await aiCatalog(deps.cards)),
  );
};
