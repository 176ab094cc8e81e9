import type { Hash } from '../merkle.ts';
import type { NoteSigner } from './crypto.ts';

/** The transparency log as stored: leaves, perfect subtrees, signed checkpoints. */
export interface LeafRow {
  leaf_index: number;
  entity_id: string;
  version: number;
  amendment_hash: string;
  leaf_hash: Buffer;
}

/** One entry of the change feed: a leaf of the log with what its amendment did. */
export interface ChangeRow {
  leaf_index: number;
  entity_id: string;
  entity_type: string;
  version: number;
  operation: string;
  hash: string;
  /** The amendment's signed timestamp. */
  timestamp: string;
}

/** What happened to one entity between two tree sizes: the log diff's row. */
export interface EntityChangeRow {
  entity_id: string;
  entity_type: string;
  /** The version before the range (0 when the entity was born inside it). */
  version_before: number;
  version_after: number;
  /** The operations of its amendments in the range, in log order. */
  operations: string[];
  /** The first leaf of this entity in the range: the rows come in this order. */
  first_leaf: number;
}

export interface CheckpointRow {
  tree_size: number;
  root_hash: Buffer;
  /** The note as the log signed it. */
  note: string;
  created_at: string;
  /** Witnesses' cosignature lines (C2SP tlog-cosignature) for this checkpoint, without newlines. */
  cosignatures: string[];
}

/** One witness's cosignature of one checkpoint, as kept. */
export interface CosignatureRow {
  tree_size: number;
  /** The witness's cosigner verifier key, as configured in LOG_WITNESSES. */
  witness_key: string;
  witness_name: string;
  /** The POSIX time the witness signed at. */
  timestamp: number;
  line: string;
}

/**
 * Reads and checkpoint writes of the log. Leaves are appended by the ledger store inside each
 * amendment's own transaction, never through this port.
 */
export interface LogStore {
  size(): Promise<number>;
  root(size: number): Promise<Hash>;
  inclusion(index: number, size: number): Promise<Hash[]>;
  consistency(first: number, second: number): Promise<Hash[]>;
  leafByAmendment(hash: string): Promise<LeafRow | undefined>;
  /** Leaves [start, end) in index order. */
  leaves(start: number, end: number): Promise<LeafRow[]>;
  /** Leaf hashes and amendment hashes of [0, size), in index order (export and audit). */
  allLeaves(size: number): Promise<LeafRow[]>;
  /** Leaves after `after` (exclusive; -1 for the start) in index order with their amendments, optionally of one kind. */
  changes(after: number, limit: number, kind?: string): Promise<ChangeRow[]>;
  /** Every leaf the log recorded for one entity, in version order. */
  leavesOfEntity(entityId: string): Promise<LeafRow[]>;
  /** The tree's own level-0 hashes at these indexes: what a leaf was, even if its leaf row is gone. */
  leafHashes(indexes: readonly number[]): Promise<Map<number, Hash>>;
  /** The entity's last leaf below `size`: its amendment in the tree of that size. */
  entityLeafAt(entityId: string, size: number): Promise<LeafRow | undefined>;
  /** Entities with leaves in [from, to), by their first leaf there. */
  changedBetween(from: number, to: number): Promise<EntityChangeRow[]>;
  latestCheckpoint(): Promise<CheckpointRow | undefined>;
  /** The last checkpoint signed at or before this instant. */
  checkpointAtOrBefore(at: string): Promise<CheckpointRow | undefined>;
  checkpoint(size: number): Promise<CheckpointRow | undefined>;
  checkpointSizes(): Promise<number[]>;
  /** Stores a checkpoint; a concurrent server that signed the same size first wins (same root). */
  saveCheckpoint(size: number, root: Hash, note: string): Promise<void>;
  /** The largest checkpoint this witness has cosigned, as far as this log kept. */
  lastCosignedSize(witnessKey: string): Promise<number | undefined>;
  saveCosignature(cosignature: CosignatureRow): Promise<void>;
}

/** The log as the use cases see it: its store, the key that signs its checkpoints, its name. */
export interface TransparencyLog {
  store: LogStore;
  signer: NoteSigner;
  origin: string;
  /** The published verifier key (C2SP note format) of the signer. */
  vkey: string;
}
