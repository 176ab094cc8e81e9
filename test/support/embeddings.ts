import { workerOptions, type Embeddings } from '../../src/composition/embeddings.ts';
import { processEmbeddingBatch, type WorkerOptions } from '../../src/core/use-cases/embedding-worker.ts';
import { testEmbeddingsConfig } from './ledger.ts';

/** Runs worker rounds until nothing is due; returns how many embeddings were stored. */
export const drainJobs = async (e: Embeddings, overrides: Partial<WorkerOptions> = {}): Promise<number> => {
  const options = workerOptions(testEmbeddingsConfig(), { workerId: 'test-worker', ...overrides });
  let stored = 0;
  for (;;) {
    const r = await processEmbeddingBatch(e.queue, e.embedder, options);
    stored += r.stored;
    if (r.claimed === 0) return stored;
    if (r.error !== undefined) throw new Error(r.error);
  }
};
