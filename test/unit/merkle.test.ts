import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  EMPTY_ROOT,
  hashLeaf,
  inclusionProof,
  MemoryTree,
  requiredNodes,
  inclusionRanges,
  verifyConsistency,
  verifyInclusion,
} from '../../src/core/merkle.ts';

// RFC 6962 reference data (the Certificate Transparency test vectors): leaves, then roots.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const hex = (hs: Buffer[]): string[] => hs.map((h) => h.toString('hex'));
const tree = new MemoryTree(LEAVES.map(hashLeaf));

describe('Merkle tree (RFC 6962 vectors)', () => {
  it('matches the reference root for every size 0..8', () => {
    expect(EMPTY_ROOT.toString('hex')).toBe(ROOTS[0]);
    for (let n = 0; n <= 8; n++) expect(tree.root(n).toString('hex'), `size ${n}`).toBe(ROOTS[n]);
  });

  it('produces the reference inclusion proofs', () => {
    expect(hex(inclusionProof(tree, 0, 8))).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(inclusionProof(tree, 5, 8))).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('produces the reference consistency proofs', () => {
    expect(hex(consistencyProof(tree, 2, 8))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(hex(consistencyProof(tree, 6, 8))).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(hex(consistencyProof(tree, 2, 5))).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
  });
});

describe('Merkle proofs (properties over random trees)', () => {
  const big = new MemoryTree(Array.from({ length: 70 }, () => hashLeaf(randomBytes(12))));

  it('every inclusion proof in every size verifies; a wrong index, size, leaf or hash does not', async () => {
    for (let n = 1; n <= big.size; n++) {
      const root = big.root(n);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(big, i, n);
        const leaf = big.node(0, i);
        expect(await verifyInclusion(i, n, leaf, proof, root), `${i}/${n}`).toBe(true);
        expect(proof.length).toBeLessThanOrEqual(Math.ceil(Math.log2(n)));
        if (n > 1) {
          expect(await verifyInclusion((i + 1) % n, n, leaf, proof, root)).toBe(false);
          expect(await verifyInclusion(i, n, big.node(0, (i + 1) % n), proof, root)).toBe(false);
          const altered = proof.map((h, j) => (j === 0 ? Buffer.from(h.map((b, k) => (k === 0 ? b ^ 1 : b))) : h));
          expect(await verifyInclusion(i, n, leaf, altered, root)).toBe(false);
        }
        if (n < big.size) expect(await verifyInclusion(i, n, leaf, proof, big.root(n + 1))).toBe(false);
      }
    }
  });

  it('every consistency proof between any two sizes verifies; an altered hash or root does not', async () => {
    for (let m = 1; m <= big.size; m++) {
      for (let n = m; n <= big.size; n++) {
        const proof = consistencyProof(big, m, n);
        expect(await verifyConsistency(m, n, big.root(m), big.root(n), proof), `${m}→${n}`).toBe(true);
        if (m < n) {
          expect(await verifyConsistency(m, n, big.root(m), big.root(n - 1), proof)).toBe(false);
          if (proof.length > 0) {
            const altered = proof.map((h, j) => (j === proof.length - 1 ? Buffer.from(h.map((b, k) => (k === 31 ? b ^ 1 : b))) : h));
            expect(await verifyConsistency(m, n, big.root(m), big.root(n), altered)).toBe(false);
          }
        }
      }
    }
  });

  it('needs only O(log n) stored nodes per proof', () => {
    const n = 1_000_000;
    expect(requiredNodes(inclusionRanges(123_457, n)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)));
  });
});
