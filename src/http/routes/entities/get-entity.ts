import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../../core/errors.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';

export const registerGetEntity = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  app.get(
    '/api/v1/entities/:id',
    {
      config: { access: 'read' },
      schema: {
        tags: ['entities'],
        summary: 'Get any entity by id, whatever its kind or status',
        params: IdParams,
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const record = await deps.store.getEntity(id);
      if (record === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
      return toView(record);
    },
  );
};
