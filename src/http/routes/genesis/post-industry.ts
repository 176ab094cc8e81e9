import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createIndustry } from '../../../core/use-cases/create.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { CommonCreateFields, Description, errorResponses, Name } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';

const Body = Type.Object({ name: Name, description: Description, ...CommonCreateFields }, { additionalProperties: false });

export const registerPostIndustry = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/genesis/industries',
    {
      config: { access: ['governance'] },
      schema: {
        tags: ['genesis'],
        summary: 'Create an industry',
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const record = await createIndustry(deps.write, actorOf(request), request.body as Static<typeof Body>);
      return reply.code(201).send(toView(record));
    },
  );
};
