import type { AnyContent, EntityKind, Operation } from './entity.ts';
import { canonicalBytes, sha256Hex } from './canonical.ts';

/** Format tag inside every signed payload, so a verifier knows which rules built the bytes. */
export const AMENDMENT_FORMAT = 'plant.amendment/v1';

/**
 * `prev_hash` of every version 1. A fixed, documented value rather than an empty string, so
 * that "first amendment" is an explicit, hashed claim and a chain cannot silently start midway.
 */
export const GENESIS_HASH = '0'.repeat(64);

export const SIGNATURE_ALGORITHMS = ['RSA-PSS-SHA256', 'Ed25519'] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** JOSE names: PS256 is RSA-PSS with SHA-256 (salt = 32 bytes); EdDSA with crv Ed25519. */
export const JOSE_ALG: Record<SignatureAlgorithm, string> = { 'RSA-PSS-SHA256': 'PS256', Ed25519: 'EdDSA' };

/**
 * What is hashed and signed: the amendment without its hash and signature. Everything that
 * gives the amendment meaning is inside, including the previous hash (which links the chain),
 * the entity id and version (so a signature cannot be replayed onto another entity or slot) and
 * the key id and algorithm (so a verifier cannot be talked into another algorithm).
 */
export interface AmendmentPayload {
  format: typeof AMENDMENT_FORMAT;
  entity_id: string;
  entity_type: EntityKind;
  version: number;
  operation: Operation;
  content: AnyContent;
  actor: string;
  reason: string | null;
  timestamp: string;
  prev_hash: string;
  key_id: string;
  alg: SignatureAlgorithm;
  /** Earlier decisions (amendment hashes) a governance decision cites; present only when it cites any. */
  precedents?: string[];
}

export interface Amendment {
  payload: AmendmentPayload;
  /** Lowercase hex SHA-256 of the RFC 8785 canonical bytes of `payload`. */
  hash: string;
  /** base64url (no padding) signature over the same canonical bytes. */
  signature: string;
}

export const payloadBytes = (payload: AmendmentPayload): Buffer => canonicalBytes(payload);

export const hashPayload = (payload: AmendmentPayload): string => sha256Hex(payloadBytes(payload));
