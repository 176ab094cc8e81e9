import type { Embedder, EmbeddingJobs } from '../core/ports/embeddings.ts';
import { processEmbeddingBatch, type WorkerOptions } from '../core/use-cases/embedding-worker.ts';
import type { BackgroundJob, JobLogger } from './job.ts';

/** How often an idle worker looks for due jobs. */
const POLL_MS = 1000;

/**
 * The embedding job worker: a round every second, back to back while there is a full batch.
 * Model switches are picked up at start by re-queueing vectors of any other model.
 */
export const embeddingWorker = (
  deps: { queue: EmbeddingJobs; embedder: Embedder },
  options: WorkerOptions,
  logger: JobLogger,
): BackgroundJob => ({
  name: 'embedding-worker',
  start: () => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> | null = null;
    const failed = (error: unknown): void => {
      logger.error({ err: error }, 'embedding worker round failed');
    };
    const schedule = (delay: number): void => {
      if (stopped) return;
      clearTimeout(timer);
      timer = setTimeout(tick, delay);
      timer.unref();
    };
    const round = async (): Promise<void> => {
      let full = true;
      while (full && !stopped) {
        const result = await processEmbeddingBatch(deps.queue, deps.embedder, options);
        if (result.error !== undefined) logger.warn({ jobs: result.claimed, reason: result.error }, 'embedding batch failed; jobs will be retried');
        full = result.claimed === options.batchSize && result.failed === 0;
      }
    };
    const tick = (): void => {
      if (running !== null) return;
      running = round()
        .catch(failed)
        .finally(() => {
          running = null;
          schedule(POLL_MS);
        });
    };
    running = deps.queue
      .requeueOtherModels(deps.embedder.model)
      .then(() => undefined)
      .catch(failed)
      .finally(() => {
        running = null;
        schedule(0);
      });
    return async () => {
      stopped = true;
      clearTimeout(timer);
      if (running !== null) await running;
    };
  },
});
