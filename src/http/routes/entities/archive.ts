import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { archive } from '../../../core/use-cases/lifecycle.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { loadWritable } from './write-access.ts';
import { optionalBody } from '../../validation.ts';

const Body = Type.Object({ reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) }, { additionalProperties: false });

export const registerArchive = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  app.post(
    '/api/v1/entities/:id/archive',
    {
      config: { access: ['operator', 'governance'] },
      schema: {
        tags: ['entities'],
        summary: 'Archive an entity (kept, no longer offered)',
        params: IdParams,
        body: optionalBody(Body),
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const actor = actorOf(request);
      await loadWritable(deps.store, actor, id);
      return toView(await archive(deps.write, actor, id, (request.body as Static<typeof Body> | undefined)?.reason ?? null));
    },
  );
};
