import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { evolve } from '../../../core/use-cases/evolve.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { loadWritable } from './write-access.ts';

const Body = Type.Object(
  {
    changes: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
      description: 'Fields to change; validated like a create (status, certification and team membership have their own operations)',
    }),
    reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const registerEvolve = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  app.post(
    '/api/v1/entities/:id/evolve',
    {
      config: { access: ['operator', 'governance'] },
      schema: {
        tags: ['entities'],
        summary: 'Change content by a validated, signed amendment',
        params: IdParams,
        body: Body,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const actor = actorOf(request);
      await loadWritable(deps.store, actor, id);
      const body = request.body as Static<typeof Body>;
      return toView(await evolve(deps.write, actor, id, { changes: body.changes, reason: body.reason ?? null }));
    },
  );
};
