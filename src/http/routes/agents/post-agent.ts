import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { createAgent } from '../../../core/use-cases/create.ts';
import type { ApiDeps } from '../../deps.ts';
import { answerCreate, CreateHeaders } from '../../route-kit/create-route.ts';
import { CommonCreateFields, errorResponses, Name, Uuid } from '../../schemas/common.ts';
import { entityRef } from '../../schemas/entity.ts';

const Body = Type.Object(
  {
    name: Name,
    skill_id: Uuid,
    job_role_id: Uuid,
    industry_id: Type.Union([Uuid], { description: 'Locked at birth (L1-AGENT-07)' }),
    team_id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Join this team at birth (a second amendment)' })),
    ...CommonCreateFields,
  },
  { additionalProperties: false },
);

export const registerPostAgent = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  app.post(
    '/api/v1/agents',
    {
      config: { access: ['operator'] },
      schema: {
        tags: ['agents'],
        summary: "Birth an agent from a certified skill of a certified job role, in the role's industry",
        headers: CreateHeaders,
        body: Body,
        response: { 201: entityRef, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => answerCreate(request, reply, deps.write, (write, actor) => createAgent(write, actor, request.body as Static<typeof Body>)),
  );
};
