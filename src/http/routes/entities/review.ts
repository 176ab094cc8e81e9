import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { REVIEW_OUTCOMES, reviewEntity } from '../../../core/use-cases/review-decision.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { Precedents } from '../../schemas/governance.ts';

const Body = Type.Object(
  {
    outcome: Type.Union(REVIEW_OUTCOMES.map((o) => Type.Literal(o)), { description: 'still_valid returns it to aligned; decertify revokes its certification' }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    precedents: Precedents,
  },
  { additionalProperties: false },
);

export const registerReview = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/entities/:id/review',
    {
      // Governance reviews every kind, agents and teams included, so this is not a kind write.
      config: { access: ['governance'] },
      schema: {
        tags: ['governance'],
        summary: 'Answer a review flag with a signed decision: still_valid (aligned again) or decertify',
        params: IdParams,
        body: Body,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      return toView(await reviewEntity(deps.write, actorOf(request), id, request.body as Static<typeof Body>));
    },
  );
};
