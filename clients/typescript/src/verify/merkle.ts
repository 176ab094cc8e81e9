import { concatBytes, equalBytes, fromHex } from './bytes.ts';
import { webSha256, type Sha256 } from './digest.ts';

/**
 * RFC 6962 / RFC 9162 proof verification: leaf = SHA-256(0x00 ‖ data), node = SHA-256(0x01 ‖
 * left ‖ right). The server builds proofs; this is the part a verifier needs, and the only copy.
 */
const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export const hashLeaf = async (data: Uint8Array, sha256: Sha256 = webSha256): Promise<Uint8Array> => sha256(concatBytes(LEAF, data));
export const hashChildren = async (left: Uint8Array, right: Uint8Array, sha256: Sha256 = webSha256): Promise<Uint8Array> =>
  sha256(concatBytes(NODE, left, right));

/** The leaf an amendment becomes in the log: its hash's 32 bytes, leaf-hashed. */
export const amendmentLeaf = async (amendmentHash: string, sha256: Sha256 = webSha256): Promise<Uint8Array> => {
  const bytes = fromHex(amendmentHash);
  if (bytes?.length !== 32) throw new TypeError(`amendment hash ${amendmentHash} is not 32 bytes of hex`);
  return hashLeaf(bytes, sha256);
};

// Plain arithmetic, not bit operators: JavaScript's are 32-bit and logs grow past 2^31.
const half = (n: number): number => Math.floor(n / 2);
const odd = (n: number): boolean => n % 2 === 1;
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

/** RFC 9162 §2.1.3.2: does `proof` place `leaf` (a leaf hash) at `index` in the tree of `size` with `root`? */
export const verifyInclusion = async (
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
  sha256: Sha256 = webSha256,
): Promise<boolean> => {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      r = await hashChildren(p, r, sha256);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = await hashChildren(r, p, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(r, root);
};

/** RFC 9162 §2.1.4.2: is the tree of `second` an append-only extension of the tree of `first`? */
export const verifyConsistency = async (
  first: number,
  second: number,
  firstRoot: Uint8Array,
  secondRoot: Uint8Array,
  proof: readonly Uint8Array[],
  sha256: Sha256 = webSha256,
): Promise<boolean> => {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second) || first < 0 || first > second) return false;
  if (first === second) return proof.length === 0 && equalBytes(firstRoot, secondRoot);
  if (first === 0) return proof.length === 0;
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  const start = path[0];
  if (start === undefined) return false;
  let fn = first - 1;
  let sn = second - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = start;
  let sr = start;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (odd(fn) || fn === sn) {
      fr = await hashChildren(c, fr, sha256);
      sr = await hashChildren(c, sr, sha256);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = await hashChildren(sr, c, sha256);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot);
};

/** Hex proof hashes as bytes; null when any is not 32 bytes of hex. */
export const proofFromHex = (hashes: readonly string[]): Uint8Array[] | null => {
  const out: Uint8Array[] = [];
  for (const h of hashes) {
    const bytes = typeof h === 'string' ? fromHex(h) : null;
    if (bytes?.length !== 32) return null;
    out.push(bytes);
  }
  return out;
};
