import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EntityRecord } from '../../core/entity.ts';
import type { Actor } from '../../core/ports/ledger.ts';
import { actorOf } from '../auth/guard.ts';
import type { ApiDeps } from '../deps.ts';
import { errorResponses, IdParams } from '../schemas/common.ts';
import { entityRef, toView } from '../schemas/entity.ts';
import { loadWritable } from './write-access.ts';

export interface EntityWrite {
  method: 'POST' | 'DELETE';
  url: string;
  summary: string;
  body?: object;
  querystring?: object;
  /** Runs the use case for the entity in the path, as the authenticated actor. */
  run: (actor: Actor, id: string, request: FastifyRequest) => Promise<EntityRecord>;
}

/**
 * The generic entity writes (evolve, deprecate, archive, delete) serve every kind: each checks the
 * role the entity's kind needs before the use case runs, and answers with the entity as it is now.
 */
export const registerEntityWrite = (app: FastifyInstance, deps: Pick<ApiDeps, 'store'>, write: EntityWrite): void => {
  app.route({
    method: write.method,
    url: write.url,
    config: { access: ['operator', 'governance'] },
    schema: {
      tags: ['entities'],
      summary: write.summary,
      params: IdParams,
      ...(write.body === undefined ? {} : { body: write.body }),
      ...(write.querystring === undefined ? {} : { querystring: write.querystring }),
      response: { 200: entityRef, ...errorResponses(401, 403, 404, 409, 422) },
    },
    handler: async (request) => {
      const { id } = request.params as IdParams;
      const actor = actorOf(request);
      await loadWritable(deps.store, actor, id);
      return toView(await write.run(actor, id, request));
    },
  });
};
