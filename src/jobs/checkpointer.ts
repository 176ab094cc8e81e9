import type { TransparencyLog } from '../core/ports/log.ts';
import { makeCheckpoint } from '../core/use-cases/checkpoint.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

/**
 * Signs a checkpoint whenever the log has grown, at most every `intervalSeconds`. Every server runs
 * one; they may race, and the database keeps one checkpoint per size.
 */
export const checkpointer = (log: TransparencyLog, intervalSeconds: number, logger: JobLogger): BackgroundJob => ({
  name: 'checkpointer',
  start: () => {
    let running: Promise<unknown> | null = null;
    const timer = setInterval(() => {
      // A slow database must not pile up signings: skip a tick while the last one runs.
      if (running !== null) return;
      running = makeCheckpoint(log)
        .catch((error: unknown) => {
          logger.error({ err: error }, 'checkpoint failed');
        })
        .finally(() => {
          running = null;
        });
    }, intervalSeconds * 1000);
    timer.unref();
    return async () => {
      clearInterval(timer);
      if (running !== null) await running;
    };
  },
});
