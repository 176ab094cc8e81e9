import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerListByKind } from '../../route-kit/kind-routes.ts';

export const registerListSkills = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  registerListByKind(app, deps, 'Skill', '/api/v1/genesis/skills', 'genesis', ['category']);
};
