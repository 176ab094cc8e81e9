import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint } from 'jose';
import { JOSE_ALG, type SignatureAlgorithm } from '../../core/amendment.ts';
import type { PublicKeyRecord } from '../../core/ports/keys.ts';

const generate = promisify(generateKeyPair);

export interface SigningKey extends PublicKeyRecord {
  privateKey: KeyObject;
}


export const algorithmOf = (key: KeyObject): SignatureAlgorithm => {
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') return 'RSA-PSS-SHA256';
  if (key.asymmetricKeyType === 'ed25519') return 'Ed25519';
  throw new Error(`unsupported signing key type: ${String(key.asymmetricKeyType)} (use RSA or Ed25519)`);
};

/** The key id is the RFC 7638 thumbprint (SHA-256, base64url) of the public key's required JWK members. */
export const publicRecord = async (publicKey: KeyObject, algorithm: SignatureAlgorithm): Promise<PublicKeyRecord> => {
  const raw = publicKey.export({ format: 'jwk' });
  const thumbprintInput =
    raw.kty === 'RSA' ? { kty: 'RSA', n: String(raw.n), e: String(raw.e) } : { kty: 'OKP', crv: String(raw.crv), x: String(raw.x) };
  const keyId = await calculateJwkThumbprint(thumbprintInput, 'sha256');
  return { keyId, algorithm, jwk: { ...raw, kid: keyId, alg: JOSE_ALG[algorithm], use: 'sig' } };
};

export const signingKeyFromPem = async (pem: string, expected?: SignatureAlgorithm): Promise<SigningKey> => {
  const privateKey = createPrivateKey(pem);
  const algorithm = algorithmOf(privateKey);
  if (expected !== undefined && expected !== algorithm) {
    throw new Error(`signing key is ${algorithm} but SIGNING_ALGORITHM is ${expected}`);
  }
  if (algorithm === 'RSA-PSS-SHA256') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`RSA signing key is ${bits} bits; at least 2048 are required (4096 recommended)`);
  }
  return { ...(await publicRecord(createPublicKey(privateKey), algorithm)), privateKey };
};

export const generatePem = async (algorithm: SignatureAlgorithm): Promise<string> => {
  const pair =
    algorithm === 'Ed25519'
      ? await generate('ed25519')
      : await generate('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
  return pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
};

export const keyFileName = (algorithm: SignatureAlgorithm): string =>
  algorithm === 'Ed25519' ? 'signing-ed25519.pem' : 'signing-rsa-pss.pem';

const writeSecret = (file: string, contents: string): void => {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, contents, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
};

/**
 * Development keys live in the data directory and are generated on first use, so a second start
 * signs with the same key. Production never reaches this: configuration demands a key there.
 */
export const loadOrCreateDevKey = async (
  keysDir: string,
  algorithm: SignatureAlgorithm,
  fileName: string = keyFileName(algorithm),
): Promise<{ key: SigningKey; created: boolean }> => {
  const file = path.join(keysDir, fileName);
  if (existsSync(file)) return { key: await signingKeyFromPem(readFileSync(file, 'utf8'), algorithm), created: false };
  const pem = await generatePem(algorithm);
  try {
    writeSecret(file, pem);
  } catch (error) {
    // Another process created it between our check and write: use theirs.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: await signingKeyFromPem(readFileSync(file, 'utf8'), algorithm), created: false };
  }
  return { key: await signingKeyFromPem(pem, algorithm), created: true };
};

/**
 * Rotation: the current key file moves to `retired/<kid>.pem` and a fresh key takes its place.
 * Public keys stay published (the key registry only ever retires), so old amendments verify.
 */
export const rotateDevKey = async (
  keysDir: string,
  algorithm: SignatureAlgorithm,
): Promise<{ previous: SigningKey | null; current: SigningKey }> => {
  const file = path.join(keysDir, keyFileName(algorithm));
  let previous: SigningKey | null = null;
  if (existsSync(file)) {
    previous = await signingKeyFromPem(readFileSync(file, 'utf8'), algorithm);
    const retiredDir = path.join(keysDir, 'retired');
    mkdirSync(retiredDir, { recursive: true, mode: 0o700 });
    renameSync(file, path.join(retiredDir, `${previous.keyId}.pem`));
  }
  const { key } = await loadOrCreateDevKey(keysDir, algorithm);
  return { previous, current: key };
};
