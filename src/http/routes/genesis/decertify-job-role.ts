import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerCertification } from '../../route-kit/kind-routes.ts';

export const registerDecertifyJobRole = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  registerCertification(app, deps, 'JobRole', '/api/v1/genesis/job-roles/:id/decertify', 'genesis', 'decertify');
};
