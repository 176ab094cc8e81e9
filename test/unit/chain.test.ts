import { describe, expect, it } from 'vitest';
import { KeyringVerifier, NodeSigner } from '../../src/adapters/crypto/node-signer.ts';
import { AMENDMENT_FORMAT, GENESIS_HASH, hashPayload, payloadBytes, type Amendment, type AmendmentPayload } from '../../src/core/amendment.ts';
import { verifyChain } from '../../src/core/chain.ts';
import { uncertified, type SkillContent } from '../../src/core/entity.ts';
import { commonContent } from '../../src/core/use-cases/common-fields.ts';
import { testKey } from '../support/ledger.ts';

const ENTITY = '0190a000-0000-7000-8000-000000000001';

/** Five amendments of one skill, linked and signed exactly as the writer does it. */
const buildChain = async (): Promise<{ chain: Amendment[]; verifier: KeyringVerifier }> => {
  const key = await testKey('Ed25519');
  const signer = new NodeSigner(key);
  const chain: Amendment[] = [];
  let prev = GENESIS_HASH;
  const ops = ['create', 'certify', 'evolve', 'evolve', 'deprecate'] as const;
  for (const [i, operation] of ops.entries()) {
    const content: SkillContent = {
      ...commonContent('SEO', {}),
      description: `version ${i + 1}`,
      category: 'technical',
      certification: uncertified(),
    };
    const payload: AmendmentPayload = {
      format: AMENDMENT_FORMAT, entity_id: ENTITY, entity_type: 'Skill', version: i + 1, operation, content,
      actor: 'gov', reason: null, timestamp: `2026-11-22T00:00:0${i}.000Z`, prev_hash: prev, key_id: key.keyId, alg: key.algorithm,
    };
    const hash = hashPayload(payload);
    chain.push({ payload, hash, signature: await signer.sign(payloadBytes(payload)) });
    prev = hash;
  }
  return { chain, verifier: new KeyringVerifier([key]) };
};

const clone = (chain: Amendment[]): Amendment[] => structuredClone(chain);

describe('hash chain verification', () => {
  it('an untouched chain of five verifies', async () => {
    const { chain, verifier } = await buildChain();
    const report = await verifyChain(chain, verifier, { entityId: ENTITY, head: chain.at(-1)?.hash ?? '', count: 5 });
    expect(report).toMatchObject({ intact: true, broken_at_index: null, amendment_count: 5, problems: [] });
  });

  // Every field of every amendment: change it and the chain must fail at exactly that index.
  const mutations: [string, (a: Amendment) => void][] = [
    ['content', (a) => { (a.payload.content as SkillContent).description += 'x'; }],
    ['actor', (a) => { a.payload.actor = 'mallory'; }],
    ['timestamp', (a) => { a.payload.timestamp = '2030-01-01T00:00:00.000Z'; }],
    ['operation', (a) => { a.payload.operation = 'archive'; }],
    ['reason', (a) => { a.payload.reason = 'because'; }],
    ['prev_hash', (a) => { a.payload.prev_hash = 'f'.repeat(64); }],
    ['stored hash', (a) => { a.hash = `${a.hash.slice(0, 63)}${a.hash.endsWith('0') ? '1' : '0'}`; }],
    ['signature', (a) => { const s = Buffer.from(a.signature, 'base64url'); s[5] = (s[5] ?? 0) ^ 1; a.signature = s.toString('base64url'); }],
  ];

  for (const [field, mutate] of mutations) {
    it.each([0, 1, 2, 3, 4])(`detects and locates a changed ${field} at index %i`, async (index) => {
      const { chain, verifier } = await buildChain();
      const tampered = clone(chain);
      const target = tampered[index];
      if (target === undefined) throw new Error('no amendment');
      mutate(target);
      const report = await verifyChain(tampered, verifier, { entityId: ENTITY });
      expect(report.intact).toBe(false);
      expect(report.broken_at_index).toBe(index);
    });
  }

  it('a consistent rewrite (payload, hash and signature by another key) still breaks the next link', async () => {
    const { chain, verifier } = await buildChain();
    const forger = new NodeSigner(await testKey('RSA-PSS-SHA256'));
    const tampered = clone(chain);
    const target = tampered[2];
    if (target === undefined) throw new Error('no amendment');
    (target.payload.content as SkillContent).description = 'forged';
    target.hash = hashPayload(target.payload);
    target.signature = await forger.sign(payloadBytes(target.payload));
    const report = await verifyChain(tampered, verifier, { entityId: ENTITY });
    expect(report.problems.map((p) => [p.index, p.check])).toEqual([[2, 'signature'], [3, 'link']]);
  });

  it('detects reordering', async () => {
    const { chain, verifier } = await buildChain();
    const swapped = [chain[0], chain[2], chain[1], chain[3], chain[4]] as Amendment[];
    const report = await verifyChain(swapped, verifier, { entityId: ENTITY });
    expect(report.broken_at_index).toBe(1);
    expect(report.problems[0]).toMatchObject({ check: 'version', index: 1, version: 3 });
  });

  it.each([0, 2, 4])('detects a dropped amendment at index %i', async (dropped) => {
    const { chain, verifier } = await buildChain();
    const shorter = chain.filter((_, i) => i !== dropped);
    const report = await verifyChain(shorter, verifier, { entityId: ENTITY, head: chain[4]?.hash ?? '', count: 5 });
    expect(report.intact).toBe(false);
    expect(report.broken_at_index).toBe(dropped === 4 ? 4 : dropped);
  });

  it('detects an amendment replayed from another entity', async () => {
    const { chain, verifier } = await buildChain();
    const report = await verifyChain(chain, verifier, { entityId: '0190a000-0000-7000-8000-000000000002' });
    expect(report.problems[0]).toMatchObject({ check: 'identity', index: 0 });
  });
});
