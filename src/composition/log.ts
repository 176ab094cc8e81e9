import { makeCheckpoint } from '../core/use-cases/checkpoint.ts';
import type { ExportLog } from '../core/use-cases/export-bundle.ts';
import type { LogContext } from './context.ts';

/** The export's view of the log: a fresh (or current) checkpoint, the leaves, kept checkpoints. */
export const exportLog = (log: LogContext): ExportLog => ({
  origin: log.origin,
  vkey: log.vkey,
  checkpoint: async () => {
    const made = await makeCheckpoint({ log: log.store, key: log.key, origin: log.origin });
    return { tree_size: made.size, note: made.note };
  },
  allLeaves: (size) => log.store.allLeaves(size),
  checkpointSizes: () => log.store.checkpointSizes(),
});

/**
 * Signs a checkpoint whenever the log has grown, at most every `intervalSeconds`, until stopped.
 * Every server runs one; they may race, and the database keeps one checkpoint per size.
 */
export const startCheckpointer = (log: LogContext, intervalSeconds: number, onError: (error: unknown) => void): (() => Promise<void>) => {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    // A slow database must not pile up signings: skip a tick while the last one runs.
    if (running !== null) return;
    running = makeCheckpoint({ log: log.store, key: log.key, origin: log.origin })
      .catch(onError)
      .finally(() => {
        running = null;
      });
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    if (running !== null) await running;
  };
};
