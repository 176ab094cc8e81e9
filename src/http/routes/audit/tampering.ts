import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { verifyChain } from '../../../core/chain.ts';
import { DomainError } from '../../../core/errors.ts';
import { entityLogProblems, latestSignedTree, recordedLeaves, storedPlace } from '../../../core/use-cases/log-check.ts';
import type { ApiDeps } from '../../deps.ts';
import { errorResponses, IdParams } from '../../schemas/common.ts';

const Report = Type.Object({
  entity_id: Type.String(),
  entity_type: Type.String(),
  tampered: Type.Boolean(),
  broken_at_index: Type.Union([Type.Integer(), Type.Null()]),
  details: Type.Array(Type.String()),
  amendment_count: Type.Integer(),
  hash_chain_length: Type.Integer(),
  problems: Type.Array(Type.Record(Type.String(), Type.Unknown())),
});

export const registerTampering = (app: FastifyInstance, deps: Pick<ApiDeps, 'audit' | 'log'>): void => {
  app.get(
    '/api/v1/audit/tampering/:id',
    {
      config: { access: ['auditor'] },
      schema: {
        tags: ['audit'],
        summary: "Verify one entity's chain: every hash, link and signature, and the head",
        params: IdParams,
        response: { 200: Report, ...errorResponses(401, 403, 404, 422) },
      },
    },
    async (request) => {
      const { id } = request.params as IdParams;
      const record = await deps.audit.store.getEntity(id);
      if (record === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
      const amendments = await deps.audit.store.getAmendments(id);
      const chain = await verifyChain(amendments, deps.audit.verifier, { entityId: id, head: record.hash_chain_head, count: record.amendment_count });
      const { tree, problem } = await latestSignedTree(deps.log);
      const logged = [
        ...(problem === undefined ? [] : [problem]),
        ...(await entityLogProblems(id, amendments, storedPlace(deps.log), tree, await recordedLeaves(deps.log, id))).map((p) => `log at index ${p.index}: ${p.detail}`),
      ];
      const intact = chain.intact && logged.length === 0;
      return {
        entity_id: id,
        entity_type: record.entity_type,
        tampered: !intact,
        broken_at_index: chain.broken_at_index,
        details: intact
          ? amendments.map((_, i) => `Index ${i}: valid (signed, linked, in the log)`)
          : [...chain.problems.map((p) => `${p.check} at index ${p.index}: ${p.detail}`), ...logged],
        amendment_count: record.amendment_count,
        hash_chain_length: amendments.length,
        problems: chain.problems,
      };
    },
  );
};
