import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ApiDeps } from '../../deps.ts';
import { ServiceAccountView } from '../../schemas/accounts.ts';
import { errorResponses } from '../../schemas/common.ts';

const ADMIN = { access: ['admin'] } as const;

export const registerListServiceAccounts = (app: FastifyInstance, deps: Pick<ApiDeps, 'accounts'>): void => {
  app.get(
    '/api/v1/auth/service-accounts',
    { config: ADMIN, schema: { tags: ['auth'], summary: 'Every service account, revoked ones too (admin)', response: { 200: Type.Array(ServiceAccountView), ...errorResponses(401, 403) } } },
    () => deps.accounts.list(),
  );
};
