import type { FastifyInstance } from 'fastify';
import { type Static } from 'typebox';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { ClientIdParam, ServiceAccountView } from '../../schemas/accounts.ts';
import { errorResponses } from '../../schemas/common.ts';

const ADMIN = { access: ['admin'] } as const;

export const registerRevokeServiceAccount = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts'>): void => {
  app.post(
    '/api/v1/auth/service-accounts/:client_id/revoke',
    {
      config: ADMIN,
      schema: {
        tags: ['auth'],
        summary: 'Revoke for good: the secret and every token issued to the account stop working at once',
        params: ClientIdParam,
        response: { 200: ServiceAccountView, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { client_id: clientId } = request.params as Static<typeof ClientIdParam>;
      return deps.accounts.revoke(actorOf(request), clientId);
    },
  );
};
