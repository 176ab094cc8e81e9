import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { DomainError } from '../../../core/errors.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses } from '../../schemas/common.ts';

const Query = Type.Object({ first: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }), second: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false });
const Proof = Type.Object({ first: Type.Integer(), second: Type.Integer(), proof: Type.Array(Type.String()) });

export const registerGetConsistency = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>): void => {
  app.get(
    '/api/v1/log/proof/consistency',
    {
      config: { access: 'verification' },
      schema: {
        tags: ['log'],
        summary: 'Consistency proof that the tree of size `second` extends the tree of size `first` (RFC 6962)',
        querystring: Query,
        response: { 200: Proof, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { first, second } = request.query as Static<typeof Query>;
      if (first > second || second > (await deps.log.store.size())) {
        throw new DomainError('VALIDATION_ERROR', `No consistency proof from ${first} to ${second}`, { errors: [{ field: 'querystring/second', message: 'must be ≥ first and ≤ the log size' }] });
      }
      return { first, second, proof: (await deps.log.store.consistency(first, second)).map((h) => h.toString('hex')) };
    },
  );
};
