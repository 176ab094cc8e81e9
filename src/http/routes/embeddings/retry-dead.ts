import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Body = Type.Union(
  [
    Type.Object({ entity_ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000, uniqueItems: true }) }, { additionalProperties: false }),
    Type.Object({ all: Type.Literal(true) }, { additionalProperties: false }),
  ],
  { description: 'the dead jobs of these entities, or every dead job' },
);

export const registerRetryDeadJobs = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.post(
    '/api/v1/embeddings/retry',
    {
      config: { access: ['operator'] },
      schema: {
        tags: ['search'],
        summary: 'Put dead embedding jobs back in the queue with fresh attempts',
        description: 'Ids without a dead job are ignored; `requeued` lists the ones re-queued. A running worker picks them up within a second.',
        body: Body,
        response: { 200: Type.Object({ requeued: Type.Array(Type.String({ format: 'uuid' })) }), ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const body = request.body as Static<typeof Body>;
      return { requeued: await deps.embeddings.jobs.retry('all' in body ? undefined : body.entity_ids) };
    },
  );
};
