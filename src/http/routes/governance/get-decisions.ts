import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DECISION_OPERATIONS } from '../../../core/governance.ts';
import { listDecisions } from '../../../core/use-cases/decisions.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, Uuid } from '../../schemas/common.ts';
import { DecisionPageSchema } from '../../schemas/governance.ts';

const Query = Type.Object(
  {
    entity_id: Type.Optional(Uuid),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    operation: Type.Optional(Type.Union(DECISION_OPERATIONS.map((o) => Type.Literal(o)))),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find in the reasons (PostgreSQL full text, web-search syntax)' })),
    since: Type.Optional(Type.String({ maxLength: 40, description: 'Only decisions at or after this ISO 8601 time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'next_cursor of the previous page' })),
  },
  { additionalProperties: false },
);

export const registerGetDecisions = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  app.get(
    '/api/v1/governance/decisions',
    {
      config: { access: 'read' },
      schema: {
        tags: ['governance'],
        summary: 'Governance decisions (approvals, certifications, rejections, decertifications, reviews), newest first, with their reasons and precedents',
        querystring: Query,
        response: { 200: DecisionPageSchema, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof Query>;
      return listDecisions(deps.store, {
        entityId: q.entity_id, actor: q.actor, operation: q.operation, q: q.q, since: q.since, cursor: q.cursor, limit: q.limit ?? 50,
      });
    },
  );
};
