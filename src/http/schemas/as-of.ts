import { Type } from 'typebox';
import { DomainError } from '../../core/errors.ts';
import type { EntityAsOf } from '../../core/use-cases/point-in-time.ts';
import type { CheckpointRow } from '../../core/ports/log.ts';
import { servedNote } from '../../core/checkpoint.ts';

export const AsOfQuery = {
  as_of: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'A tree size of the log (`1234`) or an RFC 3339 time, resolved to the last checkpoint at or before it' })),
  proof: Type.Optional(Type.Boolean({ description: 'With `as_of`: the head amendment\'s inclusion proof in the tree of that size' })),
};

export const CheckpointRef = Type.Object({
  tree_size: Type.Integer(),
  root_hash: Type.String({ description: 'hex' }),
  note: Type.String({ description: 'C2SP signed note' }),
  created_at: Type.String({ format: 'date-time' }),
});

export const AsOfSchema = Type.Object(
  {
    tree_size: Type.Integer({ description: 'The log size the answer is as of' }),
    requested: Type.String({ description: '`as_of` as the caller gave it' }),
    checkpoint: Type.Union([CheckpointRef, Type.Null()], { description: 'The signed checkpoint of exactly that size, or null when the log signed none there' }),
    leaf_index: Type.Integer({ description: 'The head amendment\'s leaf in the log' }),
    amendment_hash: Type.String(),
    proof: Type.Optional(Type.Object({ inclusion_proof: Type.Array(Type.String({ description: 'hex' })), root_hash: Type.String({ description: 'hex: the root of the tree of `tree_size`' }) })),
  },
  { description: 'Present only on point-in-time reads: which tree the answer is from and where its head sits in it' },
);

export const checkpointView = (row: CheckpointRow | null): { tree_size: number; root_hash: string; note: string; created_at: string } | null =>
  row === null ? null : { tree_size: row.tree_size, root_hash: row.root_hash.toString('hex'), note: servedNote(row), created_at: new Date(row.created_at).toISOString() };

export const asOfView = (read: EntityAsOf): Record<string, unknown> => ({
  tree_size: read.asOf.tree_size,
  requested: read.asOf.requested,
  checkpoint: checkpointView(read.asOf.checkpoint),
  leaf_index: read.head.leaf_index,
  amendment_hash: read.head.hash,
  ...(read.proof === null ? {} : { proof: { inclusion_proof: read.proof.inclusion_proof.map((h) => h.toString('hex')), root_hash: read.proof.root_hash.toString('hex') } }),
});

/** `proof` only says something about a tree the caller named. */
export const pointInTime = (query: { as_of?: string | undefined; proof?: boolean | undefined }): { asOf: string; proof: boolean } | null => {
  if (query.as_of === undefined) {
    if (query.proof === true) throw new DomainError('VALIDATION_ERROR', 'proof=true needs as_of: the proof is of a tree the caller names', { errors: [{ field: 'querystring/proof', message: 'needs as_of' }] });
    return null;
  }
  return { asOf: query.as_of, proof: query.proof === true };
};
