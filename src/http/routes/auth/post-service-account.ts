import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ROLES } from '../../../core/roles.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { WithSecret } from '../../schemas/accounts.ts';
import { errorResponses } from '../../schemas/common.ts';

const Body = Type.Object(
  {
    client_id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,63}$' }),
    roles: Type.Array(Type.Union(ROLES.map((r) => Type.Literal(r))), { minItems: 1, maxItems: 5, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);


export const registerPostServiceAccount = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts'>): void => {
  app.post(
    '/api/v1/auth/service-accounts',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: 'Create a service account (admin); the secret is returned once',
        body: Body,
        response: { 201: WithSecret, ...errorResponses(401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { account, secret } = await deps.accounts.create(actorOf(request), request.body as Static<typeof Body>);
      return reply.code(201).header('cache-control', 'no-store').send({ ...account, client_secret: secret });
    },
  );
};
