import type { Embedder, FailurePolicy, EmbeddingQueue } from '../ports/embeddings.ts';

export interface WorkerOptions extends FailurePolicy {
  workerId: string;
  batchSize: number;
  /** Longer than the slowest embedding call with its retries, or a live job could be re-leased. */
  leaseSeconds: number;
}

export interface BatchResult {
  claimed: number;
  stored: number;
  failed: number;
  error?: string;
}

/**
 * One round of the worker: lease a batch, embed its texts in one call, store what is still
 * current. A failure of the embedding service puts the whole batch back with a backoff; it never
 * touches the ledger.
 */
export const processEmbeddingBatch = async (queue: EmbeddingQueue, embedder: Embedder, options: WorkerOptions): Promise<BatchResult> => {
  const jobs = await queue.claim(options.workerId, options.batchSize, options.leaseSeconds, options.maxAttempts);
  if (jobs.length === 0) return { claimed: 0, stored: 0, failed: 0 };
  let vectors;
  try {
    vectors = await embedder.embed(jobs.map((j) => j.body));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await queue.fail(options.workerId, jobs, message, options);
    return { claimed: jobs.length, stored: 0, failed: jobs.length, error: message };
  }
  const stored = await queue.complete(
    options.workerId,
    embedder.model,
    jobs.map((job, i) => ({ job, vector: vectors[i] ?? [] })),
  );
  return { claimed: jobs.length, stored: stored.length, failed: 0 };
};
