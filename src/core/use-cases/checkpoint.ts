import { signCheckpoint, type NoteKey } from '../checkpoint.ts';
import type { Hash } from '../merkle.ts';

/** What checkpointing needs from the log (implemented by the database adapter). */
export interface CheckpointLog {
  size(): Promise<number>;
  root(size: number): Promise<Hash>;
  latestCheckpoint(): Promise<{ tree_size: number; note: string } | undefined>;
  saveCheckpoint(size: number, root: Hash, note: string): Promise<void>;
}

export interface CheckpointDeps {
  log: CheckpointLog;
  key: NoteKey;
  origin: string;
}

/**
 * Signs a checkpoint of the log as it is now, unless the latest already covers it. Several
 * servers may race here: each signs the same size and root, and the first insert is kept.
 */
export const makeCheckpoint = async (deps: CheckpointDeps): Promise<{ size: number; note: string; created: boolean }> => {
  const size = await deps.log.size();
  const latest = await deps.log.latestCheckpoint();
  if (latest !== undefined && latest.tree_size >= size) return { size: latest.tree_size, note: latest.note, created: false };
  const root = await deps.log.root(size);
  const note = signCheckpoint({ origin: deps.origin, size, root }, deps.key);
  await deps.log.saveCheckpoint(size, root, note);
  return { size, note, created: true };
};
