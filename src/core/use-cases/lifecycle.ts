import type { AgentContent, EntityRecord, Status } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor } from '../ports/ledger.ts';
import { appendAmendment, displayKind } from '../writer.ts';
import type { WriteDeps } from './deps.ts';
import { flagDependents } from './review.ts';
import { removeFromTeam } from './team-membership.ts';

export interface DeprecateInput {
  reason: string;
  successor_id?: string | null | undefined;
}

const FROM: Record<'deprecate' | 'archive' | 'delete', readonly Status[]> = {
  deprecate: ['draft', 'active'],
  archive: ['draft', 'active', 'deprecated'],
  delete: ['draft', 'active', 'deprecated', 'archived'],
};

const TO = { deprecate: 'deprecated', archive: 'archived', delete: 'deleted' } as const;

const transition = async (
  deps: WriteDeps,
  actor: Actor,
  id: string,
  operation: 'deprecate' | 'archive' | 'delete',
  reason: string | null,
  successorId: string | null,
): Promise<EntityRecord> =>
  deps.store.write(actor, async (tx) => {
    const ids = successorId === null ? [id] : [id, successorId];
    const locked = await tx.lock(ids);
    const current = locked.get(id);
    if (current === undefined) throw new DomainError('ENTITY_NOT_FOUND', `Entity ${id} not found`);
    if (!FROM[operation].includes(current.content.status)) {
      throw new DomainError(
        'INVALID_STATE',
        `Cannot ${operation} ${displayKind(current.entity_type)} ${id}: it is ${current.content.status}`,
      );
    }
    let successor: EntityRecord | undefined;
    if (successorId !== null) {
      successor = locked.get(successorId);
      if (successor === undefined) {
        const message = `Entity ${successorId} not found`;
        throw new DomainError('REFERENCE_NOT_FOUND', message, { errors: [{ field: 'successor_id', message }] });
      }
      if (successorId === id || successor.entity_type !== current.entity_type || successor.content.status === 'deleted') {
        throw new DomainError('VALIDATION_ERROR', 'successor must be another live entity of the same kind', {
          errors: [{ field: 'successor_id', message: 'must be another non-deleted entity of the same kind' }],
        });
      }
    }
    // An archived or deleted agent leaves its team in the same transaction; if it was the last
    // member, the team's amendment fails L1-TEAM-01 and nothing is written.
    const leaves = current.entity_type === 'Agent' && operation !== 'deprecate' && (current.content as AgentContent).team_id !== null;
    const known = new Map<string, EntityRecord>([[id, current]]);
    if (leaves) await removeFromTeam(deps, tx, actor, current as EntityRecord<'Agent'>, `agent ${id} was ${TO[operation]}`, known);
    const content = {
      ...current.content,
      status: TO[operation],
      superseded_by: successorId ?? current.content.superseded_by,
      ...(leaves ? { team_id: null } : {}),
    };
    const updated = await appendAmendment(deps, { tx, actor, id, kind: current.entity_type, current, content, operation, reason, known });
    if (successor !== undefined) {
      await appendAmendment(deps, {
        tx, actor, id: successor.id, kind: successor.entity_type, current: successor,
        content: { ...successor.content, supersedes: id }, operation: 'supersede', reason,
      });
    }
    await flagDependents(deps, tx, actor, updated, {
      transitive: false,
      onlyFailing: true,
      reason: `dependency ${displayKind(updated.entity_type)} ${id} was ${TO[operation]}`,
    });
    return updated;
  });

export const deprecate = (deps: WriteDeps, actor: Actor, id: string, input: DeprecateInput): Promise<EntityRecord> =>
  transition(deps, actor, id, 'deprecate', input.reason, input.successor_id ?? null);

export const archive = (deps: WriteDeps, actor: Actor, id: string, reason: string | null): Promise<EntityRecord> =>
  transition(deps, actor, id, 'archive', reason, null);

/** Soft delete: the row and its history stay; only the status says deleted. */
export const softDelete = (deps: WriteDeps, actor: Actor, id: string, reason: string | null): Promise<EntityRecord> =>
  transition(deps, actor, id, 'delete', reason, null);
