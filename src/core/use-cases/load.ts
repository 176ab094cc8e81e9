import type { EntityKind, EntityRecord } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { LedgerTx } from '../ports/ledger.ts';
import { displayKind } from '../writer.ts';

/** Locks one entity for writing; 404 when it does not exist or is not of the expected kind. */
export const lockExisting = async <K extends EntityKind>(
  tx: LedgerTx,
  id: string,
  kind?: K,
): Promise<EntityRecord<K>> => {
  const record = (await tx.lock([id])).get(id);
  if (record === undefined || (kind !== undefined && record.entity_type !== kind)) {
    throw new DomainError('ENTITY_NOT_FOUND', `${kind === undefined ? 'Entity' : displayKind(kind)} ${id} not found`);
  }
  return record as EntityRecord<K>;
};

export const assertWritable = (record: EntityRecord, operation: string): void => {
  const { status } = record.content;
  if (status === 'deleted' || status === 'archived') {
    throw new DomainError('INVALID_STATE', `Cannot ${operation} ${displayKind(record.entity_type)} ${record.id}: it is ${status}`);
  }
};
