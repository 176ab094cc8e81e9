import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createTeam } from '../../../core/use-cases/create.ts';
import type { ApiDeps } from '../../deps.ts';
import { answerCreate, CreateHeaders } from '../../route-kit/create-route.ts';
import { CommonCreateFields, Description, errorResponses, Name, Uuid } from '../../schemas/common.ts';
import { entityRef } from '../../schemas/entity.ts';

const Body = Type.Object(
  {
    name: Name,
    description: Description,
    job_role_id: Uuid,
    industry_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
    agents: Type.Array(Uuid, { maxItems: 200, description: 'Active agents holding the team\'s job role; they move into this team' }),
    ...CommonCreateFields,
  },
  { additionalProperties: false },
);

export const registerPostTeam = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/teams',
    {
      config: { access: ['operator'] },
      schema: {
        tags: ['teams'],
        summary: 'Create a team of agents that hold its job role',
        headers: CreateHeaders,
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => answerCreate(request, reply, deps.write, (write, actor) => createTeam(write, actor, request.body as Static<typeof Body>)),
  );
};
