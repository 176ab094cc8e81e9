import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createJobRole } from '../../../core/use-cases/create.ts';
import type { ApiDeps } from '../../deps.ts';
import { answerCreate, CreateHeaders } from '../../route-kit/create-route.ts';
import { CommonCreateFields, Description, errorResponses, Name, Uuid } from '../../schemas/common.ts';
import { entityRef } from '../../schemas/entity.ts';

const Body = Type.Object(
  {
    name: Name,
    description: Description,
    required_skills: Type.Array(Uuid, { maxItems: 100, description: 'Certified skill ids, at least one, no repeats (L1-JOBROLE-01/04)' }),
    seniority_level: Type.Optional(Type.String({ maxLength: 20, description: 'junior, mid (default) or senior' })),
    industry_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
    ...CommonCreateFields,
  },
  { additionalProperties: false },
);

export const registerPostJobRole = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/genesis/job-roles',
    {
      config: { access: ['governance'] },
      schema: {
        tags: ['genesis'],
        summary: 'Create a job role from certified skills (uncertified until certified)',
        headers: CreateHeaders,
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => answerCreate(request, reply, deps.write, (write, actor) => createJobRole(write, actor, request.body as Static<typeof Body>)),
  );
};
