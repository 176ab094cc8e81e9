import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { softDelete } from '../../../core/use-cases/lifecycle.ts';
import type { ApiDeps } from '../../deps.ts';
import { registerEntityWrite } from '../../route-kit/write-route.ts';

const Query = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const registerDelete = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  registerEntityWrite(app, deps, {
    method: 'DELETE',
    url: '/api/v1/entities/:id',
    summary: 'Soft-delete: status becomes deleted; the row and its history stay',
    querystring: Query,
    run: (actor, id, request) => softDelete(deps.write, actor, id, (request.query as Static<typeof Query>).reason ?? null),
  });
};
