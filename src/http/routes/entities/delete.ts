import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { softDelete } from '../../../core/use-cases/lifecycle.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { loadWritable } from './write-access.ts';

const Query = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const registerDelete = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  app.delete(
    '/api/v1/entities/:id',
    {
      config: { access: ['operator', 'governance'] },
      schema: {
        tags: ['entities'],
        summary: 'Soft-delete: status becomes deleted; the row and its history stay',
        params: IdParams,
        querystring: Query,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const actor = actorOf(request);
      await loadWritable(deps.store, actor, id);
      return toView(await softDelete(deps.write, actor, id, (request.query as Static<typeof Query>).reason ?? null));
    },
  );
};
