import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { archive } from '../../../core/use-cases/lifecycle.ts';
import type { ApiDeps } from '../../deps.ts';
import { optionalBody } from '../../validation.ts';
import { registerEntityWrite } from '../../route-kit/write-route.ts';

const Body = Type.Object({ reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) }, { additionalProperties: false });

export const registerArchive = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  registerEntityWrite(app, deps, {
    method: 'POST',
    url: '/api/v1/entities/:id/archive',
    summary: 'Archive an entity (kept, no longer offered)',
    body: optionalBody(Body),
    run: (actor, id, request) => archive(deps.write, actor, id, (request.body as Static<typeof Body> | undefined)?.reason ?? null),
  });
};
