import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { publicRecord } from '../../src/adapters/crypto/keys.ts';
import { KeyringVerifier, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import type { SignatureAlgorithm } from '../../src/core/amendment.ts';
import { testKey } from '../support/ledger.ts';

describe('signing', () => {
  it.each<SignatureAlgorithm>(['RSA-PSS-SHA256', 'Ed25519'])('%s: signs, verifies, and rejects tampered data or a wrong key', async (alg) => {
    const key = await testKey(alg);
    const other = await testKey(alg === 'Ed25519' ? 'RSA-PSS-SHA256' : 'Ed25519');
    const signer = new NodeSigner(key);
    const verifier = new KeyringVerifier([key, other]);
    const data = Buffer.from('{"a":1}');
    const signature = await signer.sign(data);
    expect(signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await verifier.verify(key.keyId, data, signature)).toBe(true);
    expect(await verifier.verify(key.keyId, Buffer.from('{"a":2}'), signature)).toBe(false);
    expect(await verifier.verify(other.keyId, data, signature)).toBe(false);
    expect(await verifier.verify('unknown', data, signature)).toBe(false);
    expect(verifier.keyAlgorithm(key.keyId)).toBe(alg);
  });

  it('RSA-PSS signatures are randomized (salted) yet all verify', async () => {
    const key = await testKey('RSA-PSS-SHA256');
    const signer = new NodeSigner(key);
    const verifier = new KeyringVerifier([key]);
    const data = Buffer.from('same bytes');
    const [a, b] = await Promise.all([signer.sign(data), signer.sign(data)]);
    expect(a).not.toBe(b);
    expect(await verifier.verify(key.keyId, data, a)).toBe(true);
    expect(await verifier.verify(key.keyId, data, b)).toBe(true);
  });
});

describe('key ids', () => {
  it('are RFC 7638 thumbprints (the RFC §3.1 example key)', async () => {
    const jwk = {
      kty: 'RSA',
      n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
      e: 'AQAB',
    };
    const record = await publicRecord(createPublicKey({ key: jwk, format: 'jwk' }), 'RSA-PSS-SHA256');
    expect(record.keyId).toBe('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
    expect(record.jwk).toMatchObject({ kid: record.keyId, alg: 'PS256', use: 'sig', kty: 'RSA' });
  });

  it('Ed25519 keys publish as OKP/EdDSA JWKs', async () => {
    const key = await testKey('Ed25519');
    expect(key.jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', kid: key.keyId });
    expect(key.jwk).not.toHaveProperty('d');
  });
});
