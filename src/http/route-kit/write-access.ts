import type { EntityRecord } from '../../core/entity.ts';
import { DomainError } from '../../core/errors.ts';
import { hasAnyRole, WRITER_ROLE } from '../../core/roles.ts';
import type { Actor, LedgerStore } from '../../core/ports/ledger.ts';
import { displayKind } from '../../core/writer.ts';

/**
 * The generic entity routes serve every kind, so the role they need depends on the entity:
 * governance for the catalog (skills, roles, industries), operator for agents and teams. The
 * database's row-level security enforces the same split.
 */
export const loadWritable = async (store: LedgerStore, actor: Actor, id: string): Promise<EntityRecord> => {
  const record = await store.getEntity(id);
  if (record === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
  const role = WRITER_ROLE[record.entity_type];
  if (!hasAnyRole(actor.roles, [role])) {
    throw new DomainError('FORBIDDEN', `Changing a ${displayKind(record.entity_type)} requires the ${role} role`);
  }
  return record;
};
