import canonicalize from 'canonicalize';
import { fromBase64, toBase64, utf8 } from './bytes.ts';
import { webSha256 } from './digest.ts';

export type SignatureAlgorithm = 'RSA-PSS-SHA256' | 'Ed25519';

/** Checks amendment signatures under published keys; a key it does not hold makes a signature invalid. */
export interface SignatureVerifier {
  hasKey(keyId: string): boolean;
  keyAlgorithm(keyId: string): SignatureAlgorithm | undefined;
  /** `signature` is base64url, as amendments carry it. */
  verify(keyId: string, data: Uint8Array, signature: string): Promise<boolean>;
}

export interface Keyring {
  verifier: SignatureVerifier;
  /** Keys refused: a kid that is not the key's thumbprint, or a key WebCrypto cannot use. */
  problems: string[];
}

type Jwk = Record<string, unknown>;

const base64url = (bytes: Uint8Array): string => toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** RFC 7638: SHA-256 over the required members in lexicographic order, base64url. */
export const jwkThumbprint = async (jwk: Jwk): Promise<string> => {
  const required = jwk.kty === 'RSA' ? { e: jwk.e, kty: 'RSA', n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  if (Object.values(required).some((v) => typeof v !== 'string')) throw new TypeError('the key lacks a required member');
  return base64url(await webSha256(utf8(canonicalize(required) as string)));
};

// RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt: JOSE PS256, what Plant signs with.
const RSA_PSS = { name: 'RSA-PSS', hash: 'SHA-256' } as const;
const PSS_SALT = 32;

const importKey = (jwk: Jwk, algorithm: SignatureAlgorithm): Promise<CryptoKey> => {
  const { kty, n, e, crv, x } = jwk;
  const material = (algorithm === 'Ed25519' ? { kty, crv, x } : { kty, n, e }) as JsonWebKey;
  return crypto.subtle.importKey('jwk', material, algorithm === 'Ed25519' ? { name: 'Ed25519' } : RSA_PSS, false, ['verify']);
};

/**
 * A WebCrypto verifier over JWKs (GET /api/v1/keys, or keys the caller pins). Each key's kid is
 * recomputed from the key itself, so a list cannot pass a forged key off under a trusted kid.
 */
export const webKeyring = async (jwks: readonly Jwk[]): Promise<Keyring> => {
  const keys = new Map<string, { algorithm: SignatureAlgorithm; key: CryptoKey }>();
  const problems: string[] = [];
  for (const jwk of jwks) {
    const kid = String(jwk.kid);
    try {
      const algorithm: SignatureAlgorithm = jwk.kty === 'RSA' ? 'RSA-PSS-SHA256' : 'Ed25519';
      if (algorithm === 'Ed25519' && (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519')) throw new TypeError(`unsupported key type ${String(jwk.kty)} ${String(jwk.crv)}`);
      const thumbprint = await jwkThumbprint(jwk);
      if (thumbprint !== jwk.kid) problems.push(`key labelled ${kid} hashes to ${thumbprint}`);
      else keys.set(kid, { algorithm, key: await importKey(jwk, algorithm) });
    } catch (error) {
      problems.push(`unusable key ${kid}: ${(error as Error).message}`);
    }
  }
  const verifier: SignatureVerifier = {
    hasKey: (keyId) => keys.has(keyId),
    keyAlgorithm: (keyId) => keys.get(keyId)?.algorithm,
    async verify(keyId, data, signature) {
      const entry = keys.get(keyId);
      const bytes = fromBase64(signature);
      if (entry === undefined || bytes === null) return false;
      const params = entry.algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'RSA-PSS', saltLength: PSS_SALT };
      return crypto.subtle.verify(params, entry.key, bytes as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
    },
  };
  return { verifier, problems };
};
