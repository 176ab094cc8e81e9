import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object(
  {
    leaf_index: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'amendment hash (instead of leaf_index)' })),
    tree_size: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'default: the latest checkpoint' })),
  },
  { additionalProperties: false },
);

const Proof = Type.Object({
  leaf_index: Type.Integer(),
  tree_size: Type.Integer(),
  leaf_hash: Type.String(),
  amendment_hash: Type.String(),
  proof: Type.Array(Type.String(), { description: 'RFC 6962 audit path, hex, leaf side first' }),
});

export const registerGetInclusion = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>): void => {
  app.get(
    '/api/v1/log/proof/inclusion',
    {
      config: { access: 'verification' },
      schema: {
        tags: ['log'],
        summary: 'Inclusion proof of one leaf (by index or amendment hash) in a tree size; O(log n) hashes',
        querystring: Query,
        response: { 200: Proof, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const q = request.query as Static<typeof Query>;
      const size = q.tree_size ?? (await deps.log.store.latestCheckpoint())?.tree_size ?? (await deps.log.store.size());
      const leaf =
        q.hash !== undefined
          ? await deps.log.store.leafByAmendment(q.hash)
          : q.leaf_index !== undefined
            ? (await deps.log.store.leaves(q.leaf_index, q.leaf_index + 1))[0]
            : undefined;
      if (q.hash === undefined && q.leaf_index === undefined) {
        throw new DomainError('VALIDATION_ERROR', 'leaf_index or hash is required', { errors: [{ field: 'querystring/leaf_index', message: 'leaf_index or hash is required' }] });
      }
      if (leaf === undefined) throw new DomainError('ENTITY_NOT_FOUND', 'No such leaf in the log');
      if (size > (await deps.log.store.size()) || leaf.leaf_index >= size) {
        throw new DomainError('VALIDATION_ERROR', `Leaf ${leaf.leaf_index} is not in a tree of size ${size}`, { errors: [{ field: 'querystring/tree_size', message: 'out of range' }] });
      }
      const proof = await deps.log.store.inclusion(leaf.leaf_index, size);
      return { leaf_index: leaf.leaf_index, tree_size: size, leaf_hash: leaf.leaf_hash.toString('hex'), amendment_hash: leaf.amendment_hash, proof: proof.map((h) => h.toString('hex')) };
    },
  );
};
