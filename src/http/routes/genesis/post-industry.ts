import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createIndustry } from '../../../core/use-cases/create.ts';
import type { ApiDeps } from '../../deps.ts';
import { answerCreate, CreateHeaders } from '../../route-kit/create-route.ts';
import { CommonCreateFields, Description, errorResponses, Name } from '../../schemas/common.ts';
import { entityRef } from '../../schemas/entity.ts';

const Body = Type.Object({ name: Name, description: Description, ...CommonCreateFields }, { additionalProperties: false });

export const registerPostIndustry = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/genesis/industries',
    {
      config: { access: ['governance'] },
      schema: {
        tags: ['genesis'],
        summary: 'Create an industry',
        headers: CreateHeaders,
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => answerCreate(request, reply, deps.write, (write, actor) => createIndustry(write, actor, request.body as Static<typeof Body>)),
  );
};
