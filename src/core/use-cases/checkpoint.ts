import { servedNote, signCheckpoint } from '../checkpoint.ts';
import type { TransparencyLog } from '../ports/log.ts';

/**
 * Signs a checkpoint of the log as it is now, unless the latest already covers it. Several
 * servers may race here: each signs the same size and root, and the first insert is kept. The
 * note returned carries the cosignatures the latest checkpoint has gathered.
 */
export const makeCheckpoint = async (log: Pick<TransparencyLog, 'store' | 'signer' | 'origin'>): Promise<{ size: number; note: string; created: boolean }> => {
  const size = await log.store.size();
  const latest = await log.store.latestCheckpoint();
  if (latest !== undefined && latest.tree_size >= size) return { size: latest.tree_size, note: servedNote(latest), created: false };
  const root = await log.store.root(size);
  const note = await signCheckpoint({ origin: log.origin, size, root }, log.signer);
  await log.store.saveCheckpoint(size, root, note);
  return { size, note, created: true };
};
