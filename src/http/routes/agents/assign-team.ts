import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import { assignTeam } from '../../../core/use-cases/assign-team.ts';
import { actorOf } from '../../auth/guard.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams, Uuid } from '../../schemas/common.ts';
import { entityRef, toView } from '../../schemas/entity.ts';
import { optionalBody } from '../../validation.ts';

const Body = Type.Object(
  { team_id: Type.Union([Uuid, Type.Null()], { description: 'The team to join, or null to leave the current team' }), reason: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])) },
  { additionalProperties: false },
);
const Query = Type.Object({ team_id: Type.Optional(Uuid) }, { additionalProperties: false });

export const registerAssignTeam = (app: FastifyInstance, deps: Pick<ApiDeps, 'write' | 'store'>): void => {
  app.post(
    '/api/v1/agents/:id/assign-team',
    {
      config: { access: ['operator'] },
      schema: {
        tags: ['agents'],
        summary: 'Move an agent into a team, or out of it with {"team_id": null} (the seed\'s ?team_id= also works)',
        params: IdParams,
        querystring: Query,
        body: optionalBody(Body),
        response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      // An absent body may arrive as undefined or as JSON null; either way the query names the team.
      const body = (request.body ?? undefined) as Static<typeof Body> | undefined;
      const teamId = body !== undefined ? body.team_id : (request.query as Static<typeof Query>).team_id;
      if (teamId === undefined) {
        throw new DomainError('VALIDATION_ERROR', 'team_id is required', { errors: [{ field: 'body/team_id', message: 'is required (body or query)' }] });
      }
      if ((await deps.store.getEntity(id))?.entity_type !== 'Agent') throw new DomainError('ENTITY_NOT_FOUND', `Agent ${id} not found`);
      return toView(await assignTeam(deps.write, actorOf(request), id, teamId, body?.reason ?? null));
    },
  );
};
