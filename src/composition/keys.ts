import { algorithmOf, generatePem, rotateDevKey, signingKeyFromPem, type SigningKey } from '../adapters/crypto/keys.ts';
import { DomainError } from '../core/errors.ts';
import { KeyringVerifier } from '../adapters/crypto/node-signer.ts';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { publicRecord } from '../adapters/crypto/keys.ts';
import type { SignatureAlgorithm } from '../core/amendment.ts';
import type { KeyRegistry, PublicKeyRecord } from '../core/ports/keys.ts';
import type { SignatureVerifier } from '../core/ports/crypto.ts';
import type { Config } from './config.ts';
import { keysDir, loadSigningKey } from './resources.ts';

/** A new private signing key (PKCS#8 PEM) and its key id. */
export const generateSigningKey = async (algorithm: SignatureAlgorithm): Promise<{ pem: string; keyId: string }> => {
  const pem = await generatePem(algorithm);
  return { pem, keyId: (await signingKeyFromPem(pem)).keyId };
};

/**
 * The key `plant migrate` publishes as the owner: SIGNING_PUBLIC_KEY(_FILE) (a public PEM, so the
 * migration job holds no secret), else the public half of SIGNING_KEY(_FILE); none configured,
 * none published (the embedded database's server publishes its own development key).
 */
export const configuredPublicKey = async (config: Config): Promise<PublicKeyRecord | null> => {
  const pem = config.SIGNING_PUBLIC_KEY ?? (config.SIGNING_PUBLIC_KEY_FILE === undefined ? undefined : readFileSync(config.SIGNING_PUBLIC_KEY_FILE, 'utf8'));
  if (pem !== undefined) {
    const key = createPublicKey(pem);
    return publicRecord(key, algorithmOf(key));
  }
  if (config.SIGNING_KEY === undefined && config.SIGNING_KEY_FILE === undefined) return null;
  const { key } = await loadSigningKey(config);
  return { keyId: key.keyId, algorithm: key.algorithm, jwk: key.jwk };
};

/**
 * Development keys: a new key in the data directory, published (by the owner: `publish`, which a
 * server also uses to start signing with it); the previous one retired (still published). A key
 * from configuration is the operator's to replace, never rewritten here.
 */
export const rotateDevSigningKey = async (
  config: Config,
  keys: KeyRegistry,
  publish: (key: SigningKey) => Promise<void>,
): Promise<{ previous: PublicKeyRecord | null; current: PublicKeyRecord }> => {
  if (config.SIGNING_KEY !== undefined || config.SIGNING_KEY_FILE !== undefined) {
    throw new DomainError('KEY_CONFIGURED', 'The signing key comes from configuration: create one with `plant keys generate`, point SIGNING_KEY_FILE at it and restart');
  }
  const { previous, current } = await rotateDevKey(keysDir(config), config.SIGNING_ALGORITHM);
  await publish(current);
  if (previous !== null) await keys.retire(previous.keyId);
  return { previous, current };
};

/**
 * A verifier over published JWKs, each rebuilt from its JWK with its RFC 7638 thumbprint
 * recomputed: a key that claims a kid it does not hash to is refused, so a bundle cannot pass a
 * forged key off as a trusted one. Unusable keys are reported, not thrown.
 */
export const keyringFromJwks = async (jwks: readonly Record<string, unknown>[]): Promise<{ verifier: SignatureVerifier; problems: string[] }> => {
  const records: PublicKeyRecord[] = [];
  const problems: string[] = [];
  for (const jwk of jwks) {
    try {
      const algorithm: SignatureAlgorithm = jwk.kty === 'RSA' ? 'RSA-PSS-SHA256' : 'Ed25519';
      const record = await publicRecord(createPublicKey({ key: jwk as never, format: 'jwk' }), algorithm);
      if (record.keyId !== jwk.kid) problems.push(`key labelled ${String(jwk.kid)} hashes to ${record.keyId}`);
      else records.push(record);
    } catch (error) {
      problems.push(`unusable key ${String(jwk.kid)}: ${(error as Error).message}`);
    }
  }
  return { verifier: new KeyringVerifier(records), problems };
};
