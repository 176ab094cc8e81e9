import { createHash } from 'node:crypto';
import * as shared from '@plant/client/verify';
import { nodeSha256 } from './canonical.ts';

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing and proofs.
 *   leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖ left ‖ right), empty tree = SHA-256("").
 * The tree over n leaves splits at k, the largest power of two smaller than n (not the midpoint).
 *
 * Proofs are computed from *perfect subtrees*: a subtree of 2^level leaves starting at a multiple
 * of 2^level, identified by (level, index). Every range that RFC 6962's recursion visits splits
 * into at most log2(n) such subtrees, so with the perfect subtrees stored (as the log does) any
 * root or proof costs O(log n) lookups, whatever the size of the log.
 */
export type Hash = Buffer;

export const hashLeaf = (data: Uint8Array): Hash => createHash('sha256').update(Buffer.from([0])).update(data).digest();
export const hashChildren = (left: Uint8Array, right: Uint8Array): Hash =>
  createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

/** Perfect subtree hashes: level 0 are leaf hashes. */
export interface NodeSource {
  node(level: number, index: number): Hash;
}

export interface Coordinate {
  level: number;
  index: number;
}

// Plain arithmetic, not bit operators: JavaScript's are 32-bit and logs grow past 2^31.
const odd = (n: number): boolean => n % 2 === 1;
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;
/** Largest power of two strictly smaller than n (n ≥ 2). */
export const splitPoint = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** The perfect subtrees that make up [start, start + size), largest (leftmost) first. */
export const perfectParts = (start: number, size: number): Coordinate[] => {
  const parts: Coordinate[] = [];
  let at = start;
  let left = size;
  while (left > 0) {
    const k = isPowerOfTwo(left) ? left : splitPoint(left);
    const level = Math.round(Math.log2(k));
    parts.push({ level, index: at / k });
    at += k;
    left -= k;
  }
  return parts;
};

/** MTH of a range the RFC 6962 recursion produces: its perfect parts folded from the right. */
export const rangeHash = (source: NodeSource, start: number, size: number): Hash => {
  if (size === 0) return EMPTY_ROOT;
  const parts = perfectParts(start, size);
  let hash: Hash | undefined;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as Coordinate;
    const node = source.node(part.level, part.index);
    hash = hash === undefined ? node : hashChildren(node, hash);
  }
  return hash ?? EMPTY_ROOT;
};

export const rootHash = (source: NodeSource, size: number): Hash => rangeHash(source, 0, size);

export interface Range {
  start: number;
  size: number;
}

/** RFC 6962 §2.1.1 PATH(m, D[0:n]) as the ranges whose hashes form the proof, leaf-side first. */
export const inclusionRanges = (index: number, size: number): Range[] => {
  if (index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const walk = (m: number, start: number, n: number): Range[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...walk(m, start, k), { start: start + k, size: n - k }] : [...walk(m - k, start + k, n - k), { start, size: k }];
  };
  return walk(index, 0, size);
};

/** RFC 6962 §2.1.2 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true), as ranges. */
export const consistencyRanges = (first: number, second: number): Range[] => {
  if (first < 0 || first > second) throw new RangeError(`no consistency proof from ${first} to ${second}`);
  if (first === 0 || first === second) return [];
  const sub = (m: number, start: number, n: number, whole: boolean): Range[] => {
    if (m === n) return whole ? [] : [{ start, size: n }];
    const k = splitPoint(n);
    return m <= k ? [...sub(m, start, k, whole), { start: start + k, size: n - k }] : [...sub(m - k, start + k, n - k, false), { start, size: k }];
  };
  return sub(first, 0, second, true);
};

/** Every perfect subtree the given ranges need: what a store must fetch to answer. */
export const requiredNodes = (ranges: readonly Range[]): Coordinate[] => {
  const seen = new Map<string, Coordinate>();
  for (const r of ranges) for (const c of perfectParts(r.start, r.size)) seen.set(`${c.level}:${c.index}`, c);
  return [...seen.values()];
};

export const inclusionProof = (source: NodeSource, index: number, size: number): Hash[] =>
  inclusionRanges(index, size).map((r) => rangeHash(source, r.start, r.size));

export const consistencyProof = (source: NodeSource, first: number, second: number): Hash[] =>
  consistencyRanges(first, second).map((r) => rangeHash(source, r.start, r.size));

/** Proof checks are the shared verification module's (the SDK's), hashing with node:crypto here. */
export const verifyInclusion = (index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> =>
  shared.verifyInclusion(index, size, leaf, proof, root, nodeSha256);

export const verifyConsistency = (first: number, second: number, firstRoot: Uint8Array, secondRoot: Uint8Array, proof: readonly Uint8Array[]): Promise<boolean> =>
  shared.verifyConsistency(first, second, firstRoot, secondRoot, proof, nodeSha256);

/**
 * An in-memory tree that keeps every perfect subtree (levels[l][i] = node(l, i)). Used by the
 * export (which holds all leaves anyway), the audit and tests. Memory: about 2n hashes.
 */
export class MemoryTree implements NodeSource {
  private readonly levels: Hash[][] = [[]];

  constructor(leafHashes: readonly Hash[] = []) {
    for (const leaf of leafHashes) this.append(leaf);
  }

  get size(): number {
    return this.levels[0]?.length ?? 0;
  }

  append(leafHash: Hash): void {
    let level = 0;
    let hash = leafHash;
    for (;;) {
      const row = this.levels[level] ?? [];
      this.levels[level] = row;
      row.push(hash);
      if (!odd(row.length - 1)) return;
      hash = hashChildren(row[row.length - 2] as Hash, hash);
      level++;
    }
  }

  node(level: number, index: number): Hash {
    const hash = this.levels[level]?.[index];
    if (hash === undefined) throw new RangeError(`no perfect subtree (${level}, ${index}) in a tree of ${this.size}`);
    return hash;
  }

  root(size = this.size): Hash {
    return rootHash(this, size);
  }
}

/** The leaf an amendment becomes in the log: its hash's 32 bytes, RFC 6962 leaf-hashed. */
export const amendmentLeaf = (amendmentHash: string): Hash => hashLeaf(Buffer.from(amendmentHash, 'hex'));
