import type { Amendment } from '../amendment.ts';
import type { ChainProblem } from '../chain.ts';
import { verifyCheckpointNote } from '../checkpoint.ts';
import { amendmentLeaf, MemoryTree, verifyInclusion, type Hash } from '../merkle.ts';
import type { TransparencyLog } from '../ports/log.ts';

/** Where the log says an amendment sits: its leaf index and the entity and version recorded with it. */
export interface LeafPlace {
  index: number;
  entity: string;
  version: number;
}

export interface LogAudit {
  size: number;
  checkpoint_size: number | null;
  problems: string[];
}

/**
 * The log as a whole: leaf indexes run 0..n-1, every stored leaf hash is its amendment's, and the
 * latest checkpoint is validly signed and is the root of the first tree_size leaves. Returns the
 * place of every amendment, for the per-entity checks.
 */
export const checkWholeLog = async (log: Pick<TransparencyLog, 'store' | 'vkey'>): Promise<{ summary: LogAudit; leafOf: Map<string, LeafPlace> }> => {
  const size = await log.store.size();
  const leaves = await log.store.allLeaves(size);
  const problems: string[] = [];
  const leafOf = new Map<string, LeafPlace>();
  if (leaves.length !== size) problems.push(`the log records ${size} leaves but ${leaves.length} exist (truncated or missing leaves)`);
  const tree = new MemoryTree();
  for (const [i, leaf] of leaves.entries()) {
    if (leaf.leaf_index !== i) problems.push(`leaf index ${leaf.leaf_index} found where ${i} was expected (a gap)`);
    if (!amendmentLeaf(leaf.amendment_hash).equals(Buffer.from(leaf.leaf_hash))) {
      problems.push(`leaf ${leaf.leaf_index} does not hash its amendment ${leaf.amendment_hash}`);
    }
    tree.append(Buffer.from(leaf.leaf_hash));
    leafOf.set(leaf.amendment_hash, { index: leaf.leaf_index, entity: leaf.entity_id, version: leaf.version });
  }
  const latest = await log.store.latestCheckpoint();
  if (latest !== undefined) {
    const note = verifyCheckpointNote(latest.note, log.vkey);
    if (!note.ok) problems.push(`latest checkpoint: ${note.reason}`);
    else if (note.checkpoint.size > tree.size) {
      problems.push(`latest checkpoint covers ${note.checkpoint.size} leaves but the log holds ${tree.size}: the log lost its tail`);
    } else if (!tree.root(note.checkpoint.size).equals(note.checkpoint.root)) {
      problems.push(`latest checkpoint (size ${note.checkpoint.size}) does not match the tree: leaves were changed or reordered`);
    }
  }
  return { summary: { size, checkpoint_size: latest?.tree_size ?? null, problems }, leafOf };
};

/** A signed tree to prove inclusion against: the latest checkpoint's size and root. */
export interface SignedTree {
  size: number;
  root: Hash;
  inclusion(index: number, size: number): Promise<Hash[]>;
}

/** The latest checkpoint as a signed tree, or why it cannot serve as one. */
export const latestSignedTree = async (log: Pick<TransparencyLog, 'store' | 'vkey'>): Promise<{ tree?: SignedTree; problem?: string }> => {
  const latest = await log.store.latestCheckpoint();
  if (latest === undefined) return {};
  const note = verifyCheckpointNote(latest.note, log.vkey);
  if (!note.ok) return { problem: `latest checkpoint: ${note.reason}` };
  return { tree: { size: note.checkpoint.size, root: note.checkpoint.root, inclusion: (index, size) => log.store.inclusion(index, size) } };
};

/**
 * One entity's place in the log: each amendment is a leaf recorded for this entity and version,
 * and, when a signed tree is given and covers the leaf, provably included in it. The audit passes
 * the places it read with the whole log (whose tree it already compared with the checkpoint);
 * the tampering report looks each leaf up and proves it.
 */
export const entityLogProblems = async (
  entityId: string,
  amendments: readonly Amendment[],
  placeOf: (hash: string) => LeafPlace | undefined | Promise<LeafPlace | undefined>,
  signed?: SignedTree,
): Promise<ChainProblem[]> => {
  const problems: ChainProblem[] = [];
  for (const [index, a] of amendments.entries()) {
    const version = a.payload.version;
    const leaf = await placeOf(a.hash);
    if (leaf === undefined) {
      problems.push({ check: 'log', index, version, detail: `amendment v${version} is not a leaf of the log` });
      continue;
    }
    if (leaf.entity !== entityId || leaf.version !== version) {
      problems.push({ check: 'log', index, version, detail: `leaf ${leaf.index} is recorded for ${leaf.entity} v${leaf.version}` });
    }
    if (signed !== undefined && leaf.index < signed.size) {
      const proof = await signed.inclusion(leaf.index, signed.size).catch(() => null);
      if (proof === null || !verifyInclusion(leaf.index, signed.size, amendmentLeaf(a.hash), proof, signed.root)) {
        problems.push({ check: 'log', index, version, detail: `v${version} is not included at leaf ${leaf.index} of the signed tree of size ${signed.size}` });
      }
    }
  }
  return problems;
};

/** The log's own lookup of an amendment's leaf, as a place. */
export const storedPlace =
  (log: Pick<TransparencyLog, 'store'>) =>
  async (hash: string): Promise<LeafPlace | undefined> => {
    const leaf = await log.store.leafByAmendment(hash);
    return leaf === undefined ? undefined : { index: leaf.leaf_index, entity: leaf.entity_id, version: leaf.version };
  };
