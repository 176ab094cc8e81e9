import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  fromBase64,
  fromHex,
  parseVerifierKey,
  proofFromHex,
  toHex,
  verifyCheckpointNote,
  verifyConsistency,
  verifyInclusion,
  webKeyring,
  webSha256,
} from '../../clients/typescript/src/verify/index.ts';
import { Ed25519NoteSigner, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { nodeSha256 } from '../../src/core/canonical.ts';
import { signCheckpoint, verifierKey } from '../../src/core/checkpoint.ts';
import { consistencyProof, hashLeaf, inclusionProof, MemoryTree } from '../../src/core/merkle.ts';
import { testKey } from '../support/ledger.ts';

// The shared module as a browser runs it: WebCrypto's SHA-256 and signatures, Uint8Array only.
describe('the shared verification module with its WebCrypto defaults', () => {
  it('hashes exactly as node:crypto does', async () => {
    for (const size of [0, 1, 55, 64, 1000]) {
      const data = randomBytes(size);
      expect(Buffer.from(await webSha256(data)).equals(nodeSha256(data))).toBe(true);
    }
  });

  it('verifies every inclusion and consistency proof the server builds, and refuses altered ones', async () => {
    const tree = new MemoryTree(Array.from({ length: 21 }, () => hashLeaf(randomBytes(8))));
    for (let n = 1; n <= tree.size; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(tree, i, n);
        expect(await verifyInclusion(i, n, tree.node(0, i), proof, tree.root(n)), `${i}/${n}`).toBe(true);
        if (n > 1) expect(await verifyInclusion(i, n, tree.node(0, (i + 1) % n), proof, tree.root(n))).toBe(false);
      }
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(tree, m, n);
        expect(await verifyConsistency(m, n, tree.root(m), tree.root(n), proof), `${m}→${n}`).toBe(true);
        if (m < n) expect(await verifyConsistency(m, n, tree.root(m), tree.root(n - 1), proof)).toBe(false);
      }
    }
    expect(await verifyInclusion(0, 2 ** 60, tree.node(0, 0), [], tree.root())).toBe(false);
    expect(await verifyInclusion(-1, 3, tree.node(0, 0), [], tree.root())).toBe(false);
  });

  it('checks a C2SP checkpoint note, and says why one fails', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const signer = new Ed25519NoteSigner('plant.test/log', privateKey);
    const vkey = verifierKey(signer);
    const root = randomBytes(32);
    const note = await signCheckpoint({ origin: 'plant.test/log', size: 42, root }, signer);
    const ok = await verifyCheckpointNote(note, vkey);
    expect(ok).toMatchObject({ ok: true, checkpoint: { origin: 'plant.test/log', size: 42 } });
    expect(ok.ok && Buffer.from(ok.checkpoint.root).equals(root)).toBe(true);

    const other = verifierKey(new Ed25519NoteSigner('plant.test/log', generateKeyPairSync('ed25519').privateKey));
    expect(await verifyCheckpointNote(note, other)).toEqual({ ok: false, reason: 'no signature by plant.test/log' });
    expect(await verifyCheckpointNote(note.replace('\n42\n', '\n43\n'), vkey)).toEqual({ ok: false, reason: 'signature by plant.test/log does not verify' });
    expect(await verifyCheckpointNote(note, 'nonsense')).toEqual({ ok: false, reason: 'malformed verifier key' });
    // Only the first two '+' separate: the base64 key may hold '+' itself.
    const [name, id] = vkey.split('+') as [string, string];
    const key = vkey.slice(name.length + id.length + 2);
    expect(await parseVerifierKey(`${name}+${id === '00000000' ? '00000001' : '00000000'}+${key}`)).toBe('verifier key id does not match its key');
    expect(await verifyCheckpointNote('plant.test/log\nforty\nAAAA\n\n— x y\n', vkey)).toEqual({ ok: false, reason: 'note body is not a checkpoint' });
    expect(await verifyCheckpointNote('no signature block', vkey)).toEqual({ ok: false, reason: 'note has no signature block' });
  });

  it('a WebCrypto keyring verifies RSA-PSS and Ed25519 amendment signatures and refuses a forged kid', async () => {
    const data = Buffer.from('{"canonical":"payload"}');
    for (const algorithm of ['RSA-PSS-SHA256', 'Ed25519'] as const) {
      const key = await testKey(algorithm);
      const signature = await new NodeSigner(key).sign(data);
      const { verifier, problems } = await webKeyring([key.jwk]);
      expect(problems).toEqual([]);
      expect(verifier.keyAlgorithm(key.keyId)).toBe(algorithm);
      expect(await verifier.verify(key.keyId, data, signature), algorithm).toBe(true);
      expect(await verifier.verify(key.keyId, Buffer.from('{"canonical":"other"}'), signature), algorithm).toBe(false);
    }
    const ed = await testKey('Ed25519');
    const rsa = await testKey('RSA-PSS-SHA256');
    const forged = await webKeyring([{ ...rsa.jwk, kid: ed.keyId }]);
    expect(forged.verifier.hasKey(ed.keyId)).toBe(false);
    expect(forged.problems).toEqual([`key labelled ${ed.keyId} hashes to ${rsa.keyId}`]);
  });

  it('refuses malformed hex and base64 instead of reading part of them', () => {
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
    expect(fromBase64('a')).toBeNull();
    expect(fromBase64('ab$c')).toBeNull();
    expect(Buffer.from(fromBase64('-_8') ?? []).toString('hex')).toBe('fbff');
    expect(proofFromHex(['00'.repeat(32), '11'])).toBeNull();
  });

  it('writes hex as Node does, and reads back what it wrote', () => {
    const bytes = new Uint8Array(randomBytes(300));
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString('hex'));
    expect(toHex(Uint8Array.from({ length: 256 }, (_, i) => i))).toBe(Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('hex'));
    expect(fromHex(toHex(bytes))).toEqual(bytes);
    expect(toHex(new Uint8Array(0))).toBe('');
  });
});
