import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerCertification } from '../../route-kit/kind-routes.ts';

export const registerCertifyJobRole = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  registerCertification(app, deps, 'JobRole', '/api/v1/genesis/job-roles/:id/certify', 'genesis', 'certify');
};
