import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { evolve } from '../../../core/use-cases/evolve.ts';
import type { ApiDeps } from '../../deps.ts';
import { registerEntityWrite } from '../../route-kit/write-route.ts';

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
  registerEntityWrite(app, deps, {
    method: 'POST',
    url: '/api/v1/entities/:id/evolve',
    summary: 'Change content by a validated, signed amendment',
    body: Body,
    run: (actor, id, request) => {
      const body = request.body as Static<typeof Body>;
      return evolve(deps.write, actor, id, { changes: body.changes, reason: body.reason ?? null });
    },
  });
};
