import type { SignatureAlgorithm } from '../../core/amendment.ts';
import type { Signer } from '../../core/ports/crypto.ts';
import type { SigningKey } from './keys.ts';
import { NodeSigner } from './node-signer.ts';

/**
 * The signer a running server holds: `plant keys rotate` against it swaps the key in place, so
 * the next amendment is signed with the new key without a restart. The writer reads `keyId` and
 * calls `sign` in one synchronous step, so an amendment is never labelled with one key and signed
 * with another.
 */
export class RotatingSigner implements Signer {
  private current: { key: SigningKey; signer: NodeSigner };

  constructor(key: SigningKey) {
    this.current = { key, signer: new NodeSigner(key) };
  }

  get keyId(): string {
    return this.current.key.keyId;
  }

  get algorithm(): SignatureAlgorithm {
    return this.current.key.algorithm;
  }

  get key(): SigningKey {
    return this.current.key;
  }

  use(key: SigningKey): void {
    this.current = { key, signer: new NodeSigner(key) };
  }

  sign(data: Buffer): Promise<string> {
    return this.current.signer.sign(data);
  }
}
