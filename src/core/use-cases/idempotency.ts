import type { EntityRecord } from '../entity.ts';
import { DomainError } from '../errors.ts';
import type { Actor, LedgerStore } from '../ports/ledger.ts';
import type { WriteDeps } from './deps.ts';

/** How long a key is remembered (as Stripe and the IETF draft suggest): a day. */
export const IDEMPOTENCY_KEY_TTL_SECONDS = 86_400;

export interface IdempotentRequest {
  key: string;
  /** SHA-256 (hex) of the route and the canonical body. */
  fingerprint: string;
}

/**
 * Runs a create at most once per caller and key. The key is recorded in the create's own
 * transaction, with the entity it made: a retry finds it and gets that entity back (as it is now),
 * a retry with another body is refused, and two requests racing with one key commit one entity
 * (the other fails as a concurrent modification, and its retry finds the first).
 */
export const createOnce = async (
  deps: WriteDeps,
  actor: Actor,
  request: IdempotentRequest,
  create: (deps: WriteDeps) => Promise<EntityRecord>,
): Promise<{ record: EntityRecord; replayed: boolean }> => {
  const found = await deps.store.rememberedRequest(actor.subject, request.key, IDEMPOTENCY_KEY_TTL_SECONDS);
  if (found !== undefined) {
    if (found.fingerprint !== request.fingerprint) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request (another route or body); use a new key');
    }
    const record = await deps.store.getEntity(found.entity_id);
    if (record === undefined) throw new Error(`the entity ${found.entity_id} remembered under an Idempotency-Key is missing`);
    return { record, replayed: true };
  }
  // Every create is one store.write; this store records the key inside it.
  const store: LedgerStore = Object.create(deps.store, {
    write: {
      value: <T>(who: Actor, work: Parameters<LedgerStore['write']>[1]) =>
        deps.store.write(who, async (tx) => {
          const result = (await work(tx)) as T & EntityRecord;
          await tx.remember({ subject: actor.subject, key: request.key, fingerprint: request.fingerprint, entity_id: result.id });
          return result;
        }),
    },
  }) as LedgerStore;
  return { record: await create({ ...deps, store }), replayed: false };
};
