import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { governanceQueue } from '../../../core/use-cases/governance-queue.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';
import { QueuePageSchema } from '../../schemas/governance.ts';

const Query = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
  },
  { additionalProperties: false },
);

export const registerGetQueue = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.get(
    '/api/v1/governance/queue',
    {
      config: { access: 'read' },
      schema: {
        tags: ['governance'],
        summary: 'What waits for governance, oldest first: entities requiring review (with the amendment that flagged them) and drifted embeddings',
        querystring: Query,
        response: { 200: QueuePageSchema, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof Query>;
      return governanceQueue(deps.write, { limit: q.limit ?? 50, cursor: q.cursor });
    },
  );
};
