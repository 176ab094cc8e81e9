import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { changedView, logDiff } from '../../../core/use-cases/point-in-time.ts';
import type { ApiDeps } from '../../deps.ts';
import { CheckpointRef, checkpointView } from '../../schemas/as-of.ts';
import { errorResponses } from '../../schemas/common.ts';

const Size = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const Query = Type.Object({ from: Size, to: Size }, { additionalProperties: false });

const Changed = Type.Object({
  entity_id: Type.String(),
  entity_type: Type.String(),
  version_before: Type.Integer({ description: '0 when the entity was born in the range' }),
  version_after: Type.Integer(),
  operations: Type.Array(Type.String(), { description: 'Its amendments\' operations in the range, in log order' }),
});
const LogDiff = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  checkpoints: Type.Object({
    from: Type.Union([CheckpointRef, Type.Null()]),
    to: Type.Union([CheckpointRef, Type.Null()]),
  }, { description: 'The signed checkpoints of exactly these sizes, where the log signed them' }),
  consistency_proof: Type.Array(Type.String({ description: 'hex' }), { description: 'RFC 6962 proof that the tree of `to` extends the tree of `from` (empty when from is 0 or equals to)' }),
  entities: Type.Array(Changed, { description: 'Every entity with an amendment in leaves [from, to), by its first such leaf' }),
});

export const registerGetLogDiff = (app: FastifyInstance, deps: Pick<ApiDeps, 'log'>): void => {
  app.get(
    '/api/v1/log/diff',
    {
      config: { access: 'read' },
      schema: {
        tags: ['log'],
        summary: 'The entities changed between two tree sizes, with the consistency proof between them',
        querystring: Query,
        response: { 200: LogDiff, ...errorResponses(401, 403, 422) },
      },
    },
    async (request) => {
      const { from, to } = request.query as Static<typeof Query>;
      const diff = await logDiff(deps, from, to);
      return {
        from: diff.from,
        to: diff.to,
        checkpoints: { from: checkpointView(diff.checkpoints.from), to: checkpointView(diff.checkpoints.to) },
        consistency_proof: diff.consistency_proof.map((h) => h.toString('hex')),
        entities: diff.entities.map(changedView),
      };
    },
  );
};
