import { Type } from 'typebox';
import { ENTITY_KINDS, type EntityKind } from '../../core/entity.ts';

/** One enum keyword (not a union of constants), so a wrong kind gets one error naming the allowed values. */
export const KindParam = Type.Unsafe<EntityKind>({ type: 'string', enum: [...ENTITY_KINDS], description: 'Only changes to entities of this kind' });

export const LeafCursor = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The last leaf index already seen (exclusive); omit to start at the first leaf' });

export const Change = Type.Object(
  {
    leaf_index: Type.Integer({ description: 'Position in the transparency log: the feed order' }),
    entity_id: Type.String({ format: 'uuid' }),
    entity_type: Type.String(),
    version: Type.Integer(),
    operation: Type.String(),
    hash: Type.String({ description: 'The amendment hash (SHA-256 of its canonical payload, hex)' }),
    timestamp: Type.String({ format: 'date-time', description: 'The amendment\'s signed timestamp' }),
  },
  { $id: 'Change' },
);
