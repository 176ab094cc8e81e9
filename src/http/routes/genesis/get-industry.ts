import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerGetByKind } from '../../route-kit/kind-routes.ts';

export const registerGetIndustry = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  registerGetByKind(app, deps, 'Industry', '/api/v1/genesis/industries/:id', 'genesis');
};
