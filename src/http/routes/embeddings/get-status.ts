import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Count = (description: string): ReturnType<typeof Type.Integer> => Type.Integer({ minimum: 0, description });

const EmbeddingStatus = Type.Object({
  provider: Type.String({ description: 'EMBEDDINGS_PROVIDER' }),
  model: Type.String(),
  cache: Type.String({ description: 'where embeddings are cached: redis, memory or none' }),
  documents: Count('search documents'),
  embedded: Count('documents with a vector from the current model'),
  other_model: Count('documents embedded by another model (a worker re-queues them at start)'),
  queued: Count('jobs waiting'),
  in_flight: Count('jobs a worker holds a lease on'),
  dead: Count('jobs that failed every attempt (see /embeddings/dead)'),
});

export const registerGetEmbeddingStatus = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.get(
    '/api/v1/embeddings/status',
    {
      config: { access: 'read' },
      schema: {
        tags: ['search'],
        summary: 'The embedding pipeline: provider, model, cache, documents and the job queue (`plant embeddings status`)',
        response: { 200: EmbeddingStatus, ...errorResponses(401, 403) },
      },
    },
    () => deps.embeddings.status(),
  );
};
