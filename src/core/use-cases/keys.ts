import { DomainError } from '../errors.ts';
import type { KeyRegistry, PublishedKey } from '../ports/keys.ts';

export interface KeyDeps {
  keys: Pick<KeyRegistry, 'list' | 'retire'>;
  /** The key this process signs with: retiring it would stop this process's writes. */
  signingKeyId: string;
}

/**
 * Retires a published signing key: it stays published (old amendments verify) and the database
 * refuses new amendments under it. Retiring a retired key changes nothing and answers it as it is.
 */
export const retireSigningKey = async (deps: KeyDeps, keyId: string): Promise<PublishedKey> => {
  const before = (await deps.keys.list()).find((k) => k.keyId === keyId);
  if (before === undefined) throw new DomainError('KEY_NOT_FOUND', `No published signing key has the id ${keyId}`);
  if (before.retiredAt !== null) return before;
  if (keyId === deps.signingKeyId) {
    throw new DomainError('KEY_IN_USE', `Key ${keyId} is the one this server signs with: configure a new key (plant keys generate), restart, then retire this one`);
  }
  await deps.keys.retire(keyId);
  return (await deps.keys.list()).find((k) => k.keyId === keyId) as PublishedKey;
};
