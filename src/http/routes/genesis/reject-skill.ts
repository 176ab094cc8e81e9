import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerCertificationReject } from '../../route-kit/kind-routes.ts';

export const registerRejectSkill = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  registerCertificationReject(app, deps, 'Skill', '/api/v1/genesis/skills/:id/certify/reject', 'genesis');
};
