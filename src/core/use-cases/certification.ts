import type { Alignment, EntityRecord, SkillContent } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor, LedgerTx } from '../ports/ledger.ts';
import { appendAmendment, displayKind } from '../writer.ts';
import type { WriteDeps } from './deps.ts';
import { assertWritable, lockExisting } from './load.ts';
import { flagDependents } from './review.ts';

export interface CertificationInput {
  reason?: string | null | undefined;
}

type Certifiable = 'Skill' | 'JobRole';

/**
 * Certification is a signed amendment carrying the certifier (from the token), the reason and
 * the time. Row-level security refuses a certify/decertify amendment from a session without the
 * governance role, so this holds even for raw SQL.
 */
export const certify = async (
  deps: WriteDeps,
  actor: Actor,
  kind: Certifiable,
  id: string,
  input: CertificationInput,
): Promise<EntityRecord> =>
  deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id, kind);
    assertWritable(current, 'certify');
    const content = current.content as SkillContent;
    if (content.certification.certified) {
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} is already certified`);
    }
    const now = deps.clock.now();
    const next = {
      ...content,
      certification: {
        ...content.certification,
        certified: true,
        certified_by: actor.subject,
        certified_at: now,
        certification_reason: input.reason ?? null,
      },
    };
    return appendAmendment(deps, { tx, actor, id, kind, current, content: next, operation: 'certify', reason: input.reason ?? null });
  });

/** Revokes certification and flags every transitive dependent for review; history is never rewritten. */
export const decertify = async (
  deps: WriteDeps,
  actor: Actor,
  kind: Certifiable,
  id: string,
  input: CertificationInput,
): Promise<{ entity: EntityRecord; flagged: string[] }> =>
  deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id, kind);
    const content = current.content as SkillContent;
    if (!content.certification.certified) {
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} is not certified`);
    }
    return revoke(deps, tx, actor, current, input.reason ?? null);
  });

/**
 * The decertify amendment and the review flags it raises, in the caller's transaction; a review
 * that ends in decertification uses it too (and is aligned again: the review is done).
 */
export const revoke = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  current: EntityRecord,
  reason: string | null,
  alignment?: Alignment,
): Promise<{ entity: EntityRecord; flagged: string[] }> => {
  const content = current.content as SkillContent;
  const next = {
    ...content,
    ...(alignment === undefined ? {} : { amendment_alignment: alignment }),
    certification: { ...content.certification, certified: false, revoked_by: actor.subject, revoked_at: deps.clock.now(), revocation_reason: reason },
  };
  const kind = current.entity_type;
  const entity = await appendAmendment(deps, { tx, actor, id: current.id, kind, current, content: next, operation: 'decertify', reason });
  const flagged = await flagDependents(deps, tx, actor, entity, {
    transitive: true,
    onlyFailing: false,
    reason: `${displayKind(kind)} ${current.id} was decertified`,
  });
  return { entity, flagged };
};
