import { constants, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { SignatureAlgorithm } from '../../core/amendment.ts';
import type { NoteSigner, Signer, SignatureVerifier } from '../../core/ports/crypto.ts';
import type { SigningKey } from './keys.ts';
import type { PublicKeyRecord } from '../../core/ports/keys.ts';

/**
 * RSA-PSS parameters: SHA-256 digest, MGF1 with SHA-256, salt length 32 bytes (the digest
 * length), i.e. JOSE PS256 and WebCrypto's usual choice, so any standard library can verify.
 */
const rsaOptions = (key: KeyObject): { key: KeyObject; padding: number; saltLength: number } => ({
  key,
  padding: constants.RSA_PKCS1_PSS_PADDING,
  saltLength: 32,
});

// The callback forms of sign/verify run on libuv's thread pool, so signing uses every core
// instead of blocking the event loop (RSA-4096 signing costs ~3.5 ms of CPU).
const signAsync = (algorithm: SignatureAlgorithm, key: KeyObject, data: Buffer): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const cb = (error: Error | null, signature: Buffer): void => {
      if (error) reject(error);
      else resolve(signature);
    };
    if (algorithm === 'Ed25519') sign(null, data, key, cb);
    else sign('sha256', data, rsaOptions(key), cb);
  });

const verifyAsync = (algorithm: SignatureAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): Promise<boolean> =>
  new Promise((resolve, reject) => {
    const cb = (error: Error | null, ok: boolean): void => {
      if (error) reject(error);
      else resolve(ok);
    };
    if (algorithm === 'Ed25519') verify(null, data, key, signature, cb);
    else verify('sha256', data, rsaOptions(key), signature, cb);
  });

export class NodeSigner implements Signer {
  readonly keyId: string;
  readonly algorithm: SignatureAlgorithm;

  constructor(private readonly key: SigningKey) {
    this.keyId = key.keyId;
    this.algorithm = key.algorithm;
  }

  async sign(data: Buffer): Promise<string> {
    // Ed25519 costs ~30 µs: handing it to the thread pool costs more than doing it here.
    // RSA-4096 costs ~5 ms: it goes to the pool so both cores sign and the event loop stays free.
    if (this.algorithm === 'Ed25519') return sign(null, data, this.key.privateKey).toString('base64url');
    return (await signAsync(this.algorithm, this.key.privateKey, data)).toString('base64url');
  }
}

/** Verifies against every published key; a key unknown here makes the signature invalid. */
export class KeyringVerifier implements SignatureVerifier {
  private readonly keys = new Map<string, { algorithm: SignatureAlgorithm; key: KeyObject }>();

  constructor(records: Iterable<PublicKeyRecord> = []) {
    for (const record of records) this.add(record);
  }

  add(record: PublicKeyRecord): void {
    this.keys.set(record.keyId, { algorithm: record.algorithm, key: createPublicKey({ key: record.jwk, format: 'jwk' }) });
  }

  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  keyAlgorithm(keyId: string): SignatureAlgorithm | undefined {
    return this.keys.get(keyId)?.algorithm;
  }

  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  async verify(keyId: string, data: Buffer, signature: string): Promise<boolean> {
    const entry = this.keys.get(keyId);
    if (entry === undefined) return false;
    return verifyAsync(entry.algorithm, entry.key, data, Buffer.from(signature, 'base64url'));
  }
}

/** The transparency log's checkpoint signer: an Ed25519 private key under a note key name. */
export class Ed25519NoteSigner implements NoteSigner {
  readonly publicKey: Buffer;

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
  ) {
    this.publicKey = Buffer.from(String(createPublicKey(privateKey).export({ format: 'jwk' }).x), 'base64url');
  }

  sign(data: Buffer): Promise<Buffer> {
    return Promise.resolve(sign(null, data, this.privateKey));
  }
}
