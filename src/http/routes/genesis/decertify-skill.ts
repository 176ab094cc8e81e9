import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerCertification } from '../../route-kit/kind-routes.ts';

export const registerDecertifySkill = (app: FastifyInstance, deps: Pick<ApiDeps, 'write'>): void => {
  registerCertification(app, deps, 'Skill', '/api/v1/genesis/skills/:id/decertify', 'genesis', 'decertify');
};
