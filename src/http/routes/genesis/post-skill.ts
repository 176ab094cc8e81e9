import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createSkill } from '../../../core/use-cases/create.ts';
import type { ApiDeps } from '../../deps.ts';
import { answerCreate, CreateHeaders } from '../../route-kit/create-route.ts';
import { CommonCreateFields, Description, errorResponses, Name } from '../../schemas/common.ts';
import { entityRef } from '../../schemas/entity.ts';

const Body = Type.Object(
  {
    name: Name,
    description: Description,
    category: Type.String({ maxLength: 50, description: 'technical, soft_skill, domain_expertise or certification (L1-SKILL-03)' }),
    ...CommonCreateFields,
  },
  { additionalProperties: false },
);

export const registerPostSkill = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/genesis/skills',
    {
      config: { access: ['governance'] },
      schema: {
        tags: ['genesis'],
        summary: 'Create a skill (uncertified; certify it before roles can require it)',
        headers: CreateHeaders,
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => answerCreate(request, reply, deps.write, (write, actor) => createSkill(write, actor, request.body as Static<typeof Body>)),
  );
};
