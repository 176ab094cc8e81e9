import type { JsonWebKey } from 'node:crypto';
import type { SignatureAlgorithm } from '../amendment.ts';

export interface PublicKeyRecord {
  keyId: string;
  algorithm: SignatureAlgorithm;
  /** Public JWK with `kid`, `alg` and `use` set, as published in the JWKS. */
  jwk: JsonWebKey & { kid: string; alg: string; use: 'sig' };
}

export interface PublishedKey extends PublicKeyRecord {
  createdAt: string;
  retiredAt: string | null;
}

/**
 * The published signing keys, as the service sees them. Keys are never deleted; rotation only
 * retires them. Publishing is not here: only the database owner may publish a key (the service
 * role that serves requests cannot), so it goes through the composition root's owner path.
 */
export interface KeyRegistry {
  list(): Promise<PublishedKey[]>;
  retire(keyId: string): Promise<void>;
}

/** What a signing-key rotation did: the key it retired (none on a fresh data directory) and the one that signs now. */
export interface KeyRotation {
  retired: string | null;
  current: string;
  algorithm: SignatureAlgorithm;
}
