import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerGetByKind } from '../../route-kit/kind-routes.ts';

export const registerGetJobRole = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  registerGetByKind(app, deps, 'JobRole', '/api/v1/genesis/job-roles/:id', 'genesis');
};
