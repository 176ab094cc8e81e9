import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CachedEmbedder } from '../adapters/embeddings/cached-embedder.ts';
import { LruEmbeddingCache, RedisEmbeddingCache } from '../adapters/embeddings/caches.ts';
import { HttpEmbedder } from '../adapters/embeddings/http-embedder.ts';
import { OpenAiEmbedder } from '../adapters/embeddings/openai-embedder.ts';
import type { RetryPolicy } from '../adapters/embeddings/post-json.ts';
import { PgEmbeddingQueue } from '../adapters/db/embedding-jobs.ts';
import { PgQualityStore } from '../adapters/db/embedding-quality.ts';
import { PgSearchIndex } from '../adapters/db/search-index.ts';
import type { SqlPool } from '../adapters/db/sql.ts';
import { OfflineEmbedder } from '../core/embeddings/offline-embedder.ts';
import type { WorkerOptions } from '../core/use-cases/embedding-worker.ts';
import type { Config } from './config.ts';
import type { CachingEmbedder, Embedder, EmbeddingCache, EmbeddingJobs, EmbeddingStatus, QualityRuns, QualityStore, SearchIndex } from '../core/ports/embeddings.ts';

export type EmbeddingsConfig = Pick<
  Config,
  | 'EMBEDDINGS_PROVIDER' | 'EMBEDDINGS_MODEL' | 'ML_SERVICE_URL' | 'EMBEDDINGS_URL' | 'EMBEDDINGS_API_KEY' | 'EMBEDDINGS_TIMEOUT_MS'
  | 'EMBEDDINGS_RETRIES' | 'EMBEDDINGS_BATCH_SIZE' | 'EMBEDDINGS_CACHE_TTL_SECONDS' | 'EMBEDDINGS_CACHE_ENTRIES' | 'REDIS_URL'
  | 'EMBEDDINGS_JOB_MAX_ATTEMPTS' | 'EMBEDDINGS_QUALITY_CRON' | 'EMBEDDINGS_STABILITY_THRESHOLD'
>;

/** Search and the embedding pipeline, as ports: what the routes, the CLI and the jobs use. */
export interface Embeddings {
  embedder: CachingEmbedder;
  queue: EmbeddingJobs;
  index: SearchIndex;
  quality: QualityStore & QualityRuns;
  threshold: number;
  close(): Promise<void>;
}

export const embeddingStatus = async (e: Embeddings, config: Pick<Config, 'EMBEDDINGS_PROVIDER'>): Promise<EmbeddingStatus> => ({
  provider: config.EMBEDDINGS_PROVIDER,
  model: e.embedder.model,
  cache: e.embedder.cache.kind,
  ...(await e.queue.stats(e.embedder.model)),
});

export const retryPolicy = (config: EmbeddingsConfig): RetryPolicy => ({
  timeoutMs: config.EMBEDDINGS_TIMEOUT_MS,
  retries: config.EMBEDDINGS_RETRIES,
  baseDelayMs: 200,
  maxDelayMs: 5000,
});

/** The provider EMBEDDINGS_PROVIDER names, each with the model it defaults to. */
export const providerFor = (config: EmbeddingsConfig): Embedder => {
  switch (config.EMBEDDINGS_PROVIDER) {
    case 'offline':
      return new OfflineEmbedder();
    case 'http':
      return new HttpEmbedder(config.ML_SERVICE_URL, config.EMBEDDINGS_MODEL ?? 'MiniLM-384', retryPolicy(config));
    case 'openai':
      return new OpenAiEmbedder(
        config.EMBEDDINGS_URL ?? '',
        config.EMBEDDINGS_MODEL ?? 'all-MiniLM-L6-v2',
        config.EMBEDDINGS_API_KEY,
        retryPolicy(config),
        config.EMBEDDINGS_BATCH_SIZE,
      );
  }
};

export const cacheFor = (config: EmbeddingsConfig, onError: (error: unknown) => void): EmbeddingCache =>
  config.REDIS_URL === undefined
    ? new LruEmbeddingCache(config.EMBEDDINGS_CACHE_ENTRIES, config.EMBEDDINGS_CACHE_TTL_SECONDS)
    : new RedisEmbeddingCache(config.REDIS_URL, config.EMBEDDINGS_CACHE_TTL_SECONDS, onError);

export const createEmbeddings = (
  config: EmbeddingsConfig,
  db: SqlPool,
  onCacheError: (error: unknown) => void = () => undefined,
  provider: Embedder = providerFor(config),
): Embeddings => {
  const cache = cacheFor(config, onCacheError);
  return {
    embedder: new CachedEmbedder(provider, cache),
    queue: new PgEmbeddingQueue(db),
    index: new PgSearchIndex(db),
    quality: new PgQualityStore(db),
    threshold: config.EMBEDDINGS_STABILITY_THRESHOLD,
    close: async () => {
      if (cache instanceof RedisEmbeddingCache) await cache.close();
    },
  };
};

export const workerOptions = (config: EmbeddingsConfig, overrides: Partial<WorkerOptions> = {}): WorkerOptions => ({
  workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
  batchSize: config.EMBEDDINGS_BATCH_SIZE,
  // Longer than the worst batch: the http provider runs a batch four calls at a time, and each
  // call may time out on every attempt, with a backoff (at most 5 s) before each retry.
  leaseSeconds:
    Math.ceil((Math.ceil(config.EMBEDDINGS_BATCH_SIZE / 4) * (config.EMBEDDINGS_TIMEOUT_MS + 5000) * (config.EMBEDDINGS_RETRIES + 1)) / 1000) + 30,
  maxAttempts: config.EMBEDDINGS_JOB_MAX_ATTEMPTS,
  retryBaseSeconds: 5,
  retryMaxSeconds: 600,
  ...overrides,
});
