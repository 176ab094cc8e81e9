import type { Alignment, Certification, CertificationRequest, EntityRecord, SkillContent } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor, LedgerTx } from '../ports/ledger.ts';
import { appendAmendment, displayKind } from '../writer.ts';
import type { WriteDeps } from './deps.ts';
import { assertWritable, lockExisting } from './load.ts';
import { decisionInput } from './decisions.ts';
import { flagDependents } from './review.ts';

/** The certification a `certify` amendment signs: who completed it, when, why, and every approver. */
export const certifiedBy = (
  certification: Certification,
  by: { actor: string; at: string; reason: string | null; approvers: string[]; gate?: Certification['gate'] },
): Certification => ({
  ...certification,
  certified: true,
  certified_by: by.actor,
  certified_at: by.at,
  certification_reason: by.reason,
  approved_by: by.approvers,
  request: null,
  ...(by.gate === undefined ? {} : { gate: by.gate }),
});

export interface CertificationInput {
  reason?: string | null | undefined;
  /** Earlier decisions (amendment hashes) this one follows. */
  precedents?: readonly string[] | undefined;
}

type Certifiable = 'Skill' | 'JobRole';

/** How many distinct governance actors must agree, and how long a request stays open. */
export interface CertificationPolicy {
  quorum: number;
  requestTtlMs: number;
}

export const DEFAULT_CERTIFICATION_POLICY: CertificationPolicy = { quorum: 1, requestTtlMs: 7 * 24 * 3600 * 1000 };

/** An open request, or null when there is none or it expired (expired approvals no longer count). */
export const openRequest = (certification: Certification, now: string): CertificationRequest | null => {
  const request = certification.request ?? null;
  return request !== null && Date.parse(request.expires_at) > Date.parse(now) ? request : null;
};

/**
 * Four-eyes certification. Each governance actor's call records a signed `certification_approval`
 * on the entity; the call that brings the quorum of distinct actors records the `certify`
 * amendment naming every approver (the entity returned says which happened: certified, or an open
 * `certification.request`). With a quorum of 1 the first call certifies, as before. The
 * database counts the approvals again before it accepts a `certify` (0006_four_eyes.sql), and
 * row-level security keeps every step to the governance role.
 */
export const certify = async (
  deps: WriteDeps,
  actor: Actor,
  kind: Certifiable,
  id: string,
  input: CertificationInput,
): Promise<EntityRecord> => {
  const policy = deps.certification ?? DEFAULT_CERTIFICATION_POLICY;
  const { reason, precedents } = await decisionInput(deps.store, input, 'A certification approval');
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id, kind);
    assertWritable(current, 'certify');
    const content = current.content as SkillContent;
    if (content.certification.certified) {
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} is already certified`);
    }
    const now = deps.clock.now();
    const request = openRequest(content.certification, now);
    if (request?.waiting_for_gate_since != null) {
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} has its approvals and waits for the constitutional gate's verdict`);
    }
    const approvals = request?.approvals ?? [];
    if (approvals.some((a) => a.actor === actor.subject)) {
      throw new DomainError('DUPLICATE_APPROVAL', `${actor.subject} already approved certifying ${displayKind(kind)} ${id}; it needs ${policy.quorum} distinct governance actors`);
    }
    const approvers = [...approvals.map((a) => a.actor), actor.subject];
    const complete = approvers.length >= policy.quorum;
    if (complete && deps.gated !== true) {
      const certification = certifiedBy(content.certification, { actor: actor.subject, at: now, reason, approvers });
      return appendAmendment(deps, { tx, actor, id, kind, current, content: { ...content, certification }, operation: 'certify', reason, precedents });
    }
    const opened = request?.opened_at ?? now;
    const next: CertificationRequest = {
      opened_at: opened,
      expires_at: request?.expires_at ?? new Date(Date.parse(now) + policy.requestTtlMs).toISOString(),
      approvals: [...approvals, { actor: actor.subject, at: now, reason }],
      // With a gate, the approval that completes the quorum waits for its verdict (genesis-gate.ts).
      ...(complete ? { waiting_for_gate_since: now } : {}),
    };
    const certification: Certification = { ...content.certification, request: next };
    return appendAmendment(deps, {
      tx, actor, id, kind, current, content: { ...content, certification }, operation: 'certification_approval', reason, precedents,
    });
  });
};

/** Closes an open certification request with a reason; approvals so far stop counting. */
export const rejectCertification = async (
  deps: WriteDeps,
  actor: Actor,
  kind: Certifiable,
  id: string,
  input: { reason: string; precedents?: readonly string[] | undefined },
): Promise<EntityRecord> => {
  const { reason, precedents } = await decisionInput(deps.store, input, 'A rejection');
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id, kind);
    const content = current.content as SkillContent;
    if (openRequest(content.certification, deps.clock.now()) === null) {
      const why = content.certification.request == null ? 'has no open certification request' : 'has a certification request that expired';
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} ${why}`);
    }
    const certification: Certification = { ...content.certification, request: null };
    return appendAmendment(deps, {
      tx, actor, id, kind, current, content: { ...content, certification }, operation: 'certification_rejected', reason, precedents,
    });
  });
};

/** Revokes certification and flags every transitive dependent for review; history is never rewritten. */
export const decertify = async (
  deps: WriteDeps,
  actor: Actor,
  kind: Certifiable,
  id: string,
  input: CertificationInput,
): Promise<{ entity: EntityRecord; flagged: string[] }> => {
  const { reason, precedents } = await decisionInput(deps.store, input, 'A decertification');
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id, kind);
    const content = current.content as SkillContent;
    if (!content.certification.certified) {
      throw new DomainError('INVALID_STATE', `${displayKind(kind)} ${id} is not certified`);
    }
    return revoke(deps, tx, actor, current, { reason, precedents });
  });
};

/**
 * The decertify amendment and the review flags it raises, in the caller's transaction; a review
 * that ends in decertification uses it too (and is aligned again: the review is done).
 */
export const revoke = async (
  deps: WriteDeps,
  tx: LedgerTx,
  actor: Actor,
  current: EntityRecord,
  decision: { reason: string | null; precedents: readonly string[]; alignment?: Alignment },
): Promise<{ entity: EntityRecord; flagged: string[] }> => {
  const { reason, precedents, alignment } = decision;
  const content = current.content as SkillContent;
  const next = {
    ...content,
    ...(alignment === undefined ? {} : { amendment_alignment: alignment }),
    certification: { ...content.certification, certified: false, revoked_by: actor.subject, revoked_at: deps.clock.now(), revocation_reason: reason },
  };
  const kind = current.entity_type;
  const entity = await appendAmendment(deps, { tx, actor, id: current.id, kind, current, content: next, operation: 'decertify', reason, precedents });
  const flagged = await flagDependents(deps, tx, actor, entity, {
    transitive: true,
    onlyFailing: false,
    reason: `${displayKind(kind)} ${current.id} was decertified`,
  });
  return { entity, flagged };
};
