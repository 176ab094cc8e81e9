import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { optionalBody } from '../../validation.ts';
import { qualityRunView } from '../../schemas/quality.ts';

export const registerRunQuality = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.post(
    '/api/v1/embeddings/quality',
    {
      config: { access: ['governance', 'auditor'] },
      schema: {
        tags: ['search'],
        summary: 'Run the embedding drift check now and return its report',
        description: 'Re-embeds every stored text, compares by cosine similarity and regenerates vectors below EMBEDDINGS_STABILITY_THRESHOLD; records each result in the entity\'s drift_detector.',
        body: optionalBody(Type.Object({}, { additionalProperties: false })),
        response: { 200: Type.Ref('EmbeddingQualityRun'), ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      return qualityRunView(await deps.embeddings.runQuality(actorOf(request).subject));
    },
  );
};
