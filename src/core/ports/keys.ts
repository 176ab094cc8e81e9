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

/** The published signing keys. Keys are never deleted; rotation only retires them. */
export interface KeyRegistry {
  list(): Promise<PublishedKey[]>;
  /** Publishes a public key (idempotent). */
  publish(key: PublicKeyRecord): Promise<void>;
  retire(keyId: string): Promise<void>;
}
