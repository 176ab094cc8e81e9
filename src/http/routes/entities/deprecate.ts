import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { deprecate } from '../../../core/use-cases/lifecycle.ts';
import type { ApiDeps } from '../../deps.ts';
import { Uuid } from '../../schemas/common.ts';
import { registerEntityWrite } from '../../route-kit/write-route.ts';

const Body = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 2000 }), successor_id: Type.Optional(Type.Union([Uuid, Type.Null()])) },
  { additionalProperties: false },
);

export const registerDeprecate = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  registerEntityWrite(app, deps, {
    method: 'POST',
    url: '/api/v1/entities/:id/deprecate',
    summary: 'Deprecate with a reason and an optional successor of the same kind',
    body: Body,
    run: (actor, id, request) => deprecate(deps.write, actor, id, request.body as Static<typeof Body>),
  });
};
