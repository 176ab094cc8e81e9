import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerGetByKind } from '../../route-kit/kind-routes.ts';

export const registerGetAgent = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  registerGetByKind(app, deps, 'Agent', '/api/v1/agents/:id', 'agents');
};
