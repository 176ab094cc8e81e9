import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { qualityRunView } from '../../schemas/quality.ts';

const Query = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })) }, { additionalProperties: false });

export const registerGetQuality = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.get(
    '/api/v1/embeddings/quality',
    {
      config: { access: 'read' },
      schema: {
        tags: ['search'],
        summary: 'Reports of the latest embedding drift checks, newest first',
        querystring: Query,
        response: { 200: Type.Object({ runs: Type.Array(Type.Ref('EmbeddingQualityRun')) }), ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { limit } = request.query as Static<typeof Query>;
      return { runs: (await deps.embeddings.runs(limit ?? 10)).map(qualityRunView) };
    },
  );
};
