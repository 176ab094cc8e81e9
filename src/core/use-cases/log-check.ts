import type { Amendment } from '../amendment.ts';
import type { ChainProblem } from '../chain.ts';
import { verifyCheckpointNote } from '../checkpoint.ts';
import { amendmentLeaf, MemoryTree, verifyInclusion, type Hash } from '../merkle.ts';
import type { LeafRow, LogStore, TransparencyLog } from '../ports/log.ts';

/** Where the log says an amendment sits: its leaf index and the entity and version recorded with it. */
export interface LeafPlace {
  index: number;
  entity: string;
  version: number;
}

export interface LogAudit {
  size: number;
  checkpoint_size: number | null;
  /** Root causes first, then what follows from them. */
  problems: string[];
}

/** Indexes as ranges ("3, 7-9"), at most `max` of them shown. */
export const indexRanges = (indexes: readonly number[], max = 20): string => {
  const ranges: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === (indexes[j] ?? 0) + 1) j++;
    ranges.push(i === j ? String(indexes[i]) : `${indexes[i]}-${indexes[j]}`);
    i = j + 1;
  }
  return ranges.length > max ? `${ranges.slice(0, max).join(', ')}, …` : ranges.join(', ');
};

/** The log's first `size` leaves, each where its index says, with the tree filling what the rows lost. */
export interface LogRead {
  rows: LeafRow[];
  /** Leaf hashes by index: from the leaf rows, or from the tree's own level-0 nodes where a row is gone. */
  hashes: (Hash | undefined)[];
  /** Indexes below the size with no leaf row (the mapping to an amendment is lost). */
  missingRows: number[];
  /** Of those, the ones whose tree node is gone too: the tree itself is incomplete. */
  lost: number[];
}

export const readLog = async (store: LogStore, size: number): Promise<LogRead> => {
  const rows = (await store.allLeaves(size)).filter((r) => Number.isInteger(r.leaf_index) && r.leaf_index >= 0 && r.leaf_index < size);
  const hashes = new Array<Hash | undefined>(size);
  for (const r of rows) hashes[r.leaf_index] = Buffer.from(r.leaf_hash);
  const missingRows: number[] = [];
  for (let i = 0; i < size; i++) if (hashes[i] === undefined) missingRows.push(i);
  const fromTree = await store.leafHashes(missingRows);
  for (const [i, h] of fromTree) hashes[i] = h;
  return { rows, hashes, missingRows, lost: missingRows.filter((i) => !fromTree.has(i)) };
};

/** A leaf as the audit places it: where it sits, whose it says it is, and the amendment hash it commits to. */
export interface RecordedLeaf extends LeafPlace {
  hash: string;
}

/**
 * The log as a whole: every leaf 0..n-1 has its row, every row hashes its amendment, and the
 * latest checkpoint is validly signed and is the root of its first tree_size leaves. Each cause is
 * reported once (a missing leaf is one line, not one per leaf after it). Returns the place of
 * every amendment, and the leaves recorded for each entity, for the per-entity checks.
 */
export const checkWholeLog = async (
  log: Pick<TransparencyLog, 'store' | 'vkey'>,
): Promise<{ summary: LogAudit; leafOf: Map<string, LeafPlace>; leavesOf: Map<string, RecordedLeaf[]> }> => {
  const size = await log.store.size();
  const read = await readLog(log.store, size);
  const problems: string[] = [];
  const consequences: string[] = [];
  const leafOf = new Map<string, LeafPlace>();
  const leavesOf = new Map<string, RecordedLeaf[]>();
  if (read.missingRows.length > 0) {
    const kept = read.missingRows.length - read.lost.length;
    problems.push(
      `the log is missing the record of leaf ${indexRanges(read.missingRows)} (${read.missingRows.length} of ${size})` +
        (read.lost.length === 0 ? ': the tree still holds those leaves, so the amendments they were for cannot be named by the log' : kept > 0 ? `, and the tree lost leaf ${indexRanges(read.lost)} too` : ', and the tree lost them too'),
    );
  }
  const badRows: number[] = [];
  for (const leaf of read.rows) {
    if (!amendmentLeaf(leaf.amendment_hash).equals(Buffer.from(leaf.leaf_hash))) badRows.push(leaf.leaf_index);
    const place = { index: leaf.leaf_index, entity: leaf.entity_id, version: leaf.version };
    leafOf.set(leaf.amendment_hash, place);
    const recorded = leavesOf.get(leaf.entity_id) ?? [];
    recorded.push({ ...place, hash: leaf.amendment_hash });
    leavesOf.set(leaf.entity_id, recorded);
  }
  if (badRows.length > 0) problems.push(`leaf ${indexRanges(badRows)} does not hash the amendment its row names (${badRows.length} leaves)`);
  const latest = await log.store.latestCheckpoint();
  if (latest !== undefined) {
    const note = await verifyCheckpointNote(latest.note, log.vkey);
    if (!note.ok) problems.push(`latest checkpoint: ${note.reason}`);
    else if (note.checkpoint.size > size) {
      problems.push(`latest checkpoint covers ${note.checkpoint.size} leaves but the log holds ${size}: the log lost its tail`);
    } else if (read.lost.some((i) => i < note.checkpoint.size)) {
      consequences.push(`the tree cannot be compared with the latest checkpoint (size ${note.checkpoint.size}) while leaves are lost`);
    } else if (!new MemoryTree(read.hashes.slice(0, note.checkpoint.size) as Hash[]).root().equals(note.checkpoint.root)) {
      problems.push(`latest checkpoint (size ${note.checkpoint.size}) does not match the tree: leaves were changed or reordered`);
    }
  }
  return { summary: { size, checkpoint_size: latest?.tree_size ?? null, problems: [...problems, ...consequences] }, leafOf, leavesOf };
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
  const note = await verifyCheckpointNote(latest.note, log.vkey);
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
  recorded?: readonly RecordedLeaf[],
): Promise<ChainProblem[]> => {
  const problems: ChainProblem[] = [];
  // The other direction: a leaf the log recorded for this entity whose amendment its history no
  // longer holds. A history rolled back consistently (amendments and projection together) still
  // has its leaves in the log, so the cut shows here, at the first removed version.
  const held = new Set(amendments.map((a) => a.hash));
  const cut = (recorded ?? []).filter((leaf) => !held.has(leaf.hash)).sort((a, b) => a.version - b.version);
  const first = cut[0];
  if (first !== undefined) {
    problems.push({
      check: 'log',
      index: amendments.length,
      version: first.version,
      detail:
        `leaf ${first.index} records v${first.version} (${first.hash.slice(0, 12)}…), which the history (v1-v${amendments.length}) does not hold: ` +
        `${cut.length === 1 ? 'a version was' : `${cut.length} versions were`} removed`,
    });
  }
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
      if (proof === null || !(await verifyInclusion(leaf.index, signed.size, amendmentLeaf(a.hash), proof, signed.root))) {
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

/** The leaves the log recorded for one entity, for the cut-history check. */
export const recordedLeaves = async (log: Pick<TransparencyLog, 'store'>, entityId: string): Promise<RecordedLeaf[]> =>
  (await log.store.leavesOfEntity(entityId)).map((l) => ({ index: l.leaf_index, entity: l.entity_id, version: l.version, hash: l.amendment_hash }));
