import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerListByKind } from '../../route-kit/kind-routes.ts';

export const registerListJobRoles = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  registerListByKind(app, deps, 'JobRole', '/api/v1/genesis/job-roles', 'genesis', ['seniority_level', 'industry_id']);
};
