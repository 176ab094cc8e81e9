import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Amendment } from '../../../core/amendment.ts';
import { verifyChain } from '../../../core/chain.ts';
import { verifyCheckpointNote } from '../../../core/checkpoint.ts';
import { verifyInclusion } from '../../../core/merkle.ts';
import { amendmentLeaf } from '../../../core/use-cases/export-bundle.ts';
import { DomainError } from '../../../core/errors.ts';
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

/**
 * The entity's place in the transparency log: each amendment is a leaf recorded for this entity
 * and version, and (when a checkpoint covers it) provably included in the latest signed tree.
 */
const logProblems = async (log: ApiDeps['log'], id: string, amendments: Amendment[]): Promise<string[]> => {
  const problems: string[] = [];
  const latest = await log.store.latestCheckpoint();
  const note = latest === undefined ? undefined : verifyCheckpointNote(latest.note, log.vkey);
  if (note !== undefined && !note.ok) problems.push(`latest checkpoint: ${note.reason}`);
  for (const [index, a] of amendments.entries()) {
    const leaf = await log.store.leafByAmendment(a.hash);
    if (leaf === undefined) {
      problems.push(`log at index ${index}: amendment v${a.payload.version} is not a leaf of the log`);
      continue;
    }
    if (leaf.entity_id !== id || leaf.version !== a.payload.version) {
      problems.push(`log at index ${index}: leaf ${leaf.leaf_index} is recorded for ${leaf.entity_id} v${leaf.version}`);
    }
    if (note?.ok === true && leaf.leaf_index < note.checkpoint.size) {
      const proof = await log.store.inclusion(leaf.leaf_index, note.checkpoint.size).catch(() => null);
      if (proof === null || !verifyInclusion(leaf.leaf_index, note.checkpoint.size, amendmentLeaf(a.hash), proof, note.checkpoint.root)) {
        problems.push(`log at index ${index}: v${a.payload.version} is not included at leaf ${leaf.leaf_index} of the signed tree of size ${note.checkpoint.size}`);
      }
    }
  }
  return problems;
};

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
      const logged = await logProblems(deps.log, id, amendments);
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
