import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerListByKind } from '../../route-kit/kind-routes.ts';

export const registerListTeams = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  registerListByKind(app, deps, 'Team', '/api/v1/teams', 'teams', ['job_role_id', 'industry_id']);
};
