import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * RFC 8785 (JSON Canonicalization Scheme): keys sorted by UTF-16 code units, no whitespace,
 * numbers in ECMAScript shortest form, strings escaped minimally. These are the exact bytes that
 * are hashed and signed, so every verifier, in any language, can rebuild them.
 */
export const canonicalJson = (value: unknown): string => {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value cannot be canonicalized');
  return text;
};

export const canonicalBytes = (value: unknown): Buffer => Buffer.from(canonicalJson(value), 'utf8');

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

/** SHA-256 for the shared verifier: synchronous, where WebCrypto's costs a promise per hash. */
export const nodeSha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();
