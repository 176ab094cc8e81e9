import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { Amendment } from '../../../core/amendment.ts';
import { DomainError } from '../../../core/errors.ts';
import { entityAsOf } from '../../../core/use-cases/point-in-time.ts';
import type { ApiDeps } from '../../deps.ts';
import { AsOfQuery, AsOfSchema, asOfView, pointInTime } from '../../schemas/as-of.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

const Query = Type.Object(AsOfQuery, { additionalProperties: false });

const AmendmentView = Type.Object({
  version: Type.Integer(),
  operation: Type.String(),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  timestamp: Type.String({ format: 'date-time' }),
  prev_hash: Type.String(),
  hash: Type.String(),
  signature: Type.String(),
  key_id: Type.String(),
  alg: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown(), { description: 'The exact signed payload; its RFC 8785 bytes hash to `hash`' }),
});

const History = Type.Object({
  entity_id: Type.String(),
  entity_type: Type.String(),
  amendment_count: Type.Integer(),
  amendments: Type.Array(AmendmentView),
  as_of: Type.Optional(AsOfSchema),
});

const amendmentView = (a: Amendment): Static<typeof AmendmentView> => ({
  version: a.payload.version,
  operation: a.payload.operation,
  actor: a.payload.actor,
  reason: a.payload.reason,
  timestamp: a.payload.timestamp,
  prev_hash: a.payload.prev_hash,
  hash: a.hash,
  signature: a.signature,
  key_id: a.payload.key_id,
  alg: a.payload.alg,
  payload: a.payload as unknown as Record<string, unknown>,
});

export const registerGetHistory = (app: FastifyInstance, deps: Pick<ApiDeps, 'store' | 'log'>): void => {
  app.get(
    '/api/v1/entities/:id/history',
    {
      config: { access: 'read' },
      schema: {
        tags: ['entities'],
        summary: 'Every amendment of an entity, oldest first, with hashes and signatures; with `as_of`, those in the log of that size (or at that time)',
        params: IdParams,
        querystring: Query,
        response: { 200: History, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const past = pointInTime(request.query as Static<typeof Query>);
      if (past !== null) {
        const read = await entityAsOf(deps, id, past.asOf, past.proof);
        return { entity_id: id, entity_type: read.record.entity_type, amendment_count: read.amendments.length, amendments: read.amendments.map(amendmentView), as_of: asOfView(read) };
      }
      const record = await deps.store.getEntity(id);
      if (record === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
      const amendments = await deps.store.getAmendments(id);
      return { entity_id: id, entity_type: record.entity_type, amendment_count: amendments.length, amendments: amendments.map(amendmentView) };
    },
  );
};
