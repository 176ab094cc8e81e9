import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerListByKind } from '../../route-kit/kind-routes.ts';

export const registerListIndustries = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  registerListByKind(app, deps, 'Industry', '/api/v1/genesis/industries', 'genesis', []);
};
