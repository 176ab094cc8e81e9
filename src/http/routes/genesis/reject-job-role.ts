import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerCertificationReject } from '../../route-kit/kind-routes.ts';

export const registerRejectJobRole = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  registerCertificationReject(app, deps, 'JobRole', '/api/v1/genesis/job-roles/:id/certify/reject', 'genesis');
};
