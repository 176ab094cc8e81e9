import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import { entityAsOf } from '../../../core/use-cases/point-in-time.ts';
import type { ApiDeps } from '../../deps.ts';
import { AsOfQuery, asOfView, pointInTime } from '../../schemas/as-of.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';

const Query = Type.Object(AsOfQuery, { additionalProperties: false });

export const registerGetEntity = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  app.get(
    '/api/v1/entities/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['entities'],
        summary: 'Get any entity by id, whatever its kind or status; with `as_of`, as it stood in the log of that size (or at that time), with its inclusion proof on `proof=true`',
        params: IdParams,
        querystring: Query,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const past = pointInTime(request.query as Static<typeof Query>);
      if (past !== null) {
        const read = await entityAsOf(deps, id, past.asOf, past.proof);
        return { ...toView(read.record), as_of: asOfView(read) };
      }
      const record = await deps.store.getEntity(id);
      if (record === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
      return toView(record);
    },
  );
};
