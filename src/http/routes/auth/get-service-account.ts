import type { FastifyInstance } from 'fastify';
import { type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import type { ApiDeps } from '../../deps.ts';
import { ClientIdParam, ServiceAccountView } from '../../schemas/accounts.ts';
import { errorResponses } from '../../schemas/common.ts';

const ADMIN = { access: ['admin'] } as const;

export const registerGetServiceAccount = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts'>): void => {
  app.get(
    '/api/v1/auth/service-accounts/:client_id',
    { config: ADMIN, schema: { tags: ['auth'], summary: 'One service account (admin)', params: ClientIdParam, response: { 200: ServiceAccountView, ...errorResponses(401, 403, 404, 422) } } },
    async (request) => {
      const { client_id: clientId } = request.params as Static<typeof ClientIdParam>;
      const account = await deps.accounts.get(clientId);
      if (account === undefined) throw new DomainError('ACCOUNT_NOT_FOUND', `No service account has the client id ${clientId}`);
      return account;
    },
  );
};
