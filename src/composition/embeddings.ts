import { Cron } from 'croner';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CachedEmbedder } from '../adapters/embeddings/cached-embedder.ts';
import { LruEmbeddingCache, RedisEmbeddingCache } from '../adapters/embeddings/caches.ts';
import { HttpEmbedder } from '../adapters/embeddings/http-embedder.ts';
import { OpenAiEmbedder } from '../adapters/embeddings/openai-embedder.ts';
import type { RetryPolicy } from '../adapters/embeddings/post-json.ts';
import { PgEmbeddingQueue } from '../adapters/db/embedding-jobs.ts';
import { PgQualityStore, type QualityRun } from '../adapters/db/embedding-quality.ts';
import { PgSearchIndex } from '../adapters/db/search-index.ts';
import type { SqlPool } from '../adapters/db/sql.ts';
import { OfflineEmbedder } from '../core/embeddings/offline-embedder.ts';
import type { Embedder, EmbeddingCache } from '../core/embeddings/ports.ts';
import { checkEmbeddingQuality } from '../core/use-cases/embedding-quality.ts';
import { processEmbeddingBatch, type WorkerOptions } from '../core/use-cases/embedding-worker.ts';
import type { EmbeddingsApi } from '../http/deps.ts';
import type { Config } from './config.ts';

export type EmbeddingsConfig = Pick<
  Config,
  | 'EMBEDDINGS_PROVIDER' | 'EMBEDDINGS_MODEL' | 'ML_SERVICE_URL' | 'EMBEDDINGS_URL' | 'EMBEDDINGS_API_KEY' | 'EMBEDDINGS_TIMEOUT_MS'
  | 'EMBEDDINGS_RETRIES' | 'EMBEDDINGS_BATCH_SIZE' | 'EMBEDDINGS_CACHE_TTL_SECONDS' | 'EMBEDDINGS_CACHE_ENTRIES' | 'REDIS_URL'
  | 'EMBEDDINGS_JOB_MAX_ATTEMPTS' | 'EMBEDDINGS_QUALITY_CRON' | 'EMBEDDINGS_STABILITY_THRESHOLD'
>;

export interface Embeddings {
  embedder: CachedEmbedder;
  queue: PgEmbeddingQueue;
  index: PgSearchIndex;
  quality: PgQualityStore;
  threshold: number;
  close(): Promise<void>;
}

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

/** Opens a quality run, checks every embedding, and closes the run with its report. */
export const runQualityCheck = async (
  e: Embeddings,
  trigger: QualityRun['trigger'],
  requestedBy: string,
  options: { slot?: string; onProgress?: (done: number) => void } = {},
): Promise<QualityRun | null> => {
  const id = await e.quality.start(trigger, requestedBy, e.embedder.model, e.threshold, options.slot);
  if (id === null) return null;
  try {
    const report = await checkEmbeddingQuality({ store: e.quality, embedder: e.embedder, now: () => new Date().toISOString() }, e.threshold, options.onProgress);
    await e.quality.finish(id, 'done', report);
  } catch (error) {
    await e.quality.finish(id, 'failed', { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
  return (await e.quality.run(id)) ?? null;
};

/** What the HTTP routes need of search and the drift monitor. */
export const embeddingsApi = (e: Embeddings): EmbeddingsApi => ({
  index: e.index,
  embedder: e.embedder,
  runs: (limit) => e.quality.runs(limit),
  jobCounts: () => e.queue.counts(),
  runQuality: async (requestedBy) => {
    const run = await runQualityCheck(e, 'manual', requestedBy);
    if (run === null) throw new Error('a manual quality run could not be opened');
    return run;
  },
});

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

export interface WorkerHandle {
  /** Resolves when the current round is over; no new round starts. */
  stop(): Promise<void>;
}

/** How often an idle worker looks for due jobs. */
const POLL_MS = 1000;

/**
 * Runs the job worker: a round every second, back to back while there is a full batch. Model
 * switches are picked up at start by re-queueing vectors of any other model.
 */
export const startEmbeddingWorker = (
  e: Embeddings,
  options: WorkerOptions,
  hooks: { onError: (error: unknown) => void; onBatch?: (result: { claimed: number; stored: number; failed: number; error?: string }) => void },
): WorkerHandle => {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  const schedule = (delay: number): void => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(tick, delay);
    timer.unref();
  };
  const round = async (): Promise<void> => {
    let full = true;
    while (full && !stopped) {
      const result = await processEmbeddingBatch(e.queue, e.embedder, options);
      hooks.onBatch?.(result);
      full = result.claimed === options.batchSize && result.failed === 0;
    }
  };
  const tick = (): void => {
    if (running !== null) return;
    running = round()
      .catch(hooks.onError)
      .finally(() => {
        running = null;
        schedule(POLL_MS);
      });
  };
  running = e.queue
    .requeueOtherModels(e.embedder.model)
    .then(() => undefined)
    .catch(hooks.onError)
    .finally(() => {
      running = null;
      schedule(0);
    });
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      if (running !== null) await running;
    },
  };
};

/**
 * The scheduled drift check. Every worker process keeps the schedule; the run for a given minute
 * belongs to whichever opens it first in the database (a unique slot), so it runs once.
 */
export const startQualitySchedule = (
  e: Embeddings,
  pattern: string,
  hooks: { onError: (error: unknown) => void; onRun?: (run: QualityRun) => void },
): (() => Promise<void>) => {
  let running: Promise<void> | null = null;
  const job = new Cron(pattern, { timezone: 'UTC', protect: true, unref: true }, async () => {
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    running = runQualityCheck(e, 'schedule', 'plant:scheduler', { slot })
      .then((run) => {
        if (run !== null) hooks.onRun?.(run);
      })
      .catch(hooks.onError)
      .finally(() => {
        running = null;
      });
    await running;
  });
  // Stopping waits for a check in progress, so shutdown never leaves a run marked 'running'.
  return async () => {
    job.stop();
    if (running !== null) await running;
  };
};
