import { compactVerify, exportJWK, importJWK } from 'jose';
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { canonicalJson } from '../../src/core/canonical.ts';
import { detachedJws, signJws } from '../../src/core/jws.ts';
import { testKey } from '../support/ledger.ts';

describe('JWS by the ledger key', () => {
  it.each(['Ed25519', 'RSA-PSS-SHA256'] as const)('%s: jose verifies it over the canonical payload, detached or not', async (algorithm) => {
    const key = await testKey(algorithm);
    const signer = new NodeSigner(key);
    const payload = { b: [1, 'two'], a: { z: true, y: null } };
    const jws = await signJws(payload, signer);
    const header = JSON.parse(Buffer.from(jws.protected, 'base64url').toString()) as Record<string, string>;
    expect(header).toEqual({ alg: algorithm === 'Ed25519' ? 'EdDSA' : 'PS256', kid: key.keyId, typ: 'JOSE' });
    const jwk = await exportJWK(createPublicKey(key.privateKey));
    const publicKey = await importJWK(jwk, header.alg);
    const body = Buffer.from(canonicalJson(payload)).toString('base64url');
    const [h, empty, sig] = detachedJws(jws).split('.');
    expect(empty).toBe('');
    await expect(compactVerify(`${h ?? ''}.${body}.${sig ?? ''}`, publicKey)).resolves.toBeDefined();
    const other = Buffer.from(canonicalJson({ ...payload, c: 1 })).toString('base64url');
    await expect(compactVerify(`${h ?? ''}.${other}.${sig ?? ''}`, publicKey)).rejects.toThrow();
  });
});
