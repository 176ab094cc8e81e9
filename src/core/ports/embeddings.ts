import type { JsonObject, SearchableKind, Status } from '../entity.ts';
import type { Vector } from '../embeddings/vector.ts';
import type { Actor } from './ledger.ts';

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

// The durable embedding job queue.

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

export interface DeadJob {
  entity_id: string;
  entity_type: string;
  name: string;
  attempts: number;
  last_error: string | null;
  updated_at: string;
}

export interface EmbeddingStats {
  documents: number;
  embedded: number;
  /** Embedded with another model than the current one (re-queued at worker start). */
  other_model: number;
  queued: number;
  in_flight: number;
  dead: number;
}

/** The pipeline at a glance (`plant embeddings status`): who embeds, with what, and the queue. */
export interface EmbeddingStatus extends EmbeddingStats {
  provider: string;
  model: string;
  cache: string;
}

/** What operators and workers do with the queue besides leasing: re-queue, dead letters, counts. */
export interface EmbeddingJobs extends EmbeddingQueue {
  /** Re-queues every document embedded by another model (a worker does it at start). */
  requeueOtherModels(model: string): Promise<number>;
  /** Rebuilds every document and queues all of them. */
  requeueAll(): Promise<number>;
  dead(limit?: number): Promise<DeadJob[]>;
  /** Gives dead jobs (these, or all) fresh attempts; returns the ids re-queued. */
  retry(entityIds?: readonly string[]): Promise<string[]>;
  stats(model: string): Promise<EmbeddingStats>;
  counts(): Promise<{ queued: number; dead: number }>;
  pending(): Promise<number>;
}

/** The embedder the service uses: answers through its cache, or fresh from the provider. */
export interface CachingEmbedder extends Embedder, FreshEmbedder {
  readonly cache: Pick<EmbeddingCache, 'kind'>;
}

// Search over the derived documents.

export interface SearchFilter {
  kinds: readonly SearchableKind[];
  statuses: readonly Status[];
  industryId?: string | undefined;
  certifiedOnly: boolean;
}

export interface Candidate {
  entityId: string;
  entityType: SearchableKind;
  name: string;
  status: Status;
  certified: boolean;
  industryId: string | null;
}

export interface VectorCandidate extends Candidate {
  similarity: number;
}

export interface TextCandidate extends Candidate {
  textRank: number;
  /** Query stems found in the document. */
  terms: string[];
}

export interface SearchIndex {
  nearest(vector: Vector, model: string, filter: SearchFilter, limit: number): Promise<VectorCandidate[]>;
  matching(query: string, filter: SearchFilter, limit: number): Promise<TextCandidate[]>;
}

// The drift monitor's view of stored embeddings, and the runs it keeps.

export interface StoredEmbedding {
  entityId: string;
  entityType: string;
  name: string;
  body: string;
  embedding: Vector | null;
  model: string | null;
}

export interface QualityReport {
  total_entities: number;
  checked: number;
  stable_count: number;
  /** Not embedded yet, or embedded by another model (their jobs re-embed them anyway). */
  skipped: number;
  drift_detected: { entity_id: string; entity_type: string; name: string; stability_score: number; threshold: number }[];
  regenerated: string[];
  errors: { entity_id: string; error: string }[];
}

export interface QualityStore {
  /** Every document in pages of `size`, in a stable order. */
  pages(size: number): AsyncIterable<StoredEmbedding[]>;
  /** Records each result in the entity's drift_detector and stores the regenerated vectors. */
  record(actor: Actor, model: string, results: readonly { entityId: string; drift: JsonObject; regenerated?: { body: string; vector: Vector } }[]): Promise<void>;
}

export interface FreshEmbedder {
  readonly model: string;
  /** A new answer from the provider, never from the cache. */
  embedFresh(texts: readonly string[]): Promise<Vector[]>;
}

export interface QualityRun {
  id: number;
  trigger: 'schedule' | 'manual';
  requested_by: string;
  slot: string | null;
  model: string;
  threshold: number;
  state: 'running' | 'done' | 'failed';
  started_at: string;
  finished_at: string | null;
  report: (QualityReport & { error?: string }) | null;
}

export interface QualityRuns {
  /** Opens a run; null when another process already opened the run of this schedule slot. */
  start(trigger: QualityRun['trigger'], requestedBy: string, model: string, threshold: number, slot?: string): Promise<number | null>;
  finish(id: number, state: 'done' | 'failed', report: QualityReport | { error: string }): Promise<void>;
  runs(limit: number): Promise<QualityRun[]>;
  run(id: number): Promise<QualityRun | undefined>;
}
