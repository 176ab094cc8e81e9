import type { Vector } from './vector.ts';

/**
 * Turns texts into embeddings. `embed` answers one vector per text, in the same order, or
 * throws: a batch never comes back shorter or shuffled.
 */
export interface Embedder {
  /** Identifies the vector space: vectors of different models are never compared. */
  readonly model: string;
  embed(texts: readonly string[]): Promise<Vector[]>;
}

/** Content-addressed embedding cache. Failures are the cache's problem: it answers a miss. */
export interface EmbeddingCache {
  readonly kind: string;
  getMany(keys: readonly string[]): Promise<(Vector | undefined)[]>;
  setMany(entries: readonly (readonly [string, Vector])[]): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
}
