import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { MAX_CHANGES_PAGE, MAX_WAIT_SECONDS, readChanges } from '../../../core/use-cases/changes.ts';
import type { ApiDeps } from '../../deps.ts';
import { Change, KindParam, LeafCursor } from '../../schemas/changes.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object(
  {
    after: Type.Optional(LeafCursor),
    limit: Type.Integer({ minimum: 1, maximum: MAX_CHANGES_PAGE, default: 100 }),
    kind: Type.Optional(KindParam),
    wait: Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS, default: 0, description: 'Long poll: seconds to wait for a first change when there is none yet' }),
  },
  { additionalProperties: false },
);

const Page = Type.Object({
  items: Type.Array(Type.Ref('Change')),
  next: Type.Union([Type.Integer(), Type.Null()], { description: 'Pass as `after` for the next page (null: the log is empty)' }),
});

export const registerGetChanges = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>, holdLimitMs: number): void => {
  app.addSchema(Change);
  app.get(
    '/api/v1/changes',
    {
      config: { access: 'read' },
      schema: {
        tags: ['changes'],
        summary: 'The change feed: amendments in log order after a leaf index, optionally of one kind; `wait` long-polls',
        querystring: Query,
        response: { 200: Page, ...errorResponses(401, 403, 422) },
      },
    },
    async (request, reply) => {
      const q = request.query as Static<typeof Query>;
      // A long poll stops looking once its client has gone.
      let closed = false;
      reply.raw.once('close', () => { closed = true; });
      return readChanges(deps, { after: q.after, limit: q.limit, kind: q.kind, waitMs: Math.min(q.wait * 1000, holdLimitMs) }, () => closed);
    },
  );
};
