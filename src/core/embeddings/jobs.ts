import type { Vector } from './vector.ts';

/** A leased embedding job: the document text as it was when the job was claimed. */
export interface EmbeddingJob {
  entityId: string;
  attempts: number;
  body: string;
}

export interface FailurePolicy {
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
}

/** The durable queue (PostgreSQL). Every method is one transaction. */
export interface EmbeddingQueue {
  /** Leases up to `limit` due jobs that no live lease holds. */
  claim(workerId: string, limit: number, leaseSeconds: number, maxAttempts: number): Promise<EmbeddingJob[]>;
  /**
   * Stores each vector if the worker still holds the lease and the text is unchanged, and
   * finishes those jobs. A job whose text changed meanwhile is released to run again at once.
   * Returns the ids stored.
   */
  complete(workerId: string, model: string, done: readonly { job: EmbeddingJob; vector: Vector }[]): Promise<string[]>;
  /** Releases the jobs with a backoff (doubling per attempt); 'dead' after max attempts. */
  fail(workerId: string, jobs: readonly EmbeddingJob[], error: string, policy: FailurePolicy): Promise<void>;
}
