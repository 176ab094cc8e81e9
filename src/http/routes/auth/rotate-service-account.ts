import type { FastifyInstance } from 'fastify';
import { type Static } from 'typebox';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { ClientIdParam, WithSecret } from '../../schemas/accounts.ts';
import { errorResponses } from '../../schemas/common.ts';

const ADMIN = { access: ['admin'] } as const;

export const registerRotateServiceAccount = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts'>): void => {
  app.post(
    '/api/v1/auth/service-accounts/:client_id/rotate-secret',
    {
      config: ADMIN,
      schema: {
        tags: ['auth'],
        summary: 'A new secret, returned once; the old one stops working at once (tokens already issued live out their 30 minutes unless the account is revoked)',
        params: ClientIdParam,
        response: { 200: WithSecret, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { client_id: clientId } = request.params as Static<typeof ClientIdParam>;
      const { account, secret } = await deps.accounts.rotateSecret(actorOf(request), clientId);
      return reply.header('cache-control', 'no-store').send({ ...account, client_secret: secret });
    },
  );
};
