import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { optionalBody } from '../../validation.ts';

export const registerReindex = (app: FastifyInstance, deps: Pick<ApiDeps, 'embeddings'>): void => {
  app.post(
    '/api/v1/embeddings/reindex',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['search'],
        summary: 'Rebuild every search document and queue all of them for embedding',
        description: 'Answers 202 once the documents are rebuilt and queued; the embedding workers do the rest (watch /embeddings/status until queued and in_flight are 0). Search keeps answering meanwhile.',
        body: optionalBody(Type.Object({}, { additionalProperties: false })),
        response: { 202: Type.Object({ queued: Type.Integer({ minimum: 0 }) }), ...errorResponses(401, 403, 422) },
      },
    },
    async (_request, reply) => {
      const queued = await deps.embeddings.jobs.requeueAll();
      return reply.code(202).send({ queued });
    },
  );
};
