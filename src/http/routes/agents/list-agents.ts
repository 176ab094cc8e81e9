import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerListByKind } from '../../route-kit/kind-routes.ts';

export const registerListAgents = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  registerListByKind(app, deps, 'Agent', '/api/v1/agents', 'agents', ['industry_id', 'job_role_id']);
};
