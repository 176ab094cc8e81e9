import { isCertified, type AnyContent, type EntityKind, type EntityRecord } from '../entity.ts';
import { DomainError, type FieldError } from '../errors.ts';
import type { Actor } from '../ports/ledger.ts';
import { appendAmendment, displayKind } from '../writer.ts';
import { assertStorable } from './common-fields.ts';
import { normalizeName } from '../names.ts';
import type { WriteDeps } from './deps.ts';
import { assertWritable, lockExisting } from './load.ts';
import { referencesOf } from '../reference-fields.ts';
import { requireRefs } from './references.ts';
import { flagDependents } from './review.ts';

type FieldType = 'string' | 'string?' | 'string[]' | 'object';

const COMMON: Record<string, FieldType> = {
  name: 'string',
  tags: 'string[]',
  custom_attributes: 'object',
  governance_notes: 'string?',
  external_id: 'string?',
  governance_agent_id: 'string',
  parent_id: 'string?',
  child_ids: 'string[]',
};

/**
 * What `evolve` may change per kind. Status, certification, alignment and team membership have
 * their own operations, so the history says which kind of change happened. An agent's
 * industry_id is listed so that an attempt reaches L1-AGENT-07 and is refused with that rule.
 */
const EVOLVABLE: Record<EntityKind, Record<string, FieldType>> = {
  Skill: { ...COMMON, description: 'string', category: 'string' },
  JobRole: { ...COMMON, description: 'string', required_skills: 'string[]', seniority_level: 'string', industry_id: 'string?' },
  Industry: { ...COMMON, description: 'string' },
  Agent: { ...COMMON, skill_id: 'string', job_role_id: 'string', industry_id: 'string' },
  Team: { ...COMMON, description: 'string', job_role_id: 'string', industry_id: 'string?' },
};

const typeOk = (type: FieldType, value: unknown): boolean => {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'string?':
      return value === null || typeof value === 'string';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
  }
};

export interface EvolveInput {
  changes: Record<string, unknown>;
  reason?: string | null | undefined;
}

const checkChanges = (kind: EntityKind, changes: Record<string, unknown>): void => {
  const allowed = EVOLVABLE[kind];
  const errors: FieldError[] = [];
  const keys = Object.keys(changes);
  if (keys.length === 0) errors.push({ field: 'changes', message: 'must change at least one field' });
  for (const key of keys) {
    const type = allowed[key];
    if (type === undefined) errors.push({ field: `changes/${key}`, message: `is not an evolvable field of ${kind}` });
    else if (!typeOk(type, changes[key])) errors.push({ field: `changes/${key}`, message: `must be ${type}` });
  }
  if (errors.length > 0) throw new DomainError('VALIDATION_ERROR', 'Invalid changes', { errors });
};

/** A content change, validated exactly like a create; dependents whose rules it breaks are flagged. */
export const evolve = async (deps: WriteDeps, actor: Actor, id: string, input: EvolveInput): Promise<EntityRecord> => {
  assertStorable({ changes: input.changes, reason: input.reason });
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id);
    assertWritable(current, 'evolve');
    checkChanges(current.entity_type, input.changes);
    const known = await requireRefs(tx, referencesOf(current.entity_type, input.changes, 'changes/'));
    // Certification vouches for content: a certified skill or role whose content changes stays
    // certified but waits for a review, and so does everything that relied on it. Otherwise a
    // successful evolve passed every rule, so the entity is aligned again whatever it was before.
    const recertify = isCertified(current);
    const changes = typeof input.changes.name === 'string' ? { ...input.changes, name: normalizeName(input.changes.name, 'changes/name') } : input.changes;
    const content = { ...current.content, ...changes, amendment_alignment: recertify ? 'requires_review' : 'aligned' } as AnyContent;
    const updated = await appendAmendment(deps, {
      tx, actor, id, kind: current.entity_type, current, content, operation: 'evolve', reason: input.reason ?? null, known,
    });
    await flagDependents(deps, tx, actor, updated, {
      transitive: recertify,
      onlyFailing: !recertify,
      reason: recertify
        ? `certified ${displayKind(updated.entity_type)} ${id} changed in version ${updated.version} and waits for a review`
        : `dependency ${updated.entity_type} ${id} evolved to version ${updated.version}`,
    });
    return updated;
  });
};
