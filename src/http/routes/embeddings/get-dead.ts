import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })) }, { additionalProperties: false });

const DeadJob = Type.Object({
  entity_id: Type.String({ format: 'uuid' }),
  entity_type: Type.String(),
  name: Type.String(),
  attempts: Type.Integer(),
  last_error: Type.Union([Type.String(), Type.Null()]),
  updated_at: Type.String({ format: 'date-time' }),
});

export const registerGetDeadJobs = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.get(
    '/api/v1/embeddings/dead',
    {
      // Last errors may name the provider's host: for the people who run the pipeline.
      config: { access: ['operator', 'governance', 'auditor'] },
      schema: {
        tags: ['search'],
        summary: 'Embedding jobs that failed every attempt (the dead-letter list), oldest first',
        querystring: Query,
        response: { 200: Type.Object({ jobs: Type.Array(DeadJob) }), ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { limit } = request.query as Static<typeof Query>;
      return { jobs: await deps.embeddings.jobs.dead(limit ?? 1000) };
    },
  );
};
