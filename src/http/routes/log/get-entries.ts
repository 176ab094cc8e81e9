import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object({ start: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), end: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });
const Entries = Type.Object({
  entries: Type.Array(
    Type.Object({ leaf_index: Type.Integer(), entity_id: Type.String(), version: Type.Integer(), amendment_hash: Type.String(), leaf_hash: Type.String() }),
  ),
});

export const registerGetEntries = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>): void => {
  app.get(
    '/api/v1/log/entries',
    {
      config: { access: 'read' },
      schema: {
        tags: ['log'],
        summary: 'Leaves [start, end) in index order (at most 1000)',
        querystring: Query,
        response: { 200: Entries, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { start, end } = request.query as Static<typeof Query>;
      if (end <= start || end - start > 1000) {
        throw new DomainError('VALIDATION_ERROR', 'end must be > start and at most start + 1000', { errors: [{ field: 'querystring/end', message: 'out of range' }] });
      }
      const leaves = await deps.log.store.leaves(start, end);
      return { entries: leaves.map((l) => ({ ...l, leaf_hash: l.leaf_hash.toString('hex') })) };
    },
  );
};
