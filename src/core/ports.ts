import type { SignatureAlgorithm } from './amendment.ts';

/**
 * Side effects reach the core only through these ports. Adapters implement them; tests use
 * deterministic twins.
 */
export interface Clock {
  /** Current time as an ISO-8601 UTC string with millisecond precision. */
  now(): string;
}

export interface IdGenerator {
  /** A new UUIDv7. */
  next(): string;
}

export interface Signer {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
  /** Signs the exact bytes given; returns the signature as base64url without padding. */
  sign(data: Buffer): Promise<string>;
}

export interface PublicKeyInfo {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;
}

/** Verifies signatures against every published key, current and rotated. */
export interface SignatureVerifier {
  hasKey(keyId: string): boolean;
  keyAlgorithm(keyId: string): SignatureAlgorithm | undefined;
  verify(keyId: string, data: Buffer, signature: string): Promise<boolean>;
}
