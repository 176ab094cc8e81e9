import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { deprecate } from '../../../core/use-cases/lifecycle.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams, Uuid } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { loadWritable } from './write-access.ts';

const Body = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }), successor_id: Type.Optional(Type.Union([Uuid, Type.Null()])) },
  { additionalProperties: false },
);

export const registerDeprecate = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  app.post(
    '/api/v1/entities/:id/deprecate',
    {
      config: { access: ['operator', 'governance'] },
      schema: {
        tags: ['entities'],
        summary: 'Deprecate with a reason and an optional successor of the same kind',
        params: IdParams,
        body: Body,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const actor = actorOf(request);
      await loadWritable(deps.store, actor, id);
      return toView(await deprecate(deps.write, actor, id, request.body as Static<typeof Body>));
    },
  );
};
