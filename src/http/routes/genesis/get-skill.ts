import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerGetByKind } from '../../route-kit/kind-routes.ts';

export const registerGetSkill = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  registerGetByKind(app, deps, 'Skill', '/api/v1/genesis/skills/:id', 'genesis');
};
