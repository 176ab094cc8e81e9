import { isCertified, type EntityRecord } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor } from '../ports/ledger.ts';
import { appendAmendment, displayKind } from '../writer.ts';
import { revoke } from './certification.ts';
import { assertStorable } from './common-fields.ts';
import { decisionInput } from './decisions.ts';
import type { WriteDeps } from './deps.ts';
import { assertWritable, lockExisting } from './load.ts';

export const REVIEW_OUTCOMES = ['still_valid', 'decertify'] as const;
export type ReviewOutcome = (typeof REVIEW_OUTCOMES)[number];

export interface ReviewInput {
  outcome: ReviewOutcome;
  reason: string;
  precedents?: readonly string[] | undefined;
}

/**
 * Governance answers a review flag. `still_valid` is a signed `review` amendment that returns the
 * entity to `aligned`, and is held to every rule (an entity whose dependencies no longer hold
 * cannot be declared valid); `decertify` revokes the certification with the review's reason,
 * aligned again because the review is done, and flags what depends on it.
 */
export const reviewEntity = async (deps: WriteDeps, actor: Actor, id: string, input: ReviewInput): Promise<EntityRecord> => {
  assertStorable({ reason: input.reason });
  const { reason, precedents } = await decisionInput(deps.store, input, 'A review');
  return deps.store.write(actor, async (tx) => {
    const current = await lockExisting(tx, id);
    assertWritable(current, 'review');
    const label = `${displayKind(current.entity_type)} ${id}`;
    if (current.content.amendment_alignment === 'aligned') throw new DomainError('INVALID_STATE', `${label} is not waiting for a review (it is aligned)`);
    if (input.outcome === 'decertify') {
      if (!isCertified(current)) {
        throw new DomainError('INVALID_STATE', `${label} is not certified, so a review cannot decertify it`, {
          errors: [{ field: 'outcome', message: 'decertify needs a certified skill or job role' }],
        });
      }
      return (await revoke(deps, tx, actor, current, { reason, precedents, alignment: 'aligned' })).entity;
    }
    const content = { ...current.content, amendment_alignment: 'aligned' as const };
    return appendAmendment(deps, { tx, actor, id, kind: current.entity_type, current, content, operation: 'review', reason, precedents });
  });
};
