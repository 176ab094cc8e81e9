import { JOSE_ALG } from './amendment.ts';
import { canonicalBytes } from './canonical.ts';
import type { Signer } from './ports/crypto.ts';

/**
 * JWS (RFC 7515) over RFC 8785 canonical JSON, signed by the ledger's own key, so whoever checks
 * an amendment with `/api/v1/keys` can check a card or a catalog with the same key.
 */
export interface FlattenedSignature {
  /** base64url of the protected header: alg, kid (the key id in /api/v1/keys), typ. */
  protected: string;
  signature: string;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** `jku`, when given, is the URL of the JWK Set that holds the key (this Plant's /api/v1/keys). */
export const signJws = async (payload: unknown, signer: Signer, jku?: string): Promise<FlattenedSignature> => {
  const header = b64url(JSON.stringify({ alg: JOSE_ALG[signer.algorithm], kid: signer.keyId, typ: 'JOSE', ...(jku === undefined ? {} : { jku }) }));
  const input = Buffer.from(`${header}.${b64url(canonicalBytes(payload))}`, 'ascii');
  return { protected: header, signature: await signer.sign(input) };
};

/** Compact serialization with the payload detached (RFC 7515 appendix F): `header..signature`. */
export const detachedJws = (jws: FlattenedSignature): string => `${jws.protected}..${jws.signature}`;
