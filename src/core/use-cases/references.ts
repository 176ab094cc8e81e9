import { DomainError, type FieldError } from '../errors.ts';
import type { EntityKind, EntityRecord } from '../entity.ts';
import type { LedgerTx } from '../store.ts';
import { displayKind } from '../writer.ts';

export interface RefSpec {
  field: string;
  id: string;
  kind: EntityKind;
}

/**
 * Share-locks the referenced entities and fails with 422 REFERENCE_NOT_FOUND naming every field
 * whose id does not exist (or names an entity of another kind). Deleted or uncertified targets
 * are left to the L1 rules, which say precisely what is wrong with them.
 */
export const requireRefs = async (
  tx: LedgerTx,
  specs: readonly RefSpec[],
  known: ReadonlyMap<string, EntityRecord> = new Map(),
): Promise<Map<string, EntityRecord>> => {
  const ids = [...new Set(specs.map((s) => s.id).filter((id) => !known.has(id)))];
  const loaded = ids.length > 0 ? await tx.share(ids) : new Map<string, EntityRecord>();
  const all = new Map([...known, ...loaded]);
  const errors: FieldError[] = [];
  for (const spec of specs) {
    const record = all.get(spec.id);
    if (record === undefined) errors.push({ field: spec.field, message: `${displayKind(spec.kind)} ${spec.id} not found` });
    else if (record.entity_type !== spec.kind) {
      errors.push({ field: spec.field, message: `${spec.id} is a ${displayKind(record.entity_type)}, not a ${displayKind(spec.kind)}` });
    }
  }
  if (errors.length > 0) {
    throw new DomainError('REFERENCE_NOT_FOUND', errors.map((e) => e.message).join('; '), { errors });
  }
  return all;
};
