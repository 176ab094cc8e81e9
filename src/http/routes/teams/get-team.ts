import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../../deps.ts';
import { registerGetByKind } from '../../route-kit/kind-routes.ts';

export const registerGetTeam = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>): void => {
  registerGetByKind(app, deps, 'Team', '/api/v1/teams/:id', 'teams');
};
