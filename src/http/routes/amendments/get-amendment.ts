import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { AMENDMENT_HASH_PATTERN } from '../../../core/governance.ts';
import { DomainError } from '../../../core/errors.ts';
import { entityView } from '../../../core/entity-view.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Params = Type.Object({ hash: Type.String({ pattern: AMENDMENT_HASH_PATTERN.source, description: 'An amendment hash (64 hex)' }) }, { additionalProperties: false });

export const registerGetAmendment = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  app.get(
    '/api/v1/amendments/:hash',
    {
      config: { access: 'read' },
      schema: {
        tags: ['log'],
        summary: 'Look an amendment up by its hash: the amendment, its entity as it is now, and its leaf index',
        params: Params,
        response: {
          200: Type.Object({
            amendment: Type.Object({ hash: Type.String(), signature: Type.String(), payload: Type.Object({}, { additionalProperties: true }) }),
            entity: Type.Ref('Entity'),
            leaf_index: Type.Union([Type.Integer(), Type.Null()]),
          }),
          ...errorResponses(401, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { hash } = request.params as Static<typeof Params>;
      const amendment = (await deps.store.getAmendmentsByHash([hash])).get(hash);
      if (amendment === undefined) throw new DomainError('ENTITY_NOT_FOUND', `No amendment has hash ${hash}`);
      const [entity, leaf] = await Promise.all([deps.store.getEntity(amendment.payload.entity_id), deps.log.store.leafByAmendment(hash)]);
      if (entity === undefined) throw new DomainError('ENTITY_NOT_FOUND', `The entity of amendment ${hash} is missing`);
      return { amendment, entity: entityView(entity), leaf_index: leaf?.leaf_index ?? null };
    },
  );
};
