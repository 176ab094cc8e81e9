import { DomainError, type FieldError } from '../errors.ts';
import type { EntityRecord } from '../entity.ts';
import type { Reference } from '../reference-fields.ts';
import type { LedgerTx } from '../ports/ledger.ts';
import { displayKind } from '../writer.ts';

/**
 * Share-locks the referenced entities and fails with 422 REFERENCE_NOT_FOUND naming every field
 * whose id does not exist (or names an entity of another kind). Deleted or uncertified targets
 * are left to the L1 rules, which say precisely what is wrong with them.
 */
export const requireRefs = async (
  tx: LedgerTx,
  refs: readonly Pick<Reference, 'path' | 'id' | 'target'>[],
  known: ReadonlyMap<string, EntityRecord> = new Map(),
): Promise<Map<string, EntityRecord>> => {
  const ids = [...new Set(refs.map((r) => r.id).filter((id) => !known.has(id)))];
  const loaded = ids.length > 0 ? await tx.share(ids) : new Map<string, EntityRecord>();
  const all = new Map([...known, ...loaded]);
  const errors: FieldError[] = [];
  for (const ref of refs) {
    const record = all.get(ref.id);
    if (record === undefined) errors.push({ field: ref.path, message: `${displayKind(ref.target)} ${ref.id} not found` });
    else if (record.entity_type !== ref.target) {
      errors.push({ field: ref.path, message: `${ref.id} is a ${displayKind(record.entity_type)}, not a ${displayKind(ref.target)}` });
    }
  }
  if (errors.length > 0) {
    throw new DomainError('REFERENCE_NOT_FOUND', errors.map((e) => e.message).join('; '), { errors });
  }
  return all;
};
