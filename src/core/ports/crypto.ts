import type { SignatureAlgorithm } from '../amendment.ts';

/**
 * Signing and verification. Side effects reach the core only through the ports in this folder;
 * adapters implement them, and tests use deterministic twins.
 */
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
  verify(keyId: string, data: Uint8Array, signature: string): Promise<boolean>;
}

/**
 * Signs transparency-log checkpoints (C2SP signed notes, Ed25519). The core formats the note and
 * derives the key id and verifier key from `name` and `publicKey`; only the signature is here.
 */
export interface NoteSigner {
  /** The key name of the note's signature line (no spaces, '+' or newlines). */
  readonly name: string;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** The 64-byte Ed25519 signature of exactly these bytes. */
  sign(data: Buffer): Promise<Buffer>;
}
